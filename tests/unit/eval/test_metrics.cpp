#include <gtest/gtest.h>

#include <cmath>

#include "evclass/core/error.hpp"
#include "evclass/eval/metrics.hpp"
#include "unit/eval/python_peer.hpp"

namespace evclass::eval {
namespace {

TEST(EvaluateBinary, ReportsEveryFigureAndWritesJsonWithNullForInfinity) {
  const auto train_events = test::make_binary_events(2000, 1);
  const auto test_events = test::make_binary_events(2000, 2);
  const LabeledScores train{std::span<const float>(train_events.scores), train_events.labels, train_events.weights,
                            "model 'bdt' on the train set"};
  const LabeledScores test{std::span<const float>(test_events.scores), test_events.labels, test_events.weights,
                           "model 'bdt' on the test set"};
  BinaryEvaluationOptions options;
  options.cut.min_background = 5.0;
  const BinaryMetrics m = evaluate_binary(test, train, options);

  EXPECT_EQ(m.unweighted.auc, roc_auc(test.unweighted()));
  EXPECT_EQ(m.weighted.auc, roc_auc(test));
  ASSERT_EQ(m.unweighted.signal_efficiency.size(), 3u);
  EXPECT_EQ(m.unweighted.signal_efficiency[1].background_efficiency, 0.1);
  // Efficiencies rise with the background efficiency allowed.
  EXPECT_LE(m.unweighted.signal_efficiency[0].signal_efficiency, m.unweighted.signal_efficiency[2].signal_efficiency);
  ASSERT_EQ(m.overtraining.size(), 2u);
  EXPECT_TRUE(m.overtraining[0].weighted.has_value());
  // Train and test come from the same generator: no overtraining should be flagged.
  EXPECT_GT(m.overtraining[1].unweighted.p_value, 0.001);
  ASSERT_EQ(m.test_histograms.size(), 2u);
  EXPECT_TRUE(m.best_cut.asimov.found);
  EXPECT_GE(m.best_cut.asimov.background, 5.0);

  const nlohmann::json j = to_json(m);
  EXPECT_TRUE(j["unweighted"]["roc"]["thresholds"][0].is_null());
  EXPECT_EQ(j["weighted"]["auc"].get<double>(), m.weighted.auc);
  EXPECT_EQ(j["confusion"]["counts"].size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(j.dump()), j);
}

TEST(EvaluateBinary, EfficienciesOutsideZeroOneAreConfigErrors) {
  const auto events = test::make_binary_events(100, 1);
  BinaryEvaluationOptions options;
  options.background_efficiencies = {10.0};  // meant 10%
  EXPECT_THROW((void)evaluate_binary(LabeledScores{std::span<const float>(events.scores), events.labels, {}, "x"},
                                     std::nullopt, options),
               ConfigError);
}

TEST(EvaluateFeatures, SeparationOrdersAFeatureThatSeparatesAboveOneThatDoesNot) {
  const std::size_t n = 2000;
  std::mt19937_64 rng(12);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::vector<float> columns(2 * n);
  std::vector<label_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = i % 2 == 0 ? 1 : 0;
    columns[i] = static_cast<float>(gauss(rng) + (labels[i] == 1 ? 2.0 : 0.0));
    columns[n + i] = static_cast<float>(gauss(rng));
  }
  const FeatureMetrics m = evaluate_features(FeatureColumns{columns, n, 2}, {"good", "noise"}, labels, {}, "features");
  EXPECT_GT(m.separation[0], 0.4);
  EXPECT_LT(m.separation[1], 0.05);
  EXPECT_EQ(to_json(m)["names"][1], "noise");
}

}  // namespace
}  // namespace evclass::eval
