// The hyper-parameters of mlp: scikit-learn's names and defaults, and clear errors.

#include <gtest/gtest.h>

#include "evclass/core/error.hpp"
#include "evclass/learn/mlp.hpp"
#include "evclass/learn/registry.hpp"
#include "unit/learn/learn_test_data.hpp"

namespace evclass::learn {
namespace {

TEST(MlpParams, DefaultsAreScikitLearnsMLPClassifiers) {
  const auto p = resolve_params("mlp", nlohmann::json::object(), "m");
  EXPECT_EQ(p.at("hidden_layer_sizes"), nlohmann::json::array({100}));
  EXPECT_EQ(p.at("activation"), "relu");
  EXPECT_EQ(p.at("solver"), "adam");
  EXPECT_EQ(p.at("alpha"), 1e-4);
  EXPECT_EQ(p.at("batch_size"), "auto");
  EXPECT_EQ(p.at("learning_rate"), "constant");
  EXPECT_EQ(p.at("learning_rate_init"), 1e-3);
  EXPECT_EQ(p.at("power_t"), 0.5);
  EXPECT_EQ(p.at("max_iter"), 200);
  EXPECT_EQ(p.at("shuffle"), true);
  EXPECT_TRUE(p.at("random_state").is_null());
  EXPECT_EQ(p.at("tol"), 1e-4);
  EXPECT_EQ(p.at("momentum"), 0.9);
  EXPECT_EQ(p.at("nesterovs_momentum"), true);
  EXPECT_EQ(p.at("early_stopping"), false);
  EXPECT_EQ(p.at("validation_fraction"), 0.1);
  EXPECT_EQ(p.at("beta_1"), 0.9);
  EXPECT_EQ(p.at("beta_2"), 0.999);
  EXPECT_EQ(p.at("epsilon"), 1e-8);
  EXPECT_EQ(p.at("n_iter_no_change"), 10);
  EXPECT_EQ(p.at("max_fun"), 15000);
  EXPECT_EQ(p.at("dropout"), 0.0);
  EXPECT_EQ(p.at("weight_decay"), 0.0);
}

TEST(MlpParams, ASingleIntegerIsOneHiddenLayerAndAnEmptyListIsNone) {
  const auto d = testing::make_classification(800, 3, 2, 91);
  const auto one = train("mlp", {{"hidden_layer_sizes", 4}, {"max_iter", 3}}, d.train_data(), core::Context{1});
  EXPECT_EQ(one->to_json().at("layer_sizes"), nlohmann::json({3, 4, 1}));
  const auto none = train("mlp", {{"hidden_layer_sizes", nlohmann::json::array()}, {"max_iter", 3}}, d.train_data(),
                          core::Context{1});
  EXPECT_EQ(none->to_json().at("layer_sizes"), nlohmann::json({3, 1}));
}

void expect_config_error(const nlohmann::json& params, const std::string& name) {
  const auto d = testing::make_classification(300, 3, 2, 92);
  try {
    (void)train("mlp", params, d.train_data(), core::Context{1});
    ADD_FAILURE() << "expected a ConfigError for " << params.dump();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
  }
}

TEST(MlpParams, BadValuesGiveAConfigErrorNamingTheParameter) {
  expect_config_error({{"activation", "sigmoid"}}, "activation");
  expect_config_error({{"solver", "newton"}}, "solver");
  expect_config_error({{"hidden_layer_sizes", {64, 0}}}, "hidden_layer_sizes");
  expect_config_error({{"hidden_layer_sizes", "64"}}, "hidden_layer_sizes");
  expect_config_error({{"hidden_layer_sizes", 2.5}}, "hidden_layer_sizes");
  expect_config_error({{"batch_size", 0}}, "batch_size");
  expect_config_error({{"batch_size", "big"}}, "batch_size");
  expect_config_error({{"alpha", -1.0}}, "alpha");
  expect_config_error({{"learning_rate", "cosine"}}, "learning_rate");
  expect_config_error({{"learning_rate_init", 0.0}}, "learning_rate_init");
  expect_config_error({{"max_iter", 0}}, "max_iter");
  expect_config_error({{"tol", -1e-3}}, "tol");
  expect_config_error({{"momentum", 1.5}}, "momentum");
  expect_config_error({{"beta_1", 1.0}}, "beta_1");
  expect_config_error({{"beta_2", -0.1}}, "beta_2");
  expect_config_error({{"epsilon", 0.0}}, "epsilon");
  expect_config_error({{"n_iter_no_change", 0}}, "n_iter_no_change");
  expect_config_error({{"validation_fraction", 1.0}}, "validation_fraction");
  expect_config_error({{"random_state", -3}}, "random_state");
  expect_config_error({{"class_weight", "even"}}, "class_weight");
  expect_config_error({{"shuffle", "yes"}}, "shuffle");
  expect_config_error({{"dropout", 1.0}}, "dropout");
  expect_config_error({{"weight_decay", -0.1}}, "weight_decay");
  expect_config_error({{"hidden_layr_sizes", {3}}}, "hidden_layer_sizes");  // a typo gets the closest name
  // Combinations checked at training time.
  expect_config_error({{"hidden_layer_sizes", {4, 4}}, {"dropout", {0.1}}}, "dropout");
  expect_config_error({{"hidden_layer_sizes", nlohmann::json::array()}, {"dropout", 0.2}}, "dropout");
  expect_config_error({{"solver", "lbfgs"}, {"dropout", 0.2}}, "dropout");
  expect_config_error({{"solver", "lbfgs"}, {"weight_decay", 0.01}}, "weight_decay");
  expect_config_error({{"class_weight", {1.0, 2.0, 3.0}}}, "class_weight");
}

TEST(MlpParams, AClassWithoutPositiveWeightIsRefused) {
  auto d = testing::make_classification(300, 3, 2, 93);
  for (std::size_t i = 0; i < d.rows; ++i)
    if (d.labels[i] == 1) d.weights[i] = -std::abs(d.weights[i]);
  try {
    (void)train("mlp", {{"max_iter", 2}}, d.train_data(), core::Context{1});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("class 1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace evclass::learn
