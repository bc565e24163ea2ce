// Backpropagation against central finite differences of the loss, in double precision, for every
// hidden activation and both outputs (logistic for 2 classes, softmax for 3), with sample weights
// (some negative), the L2 penalty and dropout. Layer sizes are not multiples of 4, so padding is
// exercised too.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "learn/nn/network.hpp"

namespace evclass::learn::nn {
namespace {

constexpr MlpActivation kActivations[] = {MlpActivation::identity, MlpActivation::logistic, MlpActivation::tanh,
                                          MlpActivation::relu};

/// A small problem: rows, labels, weights and a random network.
struct Problem {
  Shape shape;
  std::vector<double> x;  ///< m × n_inputs, row-major
  std::vector<std::int32_t> labels;
  std::vector<double> weights;
  std::vector<double> params;
  double alpha = 0.3;
  double normaliser = 0.0;
  std::size_t m = 13;

  Problem(std::size_t n_outputs, std::uint64_t seed) : shape({5, 7, 6, n_outputs}) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> u(-0.8, 0.8);
    const int n_classes = n_outputs == 1 ? 2 : static_cast<int>(n_outputs);
    for (std::size_t i = 0; i < m * shape.n_inputs(); ++i) x.push_back(normal(rng));
    double total = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      labels.push_back(static_cast<std::int32_t>(i % static_cast<std::size_t>(n_classes)));
      weights.push_back((i % 5 == 3 ? -1.0 : 1.0) * (0.5 + 1.5 * std::abs(u(rng))));
      total += weights.back();
    }
    normaliser = total;  // the batch normaliser m × mean weight
    params.assign(shape.size(), 0.0);
    for_each_real_parameter([&](std::size_t e, bool) { params[e] = u(rng); });
  }

  template <class F>
  void for_each_real_parameter(F f) const {
    for (std::size_t l = 0; l < shape.n_layers(); ++l) {
      for (std::size_t p = 0; p < shape.units(l); ++p)
        for (std::size_t j = 0; j < shape.units(l + 1); ++j) f(shape.coef_offset(l) + p * shape.ld(l + 1) + j, true);
      for (std::size_t j = 0; j < shape.units(l + 1); ++j) f(shape.intercept_offset(l) + j, false);
    }
  }

  /// The loss sum_i s_i l_i / N + alpha/2 ||W||^2 / N; its gradient into `grad` when given.
  double loss(MlpActivation f, const std::vector<double>& theta, const Dropout* dropout,
              std::vector<double>* grad = nullptr) const {
    Workspace<double> ws(shape, m, dropout != nullptr);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t p = 0; p < shape.n_inputs(); ++p) ws.input_row(i)[p] = x[i * shape.n_inputs() + p];
    ws.forward(shape, f, theta.data(), m, dropout, 0);
    std::vector<double> transposed(shape.transposed_size());
    transpose_coefs(shape, theta.data(), transposed.data());
    std::vector<double> scale(m), g(shape.size(), 1e9);  // garbage: backward must overwrite it
    for (std::size_t i = 0; i < m; ++i) scale[i] = weights[i] / normaliser;
    const double sum = ws.backward(shape, f, transposed.data(), labels, weights, scale, false, g.data());
    double norm2 = 0.0;
    for_each_real_parameter([&](std::size_t e, bool coef) {
      if (coef) {
        norm2 += theta[e] * theta[e];
        g[e] += alpha / normaliser * theta[e];
      }
    });
    if (grad) *grad = g;
    return sum / normaliser + 0.5 * alpha * norm2 / normaliser;
  }
};

void check_gradient(std::size_t n_outputs, MlpActivation f, const Dropout* dropout, std::uint64_t seed) {
  const Problem problem(n_outputs, seed);
  std::vector<double> grad;
  (void)problem.loss(f, problem.params, dropout, &grad);
  const std::string what = fmt::format("{} outputs, {}{}", n_outputs, to_string(f), dropout ? ", dropout" : "");
  std::vector<bool> real(problem.shape.size(), false);
  int checked = 0;
  problem.for_each_real_parameter([&](std::size_t e, bool) {
    real[e] = true;
    constexpr double h = 1e-6;
    std::vector<double> plus = problem.params, minus = problem.params;
    plus[e] += h;
    minus[e] -= h;
    const double numeric = (problem.loss(f, plus, dropout) - problem.loss(f, minus, dropout)) / (2 * h);
    EXPECT_NEAR(grad[e], numeric, 1e-7 + 1e-6 * std::abs(numeric)) << what << ", parameter " << e;
    ++checked;
  });
  EXPECT_EQ(checked, static_cast<int>(problem.shape.n_parameters()));
  // Padding entries have exactly zero gradient, so they stay zero during training.
  for (std::size_t e = 0; e < real.size(); ++e) {
    if (!real[e]) {
      EXPECT_EQ(grad[e], 0.0) << what << ", padding entry " << e;
    }
  }
}

