#include <gtest/gtest.h>

#include <cmath>

#include "evclass/core/error.hpp"
#include "evclass/eval/confusion.hpp"
#include "evclass/eval/roc.hpp"
#include "unit/eval/python_peer.hpp"

namespace evclass::eval {
namespace {

const char* kBinaryScript = R"(
import sys, json, warnings
import numpy as np, pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
warnings.simplefilter('ignore')
d = pd.read_csv(sys.argv[1], float_precision='round_trip')
y, s, w = d['label'].values, d['score'].values, d['weight'].values
pred = (s >= 0.5).astype(int)
out = {}
for name, sw in (('counts', None), ('weights', w)):
    p, r, f, sup = precision_recall_fscore_support(y, pred, sample_weight=sw, labels=[0, 1], zero_division=0)
    mp, mr, mf, _ = precision_recall_fscore_support(y, pred, sample_weight=sw, labels=[0, 1], average='macro', zero_division=0)
    out[name] = {'matrix': confusion_matrix(y, pred, sample_weight=sw, labels=[0, 1]).ravel().tolist(),
                 'precision': p.tolist(), 'recall': r.tolist(), 'f1': f.tolist(), 'support': sup.tolist(),
                 'macro': [mp, mr, mf]}
print(json.dumps(out))
)";

const char* kMulticlassScript = R"(
import sys, json, warnings
import numpy as np, pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, roc_auc_score, roc_curve
warnings.simplefilter('ignore')
d = pd.read_csv(sys.argv[1], float_precision='round_trip')
y, w = d['label'].values, d['weight'].values
P = d[['p0', 'p1', 'p2']].values
pred = np.argmax(P, axis=1)
def auc_of(t, s, sw):
    try:
        return roc_auc_score(t, s, sample_weight=sw)
    except ValueError:  # negative weights: fpr not monotonic, auc() refuses; same trapezoid by hand
        fpr, tpr, _ = roc_curve(t, s, sample_weight=sw, drop_intermediate=False)
        return float(np.trapz(tpr, fpr))
out = {}
for name, sw in (('counts', None), ('weights', w)):
    p, r, f, sup = precision_recall_fscore_support(y, pred, sample_weight=sw, labels=[0, 1, 2], zero_division=0)
    mp, mr, mf, _ = precision_recall_fscore_support(y, pred, sample_weight=sw, labels=[0, 1, 2], average='macro', zero_division=0)
    auc = [auc_of((y == k).astype(int), P[:, k], sw) for k in range(3)]
    out[name] = {'matrix': confusion_matrix(y, pred, sample_weight=sw, labels=[0, 1, 2]).ravel().tolist(),
                 'precision': p.tolist(), 'recall': r.tolist(), 'f1': f.tolist(), 'support': sup.tolist(),
                 'macro': [mp, mr, mf], 'auc': auc}
print(json.dumps(out))
)";

void expect_report_matches(const ConfusionMatrix& matrix, const ClassificationReport& report, bool weights,
                           const nlohmann::json& reference) {
  const auto cells = reference["matrix"].get<std::vector<double>>();
  const auto& mine = weights ? matrix.weights : matrix.counts;
  ASSERT_EQ(mine.size(), cells.size());
  for (std::size_t c = 0; c < cells.size(); ++c) EXPECT_NEAR(mine[c], cells[c], 1e-9 * (1 + std::abs(cells[c])));
  const auto check = [](const std::vector<double>& got, const nlohmann::json& want, const char* what) {
    const auto expected = want.get<std::vector<double>>();
    ASSERT_EQ(got.size(), expected.size()) << what;
    for (std::size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], expected[k], 1e-12 * (1.0 + std::abs(expected[k]))) << what << " class " << k;
  };
  check(report.precision, reference["precision"], "precision");
  check(report.recall, reference["recall"], "recall");
  check(report.f1, reference["f1"], "f1");
  check(report.support, reference["support"], "support");
  EXPECT_NEAR(report.macro_precision, reference["macro"][0].get<double>(), 1e-12);
  EXPECT_NEAR(report.macro_recall, reference["macro"][1].get<double>(), 1e-12);
  EXPECT_NEAR(report.macro_f1, reference["macro"][2].get<double>(), 1e-12);
}

TEST(Confusion, BinaryMatrixAndPrecisionRecallF1MatchScikitLearn) {
  if (const auto missing = test::python_peer_missing(); !missing.empty()) GTEST_SKIP() << missing;
  const auto events = test::make_binary_events(3000, 99);
  const auto dir = test::temp_dir("confusion");
  test::write_csv(dir / "events.csv", events);
  const auto reference = test::run_python(dir, kBinaryScript, (dir / "events.csv").string());
  const ConfusionMatrix matrix =
      binary_confusion(LabeledScores{std::span<const float>(events.scores), events.labels, events.weights, "t"}, 0.5);
  expect_report_matches(matrix, classification_report(matrix, false), false, reference["counts"]);
  expect_report_matches(matrix, classification_report(matrix, true), true, reference["weights"]);
}

