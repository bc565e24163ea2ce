#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "evclass/core/error.hpp"
#include "evclass/eval/correlation.hpp"

namespace evclass::eval {
namespace {

TEST(Correlation, LinearFunctionsOfAFeatureCorrelateWithPlusOrMinusOne) {
  const std::size_t n = 1000;
  std::mt19937_64 rng(8);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<float> columns(4 * n);
  std::vector<double> weights(n);
  std::vector<label_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float x = static_cast<float>(gauss(rng));
    columns[i] = x;
    columns[n + i] = 2.0f * x + 3.0f;  // exact in float for these magnitudes? close enough: see tolerance
    columns[2 * n + i] = -0.5f * x;
    columns[3 * n + i] = static_cast<float>(gauss(rng));
    weights[i] = uniform(rng) < 0.1 ? -0.1 : 0.5 + uniform(rng);
    labels[i] = i % 3 == 0 ? 0 : 1;
  }
  const FeatureColumns features{columns, n, 4};
  const ClassCorrelations c = class_correlations(features, labels, weights, "features");
  for (const CorrelationMatrix* m : {&c.signal, &c.background}) {
    EXPECT_NEAR(m->at(0, 1), 1.0, 1e-6);
    EXPECT_NEAR(m->at(0, 2), -1.0, 1e-12);  // exact scaling by a power of two
    EXPECT_NEAR(m->at(1, 2), -1.0, 1e-6);
    EXPECT_EQ(m->at(3, 3), 1.0);
    EXPECT_LT(std::abs(m->at(0, 3)), 0.15);
    EXPECT_EQ(m->at(0, 3), m->at(3, 0));
  }
}

TEST(Correlation, MatchesABruteForceWeightedPearsonOnASmallSample) {
  const std::vector<float> columns{1, 2, 4, 7, /* second */ 2, 1, 5, 3};
  const std::vector<double> weights{1.0, 2.0, -0.2, 1.5};
  double sw = 0, mx = 0, my = 0;
  for (int i = 0; i < 4; ++i) {
    sw += weights[i];
    mx += weights[i] * columns[i];
    my += weights[i] * columns[4 + i];
  }
  mx /= sw;
  my /= sw;
  double cxy = 0, cxx = 0, cyy = 0;
  for (int i = 0; i < 4; ++i) {
    cxy += weights[i] * (columns[i] - mx) * (columns[4 + i] - my);
    cxx += weights[i] * (columns[i] - mx) * (columns[i] - mx);
    cyy += weights[i] * (columns[4 + i] - my) * (columns[4 + i] - my);
  }
  ASSERT_GT(cxx, 0.0);
  ASSERT_GT(cyy, 0.0);
  const CorrelationMatrix m = correlation_matrix(FeatureColumns{columns, 4, 2}, weights, {}, "small");
  EXPECT_NEAR(m.at(0, 1), cxy / std::sqrt(cxx * cyy), 1e-14);
}

TEST(Correlation, AConstantFeatureGetsZeroCorrelation) {
  const std::vector<float> columns{1, 2, 3, 5, 5, 5};
  const CorrelationMatrix m = correlation_matrix(FeatureColumns{columns, 3, 2}, {}, {}, "constant");
  EXPECT_EQ(m.at(0, 1), 0.0);
  EXPECT_EQ(m.at(1, 1), 1.0);
}

TEST(Correlation, NoBackgroundEventsIsAClearError) {
  const std::vector<float> columns{1, 2, 3};
  const std::vector<label_t> labels{1, 1, 1};
  try {
    (void)class_correlations(FeatureColumns{columns, 3, 1}, labels, {}, "the test set");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("background events"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace evclass::eval
