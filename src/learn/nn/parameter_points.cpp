#include "learn/nn/parameter_points.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "evclass/core/error.hpp"
#include "evclass/core/random.hpp"

namespace evclass::learn::nn {

ParameterPoints find_points(std::span<const float> theta, std::size_t n_parameters, std::span<const double> weights,
                            std::span<const std::size_t> rows) {
  const std::size_t p = n_parameters;
  const auto tuple_less = [&](std::size_t a, std::size_t b) {
    return std::lexicographical_compare(theta.begin() + static_cast<std::ptrdiff_t>(a * p),
                                        theta.begin() + static_cast<std::ptrdiff_t>((a + 1) * p),
                                        theta.begin() + static_cast<std::ptrdiff_t>(b * p),
                                        theta.begin() + static_cast<std::ptrdiff_t>((b + 1) * p));
  };
  // Rows sorted by tuple (ties by row number, so the weight sums have a fixed order).
  std::vector<std::size_t> order(rows.begin(), rows.end());
  std::stable_sort(order.begin(), order.end(), tuple_less);
  ParameterPoints out;
  out.n_parameters = p;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t r = order[i];
    if (i == 0 || tuple_less(order[i - 1], r)) {
      out.values.insert(out.values.end(), theta.begin() + static_cast<std::ptrdiff_t>(r * p),
                        theta.begin() + static_cast<std::ptrdiff_t>((r + 1) * p));
      out.weight.push_back(0.0);
      out.count.push_back(0);
    }
    out.weight.back() += weights[r];
    ++out.count.back();
  }
  return out;
}

ParameterPoints balance_signal_points(std::span<const float> theta, std::size_t n_parameters,
                                      std::span<const std::int32_t> labels, std::span<double> weights,
                                      std::string_view model_type) {
  std::vector<std::size_t> signal;
  for (std::size_t r = 0; r < labels.size(); ++r)
    if (labels[r] == 1) signal.push_back(r);
  ParameterPoints points = find_points(theta, n_parameters, weights, signal);
  if (points.size() == 0) return points;
  const double total = std::accumulate(points.weight.begin(), points.weight.end(), 0.0);
  const double target = total / static_cast<double>(points.size());
  std::vector<double> factor(points.size());
  for (std::size_t k = 0; k < points.size(); ++k) {
    if (!(points.weight[k] > 0.0))
      throw ConfigError(fmt::format(
          "model '{}': the signal rows at parameter point ({}) have total weight {}; balance_parameter_points needs "
          "a positive total at every point (set it to false, or check the weights)",
          model_type, fmt::join(std::span(points.point(k), n_parameters), ", "), points.weight[k]));
    factor[k] = target / points.weight[k];
  }
  // Each signal row's point, by binary search in the sorted tuples.
  for (std::size_t r : signal) {
    const float* t = theta.data() + r * n_parameters;
    std::size_t lo = 0, hi = points.size();
    while (hi - lo > 1) {
      const std::size_t mid = (lo + hi) / 2;
      const float* q = points.point(mid);
      if (std::lexicographical_compare(t, t + n_parameters, q, q + n_parameters)) hi = mid;
      else lo = mid;
    }
    weights[r] *= factor[lo];
  }
  for (std::size_t k = 0; k < points.size(); ++k) points.weight[k] *= factor[k];
  return points;
}

BackgroundParameters::BackgroundParameters(BackgroundStrategy strategy, ParameterPoints signal,
                                           std::vector<float> fixed, std::uint64_t seed,
                                           std::string_view model_type)
    : strategy_(strategy), signal_(std::move(signal)), fixed_(std::move(fixed)), seed_(seed) {
  if (strategy_ == BackgroundStrategy::fixed) {
    EVC_ASSERT(fixed_.size() == signal_.n_parameters, "one fixed value per parameter");
    return;
  }
  if (strategy_ == BackgroundStrategy::as_given) return;
  double sum = 0.0;
  for (double w : signal_.weight) cumulative_.push_back(sum += std::max(w, 0.0));
  if (!(sum > 0.0))
    throw ConfigError(fmt::format("model '{}': background_parameters = \"{}\" draws from the signal's parameter "
                                  "points, but no signal point has a positive total weight",
                                  model_type, strategy_ == BackgroundStrategy::resample ? "resample" : "resample_once"));
}

std::vector<float> BackgroundParameters::values(int epoch, std::size_t count) const {
  const std::size_t p = signal_.n_parameters;
  std::vector<float> out;
  switch (strategy_) {
    case BackgroundStrategy::as_given: return out;
    case BackgroundStrategy::fixed:
      out.reserve(count * p);
      for (std::size_t i = 0; i < count; ++i) out.insert(out.end(), fixed_.begin(), fixed_.end());
      return out;
    case BackgroundStrategy::resample:
    case BackgroundStrategy::resample_once: break;
  }
  const int key = strategy_ == BackgroundStrategy::resample_once ? std::min(epoch, 1) : epoch;
  core::SplitMix64 rng(core::mix_key(seed_, static_cast<std::uint64_t>(key)));
  const double total = cumulative_.back();
  out.resize(count * p);
  for (std::size_t i = 0; i < count; ++i) {
    const double u = rng.uniform() * total;
    // The first point whose running sum exceeds u (points of zero weight are never chosen).
    auto k = static_cast<std::size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin());
    k = std::min(k, cumulative_.size() - 1);
    std::copy(signal_.point(k), signal_.point(k) + p, out.begin() + static_cast<std::ptrdiff_t>(i * p));
  }
  return out;
}

}  // namespace evclass::learn::nn
