#pragma once
// The events of a run: every selected event of every sample, with its features (float32,
// column-major), spectators, class label, normalised weight, sample and entry number. Built from
// the config by reading each sample's files (ROOT trees in batches, or CSV) through a
// feature::Plan per sample.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "evclass/api/config.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/feature/plan.hpp"

namespace evclass::api::detail {

/// Counts of one sample through its cuts (for the cut flow in metrics.json).
struct SampleSummary {
  std::string name;
  std::string class_name;              ///< "" when labels come from a column
  std::vector<std::string> files;
  std::vector<std::string> cut_names;  ///< "read", then one per cut
  std::vector<std::int64_t> cutflow;   ///< events read, then passing each cut in sequence
  double sum_weights = 0;              ///< selected events' normalised weights
  double seconds = 0;                  ///< reading and computing
  double read_seconds = 0;             ///< reading the branches the plan uses
  double compute_seconds = 0;          ///< cuts, variables, features and weights
  double keep_seconds = 0;             ///< copying the selected events
};

struct Events {
  std::vector<std::string> classes;          ///< label k is classes[k]
  std::vector<std::string> feature_names;    ///< as written in [features].use
  std::vector<std::string> spectator_names;
  std::size_t rows = 0;
  std::vector<float> features;               ///< column-major: feature j of event i at [j * rows + i]
  std::vector<double> spectators;            ///< column-major
  std::vector<std::int32_t> labels;
  std::vector<double> weights;               ///< weight expression × normalisation
  std::vector<std::uint16_t> sample;         ///< index into samples
  std::vector<std::int64_t> entry;           ///< entry number in its file
  /// [split] method column or expression: 0 train, 1 test, 2 validation per event (else empty).
  std::vector<std::int8_t> split_code;
  std::vector<SampleSummary> samples;

  [[nodiscard]] std::span<const float> feature(std::size_t j) const { return {features.data() + j * rows, rows}; }
};

/// The plan of one sample: the run's variables, features, spectators and weight (times the
/// sample's normalisation), and the cuts that apply to it (common, class, sample).
[[nodiscard]] feature::PlanSpec plan_for_sample(const Config& config, const SampleConfig& sample,
                                                std::vector<std::string>& cut_names);

/// Called when a sample has been read (for progress messages).
using SampleDoneFn = std::function<void(const SampleSummary&)>;

/// Reads every (non-data) sample of the config and keeps the events that pass its cuts.
[[nodiscard]] Events load_events(const Config& config, const core::Context& ctx, const SampleDoneFn& on_sample = {});

/// The kinds of a ROOT tree's branches as expressions see them (for Plan::check).
struct InputColumns {
  std::vector<std::string> names;
  expr::KindLookup lookup;
};

}  // namespace evclass::api::detail
