#include "learn/trees/class_stats.hpp"

#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/random.hpp"
#include "learn/trees/objective.hpp"

namespace evclass::learn::trees {

void check_class_count(int n_classes, std::string_view type) {
  if (n_classes + 1 > kMaxChannels)
    throw ConfigError(fmt::format("model '{}': {} classes; classification trees take at most {} classes", type,
                                  n_classes, kMaxChannels - 1));
}

void pack_class_weights(std::span<const double> weights, std::span<const std::int32_t> labels, int n_classes,
                        bool count_rows, std::uint64_t key, ClassWeights& out, const core::Context& ctx) {
  const std::size_t n = weights.size();
  out.words = ImpuritySplitFinder::words_for(n_classes, count_rows);
  const auto words = static_cast<std::size_t>(out.words);
  std::size_t used = 0;
  double max_w = 0.0;
  bool integral = true;
  for (double w : weights) {
    if (w == 0.0) continue;
    ++used;
    max_w = std::max(max_w, std::abs(w));
    integral = integral && w == std::floor(w);
  }
  const std::int32_t levels = quantisation_levels(used);
  // Integer weights whose sums fit the channels are kept as they are.
  out.scale = integral && max_w <= static_cast<double>(levels) ? 1.0 : (max_w > 0.0 ? max_w / levels : 1.0);
  const double inverse = 1.0 / out.scale;
  out.packed.assign(n * words, 0);
  const auto count_channel = static_cast<std::size_t>(n_classes);
  constexpr std::size_t kBlock = 16384;
  core::parallel_for((n + kBlock - 1) / kBlock, ctx, [&](std::size_t b) {
    const std::size_t end = std::min(n, (b + 1) * kBlock);
    for (std::size_t r = b * kBlock; r < end; ++r) {
      if (weights[r] == 0.0) continue;
      const double v = weights[r] * inverse;
      const double u = core::unit_double(core::mix_key(key, r));
      const auto q = static_cast<std::int32_t>(out.scale == 1.0 ? v : std::floor(v + u));
      std::int64_t* row = out.packed.data() + r * words;
      const auto add_channel = [&](std::size_t channel, std::int32_t value) {
        const std::size_t w = channel / 2;
        row[w] += channel % 2 == 0 ? static_cast<std::int64_t>(value)
                                   : static_cast<std::int64_t>(static_cast<std::uint64_t>(static_cast<std::int64_t>(value)) << 32);
      };
      add_channel(static_cast<std::size_t>(labels[r]), q);
      if (count_rows) add_channel(count_channel, 1);
    }
  });
}

void leaf_distribution(std::span<const std::uint32_t> rows, std::span<const double> weights,
                       std::span<const std::int32_t> labels, int n_classes, std::span<const double> fallback,
                       std::span<double> out) {
  std::fill(out.begin(), out.end(), 0.0);
  for (const std::uint32_t r : rows) out[static_cast<std::size_t>(labels[r])] += weights[r];
  double total = 0.0;
  for (int k = 0; k < n_classes; ++k) {
    out[static_cast<std::size_t>(k)] = std::max(out[static_cast<std::size_t>(k)], 0.0);
    total += out[static_cast<std::size_t>(k)];
  }
  if (!(total > 0.0)) {
    std::copy(fallback.begin(), fallback.end(), out.begin());
    return;
  }
  for (int k = 0; k < n_classes; ++k) out[static_cast<std::size_t>(k)] /= total;
}

}  // namespace evclass::learn::trees
