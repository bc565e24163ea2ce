#include "api/training_set.hpp"

#include <numeric>

namespace evclass::api::detail {

std::vector<std::size_t> rows_with(const std::vector<Role>& roles, Role role) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < roles.size(); ++i)
    if (roles[i] == role) out.push_back(i);
  return out;
}


Subset gather(const Events& ev, std::vector<std::size_t> rows) {
  Subset s;
  s.rows = std::move(rows);
  const std::size_t n = s.rows.size(), nf = ev.feature_names.size();
  s.features.resize(n * nf);
  for (std::size_t j = 0; j < nf; ++j) {
    const float* src = ev.features.data() + j * ev.rows;
    float* dst = s.features.data() + j * n;
    for (std::size_t k = 0; k < n; ++k) dst[k] = src[s.rows[k]];
  }
  s.labels.resize(n);
  s.weights.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    s.labels[k] = ev.labels[s.rows[k]];
    s.weights[k] = ev.weights[s.rows[k]];
  }
  return s;
}


TrainingWeights training_weights(const WeightsConfig& cfg, const Subset& s, int n_classes) {
  TrainingWeights out;
  for (std::size_t k = 0; k < s.rows.size(); ++k) {
    double w = cfg.train_weighted ? s.weights[k] : 1.0;
    if (cfg.train_weighted && w < 0) {
      if (cfg.negative == NegativeWeights::ignore_in_training) continue;
      if (cfg.negative == NegativeWeights::abs) w = -w;
    }
    out.keep.push_back(k);
    out.weights.push_back(w);
  }
  if (cfg.class_balance == ClassBalance::none) return out;
  std::vector<double> sums(static_cast<std::size_t>(n_classes), 0.0);
  std::vector<double> counts(static_cast<std::size_t>(n_classes), 0.0);
  for (std::size_t i = 0; i < out.keep.size(); ++i) {
    const auto c = static_cast<std::size_t>(s.labels[out.keep[i]]);
    sums[c] += out.weights[i];
    counts[c] += 1;
  }
  const double total_sum = std::accumulate(sums.begin(), sums.end(), 0.0);
  const double total_count = static_cast<double>(out.keep.size());
  for (std::size_t i = 0; i < out.keep.size(); ++i) {
    const auto c = static_cast<std::size_t>(s.labels[out.keep[i]]);
    if (cfg.class_balance == ClassBalance::equal_sum) {
      // Every class gets the same total weight (TMVA's EqualNumEvents): the mean class sum.
      if (sums[c] != 0) out.weights[i] *= total_sum / n_classes / sums[c];
    } else {
      // scikit-learn's class_weight="balanced": n / (classes × events of the class).
      out.weights[i] *= total_count / (n_classes * counts[c]);
    }
  }
  return out;
}

Subset select(const Subset& s, const std::vector<std::size_t>& keep, std::size_t nf) {
  if (keep.size() == s.rows.size()) return s;
  Subset out;
  const std::size_t n = keep.size(), m = s.rows.size();
  out.rows.resize(n);
  out.labels.resize(n);
  out.weights.resize(n);
  out.features.resize(n * nf);
  for (std::size_t k = 0; k < n; ++k) {
    out.rows[k] = s.rows[keep[k]];
    out.labels[k] = s.labels[keep[k]];
    out.weights[k] = s.weights[keep[k]];
  }
  for (std::size_t j = 0; j < nf; ++j)
    for (std::size_t k = 0; k < n; ++k) out.features[j * n + k] = s.features[j * m + keep[k]];
  return out;
}

std::vector<Role> assign_roles(const Config& config, const Events& ev, std::vector<std::int32_t>& folds) {
  const int n_classes = static_cast<int>(ev.classes.size());
  const SplitConfig& sp = config.split;
  std::vector<Role> roles;
  switch (sp.method) {
    case SplitMethod::random:
      roles = random_split(ev.labels, n_classes, sp.train, sp.validation, sp.stratify, config.run.seed);
      break;
    case SplitMethod::kfold:
      folds = kfold_split(ev.labels, n_classes, sp.folds, sp.stratify, config.run.seed);
      roles.assign(ev.rows, Role::kTest);  // every event is tested once, by the model of its fold
      return roles;
    case SplitMethod::column:
    case SplitMethod::expression:
      roles.resize(ev.rows);
      for (std::size_t i = 0; i < ev.rows; ++i) roles[i] = static_cast<Role>(ev.split_code[i]);
      break;
  }
  carve_validation(roles, ev.labels, n_classes, sp.validation_from_train, config.run.seed);
  return roles;
}


}  // namespace evclass::api::detail
