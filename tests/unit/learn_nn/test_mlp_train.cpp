// Training "mlp" through the registry: determinism, weights, scikit-learn's stopping rules
// (re-derived here from the recorded loss and score curves), early stopping, progress, NaN.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "evclass/core/error.hpp"
#include "evclass/learn/mlp.hpp"
#include "evclass/learn/registry.hpp"
#include "unit/learn/learn_test_data.hpp"

namespace evclass::learn {
namespace {

using testing::make_classification;

const nlohmann::json kSmall = {{"hidden_layer_sizes", {8, 5}}, {"max_iter", 30}};

nlohmann::json with(nlohmann::json base, const nlohmann::json& extra) {
  for (const auto& [k, v] : extra.items()) base[k] = v;
  return base;
}

std::vector<float> scores_of(const Model& model, const testing::OwnedData& d, int threads = 2) {
  std::vector<float> s(d.rows * model.n_outputs());
  model.predict(d.matrix(), s, core::Context{threads});
  return s;
}

double auc_of(const Model& model, const testing::OwnedData& d) {
  const auto s = scores_of(model, d);
  std::vector<double> s1(s.begin(), s.end());
  return testing::auc(s1, d.labels, 1);
}

TEST(MlpTraining, IsBitIdenticalOnRerunAndForAnyThreadCount) {
  const auto d = make_classification(3000, 6, 3, 61);
  const std::vector<nlohmann::json> settings = {
      kSmall,
      with(kSmall, {{"dropout", 0.2}, {"weight_decay", 0.01}, {"batch_size", 1000}}),
      with(kSmall, {{"solver", "sgd"}, {"learning_rate", "invscaling"}, {"learning_rate_init", 0.05}}),
      with(kSmall, {{"solver", "lbfgs"}, {"activation", "tanh"}}),
      with(kSmall, {{"early_stopping", true}, {"activation", "logistic"}}),
      // Big enough per step to run on both threads.
      {{"hidden_layer_sizes", {64, 32}}, {"batch_size", 1024}, {"max_iter", 4}, {"dropout", {0.1, 0.0}}},
      {{"hidden_layer_sizes", {64, 32}}, {"solver", "lbfgs"}, {"max_iter", 4}},
  };
  for (const auto& params : settings) {
    const auto a = train("mlp", params, d.train_data(), core::Context{2});
    const auto b = train("mlp", params, d.train_data(), core::Context{2});
    const auto c = train("mlp", params, d.train_data(), core::Context{1});
    EXPECT_EQ(a->to_json().dump(), b->to_json().dump()) << params.dump();
    EXPECT_EQ(a->to_json().dump(), c->to_json().dump()) << params.dump();
    EXPECT_EQ(scores_of(*a, d, 2), scores_of(*c, d, 1)) << params.dump();
  }
}

TEST(MlpTraining, RandomStateOverridesTheRunSeedAndChangesTheModel) {
  const auto d = make_classification(2000, 4, 2, 62);
  auto data = d.train_data();
  data.run_seed = 1;
  const auto run1 = train("mlp", kSmall, data, core::Context{2});
  data.run_seed = 2;
  const auto run2 = train("mlp", kSmall, data, core::Context{2});
  const auto fixed1 = train("mlp", with(kSmall, {{"random_state", 5}}), data, core::Context{2});
  data.run_seed = 1;
  const auto fixed2 = train("mlp", with(kSmall, {{"random_state", 5}}), data, core::Context{2});
  EXPECT_NE(run1->to_json().at("coefs").dump(), run2->to_json().at("coefs").dump());
  EXPECT_EQ(fixed1->to_json().at("coefs").dump(), fixed2->to_json().at("coefs").dump());
}

TEST(MlpTraining, ScalingEveryWeightByTwoChangesNothing) {
  // The loss is a weighted mean: multiplying every weight by 2 (exact in binary) is a no-op.
  auto d = make_classification(2000, 4, 2, 63);
  const auto once = train("mlp", kSmall, d.train_data(), core::Context{2});
  for (auto& w : d.weights) w *= 2.0;
  const auto twice = train("mlp", kSmall, d.train_data(), core::Context{2});
  EXPECT_EQ(once->to_json().at("coefs").dump(), twice->to_json().at("coefs").dump());
}

TEST(MlpTraining, WeightsChangeTheModelAndClassWeightEqualsTheSameSampleWeights) {
  auto d = make_classification(2000, 4, 2, 64, /*weighted=*/false);
  const auto plain = train("mlp", kSmall, d.train_data(), core::Context{2});
  const auto balanced = train("mlp", with(kSmall, {{"class_weight", {1.0, 3.0}}}), d.train_data(), core::Context{2});
  EXPECT_NE(plain->to_json().at("coefs").dump(), balanced->to_json().at("coefs").dump());
  for (std::size_t i = 0; i < d.rows; ++i) d.weights.push_back(d.labels[i] == 1 ? 3.0 : 1.0);
  const auto weighted = train("mlp", kSmall, d.train_data(), core::Context{2});
  EXPECT_EQ(balanced->to_json().at("coefs").dump(), weighted->to_json().at("coefs").dump());
}

TEST(MlpTraining, AnIntegerWeightActsAsThatManyCopiesOfTheRow) {
  // Full-batch lbfgs: weight 2 on a row and the row twice give the same loss, so nearly the same
  // model (not bit-identical: the sums are grouped differently).
  auto d = make_classification(1500, 4, 2, 65, /*weighted=*/false);
  testing::OwnedData doubled = d;
  doubled.rows = d.rows + 300;
  doubled.x.clear();
  for (std::size_t j = 0; j < d.cols; ++j) {
    for (std::size_t i = 0; i < d.rows; ++i) doubled.x.push_back(d.x[j * d.rows + i]);
    for (std::size_t i = 0; i < 300; ++i) doubled.x.push_back(d.x[j * d.rows + i]);
  }
  for (std::size_t i = 0; i < 300; ++i) doubled.labels.push_back(d.labels[i]);
  for (std::size_t i = 0; i < d.rows; ++i) d.weights.push_back(i < 300 ? 2.0 : 1.0);
  const nlohmann::json p = with(kSmall, {{"solver", "lbfgs"}, {"max_iter", 15}});
  const auto weighted = train("mlp", p, d.train_data(), core::Context{2});
  const auto copies = train("mlp", p, doubled.train_data(), core::Context{2});
  const auto a = scores_of(*weighted, d), b = scores_of(*copies, d);
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 2e-3) << i;
}

TEST(MlpTraining, NegativeWeightsTrainToFiniteUsefulScores) {
  const auto d = make_classification(4000, 4, 2, 66, true, 0.1);
  for (const char* solver : {"adam", "sgd", "lbfgs"}) {
    const auto model = train("mlp", with(kSmall, {{"solver", solver}}), d.train_data(), core::Context{2});
    for (float s : scores_of(*model, d)) ASSERT_TRUE(std::isfinite(s) && s >= 0.0f && s <= 1.0f) << solver;
    EXPECT_GT(auc_of(*model, d), 0.7) << solver;
  }
}

TEST(MlpTraining, ADivergingRunEndsInAConfigErrorNeverANaNModel) {
  auto d = make_classification(1000, 4, 2, 67);
  for (auto& v : d.x) v *= 1e4f;
  const nlohmann::json p = with(kSmall, {{"solver", "sgd"}, {"learning_rate_init", 1e6}, {"activation", "identity"}});
  try {
    (void)train("mlp", p, d.train_data(), core::Context{2});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("diverged"), std::string::npos) << e.what();
  }
}

