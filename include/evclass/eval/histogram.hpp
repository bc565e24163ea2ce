#pragma once
// Weighted 1D histograms (with the sum of squared weights for errors) and TMVA's separation.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "evclass/eval/sample.hpp"

namespace evclass::eval {

/// TMVA's default bin count for both input-variable and classifier-output histograms
/// (Config::VariablePlotting fNbins1D and fNbinsMVAoutput are both 40).
inline constexpr std::size_t kTmvaBins = 40;
/// Largest bin count accepted, so a bad configuration cannot ask for unbounded memory.
inline constexpr std::size_t kMaxBins = 1'000'000;

/// Equal-width bins over [low, high]; values equal to `high` go into the last bin (so a score of
/// exactly 1 is counted in [0, 1]); values outside are under- or overflow.
struct HistogramAxis {
  std::size_t bins = kTmvaBins;
  double low = 0.0;
  double high = 1.0;
};

/// Histogram of weighted values.
struct Histogram {
  HistogramAxis axis;
  std::vector<double> sum_weights;          ///< per bin: sum of w
  std::vector<double> sum_weights_squared;  ///< per bin: sum of w^2 (error^2 of the bin)
  double underflow = 0.0;                   ///< sum of w below low
  double overflow = 0.0;                    ///< sum of w above high
  std::size_t entries = 0;                  ///< events filled (including under/overflow)

  /// Sum of weights inside [low, high].
  [[nodiscard]] double in_range_total() const;
};

/// Throws evclass::ConfigError for 0 or more than kMaxBins bins, a non-finite range or low >= high.
void check_axis(const HistogramAxis& axis);

/// Histogram of `values` (NaN values are an error) with `weights` (empty: unit weights).
[[nodiscard]] Histogram fill_histogram(ScoreSpan values, std::span<const double> weights, const HistogramAxis& axis,
                                       const std::string& context);

/// One histogram per class of `input` (events with label c go into entry c).
[[nodiscard]] std::vector<Histogram> class_histograms(const LabeledScores& input, label_t num_classes,
                                                      const HistogramAxis& axis);

/// TMVA's separation <S^2> = 1/2 sum_bins (s_i - b_i)^2 / (s_i + b_i) of the two histograms
/// normalised to unit area (in-range weights); 0 for identical shapes, 1 for disjoint ones.
/// Bins with s_i + b_i <= 0 (possible with negative weights) are skipped. Throws evclass::Error
/// when either histogram's in-range weights do not sum to > 0, or the axes differ.
[[nodiscard]] double separation(const Histogram& signal, const Histogram& background);

/// Separation of a variable (a feature or a score) between signal (label 1) and background
/// (label 0) of `input`, with `bins` bins over `range`, or over [min, max] of all values when no
/// range is given.
[[nodiscard]] double separation(const LabeledScores& input, std::size_t bins = kTmvaBins,
                                std::optional<std::pair<double, double>> range = std::nullopt);

}  // namespace evclass::eval
