#pragma once
// Data with a known best classifier for the tree tests: Gaussian classes whose log-likelihood
// ratio is computed here, so a model's AUC can be set against the best any classifier can reach
// on the same events.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "evclass/learn/data.hpp"

namespace evclass::learn::testing {

struct GaussianClasses {
  std::size_t rows = 0, cols = 5;
  int n_classes = 2;
  std::vector<float> x;  ///< column-major
  std::vector<std::int32_t> labels;
  std::vector<double> weights;
  std::vector<double> best_score;  ///< log p(x | class 1) - log p(x | class 0) (binary), or log p(x | class k) per k

  [[nodiscard]] FeatureMatrix matrix() const { return {x, rows, cols}; }
  [[nodiscard]] TrainData train_data() const {
    TrainData d;
    d.x = matrix();
    d.labels = labels;
    d.weights = weights;
    d.n_classes = n_classes;
    return d;
  }
};

/// Class k: features 0..2 ~ N(0.6 k, s_k^2) with s_k = 1 + 0.4 k, features 3..4 ~ N(0, 1) for
/// every class (pure noise). Weights uniform in [0.5, 1.5] when `weighted`.
inline GaussianClasses gaussian_classes(std::size_t rows, int n_classes, std::uint64_t seed, bool weighted = false) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  GaussianClasses d;
  d.rows = rows;
  d.n_classes = n_classes;
  d.x.resize(rows * d.cols);
  const auto log_density = [](const double* v, int k) {
    const double mu = 0.6 * k, s = 1.0 + 0.4 * k;
    double l = 0.0;
    for (int j = 0; j < 3; ++j) l += -0.5 * (v[j] - mu) * (v[j] - mu) / (s * s) - std::log(s);
    return l;
  };
  for (std::size_t i = 0; i < rows; ++i) {
    const int k = static_cast<int>(rng() % static_cast<std::uint64_t>(n_classes));
    double v[5];
    for (int j = 0; j < 5; ++j) {
      v[j] = j < 3 ? 0.6 * k + (1.0 + 0.4 * k) * normal(rng) : normal(rng);
      d.x[static_cast<std::size_t>(j) * rows + i] = static_cast<float>(v[j]);
    }
    d.labels.push_back(k);
    if (weighted) d.weights.push_back(0.5 + uniform(rng));
    if (n_classes == 2) {
      d.best_score.push_back(log_density(v, 1) - log_density(v, 0));
    } else {
      for (int c = 0; c < n_classes; ++c) d.best_score.push_back(log_density(v, c));
    }
  }
  return d;
}

}  // namespace evclass::learn::testing
