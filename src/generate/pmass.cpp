// `evclass generate pmass`: HEPMASS-like samples for parametric classifiers
// (../shared/seeds/002_62c0cce06537678d.txt). Two files, pmass_train.root and pmass_test.root, each
// with one tree "pmass" laid out like HEPMASS's CSV files: label, f0..f26, mass. Rows alternate
// signal and background; signal rows cycle through the mass points, and background rows get a
// mass drawn at random from the same list, as HEPMASS does. The physics is in pmass_event.cpp.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/generate/generators.hpp"
#include "generate/pmass_event.hpp"
#include "generate/sample_file.hpp"

namespace evclass::generate {
namespace {

/// Events per signal mass point when --events is not given (and as many background events per
/// mass point): a few seconds for both files.
constexpr std::int64_t kDefaultEvents = 20000;
const std::vector<double> kDefaultMasses = {500, 750, 1000, 1250, 1500};

constexpr std::size_t kLabelBranch = 0;
constexpr std::size_t kFirstFeatureBranch = 1;
constexpr std::size_t kMassBranch = kFirstFeatureBranch + pm::kFeatureMeaning.size();

std::vector<double> mass_points(const Options& options) {
  if (options.masses.empty()) return kDefaultMasses;
  for (std::size_t i = 0; i < options.masses.size(); ++i) {
    const double m = options.masses[i];
    if (!std::isfinite(m) || m <= 0)
      throw ConfigError(fmt::format("--masses: {} is invalid: each mass must be a positive number of GeV", m));
    if (m < pm::kMinResonanceMass || m > pm::kMaxResonanceMass)
      throw ConfigError(fmt::format("--masses: {} GeV is invalid: the resonance decays to t tbar, so each mass must "
                                    "lie between {} and {} GeV",
                                    m, pm::kMinResonanceMass, pm::kMaxResonanceMass));
    if (std::find(options.masses.begin(), options.masses.begin() + static_cast<std::ptrdiff_t>(i), m) !=
        options.masses.begin() + static_cast<std::ptrdiff_t>(i))
      throw ConfigError(fmt::format("--masses: {} appears twice: each mass point must be given once", m));
  }
  return options.masses;
}

std::vector<root::BranchSpec> pmass_branches() {
  std::vector<root::BranchSpec> specs;
  specs.push_back(root::BranchSpec::scalar("label", column::DType::kInt32));
  for (std::size_t f = 0; f < pm::kFeatureMeaning.size(); ++f)
    specs.push_back(root::BranchSpec::scalar(fmt::format("f{}", f), column::DType::kFloat32));
  specs.push_back(root::BranchSpec::scalar("mass", column::DType::kFloat32));
  return specs;
}

mc::FillBatch fill_rows(const std::vector<double>& masses) {
  return [&masses](mc::Rng& rng, std::int64_t first_entry, mc::ColumnBatch& batch) {
    const auto label = batch.values<std::int32_t>(kLabelBranch);
    const auto mass = batch.values<float>(kMassBranch);
    std::vector<std::span<float>> features;
    for (std::size_t f = 0; f < pm::kFeatureMeaning.size(); ++f)
      features.push_back(batch.values<float>(kFirstFeatureBranch + f));
    const auto points = static_cast<std::int64_t>(masses.size());
    for (std::size_t row = 0; row < label.size(); ++row) {
      const std::int64_t entry = first_entry + static_cast<std::int64_t>(row);
      const bool signal = entry % 2 == 0;
      const double m = signal ? masses[static_cast<std::size_t>((entry / 2) % points)]
                              : masses[rng.index(masses.size())];
      const pm::Features f = signal ? pm::make_signal(rng, m) : pm::make_background(rng);
      label[row] = signal ? 1 : 0;
      mass[row] = static_cast<float>(m);
      for (std::size_t k = 0; k < f.size(); ++k) features[k][row] = f[k];
    }
  };
}

}  // namespace

Written generate_pmass(const Options& options) {
  const std::int64_t events = mc::events_or_default(options, kDefaultEvents);
  const std::vector<double> masses = mass_points(options);
  const auto dir = mc::make_output_dir(options);
  const auto specs = pmass_branches();
  // Every mass point gets `events` signal rows and, on average, `events` background rows.
  const std::int64_t rows = 2 * events * static_cast<std::int64_t>(masses.size());
  Written written;
  for (const char* file : {"pmass_train.root", "pmass_test.root"}) {
    const auto path = dir / file;
    mc::write_sample_file(path, "pmass", specs, rows, options, fill_rows(masses));
    written.files.push_back(path.string());
    written.events += rows;
  }
  return written;
}

}  // namespace evclass::generate
