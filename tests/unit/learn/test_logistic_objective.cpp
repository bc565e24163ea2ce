// The logistic objectives against finite differences, and the solvers against an independent
// gradient computed here row by row.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "evclass/core/error.hpp"
#include "evclass/learn/logistic.hpp"
#include "evclass/learn/registry.hpp"
#include "learn/linear/logistic_objective.hpp"
#include "unit/learn/learn_test_data.hpp"

namespace evclass::learn {
namespace {

using testing::make_classification;

/// The gradient of 0.5 ||W||^2 + C sum_i s_i logloss_i, written the plain way (no blocks, no
/// Eigen): row i, class k: s_i (p_ik - [y_i = k]) x_i.
std::vector<double> naive_gradient(const testing::OwnedData& d, const std::vector<double>& coef,
                                   const std::vector<double>& intercept, double C) {
  const std::size_t n_rows = intercept.size();
  std::vector<double> grad(n_rows * (d.cols + 1), 0.0);
  for (std::size_t i = 0; i < d.rows; ++i) {
    std::vector<double> z(n_rows);
    for (std::size_t k = 0; k < n_rows; ++k) {
      z[k] = intercept[k];
      for (std::size_t j = 0; j < d.cols; ++j) z[k] += coef[k * d.cols + j] * d.x[j * d.rows + i];
    }
    std::vector<double> p(n_rows);
    if (n_rows == 1) {
      p[0] = 1.0 / (1.0 + std::exp(-z[0]));
    } else {
      double total = 0;
      for (std::size_t k = 0; k < n_rows; ++k) total += std::exp(z[k]);
      for (std::size_t k = 0; k < n_rows; ++k) p[k] = std::exp(z[k]) / total;
    }
    const double s = d.weights.empty() ? 1.0 : d.weights[i];
    for (std::size_t k = 0; k < n_rows; ++k) {
      const double target = n_rows == 1 ? (d.labels[i] == 1) : (d.labels[i] == static_cast<int>(k));
      const double r = C * s * (p[k] - target);
      for (std::size_t j = 0; j < d.cols; ++j) grad[k * (d.cols + 1) + j] += r * d.x[j * d.rows + i];
      grad[k * (d.cols + 1) + d.cols] += r;
    }
  }
  for (std::size_t k = 0; k < n_rows; ++k)
    for (std::size_t j = 0; j < d.cols; ++j) grad[k * (d.cols + 1) + j] += coef[k * d.cols + j];
  return grad;
}

Eigen::VectorXd random_theta(Eigen::Index n, unsigned seed) {
  std::srand(seed);
  return 0.3 * Eigen::VectorXd::Random(n);
}

TEST(LogisticObjective, BinaryGradientAndHessianMatchFiniteDifferences) {
  const auto d = make_classification(5000, 4, 2, 11, true, 0.1);
  const linear::LogisticProblem problem{d.matrix(), d.labels, d.weights, 2, true, 0.7};
  const linear::BinaryLogisticObjective f(problem, core::Context{2});
  const Eigen::VectorXd theta = random_theta(f.dimension(), 3);
  Eigen::VectorXd grad, grad_step;
  Eigen::MatrixXd hessian;
  f.value_gradient_hessian(theta, grad, hessian);
  const double h = 1e-5;
  for (Eigen::Index j = 0; j < theta.size(); ++j) {
    Eigen::VectorXd up = theta, down = theta;
    up[j] += h;
    down[j] -= h;
    const double numeric = (f.value(up) - f.value(down)) / (2 * h);
    EXPECT_NEAR(grad[j], numeric, 1e-6 * std::max(1.0, std::abs(numeric))) << "parameter " << j;
    Eigen::VectorXd g_up, g_down;
    f.value_gradient(up, g_up);
    f.value_gradient(down, g_down);
    const Eigen::VectorXd column = (g_up - g_down) / (2 * h);
    for (Eigen::Index i = 0; i < theta.size(); ++i)
      EXPECT_NEAR(hessian(i, j), column[i], 1e-5 * std::max(1.0, std::abs(column[i]))) << i << "," << j;
  }
}

TEST(LogisticObjective, MultinomialGradientMatchesFiniteDifferences) {
  const auto d = make_classification(4000, 3, 4, 12);
  const linear::LogisticProblem problem{d.matrix(), d.labels, d.weights, 4, true, 2.0};
  const linear::MultinomialLogisticObjective f(problem, core::Context{2});
  const Eigen::VectorXd theta = random_theta(f.dimension(), 4);
  Eigen::VectorXd grad;
  f.value_gradient(theta, grad);
  const double h = 1e-5;
  for (Eigen::Index j = 0; j < theta.size(); ++j) {
    Eigen::VectorXd up = theta, down = theta;
    up[j] += h;
    down[j] -= h;
    const double numeric = (f.value(up) - f.value(down)) / (2 * h);
    EXPECT_NEAR(grad[j], numeric, 1e-6 * std::max(1.0, std::abs(numeric))) << "parameter " << j;
  }
}

TEST(LogisticObjective, GradientAgreesWithAPlainRowByRowSum) {
  const auto d = make_classification(3000, 3, 3, 13);
  const linear::LogisticProblem problem{d.matrix(), d.labels, d.weights, 3, true, 1.5};
  const linear::MultinomialLogisticObjective f(problem, core::Context{1});
  const Eigen::VectorXd theta = random_theta(f.dimension(), 5);
  Eigen::VectorXd grad;
  f.value_gradient(theta, grad);
  std::vector<double> coef, intercept;
  for (int k = 0; k < 3; ++k) {
    for (int j = 0; j < 3; ++j) coef.push_back(theta[k * 4 + j]);
    intercept.push_back(theta[k * 4 + 3]);
  }
  const auto expected = naive_gradient(d, coef, intercept, 1.5);
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(grad[static_cast<Eigen::Index>(i)], expected[i], 1e-9 * std::max(1.0, std::abs(expected[i])));
}

/// max |gradient| at the trained model, relative to C * sum of weights (scikit-learn's scale).
double relative_gradient_at_optimum(const testing::OwnedData& d, const LogisticRegressionModel& m, double C) {
  const auto g = naive_gradient(d, m.coef(), m.intercept(), C);
  double weight_sum = 0;
  for (double w : d.weights) weight_sum += w;
  double worst = 0;
  for (double v : g) worst = std::max(worst, std::abs(v));
  return worst / (C * weight_sum);
}

TEST(LogisticRegressionSolvers, NewtonReachesTheOptimumOnRandomData) {
  const auto d = make_classification(20000, 6, 2, 21);
  const nlohmann::json params = {{"C", 0.5}, {"tol", 1e-10}};
  const auto model = train("logistic_regression", params, d.train_data(), core::Context{2});
  const auto& lr = dynamic_cast<const LogisticRegressionModel&>(*model);
  EXPECT_TRUE(lr.converged());
  EXPECT_LT(lr.iterations(), 20);
  EXPECT_LT(relative_gradient_at_optimum(d, lr, 0.5), 1e-9);
}

TEST(LogisticRegressionSolvers, LbfgsReachesTheOptimumOnRandomData) {
  const auto d = make_classification(20000, 5, 4, 22);
  const nlohmann::json params = {{"C", 3.0}, {"tol", 1e-10}, {"max_iter", 2000}};
  const auto model = train("logistic_regression", params, d.train_data(), core::Context{2});
  const auto& lr = dynamic_cast<const LogisticRegressionModel&>(*model);
  EXPECT_TRUE(lr.converged());
  EXPECT_LT(relative_gradient_at_optimum(d, lr, 3.0), 1e-9);
}

TEST(LogisticRegressionSolvers, NegativeWeightsStillGiveAFiniteOptimum) {
  const auto d = make_classification(20000, 5, 2, 23, true, 0.2);
  const auto model = train("logistic_regression", {{"tol", 1e-10}}, d.train_data(), core::Context{2});
  const auto& lr = dynamic_cast<const LogisticRegressionModel&>(*model);
  for (double c : lr.coef()) EXPECT_TRUE(std::isfinite(c));
  EXPECT_TRUE(lr.converged());
  EXPECT_LT(relative_gradient_at_optimum(d, lr, 1.0), 1e-9);
}

TEST(LogisticRegressionSolvers, AClassWithoutPositiveTotalWeightIsAConfigError) {
  auto d = make_classification(1000, 3, 2, 24);
  for (std::size_t i = 0; i < d.rows; ++i)
    if (d.labels[i] == 1) d.weights[i] = -std::abs(d.weights[i]);
  try {
    (void)train("logistic_regression", nlohmann::json::object(), d.train_data(), core::Context{1});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("class 1"), std::string::npos) << e.what();
  }
}

TEST(LogisticRegressionSolvers, NonFiniteFeaturesAreAConfigErrorNamingTheFeature) {
  auto d = make_classification(100, 2, 2, 25);
  d.x[100 + 7] = std::numeric_limits<float>::quiet_NaN();
  auto data = d.train_data();
  data.feature_names = {"pt", "eta"};
  try {
    (void)train("logistic_regression", nlohmann::json::object(), data, core::Context{1});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'eta'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("row 7"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace evclass::learn

namespace evclass::learn {
namespace {

TEST(LogisticRegressionSolvers, WithoutInterceptTheInterceptIsZeroAndTheWeightsAreOptimal) {
  for (int n_classes : {2, 3}) {
    const auto d = testing::make_classification(8000, 4, n_classes, 26);
    const auto model = train("logistic_regression", {{"fit_intercept", false}, {"tol", 1e-10}, {"max_iter", 1000}},
                             d.train_data(), core::Context{2});
    const auto& lr = dynamic_cast<const LogisticRegressionModel&>(*model);
    for (double b : lr.intercept()) EXPECT_EQ(b, 0.0);
    EXPECT_TRUE(lr.converged());
    // Only the weight entries of the gradient must vanish (there is no intercept to optimise).
    const auto g = naive_gradient(d, lr.coef(), lr.intercept(), 1.0);
    double weight_sum = 0;
    for (double w : d.weights) weight_sum += w;
    for (std::size_t k = 0; k < lr.intercept().size(); ++k)
      for (std::size_t j = 0; j < d.cols; ++j) EXPECT_LT(std::abs(g[k * (d.cols + 1) + j]) / weight_sum, 1e-9);
  }
}

}  // namespace
}  // namespace evclass::learn
