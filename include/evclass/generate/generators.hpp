#pragma once
// Physics-like event samples with the structure of the four reference analyses in
// ../shared/seeds, written as ROOT files (see docs/generators.md for names, branches and options).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "evclass/root/writer.hpp"

namespace evclass::generate {

struct Options {
  std::string out_dir;            ///< created if missing
  std::int64_t events = 0;        ///< simulated events per MC sample (per file for zprime); 0: the generator's default
  std::uint64_t seed = 42;        ///< the same seed (and options) give the same events, whatever the thread count
  root::Compression compression;  ///< codec and level of the written baskets
  double lumi_fb = 10.0;          ///< integrated luminosity (fb^-1) at which data samples are drawn
  std::vector<double> masses;     ///< pmass: signal mass points in GeV; empty: 500, 750, 1000, 1250, 1500
  int threads = 0;                ///< 0 means all cores
};

/// What a generator wrote.
struct Written {
  std::vector<std::string> files;  ///< paths of the ROOT files and metadata files, in writing order
  std::int64_t events = 0;         ///< entries written over all trees
};

/// The analyses generate() knows: "zprime", "hzz4l", "hgg", "pmass".
[[nodiscard]] const std::vector<std::string>& analyses();

/// Runs the generator named `analysis`; throws KeyNotFound (with the closest name) for an unknown one.
Written generate(std::string_view analysis, const Options& options);

Written generate_zprime(const Options& options);
Written generate_hzz4l(const Options& options);
Written generate_hgg(const Options& options);
Written generate_pmass(const Options& options);

}  // namespace evclass::generate
