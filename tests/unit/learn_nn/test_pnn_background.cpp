// The pnn's parameter points: distinct signal points, balancing them, and the parameter values
// each background strategy gives the background rows (distribution, seeding, epochs).

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include "evclass/core/error.hpp"
#include "learn/nn/parameter_points.hpp"

namespace evclass::learn::nn {
namespace {

TEST(ParameterPoints, GroupsEqualTuplesSortedWithTheirWeightsAndCounts) {
  // Rows of (mass, width); rows 1 and 4 are background and not listed.
  const std::vector<float> theta = {750, 1, 500, 2, 500, 1, 750, 1, 9, 9, 500, 1};
  const std::vector<double> weights = {1.0, 5.0, 2.0, 0.5, 7.0, 0.25};
  const std::vector<std::size_t> rows = {0, 2, 3, 5};
  const ParameterPoints p = find_points(theta, 2, weights, rows);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p.values, (std::vector<float>{500, 1, 750, 1}));
  EXPECT_EQ(p.weight, (std::vector<double>{2.25, 1.5}));
  EXPECT_EQ(p.count, (std::vector<std::size_t>{2, 2}));
}

TEST(ParameterPoints, BalancingGivesEverySignalPointTheSameTotalAndKeepsTheSignalTotal) {
  // Signal at 500 (3 rows, weight 6), 1000 (1 row, weight 1), 1500 (2 rows, weight 5); background
  // rows keep their weights.
  const std::vector<float> theta = {500, 500, 500, 1000, 1500, 1500, 700, 800};
  const std::vector<std::int32_t> labels = {1, 1, 1, 1, 1, 1, 0, 0};
  std::vector<double> weights = {1, 2, 3, 1, 4, 1, 10, 20};
  const ParameterPoints p = balance_signal_points(theta, 1, labels, weights, "pnn");
  ASSERT_EQ(p.size(), 3u);
  double at[3] = {0, 0, 0};
  for (std::size_t i = 0; i < 6; ++i) at[theta[i] == 500 ? 0 : theta[i] == 1000 ? 1 : 2] += weights[i];
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(at[k], 12.0 / 3.0, 1e-12) << k;
    EXPECT_NEAR(p.weight[static_cast<std::size_t>(k)], 4.0, 1e-12) << k;
  }
  // Within a point the rows keep their ratios.
  EXPECT_NEAR(weights[1] / weights[0], 2.0, 1e-12);
  EXPECT_EQ(weights[6], 10.0);
  EXPECT_EQ(weights[7], 20.0);
}

