#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "evclass/core/error.hpp"
#include "evclass/eval/histogram.hpp"

namespace evclass::eval {
namespace {

TEST(Histogram, FillsWeightsAndSquaredWeightsWithTheUpperEdgeInTheLastBin) {
  const std::vector<double> values{0.0, 0.1, 0.55, 1.0, -0.2, 1.3};
  const std::vector<double> weights{1.0, 2.0, -0.5, 3.0, 7.0, 11.0};
  const Histogram h = fill_histogram(std::span<const double>(values), weights, {4, 0.0, 1.0}, "h");
  ASSERT_EQ(h.sum_weights.size(), 4u);
  EXPECT_EQ(h.sum_weights[0], 3.0);
  EXPECT_EQ(h.sum_weights_squared[0], 5.0);
  EXPECT_EQ(h.sum_weights[2], -0.5);
  EXPECT_EQ(h.sum_weights_squared[2], 0.25);
  EXPECT_EQ(h.sum_weights[3], 3.0);
  EXPECT_EQ(h.underflow, 7.0);
  EXPECT_EQ(h.overflow, 11.0);
  EXPECT_EQ(h.entries, 6u);
}

TEST(Histogram, BadAxesAreConfigErrors) {
  const std::vector<double> values{0.5};
  EXPECT_THROW((void)fill_histogram(std::span<const double>(values), {}, {0, 0.0, 1.0}, "h"), ConfigError);
  EXPECT_THROW((void)fill_histogram(std::span<const double>(values), {}, {10, 1.0, 1.0}, "h"), ConfigError);
  EXPECT_THROW((void)fill_histogram(std::span<const double>(values), {}, {kMaxBins + 1, 0.0, 1.0}, "h"), ConfigError);
}

TEST(Separation, IdenticalDistributionsGiveZeroAndDisjointOnesGiveOne) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> values;
  std::vector<label_t> labels;
  // Same values in both classes: the normalised histograms are identical.
  for (int i = 0; i < 1000; ++i) {
    const double x = uniform(rng);
    values.push_back(x);
    labels.push_back(1);
    values.push_back(x);
    labels.push_back(0);
  }
  EXPECT_NEAR(separation(LabeledScores{std::span<const double>(values), labels, {}, "same"}), 0.0, 1e-15);

  for (std::size_t i = 0; i < values.size(); ++i) values[i] = labels[i] == 1 ? 0.6 + 0.4 * values[i] : 0.4 * values[i];
  EXPECT_NEAR(separation(LabeledScores{std::span<const double>(values), labels, {}, "disjoint"}), 1.0, 1e-14);
}

TEST(Separation, MatchesTheFormulaOnTwoBins) {
  // Signal: 3/4 in bin 0, 1/4 in bin 1; background: 1/4, 3/4.
  // <S^2> = 1/2 * 2 * (0.5^2 / 1) = 0.25.
  const std::vector<double> values{0.1, 0.1, 0.1, 0.9, 0.1, 0.9, 0.9, 0.9};
  const std::vector<label_t> labels{1, 1, 1, 1, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(separation(LabeledScores{std::span<const double>(values), labels, {}, "two"}, 2,
                              std::pair{0.0, 1.0}),
                   0.25);
}

TEST(Separation, AClassWithoutWeightIsAnError) {
  const std::vector<double> values{0.1, 0.9};
  const std::vector<label_t> labels{1, 1};
  EXPECT_THROW((void)separation(LabeledScores{std::span<const double>(values), labels, {}, "one class"}), Error);
}

}  // namespace
}  // namespace evclass::eval
