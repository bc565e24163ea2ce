#pragma once
// Shared by the learn tests: random classification data with a known structure, and a plain
// sort-based AUC that does not use any evclass code.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "evclass/learn/data.hpp"

namespace evclass::learn::testing {

/// Owns the buffers a TrainData points into.
struct OwnedData {
  std::vector<float> x;  ///< column-major
  std::vector<std::int32_t> labels;
  std::vector<double> weights;
  std::size_t rows = 0, cols = 0;
  int n_classes = 2;

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

/// Gaussian features with different scales; labels drawn from a softmax of random linear scores
/// (binary: a logistic), so the classes overlap and the optimum is finite. Weights uniform in
/// [0.5, 2] when `weighted`, and a `negative_fraction` of them flipped to negative.
inline OwnedData make_classification(std::size_t rows, std::size_t cols, int n_classes, std::uint64_t seed,
                                     bool weighted = true, double negative_fraction = 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  OwnedData d;
  d.rows = rows;
  d.cols = cols;
  d.n_classes = n_classes;
  d.x.resize(rows * cols);
  const std::size_t n_score_rows = n_classes == 2 ? 1 : static_cast<std::size_t>(n_classes);
  std::vector<double> true_w(n_score_rows * cols);
  for (auto& w : true_w) w = normal(rng);
  std::vector<double> offsets(cols);
  for (std::size_t j = 0; j < cols; ++j) offsets[j] = 0.5 * static_cast<double>(j);
  for (std::size_t i = 0; i < rows; ++i) {
    std::vector<double> xi(cols);
    for (std::size_t j = 0; j < cols; ++j) {
      const double scale = 1.0 + 0.5 * static_cast<double>(j % 3);
      xi[j] = offsets[j] + scale * normal(rng);
      d.x[j * rows + i] = static_cast<float>(xi[j]);
    }
    std::vector<double> z(n_score_rows, 0.0);
    for (std::size_t k = 0; k < n_score_rows; ++k)
      for (std::size_t j = 0; j < cols; ++j) z[k] += true_w[k * cols + j] * (xi[j] - offsets[j]) / (1.0 + 0.5 * (j % 3));
    if (n_classes == 2) {
      d.labels.push_back(uniform(rng) < 1.0 / (1.0 + std::exp(-z[0])) ? 1 : 0);
    } else {
      double total = 0.0;
      for (double& v : z) total += (v = std::exp(v));
      double u = uniform(rng) * total;
      int label = n_classes - 1;
      for (int k = 0; k < n_classes; ++k) {
        if (u < z[static_cast<std::size_t>(k)]) {
          label = k;
          break;
        }
        u -= z[static_cast<std::size_t>(k)];
      }
      d.labels.push_back(label);
    }
    if (weighted) {
      double w = 0.5 + 1.5 * uniform(rng);
      if (uniform(rng) < negative_fraction) w = -w;
      d.weights.push_back(w);
    }
  }
  return d;
}

/// Unweighted ROC AUC of `scores` for `positive` vs the rest, by sorting (ties count one half).
inline double auc(const std::vector<double>& scores, const std::vector<std::int32_t>& labels, int positive) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double n_pos = 0, n_neg = 0, rank_sum = 0;
  for (std::size_t r = 0; r < order.size();) {
    std::size_t end = r;
    while (end < order.size() && scores[order[end]] == scores[order[r]]) ++end;
    const double mid_rank = 0.5 * static_cast<double>(r + 1 + end);  // ranks are 1-based
    for (std::size_t k = r; k < end; ++k) {
      if (labels[order[k]] == positive) {
        rank_sum += mid_rank;
        ++n_pos;
      } else {
        ++n_neg;
      }
    }
    r = end;
  }
  return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg);
}

}  // namespace evclass::learn::testing
