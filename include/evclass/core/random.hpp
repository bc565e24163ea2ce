#pragma once
// Random numbers that are identical on every machine and for every thread count: a small
// sequential generator (SplitMix64) and a counter-based one (hash of a key), so parallel code can
// draw the number of item i without sharing state or depending on the order items are visited.

#include <cstdint>

namespace evclass::core {

/// SplitMix64's finaliser: a bijection that spreads nearby inputs over all 64 bits.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// A 64-bit key made of several parts (seed, iteration, row, ...): mix(mix(a) ^ b) ...
[[nodiscard]] constexpr std::uint64_t mix_key(std::uint64_t a, std::uint64_t b) noexcept { return mix64(mix64(a) ^ b); }
[[nodiscard]] constexpr std::uint64_t mix_key(std::uint64_t a, std::uint64_t b, std::uint64_t c) noexcept {
  return mix64(mix_key(a, b) ^ c);
}

/// The top 53 bits of a 64-bit random number as a double uniform in [0, 1).
[[nodiscard]] constexpr double unit_double(std::uint64_t bits) noexcept {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

/// A 64-bit generator (SplitMix64): small, fast and identical everywhere.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1).
  double uniform() { return unit_double(next()); }
  /// Uniform in [0, n) without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t n) {
    if (n <= 1) return 0;
    for (;;) {  // multiply-shift, rejecting the biased low part
      __extension__ using u128 = unsigned __int128;
      const u128 m = static_cast<u128>(next()) * n;
      const auto low = static_cast<std::uint64_t>(m);
      if (low >= n || low >= (0 - n) % n) return static_cast<std::uint64_t>(m >> 64);
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace evclass::core
