// The tree models end to end: they reach the best possible AUC on Gaussian classes (computed
// from the true likelihood ratio), are deterministic on any thread count, survive save/load,
// refuse damaged model files, stop early at the best validation loss, rank informative features
// above noise, and handle negative event weights.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "evclass/core/error.hpp"
#include "evclass/eval/roc.hpp"
#include "evclass/learn/registry.hpp"
#include "learn/trees/ensemble_model.hpp"
#include "unit/learn/learn_test_data.hpp"
#include "unit/learn_trees/tree_test_data.hpp"

namespace evclass::learn {
namespace {

const core::Context kTwoThreads{2};

std::vector<float> predict(const Model& m, const FeatureMatrix& x, const core::Context& ctx = kTwoThreads) {
  std::vector<float> out(x.rows * m.n_outputs());
  m.predict(x, out, ctx);
  return out;
}

std::vector<double> column(const std::vector<float>& scores, std::size_t outputs, std::size_t k) {
  std::vector<double> out;
  for (std::size_t i = k; i < scores.size(); i += outputs) out.push_back(scores[i]);
  return out;
}

struct TypeCase {
  const char* type;
  nlohmann::json params;
  double slack;  // how far below the best possible AUC the model may be; < 0: not compared
};

const std::vector<TypeCase>& cases() {
  static const std::vector<TypeCase> c = {
      {"gbdt", {{"n_estimators", 200}, {"max_depth", 4}}, 0.01},
      {"gbdt", {{"n_estimators", 200}, {"grow_policy", "lossguide"}, {"max_leaves", 15}, {"max_depth", 0}}, 0.01},
      {"random_forest", {{"n_estimators", 60}, {"min_samples_leaf", 5}}, 0.015},
      // AdaBoost stays well below the limit here, as scikit-learn's does (SAMME.R: -0.030 binary,
      // 0.51 for the middle class of three); test_vs_peers.cpp compares it with scikit-learn.
      {"adaboost", {{"n_estimators", 200}, {"max_depth", 3}, {"learning_rate", 0.5}}, -1},
      {"adaboost", {{"n_estimators", 200}, {"max_depth", 3}, {"learning_rate", 0.5}, {"algorithm", "SAMME"}}, -1},
  };
  return c;
}

TEST(TreeModels, ReachTheBestPossibleAucOnGaussianClasses) {
  const auto train = testing::gaussian_classes(30000, 2, 1);
  const auto test = testing::gaussian_classes(30000, 2, 2);
  const double best = testing::auc(test.best_score, test.labels, 1);
  ASSERT_GT(best, 0.75);
  ASSERT_LT(best, 0.90);
  for (const auto& c : cases()) {
    if (c.slack < 0) continue;
    const auto model = learn::train(c.type, c.params, train.train_data(), kTwoThreads);
    const double got = testing::auc(column(predict(*model, test.matrix()), 1, 0), test.labels, 1);
    EXPECT_GT(got, best - c.slack) << c.type << " " << c.params.dump();
    EXPECT_LT(got, best + 0.003) << c.type << ": no model beats the likelihood ratio";
  }
}

TEST(TreeModels, MultiClassProbabilitiesSumToOneAndEachClassIsSeparatedNearlyAsWellAsPossible) {
  const auto train = testing::gaussian_classes(24000, 3, 3);
  const auto test = testing::gaussian_classes(15000, 3, 4);
  for (const auto& c : cases()) {
    const auto model = learn::train(c.type, c.params, train.train_data(), kTwoThreads);
    ASSERT_EQ(model->n_outputs(), 3u);
    const auto p = predict(*model, test.matrix());
    for (std::size_t i = 0; i < test.rows; ++i) ASSERT_NEAR(p[3 * i] + p[3 * i + 1] + p[3 * i + 2], 1.0, 1e-5);
    for (int k = 0; k < 3; ++k) {
      // One-vs-rest: the best score of class k is its posterior, log p_k - log sum_j p_j.
      std::vector<double> best;
      for (std::size_t i = 0; i < test.rows; ++i) {
        const double* l = test.best_score.data() + 3 * i;
        const double top = std::max({l[0], l[1], l[2]});
        best.push_back(l[k] - top - std::log(std::exp(l[0] - top) + std::exp(l[1] - top) + std::exp(l[2] - top)));
      }
      const double limit = testing::auc(best, test.labels, k);
      const double got = testing::auc(column(p, 3, static_cast<std::size_t>(k)), test.labels, k);
      if (c.slack >= 0) {
        EXPECT_GT(got, limit - 2 * c.slack) << c.type << " class " << k;
      }
      EXPECT_GT(got, 0.5) << c.type << " class " << k;
    }
  }
}

TEST(TreeModels, AreBitIdenticalOnRerunsAndOnAnyThreadCountAndAfterSaveAndLoad) {
  const auto d = testing::gaussian_classes(20000, 2, 5, /*weighted=*/true);
  for (const auto& c : cases()) {
    nlohmann::json params = c.params;
    params["n_estimators"] = 20;
    if (std::string(c.type) == "gbdt") {
      params["subsample"] = 0.7;
      params["colsample_bynode"] = 0.8;
    }
    const auto a = learn::train(c.type, params, d.train_data(), core::Context{1});
    const auto b = learn::train(c.type, params, d.train_data(), core::Context{2});
    const auto c2 = learn::train(c.type, params, d.train_data(), core::Context{2});
    auto ja = a->to_json(), jb = b->to_json(), jc = c2->to_json();
    for (auto* j : {&ja, &jb, &jc}) j->at("training").erase("seconds"), j->at("training").erase("seconds_by_stage");
    EXPECT_EQ(ja.dump(), jb.dump()) << c.type << ": 1 vs 2 threads";
    EXPECT_EQ(jb.dump(), jc.dump()) << c.type << ": two runs";
    const auto loaded = load_model(nlohmann::json::parse(a->to_json().dump()));
    EXPECT_EQ(predict(*a, d.matrix()), predict(*loaded, d.matrix(), core::Context{1})) << c.type;
    // Another seed gives another model where randomness enters.
    if (std::string(c.type) != "adaboost") {
      params["random_state"] = 123;
      EXPECT_NE(learn::train(c.type, params, d.train_data(), kTwoThreads)->to_json().at("ensemble").dump(),
                ja.at("ensemble").dump())
          << c.type;
    }
  }
}

TEST(TreeModels, DamagedModelFilesGiveCorruptFile) {
  const auto d = testing::gaussian_classes(3000, 2, 6);
  const auto model = learn::train("gbdt", {{"n_estimators", 3}}, d.train_data(), kTwoThreads);
  const nlohmann::json good = model->to_json();
  ASSERT_NO_THROW((void)load_model(good));
  std::vector<nlohmann::json> bad;
  auto j = good;
  j["ensemble"]["trees"][0]["left"] = "AAAA";  // one child index for many nodes
  bad.push_back(j);
  j = good;
  j["ensemble"]["trees"][0]["threshold"] = "!!!!";
  bad.push_back(j);
  j = good;
  j["ensemble"]["trees"][1]["nodes"] = 1000000;
  bad.push_back(j);
  j = good;
  j["ensemble"]["base"] = {1.0, 2.0};
  bad.push_back(j);
  j = good;
  j["ensemble"]["link"] = "probit";
  bad.push_back(j);
  j = good;
  j["n_features"] = 1;  // the trees split on features beyond it
  bad.push_back(j);
  j = good;
  j["version"] = 99;
  bad.push_back(j);
  {
    // A child pointing back at its parent would make walking the tree loop forever.
    j = good;
    auto& t = j["ensemble"]["trees"][0];
    trees::Tree tree = trees::tree_from_json(t, 5, 1, "test");
    tree.left[1 < tree.n_nodes() && tree.feature[1] >= 0 ? 1 : 0] = 0;
    t = trees::tree_to_json(tree);
    t["output"] = 0;
    t["value_size"] = 1;
    bad.push_back(j);
  }
  for (std::size_t i = 0; i < bad.size(); ++i) EXPECT_THROW((void)load_model(bad[i]), CorruptFile) << "case " << i;
}

TEST(TreeModels, EarlyStoppingKeepsTheIterationWithTheLowestValidationLoss) {
  const auto train = testing::gaussian_classes(5000, 2, 7);
  const auto val = testing::gaussian_classes(5000, 2, 8);
  TrainData data = train.train_data();
  TrainData vdata = val.train_data();
  data.validation = &vdata;
  const nlohmann::json params = {{"n_estimators", 2000}, {"learning_rate", 0.3}, {"max_depth", 6},
                                 {"early_stopping_rounds", 10}};
  const auto model = learn::train("gbdt", params, data, kTwoThreads);
  const auto& training = dynamic_cast<const trees::EnsembleModel&>(*model).training();
  const int best = training.at("best_iteration");
  ASSERT_TRUE(training.at("stopped_early").get<bool>());
  ASSERT_LT(best, 200) << "overfitting starts early with deep trees and a high rate";
  EXPECT_EQ(training.at("iterations").get<int>(), best + 10);
  EXPECT_EQ(dynamic_cast<const trees::EnsembleModel&>(*model).ensemble().trees.size(), static_cast<std::size_t>(best));
  // The kept model's validation log-loss, computed here, is the one recorded, and it is lower than
  // that of models stopped a few iterations earlier or later.
  const auto loss_of = [&](const Model& m) {
    const auto p = predict(m, val.matrix());
    double l = 0;
    for (std::size_t i = 0; i < val.rows; ++i) l -= std::log(val.labels[i] == 1 ? p[i] : 1.0 - p[i]);
    return l / static_cast<double>(val.rows);
  };
  const double kept = loss_of(*model);
  EXPECT_NEAR(kept, training.at("best_validation_loss").get<double>(), 1e-4);
  for (int other : {best - 5, best + 5}) {
    nlohmann::json p2 = params;
    p2.erase("early_stopping_rounds");
    p2["n_estimators"] = other;
    EXPECT_GT(loss_of(*learn::train("gbdt", p2, train.train_data(), kTwoThreads)), kept - 1e-4) << other << " trees";
  }
}

TEST(TreeModels, InformativeFeaturesOutrankNoise) {
  const auto d = testing::gaussian_classes(12000, 2, 9);
  for (const auto& c : cases()) {
    const auto imp = learn::train(c.type, c.params, d.train_data(), kTwoThreads)->feature_importances();
    ASSERT_EQ(imp.size(), 5u);
    EXPECT_NEAR(std::accumulate(imp.begin(), imp.end(), 0.0), 1.0, 1e-9);
    for (int informative = 0; informative < 3; ++informative)
      for (int noise = 3; noise < 5; ++noise) EXPECT_GT(imp[informative], imp[noise]) << c.type;
  }
}

// NLO-like negative weights: copies of 10% of the background events with weight -w. Every policy
// (keep them, drop them, count them as positive) must give a weighted test AUC within 0.01 of a
// model trained without the copies, and never NaN.
TEST(TreeModels, NegativeWeightCopiesChangeTheAucByLessThanOnePercentUnderEveryPolicy) {
  const auto base = testing::gaussian_classes(16000, 2, 10, /*weighted=*/true);
  const auto test = testing::gaussian_classes(20000, 2, 11, /*weighted=*/true);
  testing::GaussianClasses with = base;
  std::vector<std::size_t> copied;
  for (std::size_t i = 0; i < base.rows; ++i)
    if (base.labels[i] == 0 && i % 10 == 3) copied.push_back(i);
  with.rows = base.rows + copied.size();
  with.x.clear();
  for (std::size_t j = 0; j < base.cols; ++j) {
    for (std::size_t i = 0; i < base.rows; ++i) with.x.push_back(base.x[j * base.rows + i]);
    for (std::size_t i : copied) with.x.push_back(base.x[j * base.rows + i]);
  }
  for (std::size_t i : copied) {
    with.labels.push_back(0);
    with.weights.push_back(-base.weights[i]);
  }
  const auto weighted_auc = [&](const Model& m) {
    const auto s = predict(m, test.matrix());
    for (float v : s) EXPECT_TRUE(std::isfinite(v));
    return eval::roc_auc(eval::LabeledScores{s, test.labels, test.weights, "test"});
  };
  const auto policy_data = [&](const std::string& policy, std::vector<float>& x, std::vector<std::int32_t>& y,
                               std::vector<double>& w) {
    for (std::size_t i = 0; i < with.rows; ++i) {
      if (policy == "ignore" && with.weights[i] < 0) continue;
      y.push_back(with.labels[i]);
      w.push_back(policy == "abs" ? std::abs(with.weights[i]) : with.weights[i]);
    }
    for (std::size_t j = 0; j < with.cols; ++j)
      for (std::size_t i = 0; i < with.rows; ++i)
        if (!(policy == "ignore" && with.weights[i] < 0)) x.push_back(with.x[j * with.rows + i]);
  };
  for (const auto& c : cases()) {
    const double reference = weighted_auc(*learn::train(c.type, c.params, base.train_data(), kTwoThreads));
    for (const std::string policy : {"keep", "ignore", "abs"}) {
      std::vector<float> x;
      std::vector<std::int32_t> y;
      std::vector<double> w;
      policy_data(policy, x, y, w);
      TrainData d;
      d.x = {x, y.size(), with.cols};
      d.labels = y;
      d.weights = w;
      const double got = weighted_auc(*learn::train(c.type, c.params, d, kTwoThreads));
      EXPECT_NEAR(got, reference, 0.01) << c.type << " " << c.params.dump() << " policy " << policy;
    }
  }
}

TEST(TreeModels, AClassWithoutPositiveWeightIsRefusedWithItsName) {
  auto d = testing::gaussian_classes(2000, 2, 12, true);
  for (std::size_t i = 0; i < d.rows; ++i)
    if (d.labels[i] == 1) d.weights[i] = -d.weights[i];
  for (const char* type : {"gbdt", "random_forest", "adaboost"}) {
    try {
      (void)learn::train(type, nlohmann::json::object(), d.train_data(), kTwoThreads);
      ADD_FAILURE() << type << " trained";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("class 1 has total training weight"), std::string::npos) << e.what();
    }
  }
}

TEST(TreeModels, MissingValuesFollowTheLearntSide) {
  // Signal has feature 0 missing half of the time, background never: the trees must send NaN to
  // the signal side, so NaN rows score high.
  auto d = testing::gaussian_classes(12000, 2, 13);
  for (std::size_t i = 0; i < d.rows; ++i)
    if (d.labels[i] == 1 && i % 2 == 0) d.x[i] = std::numeric_limits<float>::quiet_NaN();
  for (const auto& c : cases()) {
    const auto model = learn::train(c.type, c.params, d.train_data(), kTwoThreads);
    const auto p = predict(*model, d.matrix());
    // The rows with NaN rank above nearly all background: under 3% of it scores above their median.
    std::vector<float> nan_scores, background;
    for (std::size_t i = 0; i < d.rows; ++i) {
      if (std::isnan(d.x[i])) nan_scores.push_back(p[i]);
      else if (d.labels[i] == 0) background.push_back(p[i]);
    }
    std::nth_element(nan_scores.begin(), nan_scores.begin() + static_cast<std::ptrdiff_t>(nan_scores.size() / 2), nan_scores.end());
    const float median = nan_scores[nan_scores.size() / 2];
    const auto above = std::count_if(background.begin(), background.end(), [&](float s) { return s >= median; });
    EXPECT_LT(static_cast<double>(above) / static_cast<double>(background.size()), 0.03) << c.type << " " << c.params.dump();
  }
}

}  // namespace
}  // namespace evclass::learn

