#include "learn/nn/activation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace evclass::learn::nn {

float exp_approx(float x) {
  // e^x = 2^n e^r with n = round(x / ln 2) and |r| <= ln(2)/2; e^r by its Taylor series to r^7
  // (truncation error below 1e-8 relative), 2^n put straight into the exponent bits.
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding and subtracting it rounds to an integer
  const float n = (x * 1.44269504f + kRound) - kRound;
  // x - n ln 2 in two parts: the high part has few bits, so n * kLn2High is exact.
  constexpr float kLn2High = 0.693359375f;
  constexpr float kLn2Low = -2.12194440e-4f;
  const float r = (x - n * kLn2High) - n * kLn2Low;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const auto bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  return p * scale;
}

namespace {

inline float logistic(float x) { return 1.0f / (1.0f + exp_approx(-x)); }
inline double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

inline float tanh_of(float x) {
  // Near 0 the odd Taylor series (to x^11: error < 1e-8 for |x| < 0.35); elsewhere
  // 1 - 2 / (e^2|x| + 1), which loses at most a few ulp to cancellation there. Both are computed
  // and one is selected, so the loop stays branch-free.
  const float t = x < 0.0f ? -x : x;
  const float t2 = t * t;
  float s = -1382.0f / 155925.0f;
  s = s * t2 + 62.0f / 2835.0f;
  s = s * t2 - 17.0f / 315.0f;
  s = s * t2 + 2.0f / 15.0f;
  s = s * t2 - 1.0f / 3.0f;
  const float small = t + t * t2 * s;
  const float large = 1.0f - 2.0f / (exp_approx(2.0f * t) + 1.0f);
  const float y = t < 0.35f ? small : large;
  return x < 0.0f ? -y : y;
}
inline double tanh_of(double x) { return std::tanh(x); }

}  // namespace

template <class T>
void apply_hidden(MlpActivation f, T* x, std::size_t n) {
  switch (f) {
    case MlpActivation::identity: return;
    case MlpActivation::relu:
      for (std::size_t i = 0; i < n; ++i) x[i] = x[i] > T(0) ? x[i] : T(0);
      return;
    case MlpActivation::logistic:
      for (std::size_t i = 0; i < n; ++i) x[i] = logistic(x[i]);
      return;
    case MlpActivation::tanh:
      for (std::size_t i = 0; i < n; ++i) x[i] = tanh_of(x[i]);
      return;
  }
}

template <class T>
void multiply_derivative(MlpActivation f, const T* a, T* delta, std::size_t n) {
  switch (f) {
    case MlpActivation::identity: return;
    case MlpActivation::relu:
      for (std::size_t i = 0; i < n; ++i) delta[i] = a[i] > T(0) ? delta[i] : T(0);
      return;
    case MlpActivation::logistic:
      for (std::size_t i = 0; i < n; ++i) delta[i] = delta[i] * a[i] * (T(1) - a[i]);
      return;
    case MlpActivation::tanh:
      for (std::size_t i = 0; i < n; ++i) delta[i] = delta[i] * (T(1) - a[i] * a[i]);
      return;
  }
}

template <class T>
void apply_output(T* z, std::size_t m, std::size_t ld, std::size_t n_out) {
  if (n_out == 1) {
    for (std::size_t i = 0; i < m; ++i) z[i * ld] = logistic(z[i * ld]);
    return;
  }
  for (std::size_t i = 0; i < m; ++i) {
    T* row = z + i * ld;
    T top = row[0];
    for (std::size_t k = 1; k < n_out; ++k) top = std::max(top, row[k]);
    T sum = 0;
    for (std::size_t k = 0; k < n_out; ++k) {
      if constexpr (sizeof(T) == sizeof(float)) row[k] = exp_approx(row[k] - top);
      else row[k] = std::exp(row[k] - top);
      sum += row[k];
    }
    for (std::size_t k = 0; k < n_out; ++k) row[k] /= sum;
  }
}

template void apply_hidden<float>(MlpActivation, float*, std::size_t);
template void apply_hidden<double>(MlpActivation, double*, std::size_t);
template void multiply_derivative<float>(MlpActivation, const float*, float*, std::size_t);
template void multiply_derivative<double>(MlpActivation, const double*, double*, std::size_t);
template void apply_output<float>(float*, std::size_t, std::size_t, std::size_t);
template void apply_output<double>(double*, std::size_t, std::size_t, std::size_t);

}  // namespace evclass::learn::nn
