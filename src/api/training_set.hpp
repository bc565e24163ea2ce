#pragma once
// The events a learner sees: subsets of the run's events (training, validation, test, folds)
// gathered into column-major features with their labels and weights, the training weights after
// the negative-weight and class-balance policies, and the per-event roles from [split].

#include <cstdint>
#include <vector>

#include "api/events.hpp"
#include "api/split.hpp"
#include "evclass/api/config.hpp"
#include "evclass/learn/data.hpp"

namespace evclass::api::detail {

/// A subset of the events, gathered for a learner: column-major features and per-row values.
struct Subset {
  std::vector<std::size_t> rows;  ///< event indices
  std::vector<float> features;    ///< column-major, unscaled
  std::vector<std::int32_t> labels;
  std::vector<double> weights;    ///< evaluation weights (normalised, signed)
  [[nodiscard]] learn::FeatureMatrix matrix(std::size_t cols) const { return {features, rows.size(), cols}; }
};

// The weights a learner trains with, after the config's policies; rows dropped by the negative-
// weight policy get no entry (`keep` lists the rows of the subset that train).
struct TrainingWeights {
  std::vector<std::size_t> keep;
  std::vector<double> weights;
};

/// Rows of the events with a given role, in event order.
[[nodiscard]] std::vector<std::size_t> rows_with(const std::vector<Role>& roles, Role role);

/// Copies the given events (features, labels, evaluation weights).
[[nodiscard]] Subset gather(const Events& ev, std::vector<std::size_t> rows);

/// The rows `keep` (indices into s) of a subset.
[[nodiscard]] Subset select(const Subset& s, const std::vector<std::size_t>& keep, std::size_t nf);

/// Training weights after [weights]: train_weighted, the negative-weight policy (rows it drops
/// are not in `keep`) and class balancing.
[[nodiscard]] TrainingWeights training_weights(const WeightsConfig& cfg, const Subset& s, int n_classes);

/// Per-event roles from [split]; for k-fold, every event is a test event and `folds` gets each
/// event's fold.
[[nodiscard]] std::vector<Role> assign_roles(const Config& config, const Events& ev, std::vector<std::int32_t>& folds);

}  // namespace evclass::api::detail
