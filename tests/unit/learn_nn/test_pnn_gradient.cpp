// The affine (FiLM-style) conditioning of the pnn: the forward pass is the documented
// a' = a * (1 + theta·G) + theta·B of every hidden layer, and backpropagation (G and B included)
// matches central finite differences of the loss in double precision, for every activation,
// with dropout, sample weights (some negative) and the L2 penalty. Layer sizes and the number of
// parameters are not multiples of 4, so padding is exercised too.

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

/// Rows, conditioning values, labels, weights and a random conditioned network (G, B non-zero).
struct ConditionedProblem {
  Shape shape;
  std::vector<double> x, theta;  ///< m × inputs and m × P, row-major
  std::vector<std::int32_t> labels;
  std::vector<double> weights;
  std::vector<double> params;
  double alpha = 0.3;
  double normaliser = 0.0;
  std::size_t m = 11;

  ConditionedProblem(std::size_t n_parameters, std::uint64_t seed) : shape({5, 7, 6, 1}, n_parameters) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> u(-0.6, 0.6);
    for (std::size_t i = 0; i < m * shape.n_inputs(); ++i) x.push_back(normal(rng));
    for (std::size_t i = 0; i < m * n_parameters; ++i) theta.push_back(0.8 * normal(rng));
    double total = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      labels.push_back(static_cast<std::int32_t>(i % 2));
      weights.push_back((i % 5 == 3 ? -1.0 : 1.0) * (0.5 + 1.5 * std::abs(u(rng))));
      total += weights.back();
    }
    normaliser = total;
    params.assign(shape.size(), 0.0);
    for (const auto& b : shape.blocks())
      for (std::size_t r = 0; r < b.rows; ++r)
        for (std::size_t c = 0; c < b.cols; ++c) params[b.offset + r * b.ld + c] = u(rng);
  }

  void fill(Workspace<double>& ws) const {
    const std::size_t p = shape.n_conditioning();
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < shape.n_inputs(); ++j) ws.input_row(i)[j] = x[i * shape.n_inputs() + j];
      for (std::size_t k = 0; k < p; ++k) ws.conditioning_row(i)[k] = theta[i * p + k];
    }
  }

  /// sum_i s_i l_i / N + alpha/2 ||coefficients (W, G, B)||^2 / N; the gradient into `grad` if given.
  double loss(MlpActivation f, const std::vector<double>& w, const Dropout* dropout,
              std::vector<double>* grad = nullptr) const {
    Workspace<double> ws(shape, m, dropout != nullptr);
    fill(ws);
    ws.forward(shape, f, w.data(), m, dropout, 0);
    std::vector<double> transposed(shape.transposed_size());
    transpose_coefs(shape, w.data(), transposed.data());
    std::vector<double> scale(m), g(shape.size(), 1e9);  // garbage: backward must overwrite it
    for (std::size_t i = 0; i < m; ++i) scale[i] = weights[i] / normaliser;
    const double sum = ws.backward(shape, f, transposed.data(), labels, weights, scale, false, g.data());
    double norm2 = 0.0;
    for (const auto& b : shape.blocks()) {
      if (!b.coef) continue;
      for (std::size_t r = 0; r < b.rows; ++r) {
        for (std::size_t c = 0; c < b.cols; ++c) {
          const std::size_t e = b.offset + r * b.ld + c;
          norm2 += w[e] * w[e];
          g[e] += alpha / normaliser * w[e];
        }
      }
    }
    if (grad) *grad = g;
    return sum / normaliser + 0.5 * alpha * norm2 / normaliser;
  }
};

