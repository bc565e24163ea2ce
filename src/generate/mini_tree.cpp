#include "mini_tree.hpp"

#include <algorithm>

#include "evclass/core/error.hpp"

namespace evclass::generate::detail {

namespace {

using column::Column;
using column::DType;
using root::BranchSpec;

template <class T>
Column flat_column(const std::vector<T>& values, DType dtype) {
  Column c(dtype);
  c.data().append(values.data(), values.size() * sizeof(T));
  return c;
}

template <class T>
Column jagged_column(const JaggedValues<T>& jagged, DType dtype) {
  Column c(dtype);
  c.data().append(jagged.values.data(), jagged.values.size() * sizeof(T));
  c.mutable_offsets() = {column::Offsets(jagged.offsets.begin(), jagged.offsets.end())};
  return c;
}

template <class Object, class T, class Get>
void push_each(JaggedValues<T>& out, const std::vector<Object>& objects, Get get) {
  for (const auto& o : objects) out.values.push_back(static_cast<T>(get(o)));
  out.end_entry();
}

// Branch table: ROOT types as in the ATLAS Open Data 13 TeV `mini` trees.
// clang-format off
const std::vector<MiniBranch>& all_branches() {
  static const std::vector<MiniBranch> table = {
    {BranchSpec::scalar("runNumber", DType::kInt32), [](const MiniBatch& b) { return flat_column(b.run_number, DType::kInt32); }},
    {BranchSpec::scalar("eventNumber", DType::kInt32), [](const MiniBatch& b) { return flat_column(b.event_number, DType::kInt32); }},
    {BranchSpec::scalar("channelNumber", DType::kInt32), [](const MiniBatch& b) { return flat_column(b.channel_number, DType::kInt32); }},
    {BranchSpec::scalar("mcWeight", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.mc_weight, DType::kFloat32); }},
    {BranchSpec::scalar("scaleFactor_PILEUP", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.sf_pileup, DType::kFloat32); }},
    {BranchSpec::scalar("scaleFactor_ELE", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.sf_electron, DType::kFloat32); }},
    {BranchSpec::scalar("scaleFactor_MUON", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.sf_muon, DType::kFloat32); }},
    {BranchSpec::scalar("scaleFactor_PHOTON", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.sf_photon, DType::kFloat32); }},
    {BranchSpec::scalar("scaleFactor_TAU", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.sf_tau, DType::kFloat32); }},
    {BranchSpec::scalar("scaleFactor_BTAG", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.sf_btag, DType::kFloat32); }},
    {BranchSpec::scalar("scaleFactor_LepTRIGGER", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.sf_lepton_trigger, DType::kFloat32); }},
    {BranchSpec::scalar("scaleFactor_PhotonTRIGGER", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.sf_photon_trigger, DType::kFloat32); }},
    // The 8 TeV ntuples of the H -> ZZ -> 4l notebook call the lepton trigger factor scaleFactor_TRIGGER.
    {BranchSpec::scalar("scaleFactor_TRIGGER", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.sf_lepton_trigger, DType::kFloat32); }},
    {BranchSpec::scalar("trigE", DType::kBool), [](const MiniBatch& b) { return flat_column(b.trig_e, DType::kBool); }},
    {BranchSpec::scalar("trigM", DType::kBool), [](const MiniBatch& b) { return flat_column(b.trig_m, DType::kBool); }},
    {BranchSpec::scalar("trigP", DType::kBool), [](const MiniBatch& b) { return flat_column(b.trig_p, DType::kBool); }},

    {BranchSpec::scalar("lep_n", DType::kUInt32), [](const MiniBatch& b) { return flat_column(b.lep_n, DType::kUInt32); }},
    {BranchSpec::vector("lep_truthMatched", DType::kBool), [](const MiniBatch& b) { return jagged_column(b.lep_truth_matched, DType::kBool); }},
    {BranchSpec::vector("lep_trigMatched", DType::kBool), [](const MiniBatch& b) { return jagged_column(b.lep_trig_matched, DType::kBool); }},
    {BranchSpec::vector("lep_pt", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.lep_pt, DType::kFloat32); }},
    {BranchSpec::vector("lep_eta", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.lep_eta, DType::kFloat32); }},
    {BranchSpec::vector("lep_phi", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.lep_phi, DType::kFloat32); }},
    {BranchSpec::vector("lep_E", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.lep_e, DType::kFloat32); }},
    {BranchSpec::vector("lep_z0", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.lep_z0, DType::kFloat32); }},
    {BranchSpec::vector("lep_charge", DType::kInt32), [](const MiniBatch& b) { return jagged_column(b.lep_charge, DType::kInt32); }},
    {BranchSpec::vector("lep_type", DType::kUInt32), [](const MiniBatch& b) { return jagged_column(b.lep_type, DType::kUInt32); }},
    {BranchSpec::vector("lep_isTightID", DType::kBool), [](const MiniBatch& b) { return jagged_column(b.lep_tight_id, DType::kBool); }},
    {BranchSpec::vector("lep_ptcone30", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.lep_ptcone30, DType::kFloat32); }},
    {BranchSpec::vector("lep_etcone20", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.lep_etcone20, DType::kFloat32); }},
    {BranchSpec::vector("lep_trackd0pvunbiased", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.lep_d0, DType::kFloat32); }},
    {BranchSpec::vector("lep_tracksigd0pvunbiased", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.lep_d0_sigma, DType::kFloat32); }},

    {BranchSpec::scalar("met_et", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.met_et, DType::kFloat32); }},
    {BranchSpec::scalar("met_phi", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.met_phi, DType::kFloat32); }},

    {BranchSpec::scalar("jet_n", DType::kUInt32), [](const MiniBatch& b) { return flat_column(b.jet_n, DType::kUInt32); }},
    {BranchSpec::vector("jet_pt", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.jet_pt, DType::kFloat32); }},
    {BranchSpec::vector("jet_eta", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.jet_eta, DType::kFloat32); }},
    {BranchSpec::vector("jet_phi", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.jet_phi, DType::kFloat32); }},
    {BranchSpec::vector("jet_E", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.jet_e, DType::kFloat32); }},
    {BranchSpec::vector("jet_jvt", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.jet_jvt, DType::kFloat32); }},
    {BranchSpec::vector("jet_trueflav", DType::kInt32), [](const MiniBatch& b) { return jagged_column(b.jet_true_flavour, DType::kInt32); }},
    {BranchSpec::vector("jet_truthMatched", DType::kBool), [](const MiniBatch& b) { return jagged_column(b.jet_truth_matched, DType::kBool); }},
    {BranchSpec::vector("jet_MV2c10", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.jet_mv2c10, DType::kFloat32); }},

    {BranchSpec::scalar("photon_n", DType::kUInt32), [](const MiniBatch& b) { return flat_column(b.photon_n, DType::kUInt32); }},
    {BranchSpec::vector("photon_truthMatched", DType::kBool), [](const MiniBatch& b) { return jagged_column(b.photon_truth_matched, DType::kBool); }},
    {BranchSpec::vector("photon_trigMatched", DType::kBool), [](const MiniBatch& b) { return jagged_column(b.photon_trig_matched, DType::kBool); }},
    {BranchSpec::vector("photon_pt", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.photon_pt, DType::kFloat32); }},
    {BranchSpec::vector("photon_eta", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.photon_eta, DType::kFloat32); }},
    {BranchSpec::vector("photon_phi", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.photon_phi, DType::kFloat32); }},
    {BranchSpec::vector("photon_E", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.photon_e, DType::kFloat32); }},
    {BranchSpec::vector("photon_isTightID", DType::kBool), [](const MiniBatch& b) { return jagged_column(b.photon_tight_id, DType::kBool); }},
    {BranchSpec::vector("photon_ptcone30", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.photon_ptcone30, DType::kFloat32); }},
    {BranchSpec::vector("photon_etcone20", DType::kFloat32), [](const MiniBatch& b) { return jagged_column(b.photon_etcone20, DType::kFloat32); }},
    {BranchSpec::vector("photon_convType", DType::kInt32), [](const MiniBatch& b) { return jagged_column(b.photon_conv_type, DType::kInt32); }},

    {BranchSpec::scalar("XSection", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.cross_section, DType::kFloat32); }},
    {BranchSpec::scalar("SumWeights", DType::kFloat32), [](const MiniBatch& b) { return flat_column(b.sum_of_weights, DType::kFloat32); }},
  };
  return table;
}
// clang-format on

}  // namespace

