#include "learn/trees/common.hpp"

#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "learn/class_weight.hpp"

namespace evclass::learn::trees {

std::vector<double> effective_weights(const TrainData& data, const nlohmann::json& class_weight, std::string_view type) {
  std::vector<double> w = row_weights(data);
  const std::vector<double> multipliers = class_multipliers(class_weight, data, type);
  std::vector<double> class_total(multipliers.size(), 0.0);
  double abs_total = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto k = static_cast<std::size_t>(data.labels[i]);
    w[i] *= multipliers[k];
    class_total[k] += w[i];
    abs_total += std::abs(w[i]);
  }
  for (std::size_t k = 0; k < class_total.size(); ++k) {
    if (!(class_total[k] > 0.0))
      throw ConfigError(fmt::format("model '{}': class {} has total training weight {} (it needs a positive total: "
                                    "check the selection, the split and negative weights)", type, k, class_total[k]));
  }
  const double scale = static_cast<double>(w.size()) / abs_total;
  for (double& v : w) v *= scale;
  return w;
}

BinnedTraining bin_training(const FeatureMatrix& x, std::span<const double> weights, int max_bins, std::uint64_t seed,
                            const core::Context& ctx) {
  BinnedTraining out;
  out.cuts = fit_bin_cuts(x, weights, max_bins, seed, ctx);
  out.bins = bin_rows(x, out.cuts, ctx);
  return out;
}

void StageTimes::add(std::string_view stage, double seconds) {
  for (auto& [name, total] : stages_)
    if (name == stage) {
      total += seconds;
      return;
    }
  stages_.emplace_back(std::string(stage), seconds);
}

void StageTimes::merge(const StageTimes& other, double factor) {
  for (const auto& [name, total] : other.stages_) add(name, factor * total);
}

nlohmann::json StageTimes::to_json() const {
  auto out = nlohmann::json::object();
  for (const auto& [name, total] : stages_) out[name] = std::round(total * 1e4) / 1e4;
  return out;
}

std::vector<std::uint32_t> all_rows(std::size_t n) {
  std::vector<std::uint32_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<std::uint32_t>(i);
  return rows;
}

void check_row_count(std::size_t rows, std::string_view type) {
  if (rows >= (std::size_t{1} << 32) - 1)
    throw ConfigError(fmt::format("model '{}': {} training rows; tree models take at most 4294967294", type, rows));
}

}  // namespace evclass::learn::trees