void check_conditioned_gradient(std::size_t n_parameters, MlpActivation f, const Dropout* dropout,
                                std::uint64_t seed) {
  const ConditionedProblem problem(n_parameters, seed);
  {
    // Away from saturation: 1 - p loses digits when p is near 1, which makes the finite
    // differences noisy (not the gradient wrong).
    Workspace<double> ws(problem.shape, problem.m, dropout != nullptr, false);
    problem.fill(ws);
    const double* p = ws.forward(problem.shape, f, problem.params.data(), problem.m, dropout, 0);
    for (std::size_t i = 0; i < problem.m; ++i)
      ASSERT_TRUE(p[i * problem.shape.ld(problem.shape.n_layers())] > 0.01 &&
                  p[i * problem.shape.ld(problem.shape.n_layers())] < 0.99)
          << "pick another seed: row " << i << " is saturated";
  }
  std::vector<double> grad;
  (void)problem.loss(f, problem.params, dropout, &grad);
  const std::string what = fmt::format("P = {}, {}{}", n_parameters, to_string(f), dropout ? ", dropout" : "");
  std::vector<bool> real(problem.shape.size(), false);
  std::size_t checked = 0, conditioning_checked = 0;
  const std::size_t first_conditioning = problem.shape.gamma_offset(1);
  for (const auto& b : problem.shape.blocks()) {
    for (std::size_t r = 0; r < b.rows; ++r) {
      for (std::size_t c = 0; c < b.cols; ++c) {
        const std::size_t e = b.offset + r * b.ld + c;
        real[e] = true;
        constexpr double h = 1e-6;
        std::vector<double> plus = problem.params, minus = problem.params;
        plus[e] += h;
        minus[e] -= h;
        const double numeric = (problem.loss(f, plus, dropout) - problem.loss(f, minus, dropout)) / (2 * h);
        EXPECT_NEAR(grad[e], numeric, 1e-7 + 1e-6 * std::abs(numeric)) << what << ", parameter " << e;
        ++checked;
        if (e >= first_conditioning) ++conditioning_checked;
      }
    }
  }
  EXPECT_EQ(checked, problem.shape.n_parameters());
  // G and B of both hidden layers (7 and 6 units): 2 × P × (7 + 6) parameters.
  EXPECT_EQ(conditioning_checked, 2 * n_parameters * 13) << what;
  for (std::size_t e = 0; e < real.size(); ++e) {
    if (!real[e]) {
      EXPECT_EQ(grad[e], 0.0) << what << ", padding entry " << e;
    }
  }
}

TEST(AffineConditioningGradient, MatchesFiniteDifferencesForEveryActivationWithGammaAndBeta) {
  for (auto f : kActivations) {
    check_conditioned_gradient(1, f, nullptr, 31);
    check_conditioned_gradient(3, f, nullptr, 32);
  }
}

TEST(AffineConditioningGradient, MatchesFiniteDifferencesThroughDropoutMasks) {
  const Dropout dropout{{0.3, 0.4}, 77, 2};
  for (auto f : kActivations) check_conditioned_gradient(2, f, &dropout, 33);
}

TEST(AffineConditioning, ForwardPassIsTheDocumentedModulationOfEveryHiddenLayer) {
  // Every row through {5 inputs, 7 tanh units, 6 tanh units, 1 output} with P = 2, written out
  // by hand from the flat buffer: z = a·W + b, z' = z * (1 + theta·G) + theta·B, a = tanh(z').
  const ConditionedProblem problem(2, 41);
  const Shape& s = problem.shape;
  Workspace<double> ws(s, problem.m, false, false);
  problem.fill(ws);
  const double* out = ws.forward(s, MlpActivation::tanh, problem.params.data(), problem.m);
  const double* w = problem.params.data();
  for (std::size_t i = 0; i < problem.m; ++i) {
    std::vector<double> a(problem.x.begin() + static_cast<std::ptrdiff_t>(i * s.n_inputs()),
                          problem.x.begin() + static_cast<std::ptrdiff_t>((i + 1) * s.n_inputs()));
    const double* th = problem.theta.data() + i * 2;
    for (std::size_t l = 0; l < s.n_layers(); ++l) {
      std::vector<double> z(s.units(l + 1));
      for (std::size_t j = 0; j < z.size(); ++j) {
        z[j] = w[s.intercept_offset(l) + j];
        for (std::size_t p = 0; p < a.size(); ++p) z[j] += a[p] * w[s.coef_offset(l) + p * s.ld(l + 1) + j];
      }
      if (l + 1 == s.n_layers()) {
        EXPECT_NEAR(out[i * s.ld(s.n_layers())], 1.0 / (1.0 + std::exp(-z[0])), 1e-12) << "row " << i;
        break;
      }
      const std::size_t h = l + 1;
      for (std::size_t j = 0; j < z.size(); ++j) {
        double gamma = 0.0, beta = 0.0;
        for (std::size_t k = 0; k < 2; ++k) {
          gamma += th[k] * w[s.gamma_offset(h) + k * s.ld(h) + j];
          beta += th[k] * w[s.beta_offset(h) + k * s.ld(h) + j];
        }
        z[j] = std::tanh(z[j] * (1.0 + gamma) + beta);
      }
      a = z;
    }
  }
}

