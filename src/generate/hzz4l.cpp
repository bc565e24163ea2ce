// `evclass generate hzz4l`: the samples of the H -> ZZ* -> 4l rediscovery notebook (ATLAS Open Data
// style): Higgs signal from gluon fusion and VBF, the ZZ continuum, Z and t tbar with non-prompt
// leptons, and data drawn from their sum at the chosen luminosity. docs/generators.md has the model.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "batches.hpp"
#include "decays.hpp"
#include "detector.hpp"
#include "evclass/generate/generators.hpp"
#include "mini_tree.hpp"
#include "processes.hpp"
#include "sample_io.hpp"

namespace evclass::generate {

namespace {

using namespace detail;

/// Default simulated events per MC sample: a few seconds for all six samples.
constexpr std::int64_t kDefaultEvents = 50'000;

enum class Process : std::uint8_t { kGluonFusionHiggs, kVbfHiggs, kZZ, kZee, kZmumu, kTtbar };

struct McSample {
  std::string_view name;
  std::int64_t dsid;  ///< dataset id of the ATLAS Open Data sample of the same name
  Process process;
  std::string_view description;
  std::string_view class_hint;
  double xsec_pb;  ///< sigma x BR at 13 TeV
  /// Fraction of the process that yields four leptons before the detector: 1 for genuine four-lepton
  /// final states; for Z and t tbar the probability of two extra non-prompt leptons (heavy-flavour
  /// decays, fakes) that survive the loose preselection of the skim.
  double extra_lepton_probability;
  double weight_spread;      ///< relative spread of mcWeight around 1
  double negative_fraction;  ///< fraction of events with negative mcWeight
};

// Cross-sections (13 TeV): sigma(ggF) = 48.58 pb, sigma(VBF) = 3.782 pb (LHC Higgs WG),
// BR(H -> ZZ*) = 2.62 %, BR(ZZ -> 4l, l = e, mu) = (2 x 3.366 %)^2 = 0.453 %; ZZ -> 4l (e, mu):
// 17.3 pb x 0.453 % = 78 fb for on-shell pairs, 52.5 % of the sample (with Z -> 4l and Z gamma*,
// see produce_zz_four_leptons); Z -> ll 1.95 nb per flavour;
// t tbar 832 pb x 54.3 % with at least one lepton.
constexpr std::array<McSample, 6> kMcSamples{{
    {"ggH125_ZZ4lep", 160155, Process::kGluonFusionHiggs, "gg -> H -> ZZ* -> 4l", "signal", 5.768e-3, 1.0, 0.0, 0.0},
    {"VBFH125_ZZ4lep", 160205, Process::kVbfHiggs, "qq -> qqH -> ZZ* -> 4l", "signal", 4.491e-4, 1.0, 0.0, 0.0},
    {"ZZ", 105986, Process::kZZ, "qq -> ZZ/Z gamma*/Z -> 4l", "background", 0.15, 1.0, 0.05, 0.0},
    {"Zee", 147770, Process::kZee, "Z -> ee + 2 non-prompt leptons", "background", 1950.0, 6.0e-5, 0.3, 0.01},
    {"Zmumu", 147771, Process::kZmumu, "Z -> mumu + 2 non-prompt leptons", "background", 1950.0, 6.0e-5, 0.3, 0.01},
    {"ttbar_lep", 117050, Process::kTtbar, "ttbar -> 2l 2nu 2b, b -> l", "background", 452.0, 2.5e-4, 0.0, 0.0},
}};

/// Run number of simulated events (the mc16a campaign of the 13 TeV Open Data).
constexpr std::int32_t kMcRunNumber = 284500;
/// Runs the data are spread over (ATLAS 2016 proton-proton runs).
constexpr std::int32_t kFirstDataRun = 297730, kDataRunSpan = 13751;

// Purposes of the random streams (with the sample and batch index they seed one stream each).
constexpr std::uint64_t kEventStream = 1, kWeightStream = 2, kDataCountStream = 3;
constexpr std::uint64_t kDataSampleIndex = 1000;

constexpr std::array<std::string_view, 36> kBranches{
    "runNumber", "eventNumber", "channelNumber", "mcWeight", "scaleFactor_PILEUP", "scaleFactor_ELE",
    "scaleFactor_MUON", "scaleFactor_TRIGGER", "trigE", "trigM", "lep_n", "lep_truthMatched", "lep_trigMatched",
    "lep_pt", "lep_eta", "lep_phi", "lep_E", "lep_z0", "lep_charge", "lep_type", "lep_isTightID", "lep_ptcone30",
    "lep_etcone20", "lep_trackd0pvunbiased", "lep_tracksigd0pvunbiased", "met_et", "met_phi", "jet_n", "jet_pt",
    "jet_eta", "jet_phi", "jet_E", "jet_jvt", "jet_trueflav", "jet_truthMatched", "jet_MV2c10"};

void produce(Process process, Rng& rng, TruthEvent& truth) {
  switch (process) {
    case Process::kGluonFusionHiggs: {
      const FourVector higgs = produce_ggf_higgs(rng, truth);
      decay_higgs_to_four_leptons(higgs, rng, truth);
      break;
    }
    case Process::kVbfHiggs: {
      const FourVector higgs = produce_vbf_higgs(rng, truth);
      decay_higgs_to_four_leptons(higgs, rng, truth);
      break;
    }
    case Process::kZZ: produce_zz_four_leptons(rng, truth); break;
    case Process::kZee: produce_z_plus_fake_leptons(kElectron, rng, truth); break;
    case Process::kZmumu: produce_z_plus_fake_leptons(kMuon, rng, truth); break;
    case Process::kTtbar: produce_ttbar_four_leptons(rng, truth); break;
  }
  // Now and then a soft jet adds a fifth, fake lepton (the notebook's lep_n == 4 cut removes these).
  if (rng.bernoulli(0.03)) {
    const FourVector jet = FourVector::from_pt_eta_phi_m(12.0 + rng.exponential(10.0), rng.normal(0.0, 1.5), rng.phi(), 0.0);
    light_hadron_fake_lepton(jet, rng, truth);
  }
}

/// The skim of the Open Data 4-lepton ntuples: at least four reconstructed leptons.
constexpr std::size_t kSkimLeptons = 4;

/// Simulates one collision of `process`; true when it passes the skim (then `reco` is complete).
bool simulate(Process process, Rng& rng, TruthEvent& truth, RecoEvent& reco) {
  truth.clear();
  produce(process, rng, truth);
  if (reconstructable_leptons(truth) < kSkimLeptons) return false;
  return reconstruct(truth, rng, reco, kSkimLeptons);
}

/// Simulates `process` until an event passes the skim; returns how many were simulated.
std::int64_t simulate_selected(Process process, Rng& rng, TruthEvent& truth, RecoEvent& reco) {
  std::int64_t trials = 1;
  while (!simulate(process, rng, truth, reco)) ++trials;
  return trials;
}

float draw_mc_weight(const McSample& sample, Rng& rng) {
  const double magnitude = sample.weight_spread > 0.0 ? std::abs(rng.normal_clipped(1.0, sample.weight_spread)) : 1.0;
  const bool negative = sample.negative_fraction > 0.0 && rng.bernoulli(sample.negative_fraction);
  return static_cast<float>(negative ? -magnitude : magnitude);
}

struct McBatch {
  MiniBatch events;
  std::int64_t trials = 0;
  double sum_of_weights = 0.0;
};

SampleRecord write_mc_sample(const Options& options, std::int64_t events, std::uint64_t index, const McSample& sample,
                             Written& written) {
  SampleRecord record{.name = std::string(sample.name),
                      .file = std::string(sample.name) + ".root",
                      .dsid = sample.dsid,
                      .process = std::string(sample.description),
                      .class_hint = std::string(sample.class_hint),
                      .xsec_pb = sample.xsec_pb};
  MiniFile file(output_path(options, record.file), mini_branches(kBranches), options.compression, options.threads);
  const SampleConstants constants{.channel_number = static_cast<std::int32_t>(sample.dsid)};
  run_in_batches<McBatch>(
      batch_count(events), options.threads,
      [&](std::int64_t b, McBatch& out) {
        Rng rng(stream_seed(options.seed, index, static_cast<std::uint64_t>(b), kEventStream));
        Rng weight_rng(stream_seed(options.seed, index, static_cast<std::uint64_t>(b), kWeightStream));
        TruthEvent truth;
        RecoEvent reco;
        const std::int64_t n = events_in_batch(events, b);
        for (std::int64_t i = 0; i < n; ++i) {
          out.trials += simulate_selected(sample.process, rng, truth, reco);
          reco.weights.mc_weight = draw_mc_weight(sample, weight_rng);
          out.sum_of_weights += reco.weights.mc_weight;
          reco.run_number = kMcRunNumber;
          reco.event_number = static_cast<std::int32_t>(b * kBatchEvents + i + 1);
          out.events.add(reco, constants);
        }
      },
      [&](std::int64_t, McBatch& batch) {
        file.append(batch.events);
        record.trials += batch.trials;
        record.sum_of_weights += batch.sum_of_weights;
      });
  file.close();
  record.events = file.entries();
  const double acceptance = record.trials > 0 ? static_cast<double>(record.events) / static_cast<double>(record.trials) : 0.0;
  record.filter_eff = sample.extra_lepton_probability * acceptance;
  written.files.push_back(file.path());
  written.events += file.entries();
  return record;
}

struct DataBatch {
  MiniBatch egamma{false}, muons{false};
};

/// Data: a Poisson number of events of each process at the luminosity (every process's produced
/// events, before the skim; the skim and the triggers then keep what the detector would record).
/// Events firing the electron trigger go to DataEgamma, the others with the muon trigger to
/// DataMuons, so no event is in both streams.
std::vector<SampleRecord> write_data(const Options& options, Written& written) {
  constexpr double kPicobarnsPerInverseFemtobarn = 1000.0;
  std::array<double, kMcSamples.size()> cumulative{};
  double total = 0.0;
  for (std::size_t p = 0; p < kMcSamples.size(); ++p) {
    total += kMcSamples[p].xsec_pb * kMcSamples[p].extra_lepton_probability * options.lumi_fb * kPicobarnsPerInverseFemtobarn;
    cumulative[p] = total;
  }
  Rng count_rng(stream_seed(options.seed, kDataSampleIndex, 0, kDataCountStream));
  const std::int64_t produced = count_rng.poisson(total);

  SampleRecord egamma{.name = "DataEgamma", .file = "DataEgamma.root", .process = "data, electron triggers",
                      .class_hint = "data", .is_data = true};
  SampleRecord muons{.name = "DataMuons", .file = "DataMuons.root", .process = "data, muon triggers (not electron)",
                     .class_hint = "data", .is_data = true};
  MiniFile egamma_file(output_path(options, egamma.file), mini_branches(kBranches), options.compression, options.threads);
  MiniFile muons_file(output_path(options, muons.file), mini_branches(kBranches), options.compression, options.threads);
  run_in_batches<DataBatch>(
      batch_count(produced), options.threads,
      [&](std::int64_t b, DataBatch& out) {
        Rng rng(stream_seed(options.seed, kDataSampleIndex, static_cast<std::uint64_t>(b), kEventStream));
        TruthEvent truth;
        RecoEvent reco;
        const std::int64_t n = events_in_batch(produced, b);
        for (std::int64_t i = 0; i < n; ++i) {
          const double pick = rng.uniform() * total;
          std::size_t p = 0;
          while (p + 1 < cumulative.size() && pick >= cumulative[p]) ++p;
          if (!simulate(kMcSamples[p].process, rng, truth, reco) || !(reco.trig_e || reco.trig_m)) continue;
          reco.weights = EventWeights{};  // data carry no simulation weights
          const std::int64_t index = b * kBatchEvents + i;
          reco.run_number = kFirstDataRun + static_cast<std::int32_t>(index * kDataRunSpan / std::max<std::int64_t>(produced, 1));
          reco.event_number = static_cast<std::int32_t>(rng.uniform() * 2147483647.0);
          const SampleConstants run{.channel_number = reco.run_number};
          (reco.trig_e ? out.egamma : out.muons).add(reco, run);
        }
      },
      [&](std::int64_t, DataBatch& batch) {
        egamma_file.append(batch.egamma);
        muons_file.append(batch.muons);
      });
  egamma_file.close();
  muons_file.close();
  egamma.events = egamma_file.entries();
  muons.events = muons_file.entries();
  egamma.trials = muons.trials = produced;
  for (const MiniFile* f : {&egamma_file, &muons_file}) {
    written.files.push_back(f->path());
    written.events += f->entries();
  }
  return {egamma, muons};
}

}  // namespace

Written generate_hzz4l(const Options& options) {
  detail::check_options(options);
  detail::prepare_output_directory(options);
  const std::int64_t events = options.events > 0 ? options.events : kDefaultEvents;
  Written written;
  std::vector<SampleRecord> records;
  for (std::size_t i = 0; i < kMcSamples.size(); ++i)
    records.push_back(write_mc_sample(options, events, i, kMcSamples[i], written));
  for (auto& record : write_data(options, written)) records.push_back(std::move(record));
  written.files.push_back(write_samples_json(options, "hzz4l", records));
  return written;
}

}  // namespace evclass::generate
