// The hyper-parameters of pnn: mlp's with the same defaults, the pnn's own, and clear errors.

#include <gtest/gtest.h>

#include "evclass/core/error.hpp"
#include "evclass/learn/mlp.hpp"
#include "evclass/learn/pnn.hpp"
#include "evclass/learn/registry.hpp"
#include "unit/learn_nn/pnn_test_data.hpp"

namespace evclass::learn {
namespace {

TEST(PnnParams, HasEveryMlpParameterWithTheSameDefaultAndItsOwn) {
  const auto mlp = resolve_params("mlp", nlohmann::json::object(), "m");
  const auto pnn = resolve_params("pnn", nlohmann::json::object(), "p");
  for (const auto& [key, value] : mlp.items()) EXPECT_EQ(pnn.at(key), value) << key;
  EXPECT_EQ(pnn.size(), mlp.size() + 5);
  EXPECT_TRUE(pnn.at("parameters").is_null());
  EXPECT_EQ(pnn.at("conditioning"), "concat");
  EXPECT_EQ(pnn.at("background_parameters"), "resample");
  EXPECT_TRUE(pnn.at("background_value").is_null());
  EXPECT_EQ(pnn.at("balance_parameter_points"), true);
}

void expect_config_error(const nlohmann::json& params, const std::string& fragment, int n_classes = 2) {
  auto d = testing::make_parametric(300, 31);
  if (n_classes == 3)
    for (std::size_t i = 0; i < d.rows; i += 3) d.labels[i] = 2;
  d.n_classes = n_classes;
  try {
    (void)train("pnn", params, testing::with_names(d), core::Context{1});
    ADD_FAILURE() << "expected a ConfigError for " << params.dump();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(PnnParams, BadValuesGiveAConfigErrorNamingTheParameter) {
  const nlohmann::json base = {{"parameters", {"mass"}}, {"max_iter", 2}};
  const auto with = [&](const nlohmann::json& extra) {
    nlohmann::json p = base;
    for (const auto& [k, v] : extra.items()) p[k] = v;
    return p;
  };
  expect_config_error(base, "3 classes", 3);
  expect_config_error({{"max_iter", 2}}, "parameters is required");
  expect_config_error(with({{"parameters", {"mas"}}}), "did you mean 'mass'");
  expect_config_error(with({{"parameters", nlohmann::json::array()}}), "parameters");
  expect_config_error(with({{"parameters", {"mass", "mass"}}}), "listed twice");
  expect_config_error(with({{"parameters", "mass"}}), "parameters");
  expect_config_error(with({{"conditioning", "film"}}), "conditioning");
  expect_config_error(with({{"conditioning", "affine"}, {"hidden_layer_sizes", nlohmann::json::array()}}),
                      "at least one layer");
  expect_config_error(with({{"conditioning", "affine"}, {"parameters", {"x0", "x1", "mass", "x2"}}}),
                      "no other feature");
  expect_config_error(with({{"background_parameters", "fixed"}}), "background_value is required");
  expect_config_error(with({{"background_parameters", "fixed"}, {"background_value", {1.0, 2.0}}}),
                      "2 numbers but there are 1 parameters");
  expect_config_error(with({{"background_value", 1000}}), "only with background_parameters = \"fixed\"");
  expect_config_error(with({{"background_value", "high"}}), "background_value");
  expect_config_error(with({{"background_parameters", "uniform"}}), "background_parameters");
  expect_config_error(with({{"solver", "lbfgs"}, {"dropout", 0.1}}), "model 'pnn': hyper-parameter dropout");
}

TEST(PnnParams, NeedsTheFeaturesNames) {
  const auto d = testing::make_parametric(300, 32);
  try {
    (void)train("pnn", {{"parameters", {"mass"}}}, d.train_data(), core::Context{1});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("names"), std::string::npos) << e.what();
  }
}

TEST(PnnParams, BalancingNeedsPositiveWeightAtEverySignalPoint) {
  auto d = testing::make_parametric(300, 33);
  for (std::size_t i = 0; i < d.rows; ++i)
    if (d.labels[i] == 1 && d.x[2 * d.rows + i] == 1000.0f) d.weights[i] = -1.0;
  EXPECT_THROW((void)train("pnn", {{"parameters", {"mass"}}, {"max_iter", 2}}, testing::with_names(d), core::Context{1}),
               ConfigError);
  EXPECT_NO_THROW((void)train("pnn", {{"parameters", {"mass"}}, {"max_iter", 2}, {"balance_parameter_points", false}},
                              testing::with_names(d), core::Context{1}));
}

}  // namespace
}  // namespace evclass::learn