TEST(Confusion, MulticlassArgmaxReportAndOneVsRestAucMatchScikitLearn) {
  if (const auto missing = test::python_peer_missing(); !missing.empty()) GTEST_SKIP() << missing;
  const std::size_t n = 2000;
  std::mt19937_64 rng(4242);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<label_t> labels(n);
  std::vector<double> weights(n), probabilities(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = static_cast<label_t>(uniform(rng) * 3.0);
    weights[i] = uniform(rng) < 0.1 ? -0.2 : 0.5 + uniform(rng);
    double logits[3], total = 0.0;
    for (int k = 0; k < 3; ++k) {
      logits[k] = std::exp(gauss(rng) + (k == labels[i] ? 1.0 : 0.0));
      total += logits[k];
    }
    // Rounded to a 1/20 grid: ties in argmax (first class wins) and in the ROC scores.
    for (int k = 0; k < 3; ++k) probabilities[static_cast<std::size_t>(k) * n + i] = std::round(logits[k] / total * 20) / 20;
  }
  const auto dir = test::temp_dir("multiclass");
  {
    std::ofstream out(dir / "events.csv");
    out << "label,weight,p0,p1,p2\n";
    char line[200];
    for (std::size_t i = 0; i < n; ++i) {
      std::snprintf(line, sizeof line, "%d,%.17g,%.17g,%.17g,%.17g\n", labels[i], weights[i], probabilities[i],
                    probabilities[n + i], probabilities[2 * n + i]);
      out << line;
    }
  }
  const auto reference = test::run_python(dir, kMulticlassScript, (dir / "events.csv").string());
  const ClassProbabilities probs{std::span<const double>(probabilities), n, 3};
  const ConfusionMatrix matrix = multiclass_confusion(probs, labels, weights, "multi");
  expect_report_matches(matrix, classification_report(matrix, false), false, reference["counts"]);
  expect_report_matches(matrix, classification_report(matrix, true), true, reference["weights"]);

  const auto auc_unweighted = one_vs_rest_auc(probs, labels, {}, "multi");
  const auto auc_weighted = one_vs_rest_auc(probs, labels, weights, "multi");
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(auc_unweighted[k], reference["counts"]["auc"][k].get<double>(), 1e-9) << "class " << k;
    EXPECT_NEAR(auc_weighted[k], reference["weights"]["auc"][k].get<double>(), 1e-9) << "class " << k;
  }
}

TEST(Confusion, AScoreEqualToTheThresholdIsCalledSignal) {
  const std::vector<double> scores{0.5, 0.49999, 0.7};
  const std::vector<label_t> labels{1, 1, 0};
  const std::vector<double> weights{2.0, 3.0, -1.5};
  const ConfusionMatrix m = binary_confusion(LabeledScores{std::span<const double>(scores), labels, weights, "t"}, 0.5);
  EXPECT_EQ(m.count(1, 1), 1.0);
  EXPECT_EQ(m.count(1, 0), 1.0);
  EXPECT_EQ(m.count(0, 1), 1.0);
  EXPECT_EQ(m.weight(1, 1), 2.0);
  EXPECT_EQ(m.weight(1, 0), 3.0);
  EXPECT_EQ(m.weight(0, 1), -1.5);
  const ClassificationReport r = classification_report(m, false);
  EXPECT_DOUBLE_EQ(r.precision[1], 0.5);
  EXPECT_DOUBLE_EQ(r.recall[1], 0.5);
  EXPECT_DOUBLE_EQ(r.precision[0], 0.0);  // nothing predicted background is background: 0/1
  EXPECT_DOUBLE_EQ(r.recall[0], 0.0);
  EXPECT_DOUBLE_EQ(r.f1[0], 0.0);  // 0/0 -> 0, scikit-learn's zero_division default
}

TEST(Confusion, ProbabilitiesThatDoNotFillEventsTimesClassesAreRefused) {
  const std::vector<double> probabilities{0.1, 0.9, 0.3};
  const std::vector<label_t> labels{0, 1};
  EXPECT_THROW((void)multiclass_confusion(ClassProbabilities{std::span<const double>(probabilities), 2, 2}, labels, {},
                                          "x"),
               Error);
}

}  // namespace
}  // namespace evclass::eval