namespace evclass::learn {
namespace {

const trees::Ensemble& ensemble_of(const Model& m) { return dynamic_cast<const trees::EnsembleModel&>(m).ensemble(); }

/// Training rows reaching each leaf of `tree`, routed by their float values.
std::vector<int> leaf_counts(const trees::Tree& tree, const testing::GaussianClasses& d) {
  std::vector<int> counts(tree.n_nodes(), 0);
  for (std::size_t r = 0; r < d.rows; ++r) ++counts[tree.leaf_of([&](std::size_t f) { return d.x[f * d.rows + r]; })];
  return counts;
}

TEST(TreeModels, EveryLeafHoldsAtLeastMinSamplesLeafTrainingEvents) {
  const auto d = testing::gaussian_classes(6000, 2, 14);
  for (const char* type : {"gbdt", "random_forest", "adaboost"}) {
    nlohmann::json p = {{"n_estimators", 10}, {"min_samples_leaf", 40}};
    if (std::string(type) == "random_forest") p["bootstrap"] = false;  // bootstrap counts differ from rows
    if (std::string(type) != "random_forest") p["max_depth"] = 8;
    if (std::string(type) == "gbdt") p["min_child_weight"] = 0.0;
    const auto model = learn::train(type, p, d.train_data(), kTwoThreads);
    int smallest = 1 << 30;
    for (const auto& tree : ensemble_of(*model).trees) {
      const auto counts = leaf_counts(tree, d);
      for (std::size_t n = 0; n < tree.n_nodes(); ++n)
        if (tree.is_leaf(n)) smallest = std::min(smallest, counts[n]);
    }
    EXPECT_GE(smallest, 40) << type;
    EXPECT_LT(smallest, 200) << type << ": the limit is what stops growth";
  }
}

TEST(TreeModels, GbdtRegularisationShrinksLeafValuesAndAlphaCanZeroThem) {
  const auto d = testing::gaussian_classes(5000, 2, 15);
  const auto max_leaf = [&](const nlohmann::json& p) {
    const auto m = learn::train("gbdt", p, d.train_data(), kTwoThreads);
    double top = 0.0;
    for (const auto& tree : ensemble_of(*m).trees)
      for (std::size_t n = 0; n < tree.n_nodes(); ++n)
        if (tree.is_leaf(n)) top = std::max(top, std::abs(static_cast<double>(tree.value[n])));
    return top;
  };
  const double l0 = max_leaf({{"n_estimators", 5}, {"reg_lambda", 0.0}});
  const double l1 = max_leaf({{"n_estimators", 5}, {"reg_lambda", 100.0}});
  const double l2 = max_leaf({{"n_estimators", 5}, {"reg_lambda", 1000.0}});
  EXPECT_GT(l0, l1);
  EXPECT_GT(l1, l2);
  EXPECT_GT(l2, 0.0);
  // An L1 penalty larger than any leaf's gradient sum (at most the event count) zeroes every leaf.
  EXPECT_EQ(max_leaf({{"n_estimators", 5}, {"reg_alpha", 1e6}}), 0.0);
  // max_delta_step bounds every leaf value (before the learning rate of 0.1).
  EXPECT_LE(max_leaf({{"n_estimators", 5}, {"reg_lambda", 0.0}, {"max_delta_step", 0.05}}), 0.1 * 0.05 + 1e-7);
}

TEST(TreeModels, GbdtSamplesEventsAndFeaturesAsAsked) {
  const auto d = testing::gaussian_classes(20000, 2, 16);
  // colsample_bytree = 0.2 of 5 features: every tree splits on a single feature, not always the same.
  const auto m = learn::train("gbdt", {{"n_estimators", 30}, {"colsample_bytree", 0.2}}, d.train_data(), kTwoThreads);
  std::set<int> used_overall;
  for (const auto& tree : ensemble_of(*m).trees) {
    std::set<int> used;
    for (std::size_t n = 0; n < tree.n_nodes(); ++n)
      if (!tree.is_leaf(n)) used.insert(tree.feature[n]);
    EXPECT_LE(used.size(), 1u);
    used_overall.insert(used.begin(), used.end());
  }
  EXPECT_GE(used_overall.size(), 3u);
  // subsample = 0.5: each tree's root holds about half of the events' hessian.
  const auto full = learn::train("gbdt", {{"n_estimators", 3}}, d.train_data(), kTwoThreads);
  const auto half = learn::train("gbdt", {{"n_estimators", 3}, {"subsample", 0.5}}, d.train_data(), kTwoThreads);
  for (int t = 0; t < 3; ++t) {
    const double ratio = ensemble_of(*half).trees[static_cast<std::size_t>(t)].cover[0] /
                         ensemble_of(*full).trees[static_cast<std::size_t>(t)].cover[0];
    EXPECT_NEAR(ratio, 0.5, 0.03) << "tree " << t;
  }
}

TEST(TreeModels, ForestSubsamplingWithoutReplacementDrawsMaxSamplesEvents) {
  const auto d = testing::gaussian_classes(10000, 2, 17);
  const auto m = learn::train("random_forest", {{"n_estimators", 4}, {"bootstrap", false}, {"max_samples", 0.3}},
                              d.train_data(), kTwoThreads);
  for (const auto& tree : ensemble_of(*m).trees) {
    // Unweighted events count 1 each at the root: exactly 30% of them.
    EXPECT_NEAR(tree.cover[0], 3000.0, 0.5);
  }
}

}  // namespace
}  // namespace evclass::learn
