#include "learn/trees/split.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <type_traits>

#include "evclass/core/error.hpp"

namespace evclass::learn::trees {

namespace {

/// Visits the value bins 0..n_bins-1 in order: all of them, or only the touched ones.
template <typename Fn>
void for_each_bin(int n_bins, const std::uint64_t* touched, const Fn& fn) {
  if (touched == nullptr) {
    for (int b = 0; b < n_bins; ++b) fn(b);
    return;
  }
  for (int w = 0; w < 4; ++w) {
    std::uint64_t bits = touched[w];
    while (bits != 0) {
      const int b = 64 * w + std::countr_zero(bits);
      bits &= bits - 1;
      if (b < n_bins) fn(b);
    }
  }
}

bool missing_touched(const std::uint64_t* touched) {
  return touched == nullptr || ((touched[3] >> 63) & 1u) != 0;
}

/// The scan shared by every finder, for C channels (2 per word): for each threshold bin s the
/// left side holds bins <= s, plus the missing bin when missing values go left.
/// gain_of(left, right) returns the gain, or -inf for an invalid split. Only the best candidate
/// of the feature (strictly greater gain wins, so the lowest bin among equals) is compared with
/// `best`.
template <int C, typename GainOf>
void scan_bins(const std::int64_t* hist, std::int32_t feature, int n_bins, const Stats& total,
               const std::uint64_t* touched, Split& best, const GainOf& gain_of) {
  constexpr int W = C / 2;
  using Channels = std::array<std::int64_t, C>;
  const auto add_slot = [](Channels& acc, const std::int64_t* slot) {
    for (int w = 0; w < W; ++w) {
      acc[2 * w] += low_channel(slot[w]);
      acc[2 * w + 1] += high_channel(slot[w]);
    }
  };
  Channels missing{}, all{};
  if (missing_touched(touched)) add_slot(missing, hist + kMissingBin * W);
  bool has_missing = false;
  for (int i = 0; i < C; ++i) {
    has_missing = has_missing || missing[static_cast<std::size_t>(i)] != 0;
    all[static_cast<std::size_t>(i)] = total.c[static_cast<std::size_t>(i)];
  }
  Channels cumulative{}, left{}, right{};
  double top = -std::numeric_limits<double>::infinity();
  int top_bin = -1;
  bool top_default_left = false;
  Channels top_left{};
  const auto consider = [&](int bin, bool default_left) {
    for (int i = 0; i < C; ++i) right[static_cast<std::size_t>(i)] = all[static_cast<std::size_t>(i)] - left[static_cast<std::size_t>(i)];
    const double gain = gain_of(left, right);
    if (gain > top) {
      top = gain;
      top_bin = bin;
      top_default_left = default_left;
      top_left = left;
    }
  };
  for_each_bin(n_bins, touched, [&](int b) {
    add_slot(cumulative, hist + static_cast<std::size_t>(b) * W);
    if (b < n_bins - 1) {
      left = cumulative;
      consider(b, false);
      if (has_missing) {
        for (int i = 0; i < C; ++i) left[static_cast<std::size_t>(i)] += missing[static_cast<std::size_t>(i)];
        consider(b, true);
      }
    } else if (has_missing) {
      left = cumulative;  // every value left, only the missing ones right
      consider(b, false);
    }
  });
  if (top_bin < 0) return;
  Split candidate;
  candidate.feature = feature;
  candidate.bin = static_cast<std::uint8_t>(top_bin);
  candidate.gain = top;
  candidate.default_left = top_default_left;
  for (int i = 0; i < C; ++i) candidate.left.c[static_cast<std::size_t>(i)] = top_left[static_cast<std::size_t>(i)];
  if (!has_missing) {
    // No missing values in the node: send future ones to the heavier side (channel 0 of the
    // side: the hessian for boosting, class 0's weight otherwise, is refined by the caller).
    candidate.default_left = false;
  }
  if (candidate.better_than(best)) best = candidate;
}

/// Calls scan_bins with the smallest even channel count that holds `channels`.
template <typename Fn>
void with_channels(int channels, const Fn& fn) {
  if (channels <= 2) return fn(std::integral_constant<int, 2>{});
  if (channels <= 4) return fn(std::integral_constant<int, 4>{});
  if (channels <= 6) return fn(std::integral_constant<int, 6>{});
  if (channels <= 8) return fn(std::integral_constant<int, 8>{});
  return fn(std::integral_constant<int, kMaxChannels>{});
}

}  // namespace

double NewtonSplitFinder::score(double g, double h) const {
  double t = g;
  if (o_.alpha > 0.0) t = g > o_.alpha ? g - o_.alpha : (g < -o_.alpha ? g + o_.alpha : 0.0);
  const double d = h + o_.lambda;
  return d > 0.0 ? t * t / d : 0.0;
}

bool NewtonSplitFinder::child_ok(const Stats& s) const {
  const double h = static_cast<double>(s.c[0]) * o_.hessian_scale;
  if (!(s.c[0] > 0) || h < o_.min_child_weight) return false;
  return o_.min_rows_leaf <= 1 || s.c[2] >= o_.min_rows_leaf;
}

bool NewtonSplitFinder::splittable(const Stats& total) const {
  const double h = static_cast<double>(total.c[0]) * o_.hessian_scale;
  if (h < 2.0 * o_.min_child_weight || total.c[0] <= 1) return false;
  return o_.min_rows_leaf <= 1 || total.c[2] >= 2 * o_.min_rows_leaf;
}

void NewtonSplitFinder::scan(const std::int64_t* hist, std::int32_t feature, int n_bins, const Stats& total,
                             const std::uint64_t* touched, Split& best) const {
  const double gs = o_.gradient_scale, hs = o_.hessian_scale;
  const double parent = score(static_cast<double>(total.c[1]) * gs, static_cast<double>(total.c[0]) * hs);
  const double min_h = std::max(o_.min_child_weight / hs, 1.0);  // in quantised units, and > 0
  const bool counts = o_.min_rows_leaf > 1;
  const auto run = [&](auto c) {
    scan_bins<decltype(c)::value>(hist, feature, n_bins, total, touched, best, [&](const auto& left, const auto& right) {
      if (static_cast<double>(left[0]) < min_h || static_cast<double>(right[0]) < min_h) return -std::numeric_limits<double>::infinity();
      if (counts && (left[2] < o_.min_rows_leaf || right[2] < o_.min_rows_leaf)) return -std::numeric_limits<double>::infinity();
      return 0.5 * (score(static_cast<double>(left[1]) * gs, static_cast<double>(left[0]) * hs) +
                    score(static_cast<double>(right[1]) * gs, static_cast<double>(right[0]) * hs) - parent);
    });
  };
  if (counts) run(std::integral_constant<int, 4>{});
  else run(std::integral_constant<int, 2>{});
  if (best.feature == feature && best.bin < 255) {
    const Stats missing = missing_touched(touched) ? unpack(hist + kMissingBin * static_cast<std::size_t>(words()), words()) : Stats{};
    if (missing.c[0] == 0 && missing.c[1] == 0) best.default_left = best.left.c[0] >= (total - best.left).c[0];
  }
}

ImpuritySplitFinder::ImpuritySplitFinder(const Options& o) : o_(o) {
  EVC_ASSERT(o_.n_classes >= 2 && o_.n_classes + 1 <= kMaxChannels, "classes fit in the channels");
}

double ImpuritySplitFinder::weight(const Stats& s) const {
  std::int64_t w = 0;
  for (int k = 0; k < o_.n_classes; ++k) w += std::max<std::int64_t>(s.c[static_cast<std::size_t>(k)], 0);
  return static_cast<double>(w);
}

double ImpuritySplitFinder::cover(const Stats& total) const { return weight(total) * o_.weight_scale; }

double ImpuritySplitFinder::score(const Stats& s) const {
  const double total = weight(s);
  if (!(total > 0.0)) return 0.0;
  double out = 0.0;
  for (int k = 0; k < o_.n_classes; ++k) {
    const auto wk = static_cast<double>(std::max<std::int64_t>(s.c[static_cast<std::size_t>(k)], 0));
    if (wk <= 0.0) continue;
    out += o_.impurity == Impurity::gini ? wk * wk / total : wk * std::log(wk / total);
  }
  return out;
}

bool ImpuritySplitFinder::child_ok(const Stats& s) const {
  const double w = weight(s);
  if (!(w > 0.0) || w * o_.weight_scale < o_.min_child_weight) return false;
  return o_.min_rows_leaf <= 1 || s.c[static_cast<std::size_t>(o_.n_classes)] >= o_.min_rows_leaf;
}

bool ImpuritySplitFinder::splittable(const Stats& total) const {
  // A pure node cannot be improved.
  int classes_present = 0;
  for (int k = 0; k < o_.n_classes; ++k) classes_present += total.c[static_cast<std::size_t>(k)] > 0 ? 1 : 0;
  if (classes_present < 2) return false;
  if (weight(total) * o_.weight_scale < 2.0 * o_.min_child_weight) return false;
  return o_.min_rows_leaf <= 1 || total.c[static_cast<std::size_t>(o_.n_classes)] >= 2 * o_.min_rows_leaf;
}

void ImpuritySplitFinder::scan(const std::int64_t* hist, std::int32_t feature, int n_bins, const Stats& total,
                               const std::uint64_t* touched, Split& best) const {
  const double parent = score(total);
  const int classes = o_.n_classes;
  const bool gini = o_.impurity == Impurity::gini;
  const bool counts = o_.min_rows_leaf > 1;
  const double min_weight = o_.min_child_weight / o_.weight_scale;
  with_channels(2 * words(), [&](auto c) {
    constexpr int C = decltype(c)::value;
    // The same as score() and child_ok(), on the scan's channel arrays (no Stats copies).
    const auto side = [&](const auto& s, double& out) {
      double w = 0.0;
      for (int k = 0; k < classes; ++k) w += static_cast<double>(std::max<std::int64_t>(s[static_cast<std::size_t>(k)], 0));
      if (!(w > 0.0) || w < min_weight) return false;
      if (counts && s[static_cast<std::size_t>(classes)] < o_.min_rows_leaf) return false;
      double v = 0.0;
      for (int k = 0; k < classes; ++k) {
        const auto wk = static_cast<double>(std::max<std::int64_t>(s[static_cast<std::size_t>(k)], 0));
        if (wk > 0.0) v += gini ? wk * wk / w : wk * std::log(wk / w);
      }
      out = v;
      return true;
    };
    scan_bins<C>(hist, feature, n_bins, total, touched, best, [&](const auto& left, const auto& right) {
      double l = 0.0, r = 0.0;
      if (!side(left, l) || !side(right, r)) return -std::numeric_limits<double>::infinity();
      return (l + r - parent) * o_.weight_scale;
    });
  });
}

}  // namespace evclass::learn::trees
