#include "evclass/eval/sample.hpp"

#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::eval {

ScoreSpan ScoreSpan::subspan(std::size_t offset, std::size_t count) const noexcept {
  ScoreSpan view;
  if (floats_ != nullptr) view.floats_ = floats_ + offset;
  if (doubles_ != nullptr) view.doubles_ = doubles_ + offset;
  view.size_ = count;
  return view;
}

void check_no_nan(ScoreSpan scores, const std::string& context) {
  std::size_t nan_count = 0;
  std::size_t first = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) {
      if (nan_count == 0) first = i;
      ++nan_count;
    }
  }
  if (nan_count > 0) {
    throw Error(fmt::format("{}: {} of {} scores are NaN (the first at event {}); metrics need a number "
                            "for every event. Check the model's inputs for NaN features.",
                            context, nan_count, scores.size(), first));
  }
}

void check_weights(std::span<const double> weights, std::size_t n, const std::string& context) {
  if (weights.empty()) return;
  if (weights.size() != n) {
    throw Error(fmt::format("{}: {} weights for {} events; give one weight per event (or none)", context,
                            weights.size(), n));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(weights[i])) {
      throw Error(fmt::format("{}: the weight of event {} is {}; weights must be finite numbers. Check the "
                              "weight expression.",
                              context, i, weights[i]));
    }
  }
}

void check_labeled_scores(const LabeledScores& input, label_t num_classes) {
  const std::size_t n = input.scores.size();
  if (input.labels.size() != n) {
    throw Error(fmt::format("{}: {} labels for {} scores; give one label per event", input.context,
                            input.labels.size(), n));
  }
  check_weights(input.weights, n, input.context);
  for (std::size_t i = 0; i < n; ++i) {
    if (input.labels[i] < 0 || input.labels[i] >= num_classes) {
      throw Error(fmt::format("{}: event {} has label {}, expected 0 to {}", input.context, i, input.labels[i],
                              num_classes - 1));
    }
  }
  check_no_nan(input.scores, input.context);
}

void check_class_probabilities(const ClassProbabilities& probabilities, std::span<const label_t> labels,
                               std::span<const double> weights, const std::string& context) {
  if (probabilities.num_classes < 2) {
    throw Error(fmt::format("{}: {} classes; a classifier needs at least 2", context, probabilities.num_classes));
  }
  const std::size_t n = probabilities.num_events;
  if (probabilities.values.size() / static_cast<std::size_t>(probabilities.num_classes) != n ||
      probabilities.values.size() % static_cast<std::size_t>(probabilities.num_classes) != 0) {
    throw Error(fmt::format("{}: {} probabilities do not fill {} events x {} classes", context,
                            probabilities.values.size(), n, probabilities.num_classes));
  }
  if (labels.size() != n) {
    throw Error(fmt::format("{}: {} labels for {} events; give one label per event", context, labels.size(), n));
  }
  check_weights(weights, n, context);
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] < 0 || labels[i] >= probabilities.num_classes) {
      throw Error(fmt::format("{}: event {} has label {}, expected 0 to {}", context, i, labels[i],
                              probabilities.num_classes - 1));
    }
  }
  check_no_nan(probabilities.values, context);
}

const char* binary_class_name(label_t label) noexcept { return label == 1 ? "signal" : "background"; }

}  // namespace evclass::eval
