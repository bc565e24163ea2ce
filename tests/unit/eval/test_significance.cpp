#include <gtest/gtest.h>

#include <cmath>

#include "evclass/core/error.hpp"
#include "evclass/eval/significance.hpp"

namespace evclass::eval {
namespace {

TEST(AsimovSignificance, MatchesTheClosedFormAndTendsToSOverSqrtBForSmallS) {
  EXPECT_NEAR(asimov_significance(10.0, 100.0), std::sqrt(2.0 * (110.0 * std::log(1.1) - 10.0)), 1e-12);
  EXPECT_NEAR(asimov_significance(5.0, 1.0), std::sqrt(2.0 * (6.0 * std::log(6.0) - 5.0)), 1e-12);
  // s << b: Z_A -> s / sqrt(b) (1 - s / (6b) ...), where the naive formula cancels catastrophically.
  const double s = 1e-3, b = 1e6;
  EXPECT_NEAR(asimov_significance(s, b) / (s / std::sqrt(b)), 1.0, 1e-9);
  EXPECT_EQ(asimov_significance(0.0, 5.0), 0.0);
  EXPECT_TRUE(std::isnan(asimov_significance(1.0, 0.0)));
}

TEST(BestCut, FindsTheCutThatMaximisesEachFigureOfMerit) {
  // Scores 0.9/0.7/0.5/0.3: signal weights 4/3/2/1, background weights 0.5/1.5/4/8.
  // Cuts: >=0.9: s=4,b=0.5; >=0.7: s=7,b=2; >=0.5: s=9,b=6; >=0.3: s=10,b=14.
  // s/sqrt(b) = 5.66, 4.95, 3.67, 2.67 -> 0.9; Z_A = 3.43, 3.62, 3.08, 2.55 -> 0.7
  // (s/sqrt(b) overstates the significance of cuts with little background).
  const std::vector<double> scores{0.9, 0.9, 0.7, 0.7, 0.5, 0.5, 0.3, 0.3};
  const std::vector<label_t> labels{1, 0, 1, 0, 1, 0, 1, 0};
  const std::vector<double> weights{4, 0.5, 3, 1.5, 2, 4, 1, 8};
  const LabeledScores input{std::span<const double>(scores), labels, weights, "cut"};
  CutScanOptions options;
  options.min_background = 0.4;
  const CutScan scan = scan_best_cut(input, options);
  ASSERT_TRUE(scan.simple.found);
  EXPECT_EQ(scan.simple.threshold, 0.9);
  EXPECT_DOUBLE_EQ(scan.simple.signal, 4.0);
  EXPECT_DOUBLE_EQ(scan.simple.background, 0.5);
  EXPECT_DOUBLE_EQ(scan.simple.significance, 4.0 / std::sqrt(0.5));
  EXPECT_DOUBLE_EQ(scan.simple.signal_efficiency, 0.4);
  EXPECT_DOUBLE_EQ(scan.simple.background_rejection, 1.0 - 0.5 / 14.0);
  ASSERT_TRUE(scan.asimov.found);
  EXPECT_EQ(scan.asimov.threshold, 0.7);
  EXPECT_DOUBLE_EQ(scan.asimov.signal, 7.0);
  EXPECT_NEAR(scan.asimov.significance, std::sqrt(2.0 * (9.0 * std::log(4.5) - 7.0)), 1e-12);

  // A minimum background of 1 forbids the 0.9 cut; scaling both yields by 4 allows it again
  // and doubles s/sqrt(b).
  options.min_background = 1.0;
  EXPECT_EQ(scan_best_cut(input, options).simple.threshold, 0.7);
  options.signal_scale = options.background_scale = 4.0;
  const CutScan scaled = scan_best_cut(input, options);
  EXPECT_EQ(scaled.simple.threshold, 0.9);
  EXPECT_DOUBLE_EQ(scaled.simple.significance, 2.0 * 4.0 / std::sqrt(0.5));
}

TEST(BestCut, NoCutIsFoundWhenNoneLeavesEnoughBackground) {
  const std::vector<double> scores{0.9, 0.1};
  const std::vector<label_t> labels{1, 0};
  const std::vector<double> weights{1.0, 0.5};
  const CutScan scan = scan_best_cut(LabeledScores{std::span<const double>(scores), labels, weights, "few"});
  EXPECT_FALSE(scan.simple.found);
  EXPECT_FALSE(scan.asimov.found);
}

TEST(BestCut, ANonPositiveMinimumBackgroundIsAConfigError) {
  const std::vector<double> scores{0.9, 0.1};
  const std::vector<label_t> labels{1, 0};
  CutScanOptions options;
  options.min_background = 0.0;
  EXPECT_THROW((void)scan_best_cut(LabeledScores{std::span<const double>(scores), labels, {}, "x"}, options),
               ConfigError);
}

}  // namespace
}  // namespace evclass::eval
