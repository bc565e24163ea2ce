#pragma once
// Four-momenta for the zprime and pmass generators: sums, invariant masses, boosts and two-body
// decays. Units are GeV; the metric is (+, -, -, -); angles are radians.

#include <algorithm>
#include <cmath>
#include <numbers>

namespace evclass::generate::mc {

struct Vec3 {
  double x = 0, y = 0, z = 0;

  [[nodiscard]] double mag2() const noexcept { return x * x + y * y + z * z; }
  [[nodiscard]] double mag() const noexcept { return std::sqrt(mag2()); }
  [[nodiscard]] Vec3 unit() const noexcept {
    const double m = mag();
    return m > 0 ? Vec3{x / m, y / m, z / m} : Vec3{0, 0, 1};
  }
  friend Vec3 operator+(Vec3 a, Vec3 b) noexcept { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
  friend Vec3 operator-(Vec3 a, Vec3 b) noexcept { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
  friend Vec3 operator*(double s, Vec3 a) noexcept { return {s * a.x, s * a.y, s * a.z}; }
  friend double dot(Vec3 a, Vec3 b) noexcept { return a.x * b.x + a.y * b.y + a.z * b.z; }
  friend Vec3 cross(Vec3 a, Vec3 b) noexcept {
    return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
  }
};

/// Unit vector with polar angle acos(cos_theta) and azimuth phi about the z axis.
inline Vec3 direction(double cos_theta, double phi) noexcept {
  const double sin_theta = std::sqrt(std::max(0.0, 1.0 - cos_theta * cos_theta));
  return {sin_theta * std::cos(phi), sin_theta * std::sin(phi), cos_theta};
}

/// Expresses `local` (given in a frame whose z axis is `axis`) in the frame `axis` lives in.
inline Vec3 rotate_z_to(Vec3 local, Vec3 axis) noexcept {
  const Vec3 w = axis.unit();
  // Any vector not parallel to w gives the first transverse axis.
  const Vec3 helper = std::abs(w.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0};
  const Vec3 u = cross(helper, w).unit();
  const Vec3 v = cross(w, u);
  return local.x * u + local.y * v + local.z * w;
}

struct P4 {
  double px = 0, py = 0, pz = 0, e = 0;

  [[nodiscard]] static P4 from_momentum(Vec3 p, double mass) noexcept {
    return {p.x, p.y, p.z, std::sqrt(p.mag2() + mass * mass)};
  }
  [[nodiscard]] static P4 from_pt_eta_phi_m(double pt, double eta, double phi, double mass) noexcept {
    return from_momentum({pt * std::cos(phi), pt * std::sin(phi), pt * std::sinh(eta)}, mass);
  }

  [[nodiscard]] Vec3 p3() const noexcept { return {px, py, pz}; }
  [[nodiscard]] double p() const noexcept { return p3().mag(); }
  [[nodiscard]] double pt() const noexcept { return std::hypot(px, py); }
  [[nodiscard]] double m2() const noexcept { return e * e - p3().mag2(); }
  /// Invariant mass; a negative m2 (possible after smearing) gives -sqrt(-m2).
  [[nodiscard]] double m() const noexcept {
    const double q = m2();
    return q >= 0 ? std::sqrt(q) : -std::sqrt(-q);
  }
  [[nodiscard]] double phi() const noexcept { return std::atan2(py, px); }
  [[nodiscard]] double theta() const noexcept { return std::atan2(pt(), pz); }
  [[nodiscard]] double eta() const noexcept {
    const double t = pt();
    return t > 0 ? std::asinh(pz / t) : (pz >= 0 ? 20.0 : -20.0);
  }
  /// Velocity of the frame in which this momentum is at rest.
  [[nodiscard]] Vec3 beta() const noexcept { return (1.0 / e) * p3(); }

  friend P4 operator+(P4 a, P4 b) noexcept { return {a.px + b.px, a.py + b.py, a.pz + b.pz, a.e + b.e}; }
  friend P4 operator-(P4 a, P4 b) noexcept { return {a.px - b.px, a.py - b.py, a.pz - b.pz, a.e - b.e}; }
  P4& operator+=(P4 b) noexcept { return *this = *this + b; }
};

/// The momentum `q` seen from a frame moving with velocity -beta (so a particle at rest in a frame
/// moving with `beta` is boosted to velocity `beta`).
inline P4 boost(P4 q, Vec3 beta) noexcept {
  const double b2 = beta.mag2();
  if (b2 <= 0) return q;
  const double gamma = 1.0 / std::sqrt(1.0 - b2);
  const double bp = dot(beta, q.p3());
  const double k = (gamma - 1.0) * bp / b2 + gamma * q.e;
  return {q.px + k * beta.x, q.py + k * beta.y, q.pz + k * beta.z, gamma * (q.e + bp)};
}

/// Momentum of either daughter in the rest frame of a parent of mass m decaying to masses m1, m2
/// (0 below threshold).
inline double two_body_momentum(double m, double m1, double m2) noexcept {
  const double s = m * m;
  const double a = s - (m1 + m2) * (m1 + m2);
  const double b = s - (m1 - m2) * (m1 - m2);
  return a > 0 && b > 0 ? std::sqrt(a * b) / (2 * m) : 0.0;
}

struct Pair {
  P4 first, second;
};

/// Decays `parent` into masses m1 and m2. The first daughter flies along `rest_direction` in the
/// parent's rest frame (axes parallel to the frame `parent` is given in); both come back boosted.
inline Pair two_body_decay(P4 parent, double m1, double m2, Vec3 rest_direction) noexcept {
  const double q = two_body_momentum(std::max(parent.m(), m1 + m2), m1, m2);
  const Vec3 d = rest_direction.unit();
  const P4 a = P4::from_momentum(q * d, m1);
  const P4 b = P4::from_momentum(-q * d, m2);
  const Vec3 beta = parent.beta();
  return {boost(a, beta), boost(b, beta)};
}

/// Azimuthal difference wrapped into (-pi, pi].
inline double delta_phi(double a, double b) noexcept {
  double d = a - b;
  while (d > std::numbers::pi) d -= 2 * std::numbers::pi;
  while (d <= -std::numbers::pi) d += 2 * std::numbers::pi;
  return d;
}

}  // namespace evclass::generate::mc
