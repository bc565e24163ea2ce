#include "evclass/eval/ks_test.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "summation.hpp"

namespace evclass::eval {
namespace {

// One sample sorted by value, with its weights in the same order and its totals.
struct SortedSample {
  std::vector<double> values;
  std::vector<double> weights;
  double total = 0.0;
  double n_eff = 0.0;
};

SortedSample sort_sample(ScoreSpan values, std::span<const double> weights, const std::string& context,
                         const char* which) {
  const std::string where = fmt::format("{} ({} sample)", context, which);
  if (values.size() == 0) throw Error(fmt::format("{}: no events; the KS test needs events in both samples", where));
  check_weights(weights, values.size(), where);
  check_no_nan(values, where);
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  SortedSample sample;
  detail::CompensatedSum total, squares;
  for (std::size_t i : order) {
    const double w = weights.empty() ? 1.0 : weights[i];
    sample.values.push_back(values[i]);
    sample.weights.push_back(w);
    total.add(w);
    squares.add(w * w);
  }
  sample.total = total.value();
  if (!(sample.total > 0.0)) {
    throw Error(fmt::format("{}: the weights sum to {} (not > 0), so the empirical CDF is undefined", where,
                            sample.total));
  }
  sample.n_eff = weights.empty() ? static_cast<double>(values.size()) : sample.total * sample.total / squares.value();
  return sample;
}

}  // namespace

KsResult ks_two_sample(ScoreSpan a, std::span<const double> weights_a, ScoreSpan b,
                       std::span<const double> weights_b, const std::string& context) {
  const SortedSample first = sort_sample(a, weights_a, context, "first");
  const SortedSample second = sort_sample(b, weights_b, context, "second");

  // Walk both sorted samples together; after all events at one value are consumed, the two CDFs
  // are compared. Unweighted CDFs are count / n, formed exactly as scipy forms them.
  const bool unweighted = weights_a.empty() && weights_b.empty();
  std::size_t i = 0, j = 0;
  detail::CompensatedSum cumulative_a, cumulative_b;
  double statistic = 0.0;
  while (i < first.values.size() || j < second.values.size()) {
    const double next_a = i < first.values.size() ? first.values[i] : std::numeric_limits<double>::infinity();
    const double next_b = j < second.values.size() ? second.values[j] : std::numeric_limits<double>::infinity();
    const double x = std::min(next_a, next_b);
    while (i < first.values.size() && first.values[i] == x) cumulative_a.add(first.weights[i++]);
    while (j < second.values.size() && second.values[j] == x) cumulative_b.add(second.weights[j++]);
    const double cdf_a = unweighted ? static_cast<double>(i) / static_cast<double>(first.values.size())
                                    : cumulative_a.value() / first.total;
    const double cdf_b = unweighted ? static_cast<double>(j) / static_cast<double>(second.values.size())
                                    : cumulative_b.value() / second.total;
    statistic = std::max(statistic, std::abs(cdf_a - cdf_b));
  }

  KsResult result;
  result.statistic = std::min(statistic, 1.0);
  result.n_eff_a = first.n_eff;
  result.n_eff_b = second.n_eff;
  const double larger = std::max(first.n_eff, second.n_eff), smaller = std::min(first.n_eff, second.n_eff);
  // Rounded half to even (np.round); at least 1 so tiny effective samples still give a p-value.
  const double n = std::max(1.0, std::nearbyint(larger * smaller / (larger + smaller)));
  result.p_value = kolmogorov_two_sided_sf(static_cast<std::int64_t>(n), result.statistic);
  return result;
}

std::vector<KsResult> overtraining_check(const LabeledScores& train, const LabeledScores& test,
                                         label_t num_classes) {
  check_labeled_scores(train, num_classes);
  check_labeled_scores(test, num_classes);
  const bool weighted = train.weighted() && test.weighted();
  std::vector<KsResult> results;
  for (label_t c = 0; c < num_classes; ++c) {
    auto select = [&](const LabeledScores& set, std::vector<double>& scores, std::vector<double>& weights) {
      for (std::size_t i = 0; i < set.scores.size(); ++i) {
        if (set.labels[i] != c) continue;
        scores.push_back(set.scores[i]);
        if (weighted) weights.push_back(set.weight(i));
      }
    };
    std::vector<double> train_scores, train_weights, test_scores, test_weights;
    select(train, train_scores, train_weights);
    select(test, test_scores, test_weights);
    const std::string context =
        num_classes == 2 ? fmt::format("overtraining check of {} for {} events ({} = train, {} = test)", test.context,
                                        binary_class_name(c), "first", "second")
                         : fmt::format("overtraining check of {} for class {} (first = train, second = test)",
                                       test.context, c);
    results.push_back(ks_two_sample(std::span<const double>(train_scores), train_weights,
                                    std::span<const double>(test_scores), test_weights, context));
  }
  return results;
}

}  // namespace evclass::eval
