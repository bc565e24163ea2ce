#pragma once
// Which events train, validate and test: a seeded, stratified shuffle (fractions or k folds), a
// split column, or a split expression. Deterministic: the same events and seed give the same
// assignment on every machine (the shuffle uses its own generator, not the standard library's
// implementation-defined distributions).

#include <cstdint>
#include <span>
#include <vector>

#include "evclass/api/config.hpp"
#include "evclass/core/random.hpp"

namespace evclass::api::detail {

enum class Role : std::int8_t { kTrain = 0, kTest = 1, kValidation = 2 };

/// A random, stratified assignment: per class, a shuffle, then the first `train` fraction trains,
/// the next `validation` fraction validates, the rest tests.
[[nodiscard]] std::vector<Role> random_split(std::span<const std::int32_t> labels, int n_classes, double train,
                                             double validation, bool stratify, std::uint64_t seed);

/// Fold of each event (0..folds-1): per class, a shuffle, then positions dealt round-robin, so
/// fold sizes differ by at most one per class.
[[nodiscard]] std::vector<std::int32_t> kfold_split(std::span<const std::int32_t> labels, int n_classes, int folds,
                                                    bool stratify, std::uint64_t seed);

/// Moves a stratified `fraction` of the training events to validation (for early stopping).
void carve_validation(std::vector<Role>& roles, std::span<const std::int32_t> labels, int n_classes,
                      double fraction, std::uint64_t seed);

/// The generator of the splits (shared with learn through core).
using core::SplitMix64;

}  // namespace evclass::api::detail
