#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "evclass/core/error.hpp"
#include "evclass/eval/ks_test.hpp"
#include "unit/eval/python_peer.hpp"

namespace evclass::eval {
namespace {

const char* kKolmogorovScript = R"(
import sys, json
from scipy.stats import kstwo
pairs = [tuple(map(float, p.split(':'))) for p in sys.argv[1].split(',')]
print(json.dumps([float(kstwo.sf(d, int(n))) for n, d in pairs]))
)";

const char* kKs2SampScript = R"(
import sys, json
import numpy as np
from scipy.stats import ks_2samp
out = []
for path in sys.argv[1:]:
    lines = open(path).read().split('\n')
    a = np.array([float(x) for x in lines[0].split()])
    b = np.array([float(x) for x in lines[1].split()])
    r = ks_2samp(a, b, method='asymp')
    out.append([float(r.statistic), float(r.pvalue)])
print(json.dumps(out))
)";

TEST(Kolmogorov, TailProbabilityMatchesScipyKstwoInEveryRegime) {
  if (const auto missing = test::python_peer_missing(); !missing.empty()) GTEST_SKIP() << missing;
  // (n, d) pairs chosen to land in each of the Simard-L'Ecuyer regimes: Ruben-Gambino ends,
  // Durbin matrix, Pomeranz region (n <= 140), Smirnov sum, Pelz-Good (n > 100000).
  const std::vector<std::pair<std::int64_t, double>> cases{
      {10, 0.03},   {10, 0.07},   {10, 0.95},  {10, 0.6},    {10, 0.2},   {10, 0.35},   {50, 0.05},
      {50, 0.1},    {50, 0.2},    {50, 0.33},  {140, 0.05},  {140, 0.12}, {140, 0.2},   {141, 0.05},
      {500, 0.02},  {500, 0.05},  {500, 0.08}, {500, 0.0015}, {2000, 0.01}, {2000, 0.04}, {2000, 0.3},
      {99999, 0.003}, {150000, 0.002}, {150000, 0.004}, {1000000, 0.0012}, {30, 0.99}, {400, 0.9}};
  std::ostringstream arg;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    char text[64];
    std::snprintf(text, sizeof text, "%s%lld:%.17g", i ? "," : "", static_cast<long long>(cases[i].first),
                  cases[i].second);
    arg << text;
  }
  const auto dir = test::temp_dir("kolmogorov");
  const auto reference = test::run_python(dir, kKolmogorovScript, arg.str()).get<std::vector<double>>();
  ASSERT_EQ(reference.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const double mine = kolmogorov_two_sided_sf(cases[i].first, cases[i].second);
    EXPECT_NEAR(mine, reference[i], 1e-10 + 1e-9 * reference[i])
        << "n=" << cases[i].first << " d=" << cases[i].second;
  }
}

TEST(Kolmogorov, ClosedFormsAtTheEnds) {
  EXPECT_EQ(kolmogorov_two_sided_sf(20, 0.0), 1.0);
  EXPECT_EQ(kolmogorov_two_sided_sf(20, 1.0), 0.0);
  EXPECT_EQ(kolmogorov_two_sided_sf(20, 0.5 / 20), 1.0);            // D_n >= 1/2n always
  EXPECT_NEAR(kolmogorov_two_sided_sf(20, 0.96), 2 * std::pow(0.04, 20), 1e-40);  // 2(1-d)^n
  // n = 1: D_1 = max(U, 1-U) is uniform on [1/2, 1], so P(D_1 > d) = 2(1 - d).
  EXPECT_NEAR(kolmogorov_two_sided_sf(1, 0.7), 0.6, 1e-14);
}

