#include "api/split.hpp"

#include <cmath>

namespace evclass::api::detail {

namespace {

// Events of each class (or of all, unstratified) in a seeded random order.
std::vector<std::vector<std::size_t>> shuffled_groups(std::span<const std::int32_t> labels, int n_classes,
                                                      bool stratify, std::uint64_t seed) {
  std::vector<std::vector<std::size_t>> groups(stratify ? static_cast<std::size_t>(n_classes) : 1);
  for (std::size_t i = 0; i < labels.size(); ++i)
    groups[stratify ? static_cast<std::size_t>(labels[i]) : 0].push_back(i);
  SplitMix64 rng(seed);
  for (auto& g : groups)
    for (std::size_t i = g.size(); i > 1; --i) std::swap(g[i - 1], g[rng.below(i)]);  // Fisher-Yates
  return groups;
}

}  // namespace

std::vector<Role> random_split(std::span<const std::int32_t> labels, int n_classes, double train, double validation,
                               bool stratify, std::uint64_t seed) {
  std::vector<Role> roles(labels.size(), Role::kTest);
  for (const auto& g : shuffled_groups(labels, n_classes, stratify, seed)) {
    const auto n = static_cast<double>(g.size());
    const auto n_train = static_cast<std::size_t>(std::llround(n * train));
    const auto n_val = std::min(g.size() - std::min(g.size(), n_train), static_cast<std::size_t>(std::llround(n * validation)));
    for (std::size_t k = 0; k < g.size(); ++k)
      roles[g[k]] = k < n_train ? Role::kTrain : k < n_train + n_val ? Role::kValidation : Role::kTest;
  }
  return roles;
}

std::vector<std::int32_t> kfold_split(std::span<const std::int32_t> labels, int n_classes, int folds, bool stratify,
                                      std::uint64_t seed) {
  std::vector<std::int32_t> fold(labels.size(), 0);
  for (const auto& g : shuffled_groups(labels, n_classes, stratify, seed))
    for (std::size_t k = 0; k < g.size(); ++k) fold[g[k]] = static_cast<std::int32_t>(k % static_cast<std::size_t>(folds));
  return fold;
}

void carve_validation(std::vector<Role>& roles, std::span<const std::int32_t> labels, int n_classes, double fraction,
                      std::uint64_t seed) {
  if (fraction <= 0) return;
  std::vector<std::int32_t> train_labels;
  std::vector<std::size_t> train_index;
  for (std::size_t i = 0; i < roles.size(); ++i)
    if (roles[i] == Role::kTrain) {
      train_labels.push_back(labels[i]);
      train_index.push_back(i);
    }
  // A different stream than the main split's, so the carved part is not the same events.
  const auto sub = random_split(train_labels, n_classes, 1.0 - fraction, fraction, true, seed ^ 0x5eed5eed5eedull);
  for (std::size_t k = 0; k < sub.size(); ++k)
    if (sub[k] == Role::kValidation) roles[train_index[k]] = Role::kValidation;
}

}  // namespace evclass::api::detail
