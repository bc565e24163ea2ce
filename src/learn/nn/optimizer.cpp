#include "learn/nn/optimizer.hpp"

#include <algorithm>
#include <cmath>

#include "evclass/core/error.hpp"

namespace evclass::learn::nn {

namespace {

constexpr std::size_t kBlock = 16384;         ///< parameters updated together (a fixed partition)
constexpr std::size_t kParallelFrom = 65536;  ///< fewer parameters: one thread is faster

}  // namespace

StochasticOptimizer::StochasticOptimizer(const Shape& shape, const OptimizerSettings& settings)
    : settings_(settings), learning_rate_(settings.learning_rate_init) {
  EVC_ASSERT(settings_.solver != Solver::lbfgs, "lbfgs is not a stochastic solver");
  first_.assign(shape.size(), 0.0f);
  sum_.assign(shape.size(), 0.0f);
  if (settings_.solver == Solver::adam) second_.assign(shape.size(), 0.0f);
  for (std::size_t l = 0; l < shape.n_layers(); ++l) {
    const auto add = [&](std::size_t begin, std::size_t end, bool coef) {
      for (std::size_t b = begin; b < end; b += kBlock) blocks_.push_back({b, std::min(end, b + kBlock), coef});
    };
    add(shape.coef_offset(l), shape.intercept_offset(l), true);
    add(shape.intercept_offset(l), shape.intercept_offset(l) + shape.ld(l + 1), false);
  }
  // The conditioning matrices G, B (after the layers, to the end of the buffer) are coefficients.
  if (shape.n_conditioning() > 0) {
    for (std::size_t b = shape.gamma_offset(1); b < shape.size(); b += kBlock)
      blocks_.push_back({b, std::min(shape.size(), b + kBlock), true});
  }
}

namespace {

// The element-wise loops of a step, cloned for AVX2: each element's operations are the same in
// every clone, so the results are too.

/// sum[e] = partials[0][e] + partials[1][e] + ... (in this order) for e in [begin, end).
__attribute__((target_clones("avx2", "default"))) void add_partials(const float* const* partials, std::size_t n,
                                                                     std::size_t begin, std::size_t end, float* sum) {
  for (std::size_t e = begin; e < end; ++e) sum[e] = partials[0][e];
  for (std::size_t c = 1; c < n; ++c) {
    const float* p = partials[c];
    for (std::size_t e = begin; e < end; ++e) sum[e] += p[e];
  }
}

struct AdamStep {
  float penalty, decay, b1, c1, b2, c2, eps, step_size;
};

__attribute__((target_clones("avx2", "default"))) void adam_loop(const AdamStep s, const float* grad, float* w,
                                                                  float* m, float* v, std::size_t begin,
                                                                  std::size_t end) {
  for (std::size_t e = begin; e < end; ++e) {
    const float g = grad[e] + s.penalty * w[e];
    const float decayed = w[e] - s.decay * w[e];
    m[e] = s.b1 * m[e] + s.c1 * g;
    v[e] = s.b2 * v[e] + s.c2 * (g * g);
    w[e] = decayed + (-s.step_size * m[e]) / (std::sqrt(v[e]) + s.eps);
  }
}

/// The sum of params[e]^2 in double over [begin, end), in four interleaved partial sums (so the
/// loop vectorises; the order is fixed, so the result is too).
__attribute__((target_clones("avx2", "default"))) double sum_of_squares(const float* params, std::size_t begin,
                                                                         std::size_t end) {
  double lane[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t e = begin;
  for (; e + 4 <= end; e += 4)
    for (std::size_t q = 0; q < 4; ++q) lane[q] += static_cast<double>(params[e + q]) * params[e + q];
  for (; e < end; ++e) lane[0] += static_cast<double>(params[e]) * params[e];
  return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

struct SgdStep {
  float penalty, decay, momentum, step_size;
  bool nesterov;
};

__attribute__((target_clones("avx2", "default"))) void sgd_loop(const SgdStep s, const float* grad, float* w,
                                                                 float* velocity, std::size_t begin, std::size_t end) {
  for (std::size_t e = begin; e < end; ++e) {
    const float g = grad[e] + s.penalty * w[e];
    const float decayed = w[e] - s.decay * w[e];
    velocity[e] = s.momentum * velocity[e] - s.step_size * g;
    const float update = s.nesterov ? s.momentum * velocity[e] - s.step_size * g : velocity[e];
    w[e] = decayed + update;
  }
}

}  // namespace

void StochasticOptimizer::update_block(const Block& b, float* params, std::span<const float* const> partials,
                                       float alpha_over_n, float step_size, double& norm2) {
  const float penalty = b.coef ? alpha_over_n : 0.0f;
  const float decay = b.coef ? static_cast<float>(learning_rate_ * settings_.weight_decay) : 0.0f;
  float* grad = sum_.data();
  add_partials(partials.data(), partials.size(), b.begin, b.end, grad);
  if (settings_.solver == Solver::adam) {
    const AdamStep s{penalty,
                     decay,
                     static_cast<float>(settings_.beta_1),
                     static_cast<float>(1.0 - settings_.beta_1),
                     static_cast<float>(settings_.beta_2),
                     static_cast<float>(1.0 - settings_.beta_2),
                     static_cast<float>(settings_.epsilon),
                     step_size};
    adam_loop(s, grad, params, first_.data(), second_.data(), b.begin, b.end);
  } else {
    const SgdStep s{penalty, decay, static_cast<float>(settings_.momentum), step_size, settings_.nesterov};
    sgd_loop(s, grad, params, first_.data(), b.begin, b.end);
  }
  norm2 = b.coef ? sum_of_squares(params, b.begin, b.end) : 0.0;
}

double StochasticOptimizer::step(std::span<float> params, std::span<const float* const> partials, double alpha_over_n,
                                 const core::Context& ctx) {
  EVC_ASSERT(params.size() == first_.size() && !partials.empty(), "optimizer state fits the parameters");
  float step_size = static_cast<float>(learning_rate_);
  if (settings_.solver == Solver::adam) {
    // beta^t as running products rather than std::pow, whose last bit may depend on the
    // processor (glibc picks an FMA variant where it can).
    beta_1_power_ *= settings_.beta_1;
    beta_2_power_ *= settings_.beta_2;
    step_size = static_cast<float>(settings_.learning_rate_init * std::sqrt(1.0 - beta_2_power_) / (1.0 - beta_1_power_));
  }
  const auto alpha = static_cast<float>(alpha_over_n);
  std::vector<double> norms(blocks_.size(), 0.0);
  const auto run = [&](std::size_t i) { update_block(blocks_[i], params.data(), partials, alpha, step_size, norms[i]); };
  if (params.size() >= kParallelFrom) {
    core::parallel_for(blocks_.size(), ctx, run);
  } else {
    for (std::size_t i = 0; i < blocks_.size(); ++i) run(i);
  }
  double norm2 = 0.0;
  for (double n : norms) norm2 += n;
  return norm2;
}

void StochasticOptimizer::iteration_ends(std::uint64_t samples_seen) {
  // (std::pow's last bit could in principle differ between processors; it is used once per epoch
  // for this schedule only.)
  if (settings_.solver == Solver::sgd && settings_.schedule == LearningRate::invscaling)
    learning_rate_ = settings_.learning_rate_init / std::pow(static_cast<double>(samples_seen) + 1.0, settings_.power_t);
}

bool StochasticOptimizer::trigger_stopping() {
  if (settings_.solver != Solver::sgd || settings_.schedule != LearningRate::adaptive) return true;
  if (learning_rate_ <= 1e-6) return true;
  learning_rate_ /= 5.0;
  return false;
}

double coef_norm2(const Shape& shape, std::span<const float> params) {
  double sum = 0.0;
  for (std::size_t l = 0; l < shape.n_layers(); ++l)
    for (std::size_t e = shape.coef_offset(l); e < shape.intercept_offset(l); ++e)
      sum += static_cast<double>(params[e]) * params[e];
  if (shape.n_conditioning() > 0)
    for (std::size_t e = shape.gamma_offset(1); e < shape.size(); ++e) sum += static_cast<double>(params[e]) * params[e];
  return sum;
}

}  // namespace evclass::learn::nn