TEST(MlpTraining, StopsExactlyWhereScikitLearnsTrainingLossRuleFires) {
  const auto d = make_classification(3000, 4, 2, 68);
  const auto model = train("mlp", {{"hidden_layer_sizes", {6}}, {"max_iter", 500}, {"tol", 1e-3}, {"n_iter_no_change", 3}},
                           d.train_data(), core::Context{2});
  const auto& t = dynamic_cast<const MlpModel&>(*model).training();
  const auto& curve = t.at("loss_curve");
  ASSERT_EQ(curve.size(), t.at("iterations").get<std::size_t>());
  // The rule, re-derived: count epochs whose loss is not below best - tol; stop when > 3.
  double best = std::numeric_limits<double>::infinity();
  int count = 0;
  std::size_t stop = 0;
  for (std::size_t e = 0; e < curve.size(); ++e) {
    const double loss = curve[e].get<double>();
    count = loss > best - 1e-3 ? count + 1 : 0;
    best = std::min(best, loss);
    if (count > 3) {
      stop = e + 1;
      break;
    }
  }
  EXPECT_EQ(t.at("stop_reason"), "training_loss");
  EXPECT_EQ(stop, curve.size());
}

TEST(MlpTraining, EarlyStoppingKeepsTheBestEpochAndUsesTheRunsValidationRows) {
  const auto d = make_classification(3000, 4, 2, 69);
  const auto v = make_classification(800, 4, 2, 70);
  auto data = d.train_data();
  const auto validation = v.train_data();
  data.validation = &validation;
  const nlohmann::json p = {{"hidden_layer_sizes", {6}}, {"max_iter", 300}, {"early_stopping", true}, {"n_iter_no_change", 4}};
  const auto model = train("mlp", p, data, core::Context{2});
  const auto& t = dynamic_cast<const MlpModel&>(*model).training();
  EXPECT_EQ(t.at("validation_rows"), 800);
  EXPECT_EQ(t.at("training_rows"), 3000);
  const auto& scores = t.at("validation_scores");
  ASSERT_EQ(scores.size(), t.at("iterations").get<std::size_t>());
  double best = -std::numeric_limits<double>::infinity();
  int count = 0;
  std::size_t best_epoch = 0, stop = scores.size();
  for (std::size_t e = 0; e < scores.size(); ++e) {
    const double s = scores[e].get<double>();
    count = s < best + 1e-4 ? count + 1 : 0;
    if (s > best) {
      best = s;
      best_epoch = e + 1;
    }
    if (count > 4) {
      stop = e + 1;
      break;
    }
  }
  EXPECT_EQ(stop, scores.size());
  EXPECT_EQ(t.at("best_iteration"), best_epoch);
  // The kept weights are the best epoch's: their validation accuracy is the best score.
  const auto s = scores_of(*model, v);
  double correct = 0, total = 0;
  for (std::size_t i = 0; i < v.rows; ++i) {
    total += v.weights[i];
    if ((s[i] > 0.5f ? 1 : 0) == v.labels[i]) correct += v.weights[i];
  }
  EXPECT_NEAR(correct / total, best, 1e-12);
}

