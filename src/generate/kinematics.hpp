#pragma once
// Random numbers and four-vectors for the physics-like generators.
//
// Every random draw goes through Rng, built on std::mt19937_64 with our own transforms (no
// std::*_distribution), so a seed gives the same events with any standard library. Each batch of
// events gets its own stream, seeded from (seed, sample, batch, purpose): the events are the same
// whatever the number of threads. Energies and momenta are in GeV here; the ROOT files use MeV.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <utility>

namespace evclass::generate::detail {

/// Seed of one random stream: a splitmix64 hash of the user seed and the stream's coordinates.
[[nodiscard]] std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t sample, std::uint64_t batch,
                                        std::uint64_t purpose) noexcept;

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  /// Uniform in [0, 1), 53 random bits.
  [[nodiscard]] double uniform() noexcept {
    return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  }
  [[nodiscard]] double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
  /// Uniform in (0, 1]: safe to take the logarithm of.
  [[nodiscard]] double uniform_positive() noexcept { return 1.0 - uniform(); }
  [[nodiscard]] bool bernoulli(double p) noexcept { return uniform() < p; }
  [[nodiscard]] double phi() noexcept { return uniform(-std::numbers::pi, std::numbers::pi); }
  /// +1 or -1 with equal probability.
  [[nodiscard]] int sign() noexcept { return bernoulli(0.5) ? 1 : -1; }

  /// Standard normal (Box–Muller; the second value of each pair is kept for the next call).
  [[nodiscard]] double normal() noexcept;
  [[nodiscard]] double normal(double mean, double sigma) noexcept { return mean + sigma * normal(); }
  /// Normal truncated symmetrically to mean ± 3 sigma (keeps the mean; used for scale factors).
  [[nodiscard]] double normal_clipped(double mean, double sigma) noexcept;
  [[nodiscard]] double exponential(double mean) noexcept { return -mean * std::log(uniform_positive()); }
  /// Gamma distribution with integer shape k (sum of k exponentials) and scale theta; mean k*theta.
  [[nodiscard]] double gamma(int k, double theta) noexcept;
  /// Poisson: exact (products of uniforms over chunks of the mean; the sum of Poissons is Poisson).
  [[nodiscard]] std::int64_t poisson(double mean) noexcept;
  /// Relativistic Breit–Wigner mass (Cauchy in m^2, by its inverse CDF) restricted to [lo, hi].
  [[nodiscard]] double breit_wigner(double mass, double width, double lo, double hi) noexcept;
  /// cos(theta) with density proportional to 1 + a cos^2(theta), a >= 0 (a = 0: isotropic).
  [[nodiscard]] double cos_theta(double a) noexcept;

 private:
  std::mt19937_64 engine_;
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

/// sqrt(a^2 + b^2): sums in quadrature (resolution terms, transverse momenta). std::hypot guards
/// against overflow that cannot happen at these magnitudes and is several times slower.
[[nodiscard]] inline double quadrature(double a, double b) noexcept { return std::sqrt(a * a + b * b); }

/// Relativistic Breit–Wigner restricted to [lo, hi], with the bounds of its inverse CDF computed
/// once (for hot loops; Rng::breit_wigner is the one-off form).
class BreitWigner {
 public:
  BreitWigner(double mass, double width, double lo, double hi) noexcept;
  [[nodiscard]] double operator()(Rng& rng) const noexcept;

 private:
  double pole_, mass_width_, lowest_s_, angle_lo_, angle_hi_;
};

/// Energy-momentum four-vector (px, py, pz, E).
struct FourVector {
  double px = 0.0, py = 0.0, pz = 0.0, e = 0.0;

  [[nodiscard]] static FourVector from_pt_eta_phi_m(double pt, double eta, double phi, double m) noexcept;
  /// The same with rapidity y instead of pseudorapidity (for massive systems such as a Higgs boson).
  [[nodiscard]] static FourVector from_pt_y_phi_m(double pt, double y, double phi, double m) noexcept;

  [[nodiscard]] double pt() const noexcept { return quadrature(px, py); }
  [[nodiscard]] double p() const noexcept { return std::sqrt(px * px + py * py + pz * pz); }
  [[nodiscard]] double phi() const noexcept { return std::atan2(py, px); }
  [[nodiscard]] double eta() const noexcept;
  /// Invariant mass; 0 when rounding makes m^2 slightly negative.
  [[nodiscard]] double m() const noexcept;

  FourVector& operator+=(const FourVector& o) noexcept {
    px += o.px, py += o.py, pz += o.pz, e += o.e;
    return *this;
  }
  friend FourVector operator+(FourVector a, const FourVector& b) noexcept { return a += b; }
  friend FourVector operator-(const FourVector& a, const FourVector& b) noexcept {
    return {a.px - b.px, a.py - b.py, a.pz - b.pz, a.e - b.e};
  }
  /// The same three-momentum direction scaled by `factor`, keeping the mass.
  [[nodiscard]] FourVector scaled(double factor) const noexcept;
  /// This vector, given in the rest frame of `frame`, seen in the frame where `frame` is given.
  [[nodiscard]] FourVector boosted_from_rest_of(const FourVector& frame) const noexcept;
};

/// a - b folded into [-pi, pi].
[[nodiscard]] double delta_phi(double a, double b) noexcept;

/// Momentum of either daughter in the rest frame of a parent of mass m decaying to m1 + m2
/// (0 below threshold).
[[nodiscard]] double breakup_momentum(double m, double m1, double m2) noexcept;

/// Two-body decay of `parent` into masses m1 and m2; the first daughter flies along (cos_theta, phi)
/// in the parent's rest frame (angles measured against the lab axes).
[[nodiscard]] std::pair<FourVector, FourVector> two_body_decay(const FourVector& parent, double m1, double m2,
                                                              double cos_theta, double phi) noexcept;
/// The same with an isotropic direction.
[[nodiscard]] std::pair<FourVector, FourVector> isotropic_decay(const FourVector& parent, double m1, double m2,
                                                                Rng& rng) noexcept;

}  // namespace evclass::generate::detail