TEST(AffineConditioning, ZeroGammaAndBetaGiveExactlyTheUnconditionedNetwork) {
  // Training starts from G = B = 0: the conditioned network is then the plain one, whatever theta.
  const ConditionedProblem problem(2, 42);
  const Shape plain({5, 7, 6, 1});
  std::vector<float> conditioned_params(problem.shape.size(), 0.0f), plain_params(plain.size(), 0.0f);
  for (std::size_t e = 0; e < plain.size(); ++e) plain_params[e] = conditioned_params[e] = static_cast<float>(problem.params[e]);
  Workspace<float> a(problem.shape, problem.m, false, false), b(plain, problem.m, false, false);
  for (std::size_t i = 0; i < problem.m; ++i) {
    for (std::size_t j = 0; j < 5; ++j) a.input_row(i)[j] = b.input_row(i)[j] = static_cast<float>(problem.x[i * 5 + j]);
    for (std::size_t k = 0; k < 2; ++k) a.conditioning_row(i)[k] = static_cast<float>(problem.theta[i * 2 + k]) * 100.0f;
  }
  const float* pa = a.forward(problem.shape, MlpActivation::relu, conditioned_params.data(), problem.m);
  const float* pb = b.forward(plain, MlpActivation::relu, plain_params.data(), problem.m);
  for (std::size_t i = 0; i < problem.m; ++i) EXPECT_EQ(pa[i * 4], pb[i * 4]) << "row " << i;
}

TEST(AffineConditioning, FloatNetworkAgreesWithTheDoubleOne) {
  for (auto f : kActivations) {
    const ConditionedProblem problem(2, 43);
    std::vector<double> grad_d;
    const double loss_d = problem.loss(f, problem.params, nullptr, &grad_d);
    Workspace<float> ws(problem.shape, problem.m, false);
    const std::size_t p = problem.shape.n_conditioning();
    for (std::size_t i = 0; i < problem.m; ++i) {
      for (std::size_t j = 0; j < 5; ++j) ws.input_row(i)[j] = static_cast<float>(problem.x[i * 5 + j]);
      for (std::size_t k = 0; k < p; ++k) ws.conditioning_row(i)[k] = static_cast<float>(problem.theta[i * p + k]);
    }
    std::vector<float> params(problem.params.begin(), problem.params.end());
    ws.forward(problem.shape, f, params.data(), problem.m);
    std::vector<float> transposed(problem.shape.transposed_size()), grad(problem.shape.size());
    transpose_coefs(problem.shape, params.data(), transposed.data());
    std::vector<float> scale(problem.m);
    for (std::size_t i = 0; i < problem.m; ++i) scale[i] = static_cast<float>(problem.weights[i] / problem.normaliser);
    const double sum =
        ws.backward(problem.shape, f, transposed.data(), problem.labels, problem.weights, scale, false, grad.data());
    double norm2 = 0.0;
    for (const auto& b : problem.shape.blocks()) {
      for (std::size_t r = 0; r < b.rows; ++r) {
        for (std::size_t c = 0; c < b.cols; ++c) {
          const std::size_t e = b.offset + r * b.ld + c;
          if (b.coef) {
            norm2 += problem.params[e] * problem.params[e];
            grad[e] += static_cast<float>(problem.alpha / problem.normaliser * problem.params[e]);
          }
          EXPECT_NEAR(grad[e], grad_d[e], 5e-5) << to_string(f) << ", parameter " << e;
        }
      }
    }
    EXPECT_NEAR(sum / problem.normaliser + 0.5 * problem.alpha * norm2 / problem.normaliser, loss_d, 1e-5);
  }
}

}  // namespace
}  // namespace evclass::learn::nn
