#pragma once
// Parametric test data for the pnn tests: a signal at a few mass points whose features depend on
// the mass, and a background whose "mass" column holds chosen values.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "unit/learn/learn_test_data.hpp"

namespace evclass::learn::testing {

/// Features {x0, x1, mass, x2}: signal x0 ~ N(mass / 500, 1), x1 ~ N(0.5, 1), x2 ~ N(0, 1) with
/// mass in `masses` (cycled); background x0 ~ N(2, 1.5), x1, x2 ~ N(0, 1), mass from
/// `background_masses` (cycled). Rows alternate signal / background; weights in [0.5, 2].
inline OwnedData make_parametric(std::size_t rows, std::uint64_t seed, const std::vector<float>& masses = {500, 1000, 1500},
                                 const std::vector<float>& background_masses = {500, 1000, 1500}) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.5, 2.0);
  OwnedData d;
  d.rows = rows;
  d.cols = 4;
  d.x.resize(rows * 4);
  for (std::size_t i = 0; i < rows; ++i) {
    const bool signal = i % 2 == 0;
    const float mass = signal ? masses[(i / 2) % masses.size()] : background_masses[(i / 2) % background_masses.size()];
    const double x0 = signal ? mass / 500.0 + normal(rng) : 2.0 + 1.5 * normal(rng);
    const double x1 = signal ? 0.5 + normal(rng) : normal(rng);
    d.x[0 * rows + i] = static_cast<float>(x0);
    d.x[1 * rows + i] = static_cast<float>(x1);
    d.x[2 * rows + i] = mass;
    d.x[3 * rows + i] = static_cast<float>(normal(rng));
    d.labels.push_back(signal ? 1 : 0);
    d.weights.push_back(uniform(rng));
  }
  return d;
}

inline TrainData with_names(const OwnedData& d) {
  TrainData t = d.train_data();
  t.feature_names = {"x0", "x1", "mass", "x2"};
  return t;
}

/// The column-major matrix of `d` with the mass column set to `mass` for every row.
inline std::vector<float> at_mass(const OwnedData& d, float mass) {
  std::vector<float> x = d.x;
  for (std::size_t i = 0; i < d.rows; ++i) x[2 * d.rows + i] = mass;
  return x;
}

}  // namespace evclass::learn::testing
