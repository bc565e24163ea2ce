#pragma once
// Random numbers for the zprime and pmass generators, identical on every run and every thread
// count: each batch of events draws from its own std::mt19937_64 stream, seeded from
// (user seed, sample, batch), and every distribution is our own transform of the raw 64-bit
// output (std:: distributions may differ between standard libraries).

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string_view>

namespace evclass::generate::mc {

/// SplitMix64's finaliser: a bijection that spreads nearby inputs over all 64 bits.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// FNV-1a hash of a name, so samples can be told apart by name in the stream seed.
constexpr std::uint64_t name_hash(std::string_view name) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

class Rng {
 public:
  /// The stream of batch `batch` of sample `sample` for the user's `seed`.
  Rng(std::uint64_t seed, std::uint64_t sample, std::uint64_t batch)
      : engine_(mix64(mix64(mix64(seed) ^ sample) ^ batch)) {}

  /// Uniform in [0, 1), 53 random bits.
  double uniform() noexcept { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
  /// Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_open() noexcept { return 1.0 - uniform(); }
  bool chance(double probability) noexcept { return uniform() < probability; }
  /// An integer in [0, n).
  std::uint64_t index(std::uint64_t n) noexcept { return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)); }

  /// Standard normal (Box-Muller; the second value of each pair is kept for the next call).
  double gaussian() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform_open()));
    const double a = 2.0 * std::numbers::pi * uniform();
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }
  double gaussian(double mean, double sigma) noexcept { return mean + sigma * gaussian(); }
  double exponential(double mean) noexcept { return -mean * std::log(uniform_open()); }
  /// Relativistic resonance line shape approximated by a Cauchy distribution, cut at
  /// |m - mass| < cut_widths * width so tails stay physical.
  double breit_wigner(double mass, double width, double cut_widths = 10.0) noexcept {
    for (;;) {
      const double m = mass + 0.5 * width * std::tan(std::numbers::pi * (uniform() - 0.5));
      if (std::abs(m - mass) < cut_widths * width) return m;
    }
  }
  /// Log-uniform in [lo, hi]: density proportional to 1/x, as for a virtual photon's mass.
  double log_uniform(double lo, double hi) noexcept { return lo * std::pow(hi / lo, uniform()); }
  /// Uniform azimuth in [-pi, pi).
  double azimuth() noexcept { return std::numbers::pi * (2.0 * uniform() - 1.0); }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace evclass::generate::mc
