#include "evclass/eval/correlation.hpp"

#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "summation.hpp"

namespace evclass::eval {

CorrelationMatrix correlation_matrix(const FeatureColumns& features, std::span<const double> weights,
                                     std::span<const std::uint8_t> selected, const std::string& context) {
  const std::size_t n = features.num_events, p = features.num_features;
  if (p != 0 && features.values.size() / p != n) {
    throw Error(fmt::format("{}: {} feature values do not fill {} events x {} features", context,
                            features.values.size(), n, p));
  }
  if (!selected.empty() && selected.size() != n) {
    throw Error(fmt::format("{}: {} selection flags for {} events", context, selected.size(), n));
  }
  check_weights(weights, n, context);
  auto use = [&](std::size_t i) { return selected.empty() || selected[i] != 0; };
  auto weight = [&](std::size_t i) { return weights.empty() ? 1.0 : weights[i]; };

  detail::CompensatedSum total;
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!use(i)) continue;
    total.add(weight(i));
    ++count;
  }
  if (count == 0) throw Error(fmt::format("{}: no events to compute correlations from", context));
  if (!(total.value() > 0.0)) {
    throw Error(fmt::format("{}: the weights of the {} events sum to {} (not > 0); correlations are undefined",
                            context, count, total.value()));
  }

  std::vector<double> means(p);
  for (std::size_t f = 0; f < p; ++f) {
    detail::CompensatedSum sum;
    for (std::size_t i = 0; i < n; ++i) {
      if (!use(i)) continue;
      const double x = features.at(f, i);
      if (std::isnan(x)) {
        throw Error(fmt::format("{}: feature {} is NaN at event {}; correlations need numbers", context, f, i));
      }
      sum.add(weight(i) * x);
    }
    means[f] = sum.value() / total.value();
  }

  // Second pass on centred values: accurate even when a feature's mean dwarfs its spread.
  std::vector<double> covariance(p * p);
  std::vector<double> centred_a(n), centred_b(n);
  for (std::size_t a = 0; a < p; ++a) {
    for (std::size_t i = 0; i < n; ++i) centred_a[i] = features.at(a, i) - means[a];
    for (std::size_t b = a; b < p; ++b) {
      for (std::size_t i = 0; i < n; ++i) centred_b[i] = features.at(b, i) - means[b];
      detail::CompensatedSum sum;
      for (std::size_t i = 0; i < n; ++i) {
        if (use(i)) sum.add(weight(i) * centred_a[i] * centred_b[i]);
      }
      covariance[a * p + b] = covariance[b * p + a] = sum.value() / total.value();
    }
  }

  CorrelationMatrix matrix;
  matrix.num_features = p;
  matrix.values.assign(p * p, 0.0);
  for (std::size_t a = 0; a < p; ++a) {
    for (std::size_t b = 0; b < p; ++b) {
      const double variance_product = covariance[a * p + a] * covariance[b * p + b];
      if (a == b) {
        matrix.values[a * p + b] = 1.0;
      } else if (covariance[a * p + a] > 0.0 && covariance[b * p + b] > 0.0) {
        matrix.values[a * p + b] = covariance[a * p + b] / std::sqrt(variance_product);
      }
    }
  }
  return matrix;
}

ClassCorrelations class_correlations(const FeatureColumns& features, std::span<const label_t> labels,
                                     std::span<const double> weights, const std::string& context) {
  if (labels.size() != features.num_events) {
    throw Error(fmt::format("{}: {} labels for {} events", context, labels.size(), features.num_events));
  }
  std::vector<std::uint8_t> is_signal(labels.size()), is_background(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    is_signal[i] = labels[i] == 1 ? 1 : 0;
    is_background[i] = labels[i] == 0 ? 1 : 0;
  }
  return {correlation_matrix(features, weights, is_signal, context + " (signal events)"),
          correlation_matrix(features, weights, is_background, context + " (background events)")};
}

}  // namespace evclass::eval
