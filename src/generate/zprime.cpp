// `evclass generate zprime`: the four "reduced" files of the Z' seed analysis
// (../shared/seeds/000_d9e3cf13551d59db.txt), signal and background for training and for
// application, each with tree "zp". The physics is in zprime_event.cpp.

#include <array>
#include <string>
#include <vector>

#include "evclass/generate/generators.hpp"
#include "generate/sample_file.hpp"
#include "generate/zprime_event.hpp"

namespace evclass::generate {
namespace {

/// Candidates per file when --events is not given: a few seconds for all four files.
constexpr std::int64_t kDefaultEvents = 100000;

constexpr std::size_t kMassBranch = zp::kFeatureNames.size();
constexpr std::size_t kTruthPlusBranch = kMassBranch + 1;
constexpr std::size_t kTruthMinusBranch = kMassBranch + 2;

std::vector<root::BranchSpec> zprime_branches() {
  std::vector<root::BranchSpec> specs;
  for (const auto name : zp::kFeatureNames) specs.push_back(root::BranchSpec::scalar(std::string(name), column::DType::kFloat32));
  specs.push_back(root::BranchSpec::scalar("Zp_M_beforeFit", column::DType::kFloat32));
  specs.push_back(root::BranchSpec::scalar("Zp_tau_0_dau_genMotherPDG", column::DType::kInt32));
  specs.push_back(root::BranchSpec::scalar("Zp_tau_1_dau_genMotherPDG", column::DType::kInt32));
  return specs;
}

mc::FillBatch fill_candidates(bool signal) {
  return [signal](mc::Rng& rng, std::int64_t, mc::ColumnBatch& batch) {
    std::array<std::span<float>, zp::kFeatureNames.size()> features;
    for (std::size_t f = 0; f < features.size(); ++f) features[f] = batch.values<float>(f);
    const auto mass = batch.values<float>(kMassBranch);
    const auto truth_plus = batch.values<std::int32_t>(kTruthPlusBranch);
    const auto truth_minus = batch.values<std::int32_t>(kTruthMinusBranch);
    for (std::size_t row = 0; row < mass.size(); ++row) {
      const zp::Candidate c = signal ? zp::make_signal(rng) : zp::make_background(rng);
      for (std::size_t f = 0; f < features.size(); ++f) features[f][row] = c.features[f];
      mass[row] = c.recoil_mass;
      truth_plus[row] = c.truth_plus;
      truth_minus[row] = c.truth_minus;
    }
  };
}

}  // namespace

Written generate_zprime(const Options& options) {
  const std::int64_t events = mc::events_or_default(options, kDefaultEvents);
  const auto dir = mc::make_output_dir(options);
  const auto specs = zprime_branches();
  // The seed analysis reads exactly these names.
  struct Sample {
    const char* file;
    bool signal;
  };
  const Sample samples[] = {{"reduced_signal_forTraining.root", true},
                            {"reduced_background_forTraining.root", false},
                            {"reduced_signal_forApplication.root", true},
                            {"reduced_background_forApplication.root", false}};
  Written written;
  for (const Sample& s : samples) {
    const auto path = dir / s.file;
    mc::write_sample_file(path, "zp", specs, events, options, fill_candidates(s.signal));
    written.files.push_back(path.string());
    written.events += events;
  }
  return written;
}

}  // namespace evclass::generate