TEST(ParameterPoints, BalancingRefusesAPointWithoutPositiveWeight) {
  const std::vector<float> theta = {500, 500, 1000};
  const std::vector<std::int32_t> labels = {1, 1, 1};
  std::vector<double> weights = {1.0, -1.0, 2.0};
  try {
    (void)balance_signal_points(theta, 1, labels, weights, "pnn");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("(500)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("balance_parameter_points"), std::string::npos) << e.what();
  }
}

ParameterPoints four_points() {
  ParameterPoints p;
  p.n_parameters = 2;
  p.values = {500, 0.1f, 750, 0.1f, 1000, 0.1f, 1250, 0.2f};
  p.weight = {1.0, 3.0, 0.0, 4.0};
  p.count = {10, 10, 10, 10};
  return p;
}

TEST(BackgroundParameters, ResampleDrawsSignalPointsInProportionToTheirWeight) {
  const BackgroundParameters bg(BackgroundStrategy::resample, four_points(), {}, 7, "pnn");
  constexpr std::size_t n = 200000;
  const std::vector<float> v = bg.values(1, n);
  ASSERT_EQ(v.size(), 2 * n);
  std::map<float, double> share;
  for (std::size_t i = 0; i < n; ++i) {
    share[v[2 * i]] += 1.0 / n;
    // Tuples are drawn whole: the second value always belongs to the first's point.
    EXPECT_EQ(v[2 * i + 1], v[2 * i] == 1250 ? 0.2f : 0.1f);
  }
  EXPECT_EQ(share.count(1000.0f), 0u) << "a point of zero weight is never drawn";
  // Binomial standard deviations are about 0.001.
  EXPECT_NEAR(share[500.0f], 1.0 / 8.0, 0.005);
  EXPECT_NEAR(share[750.0f], 3.0 / 8.0, 0.005);
  EXPECT_NEAR(share[1250.0f], 4.0 / 8.0, 0.005);
}

TEST(BackgroundParameters, NegativePointWeightsAreNeverDrawn) {
  ParameterPoints p = four_points();
  p.weight = {-2.0, 1.0, -5.0, 1.0};
  const BackgroundParameters bg(BackgroundStrategy::resample, p, {}, 8, "pnn");
  const std::vector<float> v = bg.values(3, 5000);
  for (std::size_t i = 0; i < 5000; ++i) EXPECT_TRUE(v[2 * i] == 750 || v[2 * i] == 1250) << v[2 * i];
}

TEST(BackgroundParameters, ResampleDrawsAnewEachEpochAndIsReproducibleForASeed) {
  const BackgroundParameters a(BackgroundStrategy::resample, four_points(), {}, 7, "pnn");
  const BackgroundParameters same(BackgroundStrategy::resample, four_points(), {}, 7, "pnn");
  const BackgroundParameters other(BackgroundStrategy::resample, four_points(), {}, 8, "pnn");
  EXPECT_EQ(a.values(1, 1000), same.values(1, 1000));
  EXPECT_EQ(a.values(5, 1000), same.values(5, 1000));
  EXPECT_NE(a.values(1, 1000), a.values(2, 1000));
  EXPECT_NE(a.values(1, 1000), other.values(1, 1000));
  // The i-th row's value does not depend on how many rows are drawn.
  const auto many = a.values(4, 1000), few = a.values(4, 10);
  EXPECT_EQ(std::vector<float>(many.begin(), many.begin() + 20), few);
}

TEST(BackgroundParameters, ResampleOnceGivesEveryEpochTheSameValuesAndValidationItsOwn) {
  const BackgroundParameters bg(BackgroundStrategy::resample_once, four_points(), {}, 7, "pnn");
  const auto first = bg.values(1, 1000);
  EXPECT_EQ(bg.values(2, 1000), first);
  EXPECT_EQ(bg.values(37, 1000), first);
  EXPECT_NE(bg.values(0, 1000), first);  // the run's validation rows
  const BackgroundParameters resample(BackgroundStrategy::resample, four_points(), {}, 7, "pnn");
  EXPECT_EQ(resample.values(1, 1000), first) << "both draw epoch 1 alike";
}

TEST(BackgroundParameters, FixedRepeatsItsValueAndAsGivenSetsNothing) {
  const BackgroundParameters fixed(BackgroundStrategy::fixed, four_points(), {900.0f, 0.3f}, 7, "pnn");
  EXPECT_TRUE(fixed.sets_values());
  const auto v = fixed.values(3, 4);
  EXPECT_EQ(v, (std::vector<float>{900, 0.3f, 900, 0.3f, 900, 0.3f, 900, 0.3f}));
  const BackgroundParameters kept(BackgroundStrategy::as_given, four_points(), {}, 7, "pnn");
  EXPECT_FALSE(kept.sets_values());
  EXPECT_TRUE(kept.values(1, 100).empty());
}

TEST(BackgroundParameters, DrawingNeedsASignalPointOfPositiveWeight) {
  ParameterPoints p = four_points();
  p.weight = {0.0, -1.0, 0.0, 0.0};
  EXPECT_THROW(BackgroundParameters(BackgroundStrategy::resample, p, {}, 1, "pnn"), ConfigError);
  EXPECT_THROW(BackgroundParameters(BackgroundStrategy::resample_once, p, {}, 1, "pnn"), ConfigError);
  EXPECT_NO_THROW(BackgroundParameters(BackgroundStrategy::as_given, p, {}, 1, "pnn"));
}

}  // namespace
}  // namespace evclass::learn::nn
