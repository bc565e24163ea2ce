// Contracts every registered model type must keep (later types are checked automatically).

#include <gtest/gtest.h>

#include <cmath>

#include "evclass/core/error.hpp"
#include "evclass/learn/registry.hpp"
#include "unit/learn/learn_test_data.hpp"

namespace evclass::learn {
namespace {

TEST(LearnRegistry, EveryParameterHasADocStringAndAValidDefault) {
  for (const auto& type : registered_model_types()) {
    const ParamSchema& schema = type.schema();
    EXPECT_EQ(schema.model_type(), type.name);
    for (const auto& p : schema.params()) {
      EXPECT_FALSE(p.doc.empty()) << type.name << "." << p.name;
      if (!p.default_value.is_null()) {  // the default must pass its own validation
        EXPECT_NO_THROW((void)schema.resolve({{p.name, p.default_value}}, "defaults")) << type.name << "." << p.name;
      }
    }
  }
}

// What a type needs beyond the generic data: the parametric network takes one of the features
// as its physics parameter (held at a few discrete "mass points", as real pNN inputs are) and
// separates signal from background only.
struct TypeNeeds {
  nlohmann::json params = nlohmann::json::object();
  bool binary_only = false;
  bool discrete_last_feature = false;
};

TypeNeeds needs_of(std::string_view type) {
  if (type == "pnn") return {{{"parameters", {"f3"}}}, true, true};
  return {};
}

TEST(LearnRegistry, EveryTypeTrainsPredictsProbabilitiesAndReloadsIdentically) {
  for (const auto& type : model_types()) {
    const TypeNeeds needs = needs_of(type);
    for (int n_classes : {2, 3}) {
      auto d = testing::make_classification(3000, 4, n_classes, 51);
      if (needs.discrete_last_feature)
        for (std::size_t i = 0; i < d.rows; ++i) d.x[3 * d.rows + i] = std::round(d.x[3 * d.rows + i]);
      TrainData data = d.train_data();
      data.feature_names = {"f0", "f1", "f2", "f3"};
      if (needs.binary_only && n_classes != 2) {
        EXPECT_THROW((void)train(type, needs.params, data, core::Context{2}), ConfigError) << type;
        continue;
      }
      const auto model = train(type, needs.params, data, core::Context{2});
      ASSERT_EQ(model->type(), type);
      ASSERT_EQ(model->n_features(), 4u);
      std::vector<float> scores(d.rows * model->n_outputs());
      model->predict(d.matrix(), scores, core::Context{2});
      for (float s : scores) ASSERT_TRUE(s >= 0.0f && s <= 1.0f) << type;
      const auto json = model->to_json();
      EXPECT_EQ(json.at("type"), type);
      EXPECT_TRUE(json.at("version").is_number_integer());
      const auto loaded = load_model(nlohmann::json::parse(json.dump()));
      std::vector<float> again(scores.size());
      loaded->predict(d.matrix(), again, core::Context{1});
      EXPECT_EQ(scores, again) << type;
      // Better than chance on data with real structure.
      std::vector<double> s1(d.rows);
      const int positive = n_classes - 1;
      for (std::size_t i = 0; i < d.rows; ++i)
        s1[i] = scores[i * model->n_outputs() + (n_classes == 2 ? 0 : static_cast<std::size_t>(positive))];
      EXPECT_GT(testing::auc(s1, d.labels, positive), 0.6) << type;
    }
  }
}

TEST(LearnRegistry, ProgressReportsEveryIterationWithANonIncreasingLoss) {
  for (int n_classes : {2, 3}) {
    const auto d = testing::make_classification(5000, 4, n_classes, 52);
    std::vector<double> losses;
    const auto model = train("logistic_regression", {{"tol", 1e-8}}, d.train_data(), core::Context{1},
                             [&](const TrainProgress& p) {
                               EXPECT_EQ(p.iteration, static_cast<int>(losses.size()) + 1);
                               losses.push_back(p.loss);
                             });
    ASSERT_GE(losses.size(), 2u);
    for (std::size_t i = 1; i < losses.size(); ++i) EXPECT_LE(losses[i], losses[i - 1] * (1 + 1e-9));
  }
}

}  // namespace
}  // namespace evclass::learn
