#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "evclass/core/error.hpp"
#include "evclass/eval/roc.hpp"
#include "unit/eval/python_peer.hpp"

namespace evclass::eval {
namespace {

using test::BinaryEvents;

const char* kRocScript = R"(
import sys, json, warnings
import numpy as np, pandas as pd
from sklearn.metrics import roc_curve, roc_auc_score
warnings.simplefilter('ignore')
d = pd.read_csv(sys.argv[1], float_precision='round_trip')
y, s, w = d['label'].values, d['score'].values, d['weight'].values
out = {}
for name, sw in (('unweighted', None), ('weighted', w)):
    fpr, tpr, thr = roc_curve(y, s, sample_weight=sw, drop_intermediate=False)
    try:
        auc = roc_auc_score(y, s, sample_weight=sw)
    except ValueError:  # negative weights can make fpr non-monotonic; auc() refuses, trapz does not
        auc = float(np.trapz(tpr, fpr))
    out[name] = {'fpr': fpr.tolist(), 'tpr': tpr.tolist(), 'thresholds': thr.tolist(), 'auc': auc}
print(json.dumps(out))
)";

void expect_matches_sklearn(const RocCurve& curve, const nlohmann::json& reference, bool exact) {
  const auto fpr = reference["fpr"].get<std::vector<double>>();
  const auto tpr = reference["tpr"].get<std::vector<double>>();
  const auto thresholds = reference["thresholds"].get<std::vector<double>>();
  ASSERT_EQ(curve.size(), fpr.size());
  EXPECT_TRUE(std::isinf(curve.thresholds[0]));
  // scikit-learn 1.2 puts max + 1 first (newer versions +inf); evclass always +inf.
  EXPECT_DOUBLE_EQ(thresholds[0], curve.thresholds[1] + 1.0);
  for (std::size_t k = 0; k < curve.size(); ++k) {
    if (k > 0) {
      EXPECT_EQ(curve.thresholds[k], thresholds[k]) << "point " << k;
    }
    if (exact) {
      EXPECT_EQ(curve.fpr[k], fpr[k]) << "point " << k;
      EXPECT_EQ(curve.tpr[k], tpr[k]) << "point " << k;
    } else {
      // Compensated sums may differ from numpy's plain cumsum in the last bits.
      EXPECT_NEAR(curve.fpr[k], fpr[k], 1e-12) << "point " << k;
      EXPECT_NEAR(curve.tpr[k], tpr[k], 1e-12) << "point " << k;
    }
  }
}

TEST(RocCurve, MatchesScikitLearnWithTiesAndNegativeWeights) {
  if (const auto missing = test::python_peer_missing(); !missing.empty()) GTEST_SKIP() << missing;
  const BinaryEvents events = test::make_binary_events(5000, 20240611);
  const auto dir = test::temp_dir("roc");
  test::write_csv(dir / "events.csv", events);
  const auto reference = test::run_python(dir, kRocScript, (dir / "events.csv").string());

  const LabeledScores weighted{std::span<const float>(events.scores), events.labels, events.weights, "test"};
  const RocCurve unweighted_curve = roc_curve(weighted.unweighted());
  const RocCurve weighted_curve = roc_curve(weighted);
  expect_matches_sklearn(unweighted_curve, reference["unweighted"], true);
  expect_matches_sklearn(weighted_curve, reference["weighted"], false);
  EXPECT_NEAR(roc_auc(unweighted_curve), reference["unweighted"]["auc"].get<double>(), 1e-9);
  EXPECT_NEAR(roc_auc(weighted_curve), reference["weighted"]["auc"].get<double>(), 1e-9);
  // The generator has many ties (scores on a 1/50 grid), so the curve is much shorter than n.
  EXPECT_LT(unweighted_curve.size(), 60u);
}

TEST(RocCurve, AucOfAPerfectAndOfAnInvertedClassifierIsOneAndZero) {
  const std::vector<double> scores{0.1, 0.2, 0.8, 0.9};
  const std::vector<label_t> labels{0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(roc_auc(LabeledScores{std::span<const double>(scores), labels, {}, "perfect"}), 1.0);
  const std::vector<label_t> inverted{1, 1, 0, 0};
  EXPECT_DOUBLE_EQ(roc_auc(LabeledScores{std::span<const double>(scores), inverted, {}, "inverted"}), 0.0);
}

TEST(RocCurve, AucEqualsTheFractionOfCorrectlyOrderedPairsCountingTiesAsHalf) {
  const BinaryEvents events = test::make_binary_events(400, 7);
  double ordered = 0.0, pairs = 0.0;
  for (std::size_t i = 0; i < events.scores.size(); ++i) {
    if (events.labels[i] != 1) continue;
    for (std::size_t j = 0; j < events.scores.size(); ++j) {
      if (events.labels[j] != 0) continue;
      pairs += 1.0;
      ordered += events.scores[i] > events.scores[j] ? 1.0 : (events.scores[i] == events.scores[j] ? 0.5 : 0.0);
    }
  }
  const LabeledScores input{std::span<const float>(events.scores), events.labels, {}, "pairs"};
  EXPECT_NEAR(roc_auc(input), ordered / pairs, 1e-12);
}

TEST(RocCurve, ZeroWeightEventsAddNoThresholds) {
  const std::vector<double> scores{0.9, 0.5, 0.3, 0.1};
  const std::vector<label_t> labels{1, 0, 1, 0};
  const std::vector<double> weights{1.0, 0.0, 1.0, 1.0};
  const RocCurve curve = roc_curve(LabeledScores{std::span<const double>(scores), labels, weights, "zero"});
  ASSERT_EQ(curve.size(), 4u);  // +inf, 0.9, 0.3, 0.1
  EXPECT_EQ(curve.thresholds[2], 0.3);
  EXPECT_EQ(curve.tpr[2], 1.0);
  EXPECT_EQ(curve.fpr[2], 0.0);
}

TEST(RocCurve, NaNScoresAreRefusedWithTheirCountAndContext) {
  const std::vector<double> scores{0.1, std::nan(""), 0.3, std::nan("")};
  const std::vector<label_t> labels{0, 1, 0, 1};
  try {
    (void)roc_curve(LabeledScores{std::span<const double>(scores), labels, {}, "model 'bdt' on the test set"});
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("model 'bdt' on the test set"), std::string::npos) << what;
    EXPECT_NE(what.find("2 of 4 scores are NaN"), std::string::npos) << what;
  }
}

TEST(RocCurve, AnEmptyClassIsAClearError) {
  const std::vector<double> scores{0.1, 0.7};
  const std::vector<label_t> labels{1, 1};
  try {
    (void)roc_curve(LabeledScores{std::span<const double>(scores), labels, {}, "the test set"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no background events"), std::string::npos) << e.what();
  }
}

TEST(RocCurve, AllWeightsZeroIsAClearError) {
  const std::vector<double> scores{0.1, 0.7};
  const std::vector<label_t> labels{0, 1};
  const std::vector<double> weights{0.0, 0.0};
  try {
    (void)roc_curve(LabeledScores{std::span<const double>(scores), labels, weights, "the test set"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sum to 0"), std::string::npos) << e.what();
  }
}

TEST(RocCurve, LabelsOtherThanZeroAndOneAreRefused) {
  const std::vector<double> scores{0.1, 0.7};
  const std::vector<label_t> labels{0, 2};
  EXPECT_THROW((void)roc_curve(LabeledScores{std::span<const double>(scores), labels, {}, "x"}), Error);
}

// Uniform scores on a fine grid: fpr and tpr are known in closed form at every cut.
RocCurve linear_curve() {
  RocCurve curve;
  curve.fpr = {0.0, 0.01, 0.1, 0.3, 1.0};
  curve.tpr = {0.0, 0.2, 0.5, 0.8, 1.0};
  curve.thresholds = {std::numeric_limits<double>::infinity(), 0.9, 0.7, 0.5, 0.0};
  curve.true_positives = curve.tpr;
  curve.false_positives = curve.fpr;
  return curve;
}

TEST(Efficiencies, SignalEfficiencyIsInterpolatedLinearlyBetweenRocPoints) {
  const RocCurve curve = linear_curve();
  EXPECT_DOUBLE_EQ(signal_efficiency_at(curve, 0.01), 0.2);
  EXPECT_DOUBLE_EQ(signal_efficiency_at(curve, 0.2), 0.5 + 0.5 * 0.3);
  EXPECT_DOUBLE_EQ(signal_efficiency_at(curve, 1.0), 1.0);
  EXPECT_TRUE(std::isnan(signal_efficiency_at(curve, 1.5)));
}

TEST(Efficiencies, AtAVerticalStepTheHighestSignalEfficiencyIsTaken) {
  RocCurve curve;
  curve.fpr = {0.0, 0.0, 0.0, 0.5, 1.0};
  curve.tpr = {0.0, 0.3, 0.6, 0.8, 1.0};
  EXPECT_DOUBLE_EQ(signal_efficiency_at(curve, 0.0), 0.6);
}

TEST(Efficiencies, BackgroundRejectionAtASignalEfficiency) {
  const RocCurve curve = linear_curve();
  const BackgroundRejection at_half = background_rejection_at(curve, 0.5);
  EXPECT_DOUBLE_EQ(at_half.background_efficiency, 0.1);
  EXPECT_DOUBLE_EQ(at_half.inverse, 10.0);
  EXPECT_DOUBLE_EQ(at_half.complement, 0.9);
  const BackgroundRejection between = background_rejection_at(curve, 0.65);
  EXPECT_NEAR(between.background_efficiency, 0.2, 1e-15);
  EXPECT_TRUE(std::isinf(background_rejection_at(curve, 0.0).inverse));
}

TEST(ThinRoc, KeepsTheEndsAndAtMostTheRequestedPoints) {
  const BinaryEvents events = test::make_binary_events(3000, 3);
  std::vector<double> fine(events.scores.size());
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> jitter(0.0, 1e-3);
  for (std::size_t i = 0; i < fine.size(); ++i) fine[i] = events.scores[i] + jitter(rng);
  const RocCurve curve = roc_curve(LabeledScores{std::span<const double>(fine), events.labels, {}, "thin"});
  ASSERT_GT(curve.size(), 1000u);
  const RocCurve thin = thin_roc(curve, 50);
  EXPECT_LE(thin.size(), 50u);
  EXPECT_GE(thin.size(), 40u);
  EXPECT_EQ(thin.fpr.front(), 0.0);
  EXPECT_EQ(thin.fpr.back(), 1.0);
  EXPECT_EQ(thin.tpr.back(), 1.0);
  // Every kept point is a point of the full curve.
  for (std::size_t k = 0; k < thin.size(); ++k) {
    const auto it = std::find(curve.thresholds.begin(), curve.thresholds.end(), thin.thresholds[k]);
    ASSERT_NE(it, curve.thresholds.end());
    EXPECT_EQ(curve.fpr[static_cast<std::size_t>(it - curve.thresholds.begin())], thin.fpr[k]);
  }
}

}  // namespace
}  // namespace evclass::eval