TEST(MlpTraining, EarlyStoppingWithoutValidationRowsHoldsOutAStratifiedShare) {
  const auto d = make_classification(3000, 4, 3, 71);
  const auto model = train("mlp", with(kSmall, {{"early_stopping", true}, {"validation_fraction", 0.2}}), d.train_data(),
                           core::Context{2});
  const auto& t = dynamic_cast<const MlpModel&>(*model).training();
  EXPECT_NEAR(t.at("validation_rows").get<double>(), 600, 2);
  EXPECT_EQ(t.at("validation_rows").get<std::size_t>() + t.at("training_rows").get<std::size_t>(), 3000u);
}

TEST(MlpTraining, ReportsProgressOncePerEpochWithTheLoss) {
  const auto d = make_classification(1000, 4, 2, 72);
  std::vector<double> losses;
  const auto model = train("mlp", with(kSmall, {{"max_iter", 7}, {"tol", 0.0}}), d.train_data(), core::Context{2},
                           [&](const TrainProgress& p) {
                             EXPECT_EQ(p.stage, "adam");
                             EXPECT_EQ(p.iteration, static_cast<int>(losses.size()) + 1);
                             EXPECT_EQ(p.max_iterations, 7);
                             losses.push_back(p.loss);
                           });
  const auto& curve = dynamic_cast<const MlpModel&>(*model).training().at("loss_curve");
  ASSERT_EQ(losses.size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(losses[i], curve[i].get<double>());
  EXPECT_LT(losses.back(), losses.front());
}

TEST(MlpTraining, RefusesNaNFeaturesNamingTheFeature) {
  auto d = make_classification(500, 3, 2, 73);
  d.x[2 * d.rows + 17] = std::nanf("");
  auto data = d.train_data();
  data.feature_names = {"pt", "eta", "mjj"};
  try {
    (void)train("mlp", kSmall, data, core::Context{2});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'mjj'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("row 17"), std::string::npos) << e.what();
  }
}

TEST(MlpTraining, LearnsANonLinearBoundaryALinearModelCannot) {
  // Label = [x0 * x1 > 0] (XOR of signs): linear AUC is about 0.5.
  testing::OwnedData d;
  d.rows = 4000;
  d.cols = 2;
  std::mt19937_64 rng(74);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> a(d.rows), b(d.rows);
  for (std::size_t i = 0; i < d.rows; ++i) {
    a[i] = normal(rng);
    b[i] = normal(rng);
    d.labels.push_back(a[i] * b[i] > 0 ? 1 : 0);
  }
  d.x = a;
  d.x.insert(d.x.end(), b.begin(), b.end());
  for (const char* f : {"relu", "tanh", "logistic"}) {
    const auto model = train("mlp", {{"hidden_layer_sizes", {16}}, {"activation", f}, {"learning_rate_init", 0.01},
                                     {"max_iter", 200}}, d.train_data(), core::Context{2});
    EXPECT_GT(auc_of(*model, d), 0.97) << f;
  }
  const auto linear = train("mlp", {{"hidden_layer_sizes", {16}}, {"activation", "identity"}, {"max_iter", 50}},
                            d.train_data(), core::Context{2});
  EXPECT_LT(auc_of(*linear, d), 0.6);
}

}  // namespace
}  // namespace evclass::learn
