#include "kinematics.hpp"

#include <algorithm>

namespace evclass::generate::detail {

namespace {

std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Largest mean handled by one product-of-uniforms Poisson draw: exp(-30) is far above the
/// smallest double, so the running product never underflows.
constexpr double kPoissonChunk = 30.0;

}  // namespace

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t sample, std::uint64_t batch,
                          std::uint64_t purpose) noexcept {
  std::uint64_t h = splitmix64(seed);
  h = splitmix64(h ^ sample);
  h = splitmix64(h ^ batch);
  return splitmix64(h ^ purpose);
}

double Rng::normal() noexcept {
  if (has_spare_) {
    has_spare_ = false;
    return spare_normal_;
  }
  // Marsaglia's polar form of Box–Muller: a point uniform in the unit disc replaces sin and cos.
  double u = 0.0, v = 0.0, s = 0.0;
  do {
    u = uniform(-1.0, 1.0);
    v = uniform(-1.0, 1.0);
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

double Rng::normal_clipped(double mean, double sigma) noexcept {
  for (;;) {
    const double z = normal();
    if (std::abs(z) <= 3.0) return mean + sigma * z;
  }
}

double Rng::gamma(int k, double theta) noexcept {
  double product = 1.0;
  for (int i = 0; i < k; ++i) product *= uniform_positive();
  return -theta * std::log(product);
}

std::int64_t Rng::poisson(double mean) noexcept {
  std::int64_t count = 0;
  while (mean > 0.0) {
    const double chunk = std::min(mean, kPoissonChunk);
    mean -= chunk;
    const double limit = std::exp(-chunk);
    double product = uniform_positive();
    while (product > limit) {
      ++count;
      product *= uniform_positive();
    }
  }
  return count;
}

double Rng::breit_wigner(double mass, double width, double lo, double hi) noexcept {
  return BreitWigner(mass, width, lo, hi)(*this);
}

BreitWigner::BreitWigner(double mass, double width, double lo, double hi) noexcept
    : pole_(mass * mass), mass_width_(mass * width), lowest_s_(lo * lo),
      angle_lo_(std::atan((lo * lo - pole_) / mass_width_)), angle_hi_(std::atan((hi * hi - pole_) / mass_width_)) {}

double BreitWigner::operator()(Rng& rng) const noexcept {
  const double s = pole_ + mass_width_ * std::tan(rng.uniform(angle_lo_, angle_hi_));
  return std::sqrt(std::max(s, lowest_s_));
}

double Rng::cos_theta(double a) noexcept {
  for (;;) {
    const double c = uniform(-1.0, 1.0);
    if (uniform() * (1.0 + a) <= 1.0 + a * c * c) return c;
  }
}

FourVector FourVector::from_pt_eta_phi_m(double pt, double eta, double phi, double m) noexcept {
  const double pz = pt * std::sinh(eta);
  return {pt * std::cos(phi), pt * std::sin(phi), pz, std::sqrt(pt * pt + pz * pz + m * m)};
}

FourVector FourVector::from_pt_y_phi_m(double pt, double y, double phi, double m) noexcept {
  const double mt = std::sqrt(pt * pt + m * m);
  return {pt * std::cos(phi), pt * std::sin(phi), mt * std::sinh(y), mt * std::cosh(y)};
}

double FourVector::eta() const noexcept {
  const double transverse = pt();
  if (transverse == 0.0) return pz >= 0.0 ? 1e3 : -1e3;
  return std::asinh(pz / transverse);
}

double FourVector::m() const noexcept {
  const double m2 = e * e - px * px - py * py - pz * pz;
  return m2 > 0.0 ? std::sqrt(m2) : 0.0;
}

FourVector FourVector::scaled(double factor) const noexcept {
  const double mass = m();
  FourVector v{px * factor, py * factor, pz * factor, 0.0};
  v.e = std::sqrt(v.px * v.px + v.py * v.py + v.pz * v.pz + mass * mass);
  return v;
}

FourVector FourVector::boosted_from_rest_of(const FourVector& frame) const noexcept {
  const double mass = frame.m();
  const double bx = frame.px / frame.e, by = frame.py / frame.e, bz = frame.pz / frame.e;
  const double gamma = frame.e / mass;
  const double bp = bx * px + by * py + bz * pz;
  const double b2 = bx * bx + by * by + bz * bz;
  const double along = b2 > 0.0 ? (gamma - 1.0) * bp / b2 + gamma * e : 0.0;
  return {px + along * bx, py + along * by, pz + along * bz, gamma * (e + bp)};
}

double delta_phi(double a, double b) noexcept {
  double d = a - b;
  while (d > std::numbers::pi) d -= 2.0 * std::numbers::pi;
  while (d < -std::numbers::pi) d += 2.0 * std::numbers::pi;
  return d;
}

double breakup_momentum(double m, double m1, double m2) noexcept {
  if (m <= m1 + m2) return 0.0;
  const double s = m * m;
  const double lambda = (s - (m1 + m2) * (m1 + m2)) * (s - (m1 - m2) * (m1 - m2));
  return std::sqrt(std::max(lambda, 0.0)) / (2.0 * m);
}

std::pair<FourVector, FourVector> two_body_decay(const FourVector& parent, double m1, double m2, double cos_theta,
                                                 double phi) noexcept {
  const double m = parent.m();
  const double p = breakup_momentum(m, m1, m2);
  const double sin_theta = std::sqrt(std::max(0.0, 1.0 - cos_theta * cos_theta));
  const double px = p * sin_theta * std::cos(phi), py = p * sin_theta * std::sin(phi), pz = p * cos_theta;
  const FourVector d1{px, py, pz, std::sqrt(p * p + m1 * m1)};
  const FourVector d2{-px, -py, -pz, std::sqrt(p * p + m2 * m2)};
  return {d1.boosted_from_rest_of(parent), d2.boosted_from_rest_of(parent)};
}

std::pair<FourVector, FourVector> isotropic_decay(const FourVector& parent, double m1, double m2, Rng& rng) noexcept {
  const double c = rng.uniform(-1.0, 1.0);
  return two_body_decay(parent, m1, m2, c, rng.phi());
}

}  // namespace evclass::generate::detail
