#pragma once
// Gradients and hessians of the boosting losses at the current raw scores, quantised straight
// into packed histogram words (histogram.hpp: gradient in the high channel, hessian in the low
// one) for every row:
//   binary log-loss:  p = sigmoid(z), g = w (p - y), h = |w| p (1 - p)
//   softmax:          p_k = softmax(z)_k, g_k = w (p_k - [y = k]), h_k = |w| p_k (1 - p_k)
// The hessian takes |w|: with negative weights the loss has no minimum (an event of weight < 0
// is "better" the worse it is predicted) and its true hessian sum can vanish or turn negative in
// a leaf, making the Newton step −G/H arbitrarily large. With |w| every leaf's step is a damped
// descent step on a positive model of the loss.
// Since |p - y| <= 1 and p (1 - p) <= 1/4, the scales come from the largest |w| alone:
// gradient_scale = max|w| / levels, hessian_scale = max|w| / (4 levels), fixed for the whole
// training. Each value becomes floor(v / scale + u), u uniform from the row's own hash
// (stochastic rounding: unbiased, and the same on every thread count), as in LightGBM's
// quantised training (Shi et al. 2022); with hundreds of levels the sums are near exact.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "evclass/core/parallel.hpp"

namespace evclass::learn::trees {

/// The largest level a quantised value may take so that the sum over `rows` rows fits in an
/// int32 channel: min(32767, (2^31 - 1) / rows).
[[nodiscard]] std::int32_t quantisation_levels(std::size_t rows);

struct QuantisedGradients {
  std::size_t rows = 0, outputs = 1;
  int words = 1;                 ///< per row: (g, h), plus (0, 1) counting rows when words == 2
  std::int32_t levels = 1;
  double gradient_scale = 1.0, hessian_scale = 1.0;
  std::vector<std::int64_t> packed;  ///< output-major: output k's words start at k * rows * words

  [[nodiscard]] const std::int64_t* output(std::size_t k) const {
    return packed.data() + k * rows * static_cast<std::size_t>(words);
  }
};

/// Sets the layout and scales for `rows` rows (levels for `sample_rows` rows per tree).
void prepare_gradients(QuantisedGradients& q, std::size_t rows, std::size_t outputs, int words, std::size_t sample_rows,
                       std::span<const double> weights);

/// raw is rows × outputs (row-major); outputs = 1 means binary log-loss, else softmax. `key`
/// seeds the rounding (one per iteration).
void compute_gradients(std::span<const double> raw, std::span<const std::int32_t> labels,
                       std::span<const double> weights, std::uint32_t key, QuantisedGradients& q,
                       const core::Context& ctx);

/// e^x in float, to about 2 ulp, for x in [-87, 88] (clamped outside); branch-free so the
/// compiler vectorises loops over it.
[[nodiscard]] inline float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  const float t = x * 1.44269504088896341f;
  const int n = static_cast<int>(t + 128.5f) - 128;  // round to nearest (t + 128.5 > 0)
  const float nf = static_cast<float>(n);
  const float r = (x - nf * 0.693359375f) + nf * 2.12194440e-4f;  // x - n ln 2 in two parts
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const std::uint32_t bits = static_cast<std::uint32_t>(n + 127) << 23;
  float scale;
  static_assert(sizeof(scale) == sizeof(bits));
  __builtin_memcpy(&scale, &bits, sizeof(bits));
  return p * scale;
}

/// A 32-bit integer hash (lowbias32) with 32-bit multiplies only, so it vectorises.
[[nodiscard]] inline std::uint32_t hash32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

}  // namespace evclass::learn::trees
