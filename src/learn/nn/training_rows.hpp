#pragma once
// The rows a network trains on: a row-major copy of the features (a mini-batch of shuffled rows
// then reads one contiguous run per row instead of one cache line per feature), labels and
// effective weights (sample weight × class weight), and the rows held out for early stopping.
// Private to learn.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "evclass/core/parallel.hpp"
#include "evclass/learn/data.hpp"

namespace evclass::learn::nn {

struct Rows {
  std::vector<float> x;  ///< size() × n_features, row-major: the network's inputs
  std::size_t n_features = 0;
  std::vector<std::int32_t> labels;
  std::vector<double> weights;  ///< effective weights
  std::vector<float> theta;     ///< size() × n_conditioning, row-major (conditioned networks only)
  std::size_t n_conditioning = 0;
  [[nodiscard]] std::size_t size() const { return labels.size(); }
  [[nodiscard]] const float* row(std::size_t i) const { return x.data() + i * n_features; }
  [[nodiscard]] const float* conditioning_row(std::size_t i) const { return theta.data() + i * n_conditioning; }
};

/// Rows of `data` with weights multiplied by `class_multipliers[label]`.
[[nodiscard]] Rows copy_rows(const TrainData& data, const std::vector<double>& class_multipliers,
                             const core::Context& ctx);

/// Splits 0..rows.size()-1 into (train, validation), stratified by label: in each class a share
/// `fraction` (rounded) of the rows, chosen by a seeded shuffle, is held out. Both lists are
/// sorted. Throws ConfigError naming validation_fraction (and the model type) when one side
/// would be empty.
void split_validation(const Rows& rows, double fraction, std::uint64_t seed, std::vector<std::size_t>& train,
                      std::vector<std::size_t>& validation, std::string_view model_type);

}  // namespace evclass::learn::nn