TEST(NetworkGradient, MatchesFiniteDifferencesForEveryActivationWithALogisticOutput) {
  for (auto f : kActivations) check_gradient(1, f, nullptr, 11);
}

TEST(NetworkGradient, MatchesFiniteDifferencesForEveryActivationWithASoftmaxOutput) {
  for (auto f : kActivations) check_gradient(3, f, nullptr, 12);
}

TEST(NetworkGradient, MatchesFiniteDifferencesThroughDropoutMasks) {
  const Dropout dropout{{0.3, 0.5}, 99, 4};
  for (auto f : kActivations) {
    check_gradient(1, f, &dropout, 13);
    check_gradient(3, f, &dropout, 14);
  }
}

TEST(NetworkGradient, DropoutRemovesUnitsAndScalesTheRest) {
  // With one hidden layer of 400 identity units fed by a constant input, the kept units are
  // exactly 1/(1-rate) and the dropped ones 0; about `rate` of them are dropped.
  const Shape shape({1, 400, 1});
  std::vector<double> params(shape.size(), 0.0);
  for (std::size_t j = 0; j < 400; ++j) params[shape.coef_offset(0) + j] = 1.0;  // W_0 = 1, b_0 = 0
  for (std::size_t j = 0; j < 400; ++j) params[shape.coef_offset(1) + j * shape.ld(2)] = 1.0 / 400;
  Workspace<double> ws(shape, 1, true);
  ws.input_row(0)[0] = 1.0;
  const Dropout dropout{{0.25}, 5, 0};
  const double p = ws.forward(shape, MlpActivation::identity, params.data(), 1, &dropout, 0)[0];
  // The output is logistic(mean of the kept-and-scaled units): the share kept × 4/3.
  const double mean = std::log(p / (1 - p));
  const double kept_share = mean * 0.75;
  EXPECT_NEAR(kept_share, 0.75, 0.06);
  EXPECT_NEAR(std::round(kept_share * 400), kept_share * 400, 1e-6);  // a whole number of units
}

TEST(NetworkGradient, FloatNetworkAgreesWithTheDoubleOne) {
  for (auto f : kActivations) {
    for (std::size_t n_outputs : {1u, 3u}) {
      const Problem problem(n_outputs, 21);
      std::vector<double> grad_d;
      const double loss_d = problem.loss(f, problem.params, nullptr, &grad_d);
      // The same computation in float.
      Workspace<float> ws(problem.shape, problem.m, false);
      for (std::size_t i = 0; i < problem.m; ++i)
        for (std::size_t p = 0; p < problem.shape.n_inputs(); ++p)
          ws.input_row(i)[p] = static_cast<float>(problem.x[i * problem.shape.n_inputs() + p]);
      std::vector<float> params(problem.params.begin(), problem.params.end());
      ws.forward(problem.shape, f, params.data(), problem.m);
      std::vector<float> transposed(problem.shape.transposed_size()), grad(problem.shape.size());
      transpose_coefs(problem.shape, params.data(), transposed.data());
      std::vector<float> scale(problem.m);
      for (std::size_t i = 0; i < problem.m; ++i) scale[i] = static_cast<float>(problem.weights[i] / problem.normaliser);
      const double sum = ws.backward(problem.shape, f, transposed.data(), problem.labels, problem.weights, scale, false,
                                     grad.data());
      double norm2 = 0.0;
      problem.for_each_real_parameter([&](std::size_t e, bool coef) {
        if (coef) {
          norm2 += problem.params[e] * problem.params[e];
          grad[e] += static_cast<float>(problem.alpha / problem.normaliser * problem.params[e]);
        }
      });
      EXPECT_NEAR(sum / problem.normaliser + 0.5 * problem.alpha * norm2 / problem.normaliser, loss_d, 1e-5);
      problem.for_each_real_parameter([&](std::size_t e, bool) { EXPECT_NEAR(grad[e], grad_d[e], 2e-5); });
    }
  }
}

}  // namespace
}  // namespace evclass::learn::nn