void MiniBatch::add(const RecoEvent& ev, const SampleConstants& sample) {
  run_number.push_back(ev.run_number);
  event_number.push_back(ev.event_number);
  channel_number.push_back(sample.channel_number);
  const EventWeights& w = ev.weights;
  mc_weight.push_back(w.mc_weight);
  sf_pileup.push_back(w.pileup);
  sf_electron.push_back(w.electron);
  sf_muon.push_back(w.muon);
  sf_photon.push_back(w.photon);
  sf_tau.push_back(w.tau);
  sf_btag.push_back(w.btag);
  sf_lepton_trigger.push_back(w.lepton_trigger);
  sf_photon_trigger.push_back(w.photon_trigger);
  trig_e.push_back(ev.trig_e);
  trig_m.push_back(ev.trig_m);
  trig_p.push_back(ev.trig_p);
  met_et.push_back(ev.met_et);
  met_phi.push_back(ev.met_phi);
  cross_section.push_back(sample.cross_section_pb);
  sum_of_weights.push_back(sample.sum_of_weights);

  const auto& leptons = ev.leptons;
  lep_n.push_back(static_cast<std::uint32_t>(leptons.size()));
  if (with_truth) {
    push_each(lep_truth_matched, leptons, [](const RecoLepton& l) { return l.truth_matched; });
  } else {
    lep_truth_matched.end_entry();
  }
  push_each(lep_trig_matched, leptons, [](const RecoLepton& l) { return l.trig_matched; });
  push_each(lep_pt, leptons, [](const RecoLepton& l) { return l.pt; });
  push_each(lep_eta, leptons, [](const RecoLepton& l) { return l.eta; });
  push_each(lep_phi, leptons, [](const RecoLepton& l) { return l.phi; });
  push_each(lep_e, leptons, [](const RecoLepton& l) { return l.e; });
  push_each(lep_z0, leptons, [](const RecoLepton& l) { return l.z0; });
  push_each(lep_charge, leptons, [](const RecoLepton& l) { return l.charge; });
  push_each(lep_type, leptons, [](const RecoLepton& l) { return l.type; });
  push_each(lep_tight_id, leptons, [](const RecoLepton& l) { return l.tight_id; });
  push_each(lep_ptcone30, leptons, [](const RecoLepton& l) { return l.ptcone30; });
  push_each(lep_etcone20, leptons, [](const RecoLepton& l) { return l.etcone20; });
  push_each(lep_d0, leptons, [](const RecoLepton& l) { return l.d0; });
  push_each(lep_d0_sigma, leptons, [](const RecoLepton& l) { return l.d0_sigma; });

  const auto& jets = ev.jets;
  jet_n.push_back(static_cast<std::uint32_t>(jets.size()));
  push_each(jet_pt, jets, [](const RecoJet& j) { return j.pt; });
  push_each(jet_eta, jets, [](const RecoJet& j) { return j.eta; });
  push_each(jet_phi, jets, [](const RecoJet& j) { return j.phi; });
  push_each(jet_e, jets, [](const RecoJet& j) { return j.e; });
  push_each(jet_jvt, jets, [](const RecoJet& j) { return j.jvt; });
  push_each(jet_mv2c10, jets, [](const RecoJet& j) { return j.mv2c10; });
  if (with_truth) {
    push_each(jet_true_flavour, jets, [](const RecoJet& j) { return j.true_flavour; });
    push_each(jet_truth_matched, jets, [](const RecoJet& j) { return j.truth_matched; });
  } else {
    jet_true_flavour.end_entry();
    jet_truth_matched.end_entry();
  }

  const auto& photons = ev.photons;
  photon_n.push_back(static_cast<std::uint32_t>(photons.size()));
  if (with_truth) {
    push_each(photon_truth_matched, photons, [](const RecoPhoton& g) { return g.truth_matched; });
  } else {
    photon_truth_matched.end_entry();
  }
  push_each(photon_trig_matched, photons, [](const RecoPhoton& g) { return g.trig_matched; });
  push_each(photon_pt, photons, [](const RecoPhoton& g) { return g.pt; });
  push_each(photon_eta, photons, [](const RecoPhoton& g) { return g.eta; });
  push_each(photon_phi, photons, [](const RecoPhoton& g) { return g.phi; });
  push_each(photon_e, photons, [](const RecoPhoton& g) { return g.e; });
  push_each(photon_tight_id, photons, [](const RecoPhoton& g) { return g.tight_id; });
  push_each(photon_ptcone30, photons, [](const RecoPhoton& g) { return g.ptcone30; });
  push_each(photon_etcone20, photons, [](const RecoPhoton& g) { return g.etcone20; });
  push_each(photon_conv_type, photons, [](const RecoPhoton& g) { return g.conv_type; });
}

