#include "evclass/eval/histogram.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "summation.hpp"

namespace evclass::eval {

double Histogram::in_range_total() const {
  detail::CompensatedSum total;
  for (double w : sum_weights) total.add(w);
  return total.value();
}

void check_axis(const HistogramAxis& axis) {
  if (axis.bins == 0 || axis.bins > kMaxBins) {
    throw ConfigError(fmt::format("histogram with {} bins; choose between 1 and {}", axis.bins, kMaxBins));
  }
  if (!std::isfinite(axis.low) || !std::isfinite(axis.high) || !(axis.low < axis.high)) {
    throw ConfigError(fmt::format("histogram range [{}, {}] is empty or not finite; give low < high", axis.low,
                                  axis.high));
  }
}

Histogram fill_histogram(ScoreSpan values, std::span<const double> weights, const HistogramAxis& axis,
                         const std::string& context) {
  check_axis(axis);
  check_weights(weights, values.size(), context);
  check_no_nan(values, context);
  Histogram histogram;
  histogram.axis = axis;
  histogram.sum_weights.assign(axis.bins, 0.0);
  histogram.sum_weights_squared.assign(axis.bins, 0.0);
  const double width = (axis.high - axis.low) / static_cast<double>(axis.bins);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double x = values[i];
    const double w = weights.empty() ? 1.0 : weights[i];
    ++histogram.entries;
    if (x < axis.low) {
      histogram.underflow += w;
    } else if (x > axis.high) {
      histogram.overflow += w;
    } else {
      const auto bin = std::min(static_cast<std::size_t>((x - axis.low) / width), axis.bins - 1);
      histogram.sum_weights[bin] += w;
      histogram.sum_weights_squared[bin] += w * w;
    }
  }
  return histogram;
}

std::vector<Histogram> class_histograms(const LabeledScores& input, label_t num_classes, const HistogramAxis& axis) {
  check_labeled_scores(input, num_classes);
  check_axis(axis);
  std::vector<Histogram> histograms;
  for (label_t c = 0; c < num_classes; ++c) {
    std::vector<double> values, weights;
    for (std::size_t i = 0; i < input.scores.size(); ++i) {
      if (input.labels[i] != c) continue;
      values.push_back(input.scores[i]);
      if (input.weighted()) weights.push_back(input.weights[i]);
    }
    histograms.push_back(fill_histogram(std::span<const double>(values), weights, axis, input.context));
  }
  return histograms;
}

double separation(const Histogram& signal, const Histogram& background) {
  if (signal.axis.bins != background.axis.bins || signal.axis.low != background.axis.low ||
      signal.axis.high != background.axis.high) {
    throw Error("separation: the signal and background histograms have different binning");
  }
  const double total_signal = signal.in_range_total();
  const double total_background = background.in_range_total();
  if (!(total_signal > 0.0) || !(total_background > 0.0)) {
    throw Error(fmt::format("separation: the signal ({}) and background ({}) weights inside the histogram "
                            "range must both sum to > 0",
                            total_signal, total_background));
  }
  detail::CompensatedSum sum;
  for (std::size_t bin = 0; bin < signal.axis.bins; ++bin) {
    const double s = signal.sum_weights[bin] / total_signal;
    const double b = background.sum_weights[bin] / total_background;
    if (s + b > 0.0) sum.add((s - b) * (s - b) / (s + b));
  }
  return 0.5 * sum.value();
}

double separation(const LabeledScores& input, std::size_t bins, std::optional<std::pair<double, double>> range) {
  check_labeled_scores(input, 2);
  HistogramAxis axis{bins, 0.0, 1.0};
  if (range) {
    axis.low = range->first;
    axis.high = range->second;
  } else {
    if (input.scores.size() == 0) throw Error(fmt::format("{}: no events to compute a separation", input.context));
    double low = input.scores[0], high = input.scores[0];
    for (std::size_t i = 1; i < input.scores.size(); ++i) {
      low = std::min(low, input.scores[i]);
      high = std::max(high, input.scores[i]);
    }
    // A constant variable cannot separate anything; give it one bin of width 1 (separation 0).
    axis.low = low;
    axis.high = high > low ? high : low + 1.0;
  }
  const auto histograms = class_histograms(input, 2, axis);
  return separation(histograms[1], histograms[0]);
}

}  // namespace evclass::eval
