// logistic_regression against scikit-learn's LogisticRegression (run through /usr/bin/python3).

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include "evclass/learn/logistic.hpp"
#include "evclass/learn/registry.hpp"
#include "unit/learn/learn_test_data.hpp"

namespace evclass::learn {
namespace {

using testing::make_classification;
using testing::OwnedData;

namespace fs = std::filesystem;

/// Fits each CSV twice: converged (tol 1e-10) for coefficients, and with defaults for scores.
constexpr const char* kScript = R"PY(
import json, sys
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
out = {}
for name in sys.argv[2:]:
    df = pd.read_csv(f"{sys.argv[1]}/{name}.csv")
    x = df[[c for c in df.columns if c.startswith("f")]].to_numpy(dtype=np.float64)
    y = df["label"].to_numpy(); w = df["weight"].to_numpy()
    cw = "balanced" if name.endswith("balanced") else None
    tight = LogisticRegression(C=1.0, tol=1e-10, max_iter=100000, class_weight=cw).fit(x, y, sample_weight=w)
    default = LogisticRegression(C=1.0, class_weight=cw).fit(x, y, sample_weight=w)
    out[name] = {"coef": tight.coef_.tolist(), "intercept": tight.intercept_.tolist(),
                 "proba": default.predict_proba(x).tolist()}
json.dump(out, sys.stdout)
)PY";

struct Scenario {
  std::string name;
  OwnedData data;
  nlohmann::json params;
};

class AgainstScikitLearn : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenarios_ = new std::vector<Scenario>{
        {"binary", make_classification(4000, 5, 2, 41), nlohmann::json::object()},
        {"binary_negative_weights", make_classification(4000, 4, 2, 42, true, 0.05), nlohmann::json::object()},
        {"binary_balanced", make_classification(4000, 3, 2, 43), {{"class_weight", "balanced"}}},
        {"multinomial", make_classification(6000, 4, 3, 44), nlohmann::json::object()},
    };
    if (std::system("/usr/bin/python3 -c 'import sklearn, pandas' > /dev/null 2>&1") != 0) {
      skip_reason_ = "/usr/bin/python3 with scikit-learn and pandas is not available";
      return;
    }
    dir_ = fs::temp_directory_path() / fmt::format("evclass_learn_sklearn_{}", ::getpid());
    fs::create_directories(dir_);
    std::string names;
    for (const auto& s : *scenarios_) {
      std::ofstream csv(dir_ / (s.name + ".csv"));
      for (std::size_t j = 0; j < s.data.cols; ++j) csv << "f" << j << ",";
      csv << "label,weight\n";
      for (std::size_t i = 0; i < s.data.rows; ++i) {
        for (std::size_t j = 0; j < s.data.cols; ++j) csv << fmt::format("{},", s.data.x[j * s.data.rows + i]);
        csv << s.data.labels[i] << "," << fmt::format("{}", s.data.weights[i]) << "\n";
      }
      names += " " + s.name;
    }
    std::ofstream(dir_ / "fit.py") << kScript;
    const std::string command = fmt::format("/usr/bin/python3 {} {}{} > {} 2> {}", (dir_ / "fit.py").string(),
                                            dir_.string(), names, (dir_ / "out.json").string(),
                                            (dir_ / "err.txt").string());
    if (std::system(command.c_str()) != 0) {
      std::ifstream err(dir_ / "err.txt");
      fail_reason_ = "scikit-learn script failed: " + std::string(std::istreambuf_iterator<char>(err), {});
      return;
    }
    std::ifstream in(dir_ / "out.json");
    reference_ = new nlohmann::json(nlohmann::json::parse(in));
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) fs::remove_all(dir_);
    delete scenarios_;
    delete reference_;
    scenarios_ = nullptr;
    reference_ = nullptr;
  }
  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(fail_reason_.empty()) << fail_reason_;
  }

  static void compare(const std::string& name) {
    const Scenario* scenario = nullptr;
    for (const auto& s : *scenarios_)
      if (s.name == name) scenario = &s;
    ASSERT_NE(scenario, nullptr);
    const auto& ref = reference_->at(name);
    const OwnedData& d = scenario->data;

    // Coefficients at the optimum (both sides converged tightly).
    nlohmann::json tight = scenario->params;
    tight["tol"] = 1e-10;
    tight["max_iter"] = 10000;
    const auto model = train("logistic_regression", tight, d.train_data(), core::Context{2});
    const auto& lr = dynamic_cast<const LogisticRegressionModel&>(*model);
    const std::size_t n_rows = lr.intercept().size();
    ASSERT_EQ(ref.at("coef").size(), n_rows);
    for (std::size_t k = 0; k < n_rows; ++k) {
      for (std::size_t j = 0; j < d.cols; ++j) {
        const double expected = ref["coef"][k][j].get<double>();
        EXPECT_NEAR(lr.coef()[k * d.cols + j], expected, 1e-4 * std::max(std::abs(expected), 0.1))
            << name << " coef[" << k << "][" << j << "]";
      }
      const double expected = ref["intercept"][k].get<double>();
      EXPECT_NEAR(lr.intercept()[k], expected, 1e-4 * std::max(std::abs(expected), 0.1)) << name << " intercept " << k;
    }

    // Scores with default settings on both sides: same separation power.
    const auto defaults = train("logistic_regression", scenario->params, d.train_data(), core::Context{2});
    std::vector<float> scores(d.rows * defaults->n_outputs());
    defaults->predict(d.matrix(), scores, core::Context{2});
    const int n_classes = d.n_classes;
    for (int positive = (n_classes == 2 ? 1 : 0); positive < n_classes; ++positive) {
      std::vector<double> ours(d.rows), theirs(d.rows);
      for (std::size_t i = 0; i < d.rows; ++i) {
        ours[i] = n_classes == 2 ? scores[i] : scores[i * static_cast<std::size_t>(n_classes) + static_cast<std::size_t>(positive)];
        theirs[i] = ref["proba"][i][static_cast<std::size_t>(positive)].get<double>();
      }
      EXPECT_NEAR(testing::auc(ours, d.labels, positive), testing::auc(theirs, d.labels, positive), 0.002)
          << name << " class " << positive;
    }
  }

  static inline std::vector<Scenario>* scenarios_ = nullptr;
  static inline nlohmann::json* reference_ = nullptr;
  static inline fs::path dir_;
  static inline std::string skip_reason_;
  static inline std::string fail_reason_;
};

TEST_F(AgainstScikitLearn, BinaryWithSampleWeightsMatches) { compare("binary"); }
TEST_F(AgainstScikitLearn, BinaryWithSomeNegativeWeightsMatches) { compare("binary_negative_weights"); }
TEST_F(AgainstScikitLearn, BinaryWithBalancedClassWeightsMatches) { compare("binary_balanced"); }
TEST_F(AgainstScikitLearn, MultinomialWithSampleWeightsMatches) { compare("multinomial"); }

}  // namespace
}  // namespace evclass::learn
