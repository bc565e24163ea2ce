#pragma once
// Element-wise functions of the networks: hidden activations and their derivatives, the output
// functions (logistic for one output, softmax for several). In float they use exp_approx (one
// order of IEEE operations, so identical everywhere and vectorised); in double (the gradient
// checks) the standard library's functions. Private to learn.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "evclass/learn/mlp.hpp"

namespace evclass::learn::nn {

/// e^x in float to about 2 ulp, branch-free so loops over it vectorise. x is clamped to
/// [-87, 88], where e^x is a normal float; NaN stays NaN.
[[nodiscard]] float exp_approx(float x);

/// ln x in float to about 3 ulp for positive normal x (the loss of probabilities clipped to
/// [eps, 1 - eps]); branch-free like exp_approx. Inline: it runs once per row in the loss loop.
[[nodiscard]] inline float log_approx(float x) {
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s) with s = (m - 1) / (m + 1),
  // |s| < 0.172, by its series to s^9 (truncation error below 1e-9).
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  // Subtracting the bits of sqrt(1/2) puts m's exponent field at 0 for m in [sqrt(1/2), sqrt(2)).
  const std::uint32_t shifted = bits - 0x3f3504f3u;
  const auto e = static_cast<std::int32_t>(shifted) >> 23;
  const std::uint32_t m_bits = bits - (static_cast<std::uint32_t>(e) << 23);
  float m;
  std::memcpy(&m, &m_bits, sizeof(m));
  const float s = (m - 1.0f) / (m + 1.0f);
  const float s2 = s * s;
  float p = 2.0f / 9.0f;
  p = p * s2 + 2.0f / 7.0f;
  p = p * s2 + 2.0f / 5.0f;
  p = p * s2 + 2.0f / 3.0f;
  p = p * s2 + 2.0f;
  const float ef = static_cast<float>(e);
  return ef * 0.693359375f + (s * p + ef * -2.12194440e-4f);
}

/// x[i] = f(x[i]) for i < n.
template <class T>
void apply_hidden(MlpActivation f, T* x, std::size_t n);

/// delta[i] *= f'(z[i]), given the activated value a[i] = f(z[i]) (scikit-learn's convention:
/// relu' = [a > 0], logistic' = a(1 - a), tanh' = 1 - a^2).
template <class T>
void multiply_derivative(MlpActivation f, const T* a, T* delta, std::size_t n);

/// The output layer in place: m rows of `ld` values of which the first n_out are real.
/// n_out == 1: the logistic function; otherwise a softmax over the n_out values.
template <class T>
void apply_output(T* z, std::size_t m, std::size_t ld, std::size_t n_out);

}  // namespace evclass::learn::nn
