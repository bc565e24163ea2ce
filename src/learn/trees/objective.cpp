#include "learn/trees/objective.hpp"

#include <algorithm>
#include <cmath>

#include "evclass/core/error.hpp"

namespace evclass::learn::trees {

std::int32_t quantisation_levels(std::size_t rows) {
  const std::size_t limit = 2147483647u / std::max<std::size_t>(rows, 1);
  return static_cast<std::int32_t>(std::clamp<std::size_t>(limit, 1, 32767));
}

void prepare_gradients(QuantisedGradients& q, std::size_t rows, std::size_t outputs, int words, std::size_t sample_rows,
                       std::span<const double> weights) {
  q.rows = rows;
  q.outputs = outputs;
  q.words = words;
  q.levels = quantisation_levels(sample_rows);
  double max_w = 0.0;
  for (double w : weights) max_w = std::max(max_w, std::abs(w));
  if (!(max_w > 0.0)) max_w = 1.0;
  q.gradient_scale = max_w / q.levels;
  q.hessian_scale = 0.25 * max_w / q.levels;
  q.packed.assign(rows * outputs * static_cast<std::size_t>(words), 0);
}

namespace {

/// floor(v + u) for u in [0, 1) from 32 random bits, clamped to [-levels, levels], where v is
/// already in units of the scale. The float-to-int conversion truncates, so the value is biased
/// up by 2^20 first (|v| + 1 <= 32768 keeps it positive and exact in double).
inline std::int32_t stochastic_round(double v, std::uint32_t bits, double levels) {
  const double u = static_cast<double>(bits) * 0x1.0p-32;
  double t = v + u;
  t = t < -levels ? -levels : t;
  t = t > levels + 0.5 ? levels + 0.5 : t;
  return static_cast<std::int32_t>(t + 1048576.0) - 1048576;
}

inline std::int64_t pack_gh(std::int32_t g, std::int32_t h) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(static_cast<std::int64_t>(g)) << 32) +
         static_cast<std::int64_t>(h);
}

// Branch-free so that it vectorises: with e = exp(-|z|), p = 1 / (1 + e) and q = 1 - p =
// e / (1 + e), swapped for z < 0; g = w (p - y) is written w ((1 - y) p - y q), which keeps full
// precision when p is close to 1.
template <std::size_t Words>
__attribute__((target_clones("avx2", "default"))) void binary_block(
    const double* __restrict raw, const std::int32_t* __restrict labels, const double* __restrict weights,
    std::int64_t* __restrict packed, std::size_t begin, std::size_t end, std::uint32_t key, double g_inverse,
    double h_inverse, double levels) {
  for (std::size_t r = begin; r < end; ++r) {
    const auto w = static_cast<float>(weights[r]);
    const auto z = static_cast<float>(raw[r]);
    const float e = fast_exp(-std::abs(z));
    const float inv = 1.0f / (1.0f + e);
    const float a = inv, c = e * inv;
    const float s = z >= 0.0f ? 1.0f : 0.0f;
    const float p = s * a + (1.0f - s) * c, q = s * c + (1.0f - s) * a;
    const float y = labels[r] == 1 ? 1.0f : 0.0f;
    const float g = w * ((1.0f - y) * p - y * q);
    const float h = std::abs(w) * (p * q);
    const std::uint32_t base = static_cast<std::uint32_t>(r) * 2u + key;
    const std::int32_t qg = stochastic_round(static_cast<double>(g) * g_inverse, hash32(base), levels);
    const std::int32_t qh = stochastic_round(static_cast<double>(h) * h_inverse, hash32(base + 1u), levels);
    packed[r * Words] = pack_gh(qg, qh);
    if constexpr (Words == 2) packed[r * Words + 1] = 1;  // the row count, in the low channel
  }
}

}  // namespace

void compute_gradients(std::span<const double> raw, std::span<const std::int32_t> labels,
                       std::span<const double> weights, std::uint32_t key, QuantisedGradients& q,
                       const core::Context& ctx) {
  const std::size_t n = labels.size(), outputs = q.outputs;
  EVC_ASSERT(q.rows == n && raw.size() == n * outputs && weights.size() == n, "gradient shapes");
  const double g_inverse = 1.0 / q.gradient_scale, h_inverse = 1.0 / q.hessian_scale;
  const double levels = q.levels;
  const auto words = static_cast<std::size_t>(q.words);
  constexpr std::size_t kBlock = 16384;
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  core::parallel_for(blocks, ctx, [&](std::size_t b) {
    const std::size_t begin = b * kBlock, end = std::min(n, begin + kBlock);
    if (outputs == 1) {
      if (words == 1)
        binary_block<1>(raw.data(), labels.data(), weights.data(), q.packed.data(), begin, end, key, g_inverse,
                        h_inverse, levels);
      else
        binary_block<2>(raw.data(), labels.data(), weights.data(), q.packed.data(), begin, end, key, g_inverse,
                        h_inverse, levels);
      return;
    }
    std::vector<float> e(outputs);
    for (std::size_t r = begin; r < end; ++r) {
      const double* z = raw.data() + r * outputs;
      const auto w = static_cast<float>(weights[r]);
      double top = z[0];
      for (std::size_t k = 1; k < outputs; ++k) top = std::max(top, z[k]);
      float sum = 0.0f;
      for (std::size_t k = 0; k < outputs; ++k) {
        e[k] = fast_exp(static_cast<float>(z[k] - top));
        sum += e[k];
      }
      for (std::size_t k = 0; k < outputs; ++k) {
        const float p = e[k] / sum;
        const float g = w * (static_cast<std::size_t>(labels[r]) == k ? -(1.0f - p) : p);
        const float h = std::abs(w) * (p * (1.0f - p));
        const std::uint32_t base = static_cast<std::uint32_t>(r * outputs + k) * 2u + key;
        std::int64_t* out = q.packed.data() + (k * n + r) * words;
        out[0] = pack_gh(stochastic_round(g * g_inverse, hash32(base), levels),
                         stochastic_round(h * h_inverse, hash32(base + 1u), levels));
        if (words == 2) out[1] = pack_gh(0, 1);
      }
    }
  });
}

}  // namespace evclass::learn::trees
