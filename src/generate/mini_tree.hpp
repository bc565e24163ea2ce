#pragma once
// The `mini` tree of the ATLAS Open Data ntuples: branch names and types as in the real files
// (lep_pt vector<float>, lep_type vector<unsigned int>, lep_n uint32, trigE bool, ...). A MiniBatch
// collects a batch of reconstructed events column by column; MiniFile writes batches to one file.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "event.hpp"
#include "evclass/column/column.hpp"
#include "evclass/root/writer.hpp"

namespace evclass::generate::detail {

template <class T>
struct JaggedValues {
  std::vector<T> values;
  std::vector<std::int64_t> offsets{0};
  void end_entry() { offsets.push_back(static_cast<std::int64_t>(values.size())); }
};

/// Per-sample constants stored in every entry (ATLAS 13 TeV ntuples carry them as branches).
struct SampleConstants {
  std::int32_t channel_number = 0;  ///< DSID for simulation, run number for data
  float cross_section_pb = 1;       ///< XSection: sigma x BR x k-factor x filter efficiency
  float sum_of_weights = 1;         ///< SumWeights: sum of mcWeight over the sample
};

/// One batch of events as columns. Data batches (with_truth = false) leave the truth branches
/// (lep_truthMatched, jet_trueflav, jet_truthMatched, photon_truthMatched) empty, as real data do.
struct MiniBatch {
  explicit MiniBatch(bool truth = true) : with_truth(truth) {}

  void add(const RecoEvent& event, const SampleConstants& sample);
  [[nodiscard]] std::int64_t entries() const noexcept { return static_cast<std::int64_t>(run_number.size()); }

  bool with_truth = true;
  std::vector<std::int32_t> run_number, event_number, channel_number;
  std::vector<float> mc_weight, sf_pileup, sf_electron, sf_muon, sf_photon, sf_tau, sf_btag, sf_lepton_trigger,
      sf_photon_trigger;
  std::vector<std::uint8_t> trig_e, trig_m, trig_p;
  std::vector<float> met_et, met_phi, cross_section, sum_of_weights;

  std::vector<std::uint32_t> lep_n;
  JaggedValues<std::uint8_t> lep_truth_matched, lep_trig_matched, lep_tight_id;
  JaggedValues<float> lep_pt, lep_eta, lep_phi, lep_e, lep_z0, lep_ptcone30, lep_etcone20, lep_d0, lep_d0_sigma;
  JaggedValues<std::int32_t> lep_charge;
  JaggedValues<std::uint32_t> lep_type;

  std::vector<std::uint32_t> jet_n;
  JaggedValues<float> jet_pt, jet_eta, jet_phi, jet_e, jet_jvt, jet_mv2c10;
  JaggedValues<std::int32_t> jet_true_flavour;
  JaggedValues<std::uint8_t> jet_truth_matched;

  std::vector<std::uint32_t> photon_n;
  JaggedValues<std::uint8_t> photon_truth_matched, photon_trig_matched, photon_tight_id;
  JaggedValues<float> photon_pt, photon_eta, photon_phi, photon_e, photon_ptcone30, photon_etcone20;
  JaggedValues<std::int32_t> photon_conv_type;
};

/// A branch of the `mini` tree and how to take its column from a batch.
struct MiniBranch {
  root::BranchSpec spec;
  column::Column (*extract)(const MiniBatch&);
};

/// The branches with these names, in this order. Every name must be one of the known branches
/// (a wrong name is a bug in a generator, checked by EVC_ASSERT).
[[nodiscard]] std::vector<MiniBranch> mini_branches(std::span<const std::string_view> names);

/// One ROOT file with a `mini` tree, filled batch by batch.
class MiniFile {
 public:
  MiniFile(std::string path, std::vector<MiniBranch> branches, const root::Compression& compression, int threads);
  void append(const MiniBatch& batch);
  /// Finishes the file (it appears under its name only now).
  void close();
  [[nodiscard]] std::int64_t entries() const noexcept { return entries_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  std::vector<MiniBranch> branches_;
  root::FileWriter file_;
  root::TreeWriter* tree_ = nullptr;
  std::int64_t entries_ = 0;
};

}  // namespace evclass::generate::detail
