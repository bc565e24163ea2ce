#pragma once
// The inputs every metric takes: scores (float or double), class labels and event weights, as
// plain spans. Physics event weights may be negative; an empty weight span means "every weight 1".

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace evclass::eval {

/// Class label of one event: 1 = signal, 0 = background in binary metrics, else a class index.
using label_t = std::int32_t;

/// Read-only view of scores stored as float or double; every read returns a double.
class ScoreSpan {
 public:
  ScoreSpan() = default;
  /// Views float scores (what most learners produce).
  ScoreSpan(std::span<const float> values) : floats_(values.data()), size_(values.size()) {}
  /// Views double scores.
  ScoreSpan(std::span<const double> values) : doubles_(values.data()), size_(values.size()) {}
  /// Views a vector of float scores (which must outlive the view).
  ScoreSpan(const std::vector<float>& values) : ScoreSpan(std::span<const float>(values)) {}
  /// Views a vector of double scores (which must outlive the view).
  ScoreSpan(const std::vector<double>& values) : ScoreSpan(std::span<const double>(values)) {}

  /// Number of scores.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// Score i as a double (exact for float input).
  [[nodiscard]] double operator[](std::size_t i) const noexcept {
    return floats_ != nullptr ? static_cast<double>(floats_[i]) : doubles_[i];
  }
  /// Scores [offset, offset + count) as a view of the same kind.
  [[nodiscard]] ScoreSpan subspan(std::size_t offset, std::size_t count) const noexcept;

 private:
  const float* floats_ = nullptr;
  const double* doubles_ = nullptr;
  std::size_t size_ = 0;
};

/// Scores, labels and weights of one model on one set of events.
struct LabeledScores {
  ScoreSpan scores;                     ///< one score per event
  std::span<const label_t> labels;      ///< one label per event
  std::span<const double> weights;      ///< one weight per event, or empty for unit weights
  std::string context = "the scores";   ///< names model and set in error messages, e.g. "model 'bdt' on the test set"

  /// True when weights were given.
  [[nodiscard]] bool weighted() const noexcept { return !weights.empty(); }
  /// Weight of event i (1 when unweighted).
  [[nodiscard]] double weight(std::size_t i) const noexcept { return weights.empty() ? 1.0 : weights[i]; }
  /// The same events with unit weights.
  [[nodiscard]] LabeledScores unweighted() const { return {scores, labels, {}, context}; }
};

/// Class probabilities of a multi-class model, class-major: probability of class k for event i
/// is values[k * num_events + i] (one column per class, like the feature spans).
struct ClassProbabilities {
  ScoreSpan values;          ///< num_classes * num_events probabilities
  std::size_t num_events = 0;
  label_t num_classes = 0;

  /// The column of class k.
  [[nodiscard]] ScoreSpan column(label_t k) const {
    return values.subspan(static_cast<std::size_t>(k) * num_events, num_events);
  }
};

/// Throws evclass::Error when the probabilities do not fit num_events x num_classes (at least 2
/// classes), labels/weights have other sizes, a label is out of range or a probability is NaN.
void check_class_probabilities(const ClassProbabilities& probabilities, std::span<const label_t> labels,
                               std::span<const double> weights, const std::string& context);

/// Throws evclass::Error when the sizes differ, a score is NaN (saying how many and where the
/// first one is) or a label is outside [0, num_classes).
void check_labeled_scores(const LabeledScores& input, label_t num_classes);

/// Throws evclass::Error naming `context` when a score is NaN (how many, first index).
void check_no_nan(ScoreSpan scores, const std::string& context);

/// Throws evclass::Error when `weights` is neither empty nor of size `n`, or holds NaN or infinity.
void check_weights(std::span<const double> weights, std::size_t n, const std::string& context);

/// Human name of a binary class for messages: "signal" (1) or "background" (0).
[[nodiscard]] const char* binary_class_name(label_t label) noexcept;

}  // namespace evclass::eval
