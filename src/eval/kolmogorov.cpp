// The distribution of the two-sided one-sample Kolmogorov statistic D_n, following the regimes
// of Simard & L'Ecuyer, "Computing the Two-Sided Kolmogorov-Smirnov Distribution" (J. Stat.
// Softw. 39, 2011), the same regimes scipy's kstwo uses, so p-values agree with scipy's.
// Where scipy uses Pomeranz's recursion (n <= 140, 0.754693 < n d^2 <= 4) this file uses the
// Durbin matrix instead: both are exact, so they agree to rounding.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "evclass/eval/ks_test.hpp"

namespace evclass::eval {
namespace {

constexpr int kScaleExponent = 128;
const double kBig = std::ldexp(1.0, kScaleExponent);
const double kSmall = std::ldexp(1.0, -kScaleExponent);

double clip_probability(double p) { return std::clamp(p, 0.0, 1.0); }

// log(n! / n^n).
double log_factorial_over_power(double n) { return std::lgamma(n + 1.0) - n * std::log(n); }

// Square matrix of size m, row-major.
struct Matrix {
  int m;
  std::vector<double> a;
  explicit Matrix(int size) : m(size), a(static_cast<std::size_t>(size * size), 0.0) {}
  double& at(int i, int j) { return a[static_cast<std::size_t>(i * m + j)]; }
  double at(int i, int j) const { return a[static_cast<std::size_t>(i * m + j)]; }
};

Matrix multiply(const Matrix& x, const Matrix& y) {
  Matrix out(x.m);
  for (int i = 0; i < x.m; ++i) {
    for (int l = 0; l < x.m; ++l) {
      const double xil = x.at(i, l);
      if (xil == 0.0) continue;
      for (int j = 0; j < x.m; ++j) out.at(i, j) += xil * y.at(l, j);
    }
  }
  return out;
}

// P(D_n <= d) by Durbin's matrix formula, P = n!/n^n (H^n)_{kk}, with powers of two pulled out
// of the matrix and the factor so nothing overflows (Marsaglia, Tsang & Wang 2003).
double durbin_cdf(std::int64_t n, double d) {
  const double nd = static_cast<double>(n) * d;
  if (d >= 1.0) return 1.0;
  if (nd <= 0.5) return 0.0;
  const int k = static_cast<int>(std::ceil(nd));
  const double h = k - nd;
  const int m = 2 * k - 1;
  std::vector<double> inverse_factorial(static_cast<std::size_t>(m + 1), 1.0);
  for (int j = 1; j <= m; ++j) inverse_factorial[j] = inverse_factorial[j - 1] / j;

  Matrix h_matrix(m);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j <= std::min(i + 1, m - 1); ++j) h_matrix.at(i, j) = inverse_factorial[i - j + 1];
  }
  for (int i = 0; i < m; ++i) h_matrix.at(i, 0) = (1.0 - std::pow(h, i + 1)) * inverse_factorial[i + 1];
  for (int j = 0; j < m; ++j) h_matrix.at(m - 1, j) = (1.0 - std::pow(h, m - j)) * inverse_factorial[m - j];
  h_matrix.at(m - 1, 0) = (1.0 - 2.0 * std::pow(h, m) + std::pow(std::max(2.0 * h - 1.0, 0.0), m)) *
                          inverse_factorial[m];

  Matrix power(m);
  for (int i = 0; i < m; ++i) power.at(i, i) = 1.0;
  long power_exponent = 0, base_exponent = 0;
  for (std::int64_t remaining = n; remaining > 0; remaining /= 2) {
    if (remaining % 2 == 1) {
      power = multiply(power, h_matrix);
      power_exponent += base_exponent;
    }
    h_matrix = multiply(h_matrix, h_matrix);
    base_exponent *= 2;
    if (std::abs(h_matrix.at(k - 1, k - 1)) > kBig) {
      for (double& v : h_matrix.a) v *= kSmall;
      base_exponent += kScaleExponent;
    }
  }
  double p = power.at(k - 1, k - 1);
  const double n_real = static_cast<double>(n);
  for (std::int64_t i = 1; i <= n; ++i) {
    p = static_cast<double>(i) * p / n_real;
    if (std::abs(p) < kSmall) {
      p *= kBig;
      power_exponent -= kScaleExponent;
    }
  }
  return std::ldexp(p, static_cast<int>(power_exponent));
}

