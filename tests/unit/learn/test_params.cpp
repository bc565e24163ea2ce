// Hyper-parameter validation: defaults, types, ranges, unknown keys with suggestions.

#include <gtest/gtest.h>

#include <string>

#include "evclass/core/error.hpp"
#include "evclass/learn/registry.hpp"

namespace evclass::learn {
namespace {

std::string config_error(std::string_view type, const nlohmann::json& params) {
  try {
    validate_params(type, params, "my_lr");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(LearnParams, LogisticRegressionIsRegistered) {
  const auto types = model_types();
  EXPECT_NE(std::find(types.begin(), types.end(), "logistic_regression"), types.end());
}

TEST(LearnParams, MissingKeysGetScikitLearnDefaults) {
  const auto p = resolve_params("logistic_regression", nlohmann::json::object(), "my_lr");
  EXPECT_EQ(p.at("C").get<double>(), 1.0);
  EXPECT_EQ(p.at("fit_intercept").get<bool>(), true);
  EXPECT_EQ(p.at("max_iter").get<int>(), 100);
  EXPECT_EQ(p.at("tol").get<double>(), 1e-4);
  EXPECT_TRUE(p.at("class_weight").is_null());
}

TEST(LearnParams, AnIntegerIsAcceptedWhereANumberIsExpected) {
  const auto p = resolve_params("logistic_regression", {{"C", 2}}, "my_lr");
  EXPECT_TRUE(p.at("C").is_number_float());
  EXPECT_EQ(p.at("C").get<double>(), 2.0);
}

TEST(LearnParams, ATypoSuggestsTheClosestKeyAndListsTheKnownOnes) {
  const std::string message = config_error("logistic_regression", {{"max_iters", 10}});
  EXPECT_NE(message.find("my_lr"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown hyper-parameter 'max_iters'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'max_iter'"), std::string::npos) << message;
  EXPECT_NE(message.find("fit_intercept"), std::string::npos) << message;
}

TEST(LearnParams, AnOutOfRangeValueNamesKeyValueAndAllowedRange) {
  const std::string message = config_error("logistic_regression", {{"C", -1.5}});
  EXPECT_NE(message.find("C = -1.5"), std::string::npos) << message;
  EXPECT_NE(message.find("out of range"), std::string::npos) << message;
  EXPECT_NE(message.find("> 0"), std::string::npos) << message;
  EXPECT_NE(config_error("logistic_regression", {{"max_iter", 0}}).find(">= 1"), std::string::npos);
  EXPECT_NE(config_error("logistic_regression", {{"tol", 0.0}}).find("out of range"), std::string::npos);
}

TEST(LearnParams, AWrongTypeIsRejectedWithTheExpectedType) {
  std::string message = config_error("logistic_regression", {{"max_iter", 1.5}});
  EXPECT_NE(message.find("wrong type"), std::string::npos) << message;
  EXPECT_NE(message.find("an integer"), std::string::npos) << message;
  message = config_error("logistic_regression", {{"fit_intercept", "yes"}});
  EXPECT_NE(message.find("true or false"), std::string::npos) << message;
  message = config_error("logistic_regression", {{"C", "1.0"}});
  EXPECT_NE(message.find("wrong type"), std::string::npos) << message;
}

TEST(LearnParams, ClassWeightAcceptsBalancedArraysAndTablesOnly) {
  EXPECT_EQ(config_error("logistic_regression", {{"class_weight", "balanced"}}), "");
  EXPECT_EQ(config_error("logistic_regression", {{"class_weight", {1.0, 3.0}}}), "");
  EXPECT_EQ(config_error("logistic_regression", {{"class_weight", {{"0", 1.0}, {"1", 2.5}}}}), "");
  EXPECT_NE(config_error("logistic_regression", {{"class_weight", "balance"}}).find("balanced"), std::string::npos);
  EXPECT_NE(config_error("logistic_regression", {{"class_weight", {1.0, -2.0}}}).find("-2.0"), std::string::npos);
  EXPECT_NE(config_error("logistic_regression", {{"class_weight", {{"signal", 2.0}}}}).find("signal"),
            std::string::npos);
}

TEST(LearnParams, ParametersMustBeATable) {
  EXPECT_NE(config_error("logistic_regression", nlohmann::json::array({1, 2})).find("table"), std::string::npos);
}

TEST(LearnParams, AnUnknownModelTypeSuggestsTheClosestType) {
  const std::string message = config_error("logistic_regresion", nlohmann::json::object());
  EXPECT_NE(message.find("did you mean 'logistic_regression'"), std::string::npos) << message;
}

TEST(LearnParams, RandomStateWinsOverTheRunSeed) {
  TrainData data;
  data.run_seed = 7;
  EXPECT_EQ(model_seed({{"random_state", 123}}, data), 123u);
  EXPECT_EQ(model_seed({{"random_state", nullptr}}, data), 7u);
  EXPECT_EQ(model_seed(nlohmann::json::object(), data), 7u);
}

}  // namespace
}  // namespace evclass::learn
