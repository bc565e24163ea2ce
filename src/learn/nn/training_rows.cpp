#include "learn/nn/training_rows.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/random.hpp"

namespace evclass::learn::nn {

Rows copy_rows(const TrainData& data, const std::vector<double>& class_multipliers, const core::Context& ctx) {
  Rows out;
  const std::size_t n = data.x.rows, d = data.x.cols;
  out.n_features = d;
  out.x.resize(n * d);
  constexpr std::size_t kBlock = 4096;
  core::parallel_for((n + kBlock - 1) / kBlock, ctx, [&](std::size_t b) {
    const std::size_t begin = b * kBlock, end = std::min(n, begin + kBlock);
    for (std::size_t j = 0; j < d; ++j) {
      const float* column = data.x.data.data() + j * n;
      for (std::size_t i = begin; i < end; ++i) out.x[i * d + j] = column[i];
    }
  });
  out.labels.assign(data.labels.begin(), data.labels.end());
  out.weights = row_weights(data);
  for (std::size_t i = 0; i < n; ++i) out.weights[i] *= class_multipliers[static_cast<std::size_t>(out.labels[i])];
  return out;
}

void split_validation(const Rows& rows, double fraction, std::uint64_t seed, std::vector<std::size_t>& train,
                      std::vector<std::size_t>& validation, std::string_view model_type) {
  train.clear();
  validation.clear();
  std::int32_t n_classes = 0;
  for (auto y : rows.labels) n_classes = std::max(n_classes, y + 1);
  core::SplitMix64 rng(seed);
  for (std::int32_t k = 0; k < n_classes; ++k) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (rows.labels[i] == k) members.push_back(i);
    for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.below(i)]);
    const auto held = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(members.size())));
    validation.insert(validation.end(), members.begin(), members.begin() + static_cast<std::ptrdiff_t>(held));
    train.insert(train.end(), members.begin() + static_cast<std::ptrdiff_t>(held), members.end());
  }
  std::sort(train.begin(), train.end());
  std::sort(validation.begin(), validation.end());
  if (train.empty() || validation.empty())
    throw ConfigError(fmt::format("model '{}': early stopping needs validation rows: validation_fraction = {} of {} "
                                  "rows leaves none on one side (give the run validation rows, or change "
                                  "validation_fraction)", model_type, fraction, rows.size()));
}

}  // namespace evclass::learn::nn
