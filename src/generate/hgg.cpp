// `evclass generate hgg`: the samples of the H -> gamma gamma production-mode notebook (ATLAS Open
// Data 13 TeV style): one file per production mode (ggH, VBF, ttH, WH, ZH) and diphoton data made of
// a falling continuum plus the Higgs signal at the chosen luminosity. docs/generators.md has the model.

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
#include "evclass/core/parallel.hpp"
#include "evclass/generate/generators.hpp"
#include "mini_tree.hpp"
#include "processes.hpp"
#include "sample_io.hpp"

namespace evclass::generate {

namespace {

using namespace detail;

/// Default simulated events per MC sample: a few seconds for all five samples.
constexpr std::int64_t kDefaultEvents = 50'000;

enum class Mode : std::uint8_t { kGluonFusion, kVbf, kTtH, kWH, kZH };

struct McSample {
  std::string_view name;
  std::int64_t dsid;  ///< dataset id of the ATLAS Open Data sample it imitates
  Mode mode;
  std::string_view description;
  double xsec_pb;  ///< sigma x BR(H -> gamma gamma) at 13 TeV
  /// mcWeight: spread of the magnitude around 1 and fraction of negative weights (NLO generators
  /// with matching produce some; aMC@NLO's ttH the most).
  double weight_spread, negative_fraction;
};

// sigma (13 TeV, LHC Higgs WG): ggF 48.58, VBF 3.782, ttH 0.5071, WH 1.373, ZH 0.8839 pb;
// BR(H -> gamma gamma) = 0.227 %.
constexpr std::array<McSample, 5> kMcSamples{{
    {"ggH125_gamgam", 343981, Mode::kGluonFusion, "gg -> H -> gamma gamma", 0.11028, 0.15, 0.03},
    {"VBFH125_gamgam", 345041, Mode::kVbf, "qq -> qqH -> gamma gamma", 8.585e-3, 0.05, 0.01},
    {"ttH125_gamgam", 341081, Mode::kTtH, "gg/qq -> ttH -> gamma gamma", 1.151e-3, 0.05, 0.08},
    {"WH125_gamgam", 345318, Mode::kWH, "qq' -> WH -> gamma gamma", 3.117e-3, 0.10, 0.03},
    {"ZH125_gamgam", 345319, Mode::kZH, "qq/gg -> ZH -> gamma gamma", 2.006e-3, 0.10, 0.03},
}};

/// Diphoton continuum (prompt gamma gamma, gamma + jet, jet + jet) between 80 and 250 GeV before
/// any selection: the notebook's selection then keeps about 1 pb between 105 and 160 GeV, as in the
/// ATLAS 13 TeV data (about 11,000 events in the 10.6 fb^-1 the notebook uses).
constexpr double kContinuumXsecPb = 18.0;

constexpr std::int32_t kMcRunNumber = 284500;
constexpr std::int32_t kFirstDataRun = 297730, kDataRunSpan = 13751;

constexpr std::uint64_t kEventStream = 1, kWeightStream = 2, kDataCountStream = 3;
/// Stream indices of hgg samples: distinct from hzz4l's so the two analyses never share streams.
constexpr std::uint64_t kFirstSampleIndex = 2000, kDataSampleIndex = 2999;

constexpr std::array<std::string_view, 52> kBranches{
    "runNumber", "eventNumber", "channelNumber", "mcWeight", "scaleFactor_PILEUP", "scaleFactor_ELE",
    "scaleFactor_MUON", "scaleFactor_PHOTON", "scaleFactor_TAU", "scaleFactor_BTAG", "scaleFactor_LepTRIGGER",
    "scaleFactor_PhotonTRIGGER", "trigE", "trigM", "trigP", "lep_n", "lep_truthMatched", "lep_trigMatched",
    "lep_pt", "lep_eta", "lep_phi", "lep_E", "lep_z0", "lep_charge", "lep_type", "lep_isTightID", "lep_ptcone30",
    "lep_etcone20", "met_et", "met_phi", "jet_n", "jet_pt", "jet_eta", "jet_phi", "jet_E", "jet_jvt",
    "jet_trueflav", "jet_truthMatched", "jet_MV2c10", "photon_n", "photon_truthMatched", "photon_trigMatched",
    "photon_pt", "photon_eta", "photon_phi", "photon_E", "photon_isTightID", "photon_ptcone30",
    "photon_etcone20", "photon_convType", "XSection", "SumWeights"};

void produce_higgs(Mode mode, Rng& rng, TruthEvent& truth) {
  FourVector higgs;
  switch (mode) {
    case Mode::kGluonFusion: higgs = produce_ggf_higgs(rng, truth); break;
    case Mode::kVbf: higgs = produce_vbf_higgs(rng, truth); break;
    case Mode::kTtH: higgs = produce_tth_higgs(rng, truth); break;
    case Mode::kWH: higgs = produce_wh_higgs(rng, truth); break;
    case Mode::kZH: higgs = produce_zh_higgs(rng, truth); break;
  }
  decay_higgs_to_photons(higgs, rng, truth);
}

float draw_mc_weight(const McSample& sample, Rng& rng) {
  const double magnitude = std::abs(rng.normal_clipped(1.0, sample.weight_spread));
  return static_cast<float>(rng.bernoulli(sample.negative_fraction) ? -magnitude : magnitude);
}

/// Sum of mcWeight over a sample, from the same weight streams the events use (the branch
/// SumWeights must be known before the first batch is written).
double sum_of_weights(const Options& options, std::int64_t events, std::uint64_t index, const McSample& sample) {
  const std::int64_t batches = batch_count(events);
  std::vector<double> sums(static_cast<std::size_t>(batches), 0.0);
  core::parallel_for(sums.size(), core::Context{options.threads}, [&](std::size_t b) {
    Rng weight_rng(stream_seed(options.seed, index, b, kWeightStream));
    const std::int64_t n = events_in_batch(events, static_cast<std::int64_t>(b));
    for (std::int64_t i = 0; i < n; ++i) sums[b] += draw_mc_weight(sample, weight_rng);
  });
  double total = 0.0;
  for (const double s : sums) total += s;
  return total;
}

SampleRecord write_mc_sample(const Options& options, std::int64_t events, std::uint64_t index, const McSample& sample,
                             Written& written) {
  SampleRecord record{.name = std::string(sample.name),
                      .file = std::string(sample.name) + ".root",
                      .dsid = sample.dsid,
                      .process = std::string(sample.description),
                      .class_hint = "signal",
                      .xsec_pb = sample.xsec_pb};
  record.sum_of_weights = sum_of_weights(options, events, index, sample);
  const SampleConstants constants{.channel_number = static_cast<std::int32_t>(sample.dsid),
                                  .cross_section_pb = static_cast<float>(sample.xsec_pb),
                                  .sum_of_weights = static_cast<float>(record.sum_of_weights)};
  MiniFile file(output_path(options, record.file), mini_branches(kBranches), options.compression, options.threads);
  run_in_batches<MiniBatch>(
      batch_count(events), options.threads,
      [&](std::int64_t b, MiniBatch& out) {
        Rng rng(stream_seed(options.seed, index, static_cast<std::uint64_t>(b), kEventStream));
        Rng weight_rng(stream_seed(options.seed, index, static_cast<std::uint64_t>(b), kWeightStream));
        TruthEvent truth;
        RecoEvent reco;
        const std::int64_t n = events_in_batch(events, b);
        for (std::int64_t i = 0; i < n; ++i) {
          truth.clear();
          produce_higgs(sample.mode, rng, truth);
          reconstruct(truth, rng, reco);
          reco.weights.mc_weight = draw_mc_weight(sample, weight_rng);
          reco.run_number = kMcRunNumber;
          reco.event_number = static_cast<std::int32_t>(b * kBatchEvents + i + 1);
          out.add(reco, constants);
        }
      },
      [&](std::int64_t, MiniBatch& batch) { file.append(batch); });
  file.close();
  record.events = record.trials = file.entries();
  written.files.push_back(file.path());
  written.events += file.entries();
  return record;
}

/// Data: Poisson numbers of continuum and Higgs events at the luminosity; the recorded ones are
/// those with two reconstructed photons that fire the diphoton trigger (the GamGam skim).
SampleRecord write_data(const Options& options, Written& written) {
  constexpr double kPicobarnsPerInverseFemtobarn = 1000.0;
  // Process 0 is the continuum, process 1 + m the Higgs production mode m.
  std::array<double, kMcSamples.size() + 1> cumulative{};
  double total = kContinuumXsecPb * options.lumi_fb * kPicobarnsPerInverseFemtobarn;
  cumulative[0] = total;
  for (std::size_t m = 0; m < kMcSamples.size(); ++m) {
    total += kMcSamples[m].xsec_pb * options.lumi_fb * kPicobarnsPerInverseFemtobarn;
    cumulative[m + 1] = total;
  }
  Rng count_rng(stream_seed(options.seed, kDataSampleIndex, 0, kDataCountStream));
  const std::int64_t produced = count_rng.poisson(total);

  SampleRecord record{.name = "DataGamGam", .file = "DataGamGam.root",
                      .process = "data, diphoton trigger: continuum + H -> gamma gamma", .class_hint = "data",
                      .is_data = true};
  MiniFile file(output_path(options, record.file), mini_branches(kBranches), options.compression, options.threads);
  run_in_batches<MiniBatch>(
      batch_count(produced), options.threads,
      [&](std::int64_t b, MiniBatch& out) {
        out.with_truth = false;
        Rng rng(stream_seed(options.seed, kDataSampleIndex, static_cast<std::uint64_t>(b), kEventStream));
        TruthEvent truth;
        RecoEvent reco;
        const std::int64_t n = events_in_batch(produced, b);
        for (std::int64_t i = 0; i < n; ++i) {
          const double pick = rng.uniform() * total;
          std::size_t p = 0;
          while (p + 1 < cumulative.size() && pick >= cumulative[p]) ++p;
          truth.clear();
          if (p == 0) {
            produce_diphoton_continuum(rng, truth);
          } else {
            produce_higgs(kMcSamples[p - 1].mode, rng, truth);
          }
          reconstruct(truth, rng, reco);
          if (reco.photons.size() < 2 || !reco.trig_p) continue;
          reco.weights = EventWeights{};  // data carry no simulation weights
          const std::int64_t index = b * kBatchEvents + i;
          reco.run_number = kFirstDataRun + static_cast<std::int32_t>(index * kDataRunSpan / std::max<std::int64_t>(produced, 1));
          reco.event_number = static_cast<std::int32_t>(rng.uniform() * 2147483647.0);
          out.add(reco, SampleConstants{.channel_number = reco.run_number});
        }
      },
      [&](std::int64_t, MiniBatch& batch) { file.append(batch); });
  file.close();
  record.events = file.entries();
  record.trials = produced;
  written.files.push_back(file.path());
  written.events += file.entries();
  return record;
}

}  // namespace

Written generate_hgg(const Options& options) {
  detail::check_options(options);
  detail::prepare_output_directory(options);
  const std::int64_t events = options.events > 0 ? options.events : kDefaultEvents;
  Written written;
  std::vector<SampleRecord> records;
  for (std::size_t i = 0; i < kMcSamples.size(); ++i)
    records.push_back(write_mc_sample(options, events, kFirstSampleIndex + i, kMcSamples[i], written));
  records.push_back(write_data(options, written));
  written.files.push_back(write_samples_json(options, "hgg", records));
  return written;
}

}  // namespace evclass::generate
