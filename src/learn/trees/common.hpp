#pragma once
// What every tree trainer does before growing: effective weights (sample weight × class
// weight, rescaled to mean |w| = 1 so that min_child_weight and friends count events), the
// check that every class has a positive total, and the binning of the training features.

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/core/parallel.hpp"
#include "evclass/learn/data.hpp"
#include "learn/trees/binning.hpp"

namespace evclass::learn::trees {

/// Sample weights × class_weight multipliers, scaled to mean |w| = 1. Throws ConfigError naming
/// `type` if a class has no positive total weight (it could not be learnt).
[[nodiscard]] std::vector<double> effective_weights(const TrainData& data, const nlohmann::json& class_weight,
                                                    std::string_view type);

/// Bins of the training rows with cuts chosen on them.
struct BinnedTraining {
  BinCuts cuts;
  BinnedRows bins;
};
[[nodiscard]] BinnedTraining bin_training(const FeatureMatrix& x, std::span<const double> weights, int max_bins,
                                          std::uint64_t seed, const core::Context& ctx);

/// Wall time spent per stage of a training (reported in the model's "training" record).
class StageTimes {
 public:
  void add(std::string_view stage, double seconds);
  /// Adds `factor` times every stage of `other`.
  void merge(const StageTimes& other, double factor);
  [[nodiscard]] nlohmann::json to_json() const;

  /// Adds the time from its construction to its destruction to `stage`.
  class Scope {
   public:
    Scope(StageTimes* times, std::string_view stage)
        : times_(times), stage_(stage), start_(std::chrono::steady_clock::now()) {}
    ~Scope() {
      if (times_ != nullptr)
        times_->add(stage_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    StageTimes* times_;
    std::string_view stage_;
    std::chrono::steady_clock::time_point start_;
  };

 private:
  std::vector<std::pair<std::string, double>> stages_;
};

/// 0..n-1 as 32-bit row indices.
[[nodiscard]] std::vector<std::uint32_t> all_rows(std::size_t n);

/// Throws ConfigError if the data have more rows than 32-bit row indices can hold.
void check_row_count(std::size_t rows, std::string_view type);

}  // namespace evclass::learn::trees