// P(D+_n >= x), the one-sided Smirnov tail, by the Birnbaum-Tingey sum
// x * sum_j C(n,j) (x + j/n)^(j-1) (1 - x - j/n)^(n-j), each term formed in logarithms.
double smirnov_sf(std::int64_t n, double x) {
  if (x <= 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  const double n_real = static_cast<double>(n);
  const double nx = n_real * x;
  const auto last = static_cast<std::int64_t>(std::floor(n_real - nx));
  const double log_n_factorial = std::lgamma(n_real + 1.0);
  double sum = 0.0;
  for (std::int64_t j = 0; j <= last; ++j) {
    const double jr = static_cast<double>(j);
    const double below = (n_real - jr - nx) / n_real;  // 1 - x - j/n without cancellation
    if (below <= 0.0) continue;
    const double above = (nx + jr) / n_real;  // x + j/n
    const double log_term = log_n_factorial - std::lgamma(jr + 1.0) - std::lgamma(n_real - jr + 1.0) +
                            (jr - 1.0) * std::log(above) + (n_real - jr) * std::log(below);
    sum += std::exp(log_term);
  }
  return clip_probability(x * sum);
}

// Pelz & Good (1976) expansion of P(D_n <= x) in powers of 1/sqrt(n), each coefficient written
// with Jacobi theta-function series that converge fast for small z = sqrt(n) x.
double pelz_good_cdf(std::int64_t n, double x) {
  constexpr double pi = std::numbers::pi;
  constexpr double pi2 = pi * pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
  const double sqrt_two_pi = std::sqrt(2.0 * pi);
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double n_real = static_cast<double>(n);
  const double z = std::sqrt(n_real) * x;
  const double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2, z7 = z6 * z, z8 = z4 * z4, z10 = z8 * z2;
  const double log_q = -pi2 / (8.0 * z2);
  if (log_q < -708.0) return 0.0;
  const double q = std::exp(log_q);
  const int max_k = static_cast<int>(std::ceil(16.0 * z / pi));

  // sum_k c_i(m) q^(m^2) with m = 2k - 1, by Horner in q^(8k): exponents of successive terms
  // differ by (2k+1)^2 - (2k-1)^2 = 8k.
  double series[4] = {0.0, 0.0, 0.0, 0.0};
  for (int k = max_k; k >= 1; --k) {
    const double m = 2.0 * k - 1.0;
    const double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const double step = std::pow(q, 8.0 * k);
    const double coefficient[4] = {
        1.0,
        -z2 + pi2 / 4.0 * m2,
        (6.0 * z6 + 2.0 * z4) + (2.0 * z4 - 5.0 * z2) * pi2 / 4.0 * m2 + pi4 * (1.0 - 2.0 * z2) / 16.0 * m4,
        (-30.0 * z6 - 90.0 * z8) + pi2 * (135.0 * z4 - 96.0 * z6) / 4.0 * m2 +
            pi4 * (-60.0 * z2 + 212.0 * z4) / 16.0 * m4 + pi6 * (5.0 - 30.0 * z2) / 64.0 * m6,
    };
    for (int i = 0; i < 4; ++i) series[i] = series[i] * step + coefficient[i];
  }
  const double divisor[4] = {z, 6.0 * z4, 72.0 * z7, 6480.0 * z10};
  for (int i = 0; i < 4; ++i) series[i] *= q * sqrt_two_pi / divisor[i];

  // The second-order and third-order terms carry a second theta series in exp(-pi^2 k^2 / 2z^2).
  const double q2 = std::exp(-pi2 / (2.0 * z2));
  double extra2 = 0.0, extra3 = 0.0;
  for (int k = max_k; k >= 1; --k) {
    const double k2 = static_cast<double>(k) * k;
    const double weight = k2 * std::pow(q2, k2);
    extra2 += weight;
    extra3 += (3.0 * z2 - pi2 * k2) * weight;
  }
  series[2] += extra2 * pi2 * sqrt_two_pi / (-36.0 * z3);
  series[3] += extra3 * pi2 * sqrt_two_pi / (216.0 * z6);

  double cdf = 0.0;
  for (int i = 0; i < 4; ++i) cdf += series[i] / std::pow(n_real, i / 2.0);
  return cdf;
}

}  // namespace

double kolmogorov_two_sided_sf(std::int64_t n, double d) {
  if (n <= 0 || std::isnan(d)) return std::numeric_limits<double>::quiet_NaN();
  if (d >= 1.0) return 0.0;
  if (d <= 0.0) return 1.0;
  const double n_real = static_cast<double>(n);
  const double t = n_real * d;
  if (t <= 1.0) {  // Ruben & Gambino: P(D_n <= d) = n!/n^n (2t - 1)^n for 1/2n <= d <= 1/n
    if (t <= 0.5) return 1.0;
    double cdf = 1.0;
    if (n <= 140) {
      for (std::int64_t i = 1; i <= n; ++i) cdf *= static_cast<double>(i) / n_real * (2.0 * t - 1.0);
    } else {
      cdf = std::exp(log_factorial_over_power(n_real) + n_real * std::log(2.0 * t - 1.0));
    }
    return clip_probability(1.0 - cdf);
  }
  if (t >= n_real - 1.0) return clip_probability(2.0 * std::pow(1.0 - d, n_real));  // Ruben & Gambino
  if (d >= 0.5) return clip_probability(2.0 * smirnov_sf(n, d));  // the two tails cannot overlap
  const double n_d_squared = t * d;
  if (n <= 140) {
    if (n_d_squared <= 4.0) return clip_probability(1.0 - durbin_cdf(n, d));
    return clip_probability(2.0 * smirnov_sf(n, d));
  }
  if (n_d_squared >= 370.0) return 0.0;
  if (n_d_squared >= 2.2) return clip_probability(2.0 * smirnov_sf(n, d));
  const double cdf = (n <= 100000 && n_real * std::pow(d, 1.5) <= 1.4) ? durbin_cdf(n, d) : pelz_good_cdf(n, d);
  return clip_probability(1.0 - cdf);
}

}  // namespace evclass::eval