TEST(KsTwoSample, StatisticAndPValueMatchScipyKs2sampAsymp) {
  if (const auto missing = test::python_peer_missing(); !missing.empty()) GTEST_SKIP() << missing;
  const auto dir = test::temp_dir("ks2samp");
  std::mt19937_64 rng(77);
  std::normal_distribution<double> gauss(0.0, 1.0);
  // Sizes and shifts spanning p-values from ~1 to ~0, with ties (values rounded to 0.01).
  const std::vector<std::tuple<std::size_t, std::size_t, double>> setups{
      {40, 60, 0.0}, {200, 150, 0.3}, {1000, 800, 0.05}, {3000, 2500, 0.1}, {700, 5000, 0.0}, {30, 25, 1.0}};
  std::vector<std::pair<std::vector<double>, std::vector<double>>> samples;
  std::string args;
  for (std::size_t s = 0; s < setups.size(); ++s) {
    auto [na, nb, shift] = setups[s];
    std::vector<double> a(na), b(nb);
    for (double& x : a) x = std::round(gauss(rng) * 100) / 100;
    for (double& x : b) x = std::round((gauss(rng) + shift) * 100) / 100;
    const auto path = dir / ("sample" + std::to_string(s) + ".txt");
    std::ofstream out(path);
    out.precision(17);
    for (double x : a) out << x << ' ';
    out << '\n';
    for (double x : b) out << x << ' ';
    out << '\n';
    args += path.string() + " ";
    samples.emplace_back(std::move(a), std::move(b));
  }
  const auto reference = test::run_python(dir, kKs2SampScript, args);
  for (std::size_t s = 0; s < samples.size(); ++s) {
    const KsResult r = ks_two_sample(std::span<const double>(samples[s].first), {},
                                     std::span<const double>(samples[s].second), {}, "ks");
    EXPECT_EQ(r.statistic, reference[s][0].get<double>()) << "setup " << s;
    const double p = reference[s][1].get<double>();
    EXPECT_NEAR(r.p_value, p, 1e-10 + 1e-9 * p) << "setup " << s;
  }
}

TEST(KsTwoSample, EqualWeightsGiveTheUnweightedResult) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::vector<double> a(300), b(400);
  for (double& x : a) x = gauss(rng);
  for (double& x : b) x = gauss(rng) + 0.2;
  const std::vector<double> wa(a.size(), 0.37), wb(b.size(), 2.5);
  const KsResult plain = ks_two_sample(std::span<const double>(a), {}, std::span<const double>(b), {}, "ks");
  const KsResult weighted = ks_two_sample(std::span<const double>(a), wa, std::span<const double>(b), wb, "ks");
  EXPECT_NEAR(weighted.statistic, plain.statistic, 1e-12);
  EXPECT_NEAR(weighted.n_eff_a, 300.0, 1e-9);
  EXPECT_NEAR(weighted.n_eff_b, 400.0, 1e-9);
  EXPECT_NEAR(weighted.p_value, plain.p_value, 1e-9);
}

TEST(KsTwoSample, WeightedStatisticComparesWeightedCdfs) {
  // a: value 0 with weight 3, value 1 with weight 1 -> F_a(0) = 0.75. b: 0 and 1 equally -> 0.5.
  const std::vector<double> a{0.0, 1.0}, wa{3.0, 1.0}, b{0.0, 1.0}, wb{1.0, 1.0};
  const KsResult r = ks_two_sample(std::span<const double>(a), wa, std::span<const double>(b), wb, "ks");
  EXPECT_DOUBLE_EQ(r.statistic, 0.25);
  EXPECT_DOUBLE_EQ(r.n_eff_a, 16.0 / 10.0);
}

TEST(KsTwoSample, AnEmptySampleIsAClearError) {
  const std::vector<double> a{0.1, 0.2}, b;
  try {
    (void)ks_two_sample(std::span<const double>(a), {}, std::span<const double>(b), {}, "overtraining check");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no events"), std::string::npos) << e.what();
  }
}

TEST(Overtraining, IdenticalTrainAndTestScoresGiveStatisticZeroPerClass) {
  const auto events = test::make_binary_events(500, 11);
  const LabeledScores set{std::span<const float>(events.scores), events.labels, {}, "same"};
  const auto checks = overtraining_check(set, set, 2);
  ASSERT_EQ(checks.size(), 2u);
  for (const auto& c : checks) {
    EXPECT_EQ(c.statistic, 0.0);
    EXPECT_EQ(c.p_value, 1.0);
  }
}

}  // namespace
}  // namespace evclass::eval