std::vector<MiniBranch> mini_branches(std::span<const std::string_view> names) {
  const auto& table = all_branches();
  std::vector<MiniBranch> selected;
  selected.reserve(names.size());
  for (const auto name : names) {
    const auto it = std::find_if(table.begin(), table.end(), [&](const MiniBranch& b) { return b.spec.name == name; });
    EVC_ASSERT(it != table.end(), "a generator asked for a branch the mini layout does not have");
    selected.push_back(*it);
  }
  return selected;
}

MiniFile::MiniFile(std::string path, std::vector<MiniBranch> branches, const root::Compression& compression,
                   int threads)
    : path_(std::move(path)),
      branches_(std::move(branches)),
      file_(path_, root::FileOptions{.compression = compression, .title = "", .threads = threads}) {
  std::vector<root::BranchSpec> specs;
  specs.reserve(branches_.size());
  for (const auto& b : branches_) specs.push_back(b.spec);
  tree_ = &file_.add_tree("mini", std::move(specs));
}

void MiniFile::append(const MiniBatch& batch) {
  if (batch.entries() == 0) return;
  std::vector<column::Column> columns;
  columns.reserve(branches_.size());
  for (const auto& b : branches_) columns.push_back(b.extract(batch));
  tree_->append(columns);
  entries_ += batch.entries();
}

void MiniFile::close() { file_.close(); }

}  // namespace evclass::generate::detail
