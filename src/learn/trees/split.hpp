#pragma once
// Choosing a node's split from its histograms. The statistics of a bin are integer channels
// unpacked from the histogram words (channel 2w is the low half of word w, 2w+1 the high half);
// what they mean and how a split is scored is the split finder's business: second-order gain
// for boosting, Gini or entropy decrease for classification trees.

#include <array>
#include <cstdint>
#include <limits>

#include "learn/trees/histogram.hpp"

namespace evclass::learn::trees {

inline constexpr int kMaxChannels = 16;

/// Summed channels of a set of rows.
struct Stats {
  std::array<std::int64_t, kMaxChannels> c{};
  Stats& operator+=(const Stats& o) {
    for (int i = 0; i < kMaxChannels; ++i) c[static_cast<std::size_t>(i)] += o.c[static_cast<std::size_t>(i)];
    return *this;
  }
  friend Stats operator-(Stats a, const Stats& b) {
    for (int i = 0; i < kMaxChannels; ++i) a.c[static_cast<std::size_t>(i)] -= b.c[static_cast<std::size_t>(i)];
    return a;
  }
};

/// The channels of one histogram slot (`words` words).
[[nodiscard]] inline Stats unpack(const std::int64_t* slot, int words) {
  Stats s;
  for (int w = 0; w < words; ++w) {
    s.c[static_cast<std::size_t>(2 * w)] = low_channel(slot[w]);
    s.c[static_cast<std::size_t>(2 * w + 1)] = high_channel(slot[w]);
  }
  return s;
}

/// A candidate split: rows with bin <= bin go left, missing ones by default_left.
struct Split {
  std::int32_t feature = -1;
  std::uint8_t bin = 0;
  bool default_left = false;
  double gain = -std::numeric_limits<double>::infinity();
  Stats left;  ///< the right side is total - left
  [[nodiscard]] bool valid() const { return feature >= 0; }
  /// Strict order used everywhere: higher gain, then lower feature, then lower bin.
  [[nodiscard]] bool better_than(const Split& o) const {
    if (gain != o.gain) return gain > o.gain;
    if (feature != o.feature) return o.feature < 0 || (feature >= 0 && feature < o.feature);
    return bin < o.bin;
  }
};

/// Scores splits for one kind of tree.
class SplitFinder {
 public:
  virtual ~SplitFinder() = default;
  /// Histogram words per row.
  [[nodiscard]] virtual int words() const = 0;
  /// Whether a node with these totals has enough to be split in two valid children.
  [[nodiscard]] virtual bool splittable(const Stats& total) const = 0;
  /// The node's weight (hessian or class weight sum), in real units; stored as the tree's cover.
  [[nodiscard]] virtual double cover(const Stats& total) const = 0;
  /// Updates `best` with the best split of `feature` if it is better. `hist` is the feature's
  /// kHistBins slots; `touched`, when not null, is a 256-bit mask of the only non-empty bins.
  virtual void scan(const std::int64_t* hist, std::int32_t feature, int n_bins, const Stats& total,
                    const std::uint64_t* touched, Split& best) const = 0;
};

/// Second-order boosting (XGBoost's objective): channel 0 = quantised hessian, 1 = quantised
/// gradient, 2 = row count (when min_rows_leaf > 1).
/// gain = ½ [S(G_L, H_L) + S(G_R, H_R) − S(G, H)], S(G, H) = T_α(G)² / (H + λ).
class NewtonSplitFinder final : public SplitFinder {
 public:
  struct Options {
    double gradient_scale = 1.0, hessian_scale = 1.0;
    double lambda = 1.0, alpha = 0.0;
    double min_child_weight = 1.0;
    std::int64_t min_rows_leaf = 1;
  };
  explicit NewtonSplitFinder(const Options& o) : o_(o) {}
  [[nodiscard]] int words() const override { return o_.min_rows_leaf > 1 ? 2 : 1; }
  [[nodiscard]] bool splittable(const Stats& total) const override;
  [[nodiscard]] double cover(const Stats& total) const override { return static_cast<double>(total.c[0]) * o_.hessian_scale; }
  void scan(const std::int64_t* hist, std::int32_t feature, int n_bins, const Stats& total,
            const std::uint64_t* touched, Split& best) const override;
  /// S(G, H) for real G and H.
  [[nodiscard]] double score(double g, double h) const;

 private:
  [[nodiscard]] bool child_ok(const Stats& s) const;
  Options o_;
};

/// Classification trees: channel k < n_classes = quantised weight of class k; channel
/// n_classes = row count (when min_rows_leaf > 1). gain = decrease of weight × impurity.
class ImpuritySplitFinder final : public SplitFinder {
 public:
  enum class Impurity { gini, entropy };
  struct Options {
    int n_classes = 2;
    Impurity impurity = Impurity::gini;
    double weight_scale = 1.0;
    double min_child_weight = 0.0;  ///< real weight a child must have (> 0 always required)
    std::int64_t min_rows_leaf = 1;
  };
  explicit ImpuritySplitFinder(const Options& o);
  [[nodiscard]] static int words_for(int n_classes, bool counts) { return (n_classes + (counts ? 1 : 0) + 1) / 2; }
  [[nodiscard]] int words() const override { return words_for(o_.n_classes, o_.min_rows_leaf > 1); }
  [[nodiscard]] bool splittable(const Stats& total) const override;
  [[nodiscard]] double cover(const Stats& total) const override;
  void scan(const std::int64_t* hist, std::int32_t feature, int n_bins, const Stats& total,
            const std::uint64_t* touched, Split& best) const override;
  /// Σ_k w_k² / W (Gini) or Σ_k w_k log(w_k / W) (entropy), in quantised units; negative
  /// class sums count as 0.
  [[nodiscard]] double score(const Stats& s) const;

 private:
  [[nodiscard]] bool child_ok(const Stats& s) const;
  [[nodiscard]] double weight(const Stats& s) const;
  Options o_;
};

}  // namespace evclass::learn::trees
