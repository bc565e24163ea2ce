// Saved models: round trips are exact, damaged JSON gives one clear error, training is repeatable.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "evclass/core/error.hpp"
#include "evclass/learn/logistic.hpp"
#include "evclass/learn/registry.hpp"
#include "unit/learn/learn_test_data.hpp"

namespace evclass::learn {
namespace {

using testing::make_classification;

std::vector<float> predict_all(const Model& m, const FeatureMatrix& x, int threads) {
  std::vector<float> out(x.rows * m.n_outputs());
  m.predict(x, out, core::Context{threads});
  return out;
}

TEST(LearnModelJson, SaveThenLoadGivesBitIdenticalPredictions) {
  for (int n_classes : {2, 3}) {
    const auto d = make_classification(5000, 4, n_classes, 31);
    auto data = d.train_data();
    data.feature_names = {"a", "b", "c", "d"};
    const auto model = train("logistic_regression", nlohmann::json::object(), data, core::Context{2});
    const auto loaded = load_model(nlohmann::json::parse(model->to_json().dump()));
    EXPECT_EQ(loaded->type(), "logistic_regression");
    EXPECT_EQ(loaded->n_classes(), n_classes);
    EXPECT_EQ(loaded->n_features(), 4u);
    EXPECT_EQ(predict_all(*model, d.matrix(), 2), predict_all(*loaded, d.matrix(), 1));
    EXPECT_EQ(loaded->to_json(), model->to_json());
  }
}

TEST(LearnModelJson, MultiClassProbabilitiesSumToOne) {
  const auto d = make_classification(3000, 3, 4, 32);
  const auto model = train("logistic_regression", nlohmann::json::object(), d.train_data(), core::Context{2});
  const auto p = predict_all(*model, d.matrix(), 2);
  ASSERT_EQ(p.size(), d.rows * 4);
  for (std::size_t i = 0; i < d.rows; ++i) EXPECT_NEAR(p[4 * i] + p[4 * i + 1] + p[4 * i + 2] + p[4 * i + 3], 1.0, 1e-5);
}

TEST(LearnModelJson, TwoTrainingsGiveBitIdenticalJsonForAnyThreadCount) {
  // 40000 rows span many row blocks, so the parallel sums really are split.
  for (int n_classes : {2, 3}) {
    const auto d = make_classification(40000, 5, n_classes, 33, true, 0.05);
    const auto a = train("logistic_regression", nlohmann::json::object(), d.train_data(), core::Context{1});
    const auto b = train("logistic_regression", nlohmann::json::object(), d.train_data(), core::Context{2});
    const auto c = train("logistic_regression", nlohmann::json::object(), d.train_data(), core::Context{2});
    EXPECT_EQ(a->to_json().dump(), b->to_json().dump());
    EXPECT_EQ(b->to_json().dump(), c->to_json().dump());
  }
}

TEST(LearnModelJson, PredictingWithTheWrongFeatureCountIsAnError) {
  const auto d = make_classification(500, 3, 2, 34);
  const auto model = train("logistic_regression", nlohmann::json::object(), d.train_data(), core::Context{1});
  std::vector<float> two(1000);
  std::vector<float> out(500);
  EXPECT_THROW(model->predict(FeatureMatrix{two, 500, 2}, out, core::Context{1}), ConfigError);
}

class CorruptModel : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto d = make_classification(500, 3, 3, 35);
    auto data = d.train_data();
    data.feature_names = {"x", "y", "z"};
    good_ = train("logistic_regression", nlohmann::json::object(), data, core::Context{1})->to_json();
  }
  /// The message of the CorruptFile that loading `j` throws ("" if it loads).
  static std::string load_error(const nlohmann::json& j) {
    try {
      (void)load_model(j);
    } catch (const CorruptFile& e) {
      return e.what();
    }
    return "";
  }
  nlohmann::json good_;
};

TEST_F(CorruptModel, TheIntactModelLoads) { EXPECT_EQ(load_error(good_), ""); }

TEST_F(CorruptModel, AWrongVersionIsRejected) {
  auto j = good_;
  j["version"] = 99;
  EXPECT_NE(load_error(j).find("version"), std::string::npos);
}

TEST_F(CorruptModel, AMissingFieldIsNamed) {
  for (const char* field : {"coef", "intercept", "n_features", "params", "training", "version"}) {
    auto j = good_;
    j.erase(field);
    const auto message = load_error(j);
    EXPECT_NE(message.find(field), std::string::npos) << field << ": " << message;
    EXPECT_NE(message.find("missing"), std::string::npos) << message;
  }
}

TEST_F(CorruptModel, ArraysOfTheWrongLengthAreRejected) {
  auto j = good_;
  j["coef"][1].erase(0);
  EXPECT_NE(load_error(j).find("coef"), std::string::npos);
  j = good_;
  j["intercept"].push_back(1.0);
  EXPECT_NE(load_error(j).find("intercept"), std::string::npos);
  j = good_;
  j["coef"].erase(2);
  EXPECT_NE(load_error(j).find("coef"), std::string::npos);
  j = good_;
  j["feature_names"].erase(0);
  EXPECT_NE(load_error(j).find("feature_names"), std::string::npos);
}

TEST_F(CorruptModel, HugeSizesDoNotAllocateAndAreRejected) {
  auto j = good_;
  j["n_features"] = 99999999;
  EXPECT_NE(load_error(j).find("entries"), std::string::npos);
  j = good_;
  j["n_classes"] = std::numeric_limits<std::uint64_t>::max();
  EXPECT_NE(load_error(j).find("n_classes"), std::string::npos);
  j = good_;
  j["n_features"] = -3;
  EXPECT_NE(load_error(j).find("n_features"), std::string::npos);
}

TEST_F(CorruptModel, NonFiniteAndNonNumericValuesAreRejected) {
  auto j = good_;
  j["coef"][0][1] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(load_error(j).find("coef"), std::string::npos);
  j = good_;
  j["intercept"][0] = std::numeric_limits<double>::infinity();
  EXPECT_NE(load_error(j).find("not finite"), std::string::npos);
  j = good_;
  j["intercept"][0] = "0.5";
  EXPECT_NE(load_error(j).find("intercept"), std::string::npos);
  j = good_;
  j["n_classes"] = 3.5;
  EXPECT_NE(load_error(j).find("n_classes"), std::string::npos);
}

TEST_F(CorruptModel, AnUnknownTypeOrNonObjectIsRejected) {
  auto j = good_;
  j["type"] = "quantum_forest";
  EXPECT_NE(load_error(j).find("quantum_forest"), std::string::npos);
  EXPECT_NE(load_error(nlohmann::json::array()).find("object"), std::string::npos);
  EXPECT_NE(load_error(nlohmann::json()).find("object"), std::string::npos);
  j = good_;
  j.erase("type");
  EXPECT_NE(load_error(j).find("type"), std::string::npos);
}

}  // namespace
}  // namespace evclass::learn
