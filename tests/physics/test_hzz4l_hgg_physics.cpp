// Physics of the hzz4l and hgg samples, measured on the files the generators write (read back with
// evclass's reader, as an analysis would): mass peaks and widths, Z candidates, isolation and impact
// parameters of fake leptons, VBF and ttH signatures, the diphoton peak over the data continuum,
// data against the weighted simulation, and determinism. docs/generators.md describes the model.

#include <gtest/gtest.h>

#include "helpers/temp_dir.hpp"
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/column/column.hpp"
#include "evclass/core/error.hpp"
#include "evclass/generate/generators.hpp"
#include "evclass/root/file.hpp"
#include "evclass/root/tree.hpp"

namespace evclass::generate {
namespace {

namespace fs = std::filesystem;
using column::Column;

constexpr double kMeV = 1000.0;       // the files store MeV
constexpr double kZMass = 91.1876;    // GeV
constexpr double kHiggsMass = 125.0;  // GeV
constexpr float kMv2c10Cut70 = 0.8244f;  // 70 % b-tagging working point

// ---------------------------------------------------------------------------------------------
// Reading and small statistics

using ScratchDir = evclass::testing::TempDir;

/// Some columns of the `mini` tree of one file.
class MiniColumns {
 public:
  MiniColumns(const std::string& path, const std::vector<std::string>& names) {
    const auto file = root::File::open(path);
    const auto tree = file.tree("mini");
    entries_ = tree.entries();
    auto columns = tree.read(names);
    for (std::size_t i = 0; i < names.size(); ++i) columns_.emplace(names[i], std::move(columns[i]));
  }
  [[nodiscard]] std::int64_t entries() const { return entries_; }
  [[nodiscard]] const Column& column(const std::string& name) const { return columns_.at(name); }

  /// The values of a vector branch in one entry.
  template <class T>
  [[nodiscard]] std::span<const T> row(const std::string& name, std::int64_t entry) const {
    const Column& c = column(name);
    const auto [first, last] = c.entry_value_range(entry);
    return c.values<T>().subspan(first, last - first);
  }
  template <class T>
  [[nodiscard]] T scalar(const std::string& name, std::int64_t entry) const {
    return column(name).values<T>()[static_cast<std::size_t>(entry)];
  }

 private:
  std::int64_t entries_ = 0;
  std::map<std::string, Column> columns_;
};

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

double mean(const std::vector<double>& v) {
  return v.empty() ? std::nan("") : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

/// Gaussian-equivalent width from the interquartile range (robust against tails).
double iqr_sigma(const std::vector<double>& v) { return (quantile(v, 0.75) - quantile(v, 0.25)) / 1.349; }

/// Position of the most populated 0.5-GeV bin, refined by the median of the values within 3 GeV of it.
double peak_position(const std::vector<double>& v, double lo, double hi) {
  constexpr double kBin = 0.5;
  std::vector<int> counts(static_cast<std::size_t>((hi - lo) / kBin), 0);
  for (const double x : v)
    if (x >= lo && x < hi) ++counts[static_cast<std::size_t>((x - lo) / kBin)];
  const auto top = static_cast<double>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  const double mode = lo + (top + 0.5) * kBin;
  std::vector<double> near;
  for (const double x : v)
    if (std::abs(x - mode) < 3.0) near.push_back(x);
  return median(near);
}

std::vector<double> in_window(const std::vector<double>& v, double lo, double hi) {
  std::vector<double> out;
  for (const double x : v)
    if (x >= lo && x <= hi) out.push_back(x);
  return out;
}

/// Four-momentum in GeV from the stored pt, eta, phi (MeV, rad) and E (MeV).
struct P4 {
  double px = 0, py = 0, pz = 0, e = 0;
  P4& operator+=(const P4& o) {
    px += o.px, py += o.py, pz += o.pz, e += o.e;
    return *this;
  }
  [[nodiscard]] double mass() const { return std::sqrt(std::max(0.0, e * e - px * px - py * py - pz * pz)); }
};

P4 from_stored(float pt, float eta, float phi, float e) {
  const double p = pt / kMeV;
  return {p * std::cos(phi), p * std::sin(phi), p * std::sinh(eta), e / kMeV};
}

// ---------------------------------------------------------------------------------------------
// hzz4l quantities

const std::vector<std::string> kLeptonBranches = {
    "lep_n",        "lep_pt",          "lep_eta",        "lep_phi",       "lep_E",
    "lep_charge",   "lep_type",        "lep_etcone20",   "lep_trackd0pvunbiased",
    "lep_tracksigd0pvunbiased", "mcWeight", "scaleFactor_PILEUP", "scaleFactor_ELE", "scaleFactor_MUON",
    "scaleFactor_TRIGGER", "trigE", "trigM", "lep_truthMatched"};

P4 lepton(const MiniColumns& c, std::int64_t e, std::size_t i) {
  return from_stored(c.row<float>("lep_pt", e)[i], c.row<float>("lep_eta", e)[i], c.row<float>("lep_phi", e)[i],
                     c.row<float>("lep_E", e)[i]);
}

/// Four-lepton mass of the four leading leptons (GeV), NaN with fewer than four.
double four_lepton_mass(const MiniColumns& c, std::int64_t e) {
  if (c.row<float>("lep_pt", e).size() < 4) return std::nan("");
  P4 sum;
  for (std::size_t i = 0; i < 4; ++i) sum += lepton(c, e, i);
  return sum.mass();
}

/// Mass of the opposite-charge same-flavour pair closest to the Z mass (GeV), NaN when there is none.
double z_candidate_mass(const MiniColumns& c, std::int64_t e) {
  const auto charge = c.row<std::int32_t>("lep_charge", e);
  const auto type = c.row<std::uint32_t>("lep_type", e);
  double best = std::nan("");
  for (std::size_t i = 0; i < charge.size(); ++i) {
    for (std::size_t j = i + 1; j < charge.size(); ++j) {
      if (type[i] != type[j] || charge[i] + charge[j] != 0) continue;
      P4 pair = lepton(c, e, i);
      pair += lepton(c, e, j);
      const double m = pair.mass();
      if (std::isnan(best) || std::abs(m - kZMass) < std::abs(best - kZMass)) best = m;
    }
  }
  return best;
}

/// Per event, the least isolated lepton (largest etcone20/pt) and the most displaced one
/// (largest |d0|/sigma(d0)).
struct WorstLeptons {
  std::vector<double> relative_isolation, d0_significance;
};

WorstLeptons worst_leptons(const MiniColumns& c) {
  WorstLeptons out;
  for (std::int64_t e = 0; e < c.entries(); ++e) {
    const auto pt = c.row<float>("lep_pt", e);
    const auto etcone = c.row<float>("lep_etcone20", e);
    const auto d0 = c.row<float>("lep_trackd0pvunbiased", e);
    const auto sigma = c.row<float>("lep_tracksigd0pvunbiased", e);
    double iso = 0, sig = 0;
    for (std::size_t i = 0; i < pt.size(); ++i) {
      iso = std::max(iso, static_cast<double>(etcone[i] / pt[i]));
      sig = std::max(sig, std::abs(static_cast<double>(d0[i] / sigma[i])));
    }
    out.relative_isolation.push_back(iso);
    out.d0_significance.push_back(sig);
  }
  return out;
}

/// The notebook's event selection (seed 001): four leptons, zero total charge, two same-flavour
/// pairs, isolation etcone20/pt below 0.2 (e) / 0.3 (mu), |d0|/sigma below 6.5 (e) / 3.5 (mu),
/// pT of the 2nd and 3rd leptons above 15 and 10 GeV, Z candidates 50 < m1 < 106 and 17.5 < m2 < 115 GeV.
bool passes_four_lepton_selection(const MiniColumns& c, std::int64_t e) {
  const auto pt = c.row<float>("lep_pt", e);
  if (pt.size() != 4) return false;
  const auto charge = c.row<std::int32_t>("lep_charge", e);
  const auto type = c.row<std::uint32_t>("lep_type", e);
  const auto etcone = c.row<float>("lep_etcone20", e);
  const auto d0 = c.row<float>("lep_trackd0pvunbiased", e);
  const auto sigma = c.row<float>("lep_tracksigd0pvunbiased", e);
  if (charge[0] + charge[1] + charge[2] + charge[3] != 0) return false;
  const std::uint32_t type_sum = type[0] + type[1] + type[2] + type[3];
  if (type_sum != 44 && type_sum != 48 && type_sum != 52) return false;
  if (pt[1] < 15 * kMeV || pt[2] < 10 * kMeV) return false;
  for (std::size_t i = 0; i < 4; ++i) {
    const bool electron = type[i] == 11;
    if (etcone[i] / pt[i] > (electron ? 0.2f : 0.3f)) return false;
    if (std::abs(d0[i] / sigma[i]) > (electron ? 6.5f : 3.5f)) return false;
  }
  // Z1: the same-flavour opposite-charge pair closest to the Z mass; Z2: the other two leptons.
  double best = 1e9, m1 = 0, m2 = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = i + 1; j < 4; ++j) {
      if (type[i] != type[j] || charge[i] + charge[j] != 0) continue;
      std::array<std::size_t, 2> rest{};
      std::size_t k = 0;
      for (std::size_t r = 0; r < 4; ++r)
        if (r != i && r != j) rest[k++] = r;
      if (type[rest[0]] != type[rest[1]] || charge[rest[0]] + charge[rest[1]] != 0) continue;
      P4 z1 = lepton(c, e, i), z2 = lepton(c, e, rest[0]);
      z1 += lepton(c, e, j);
      z2 += lepton(c, e, rest[1]);
      if (std::abs(z1.mass() - kZMass) < best) best = std::abs(z1.mass() - kZMass), m1 = z1.mass(), m2 = z2.mass();
    }
  }
  return m1 > 50 && m1 < 106 && m2 > 17.5 && m2 < 115;
}

/// Metadata of the samples as the generator wrote it (<analysis>_samples.json).
nlohmann::json read_metadata(const std::string& dir, const std::string& analysis) {
  std::ifstream in(fs::path(dir) / (analysis + "_samples.json"));
  return nlohmann::json::parse(in);
}

const nlohmann::json& sample_info(const nlohmann::json& meta, const std::string& name) {
  for (const auto& s : meta["samples"])
    if (s["name"] == name) return s;
  throw std::runtime_error("no sample " + name + " in the metadata");
}

/// Event weight to luminosity, as the notebook computes it.
double hzz4l_event_weight(const MiniColumns& c, std::int64_t e, const nlohmann::json& info, double lumi_fb) {
  const double per_event = c.scalar<float>("mcWeight", e) * c.scalar<float>("scaleFactor_PILEUP", e) *
                           c.scalar<float>("scaleFactor_ELE", e) * c.scalar<float>("scaleFactor_MUON", e) *
                           c.scalar<float>("scaleFactor_TRIGGER", e);
  const double xsec = info["xsec_pb"].get<double>() * info["k_factor"].get<double>() * info["filter_eff"].get<double>();
  return per_event * xsec * lumi_fb * 1000.0 / info["sum_of_weights"].get<double>();
}

const std::vector<std::string> kHzz4lMc = {"ggH125_ZZ4lep", "VBFH125_ZZ4lep", "ZZ", "Zee", "Zmumu", "ttbar_lep"};

// ---------------------------------------------------------------------------------------------
// hzz4l: one set of samples for all tests

constexpr std::int64_t kEventsPerSample = 15'000;
constexpr double kLumiFb = 10.0;

class Hzz4lSamples : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<ScratchDir>("hzz4l");
    Options options;
    options.out_dir = dir_->path();
    options.events = kEventsPerSample;
    options.seed = 2024;
    options.lumi_fb = kLumiFb;
    written_ = generate_hzz4l(options);
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string file(const std::string& sample) { return dir_->file(sample + ".root"); }
  static MiniColumns leptons(const std::string& sample) { return {file(sample), kLeptonBranches}; }

  static std::unique_ptr<ScratchDir> dir_;
  static Written written_;
};
std::unique_ptr<ScratchDir> Hzz4lSamples::dir_;
Written Hzz4lSamples::written_;

TEST_F(Hzz4lSamples, WritesOneFilePerSampleAndTheMetadata) {
  ASSERT_EQ(written_.files.size(), 9u);
  for (const auto& f : written_.files) EXPECT_TRUE(fs::exists(f)) << f;
  const auto meta = read_metadata(dir_->path(), "hzz4l");
  for (const auto& name : kHzz4lMc) {
    const auto& info = sample_info(meta, name);
    EXPECT_EQ(info["events"].get<std::int64_t>(), kEventsPerSample) << name;
    EXPECT_EQ(root::File::open(file(name)).tree("mini").entries(), kEventsPerSample) << name;
    EXPECT_GT(info["filter_eff"].get<double>(), 0.0) << name;
    EXPECT_GT(info["sum_of_weights"].get<double>(), 0.0) << name;
  }
  EXPECT_TRUE(sample_info(meta, "DataEgamma")["is_data"].get<bool>());
}

TEST_F(Hzz4lSamples, SignalFourLeptonMassPeaksAt125GeVWithAWidthOfAFewGeV) {
  const auto c = leptons("ggH125_ZZ4lep");
  std::vector<double> masses;
  for (std::int64_t e = 0; e < c.entries(); ++e) masses.push_back(four_lepton_mass(c, e));
  const auto window = in_window(masses, 110.0, 140.0);
  const double peak = peak_position(window, 110.0, 140.0), width = iqr_sigma(window);
  std::cout << "[ggH -> 4l] m4l peak " << peak << " GeV, IQR width " << width << " GeV, "
            << window.size() << " of " << masses.size() << " events in 110-140 GeV\n";
  EXPECT_NEAR(peak, kHiggsMass, 2.0);
  EXPECT_GT(width, 1.0);
  EXPECT_LT(width, 5.0);
  EXPECT_GT(static_cast<double>(window.size()), 0.8 * static_cast<double>(masses.size()));
}

TEST_F(Hzz4lSamples, InZZEventsTheSameFlavourOppositeChargePairClosestTo91GeVPeaksAtTheZMass) {
  const auto c = leptons("ZZ");
  std::vector<double> z1, m4l;
  for (std::int64_t e = 0; e < c.entries(); ++e) {
    const double m = z_candidate_mass(c, e);
    if (!std::isnan(m)) z1.push_back(m);
    m4l.push_back(four_lepton_mass(c, e));
  }
  const double peak = peak_position(z1, 60.0, 120.0);
  const auto near_z = in_window(z1, kZMass - 10.0, kZMass + 10.0);
  std::cout << "[ZZ] Z candidate peak " << peak << " GeV, width " << iqr_sigma(near_z) << " GeV; median m4l "
            << median(m4l) << " GeV\n";
  EXPECT_NEAR(peak, kZMass, 2.0);
  EXPECT_LT(iqr_sigma(near_z), 4.0);
  // The continuum: most four-lepton masses lie near and above the ZZ threshold, not at 125 GeV.
  EXPECT_GT(median(m4l), 150.0);
}

TEST_F(Hzz4lSamples, LeptonsFromZAndTtbarFakesAreLessIsolatedAndMoreDisplacedThanSignalLeptons) {
  const WorstLeptons signal = worst_leptons(leptons("ggH125_ZZ4lep"));
  const double signal_iso = median(signal.relative_isolation), signal_sig = median(signal.d0_significance);
  for (const std::string sample : {"Zee", "Zmumu", "ttbar_lep"}) {
    const WorstLeptons fake = worst_leptons(leptons(sample));
    const double iso = median(fake.relative_isolation), sig = median(fake.d0_significance);
    std::cout << "[" << sample << "] median worst etcone20/pt " << iso << " (signal " << signal_iso
              << "), median worst |d0|/sigma " << sig << " (signal " << signal_sig << ")\n";
    EXPECT_GT(iso, 3.0 * signal_iso) << sample;
    EXPECT_GT(sig, 2.0 * signal_sig) << sample;
  }
}

TEST_F(Hzz4lSamples, TheNotebookSelectionKeepsTheSignalAndRemovesMostFakes) {
  const auto meta = read_metadata(dir_->path(), "hzz4l");
  std::map<std::string, double> efficiency, yield_in_window;
  for (const auto& name : kHzz4lMc) {
    const auto c = leptons(name);
    const auto& info = sample_info(meta, name);
    std::int64_t kept = 0;
    for (std::int64_t e = 0; e < c.entries(); ++e) {
      if (!passes_four_lepton_selection(c, e)) continue;
      ++kept;
      const double m = four_lepton_mass(c, e);
      if (m > 120.0 && m < 130.0) yield_in_window[name] += hzz4l_event_weight(c, e, info, kLumiFb);
    }
    efficiency[name] = static_cast<double>(kept) / static_cast<double>(c.entries());
    std::cout << "[" << name << "] selection efficiency " << efficiency[name] << ", expected in 120-130 GeV at "
              << kLumiFb << "/fb: " << yield_in_window[name] << "\n";
  }
  EXPECT_GT(efficiency["ggH125_ZZ4lep"], 0.5);
  EXPECT_GT(efficiency["ZZ"], 0.4);
  for (const std::string fake : {"Zee", "Zmumu", "ttbar_lep"}) EXPECT_LT(efficiency[fake], 0.1) << fake;
  const double signal = yield_in_window["ggH125_ZZ4lep"] + yield_in_window["VBFH125_ZZ4lep"];
  const double background = yield_in_window["ZZ"] + yield_in_window["Zee"] + yield_in_window["Zmumu"] +
                            yield_in_window["ttbar_lep"];
  // As in the ATLAS measurement, the signal dominates the 120-130 GeV window after the selection.
  EXPECT_GT(signal, background);
}

TEST_F(Hzz4lSamples, DataAgreeWithTheWeightedSumOfTheSimulatedSamples) {
  const auto meta = read_metadata(dir_->path(), "hzz4l");
  double expected = 0;  // triggered events, weighted to the luminosity
  for (const auto& name : kHzz4lMc) {
    const auto c = leptons(name);
    const auto& info = sample_info(meta, name);
    for (std::int64_t e = 0; e < c.entries(); ++e)
      if (c.scalar<std::uint8_t>("trigE", e) || c.scalar<std::uint8_t>("trigM", e))
        expected += hzz4l_event_weight(c, e, info, kLumiFb);
  }
  const auto egamma = leptons("DataEgamma"), muons = leptons("DataMuons");
  const double observed = static_cast<double>(egamma.entries() + muons.entries());
  std::cout << "[data] observed " << observed << ", expected " << expected << "\n";
  // Poisson fluctuation of the data plus the limited simulation statistics (a few percent).
  EXPECT_NEAR(observed, expected, 5.0 * std::sqrt(expected) + 0.05 * expected);
  for (std::int64_t e = 0; e < egamma.entries(); ++e) EXPECT_TRUE(egamma.scalar<std::uint8_t>("trigE", e));
  for (std::int64_t e = 0; e < muons.entries(); ++e) {
    EXPECT_FALSE(muons.scalar<std::uint8_t>("trigE", e));
    EXPECT_TRUE(muons.scalar<std::uint8_t>("trigM", e));
  }
}

TEST_F(Hzz4lSamples, DataCarryNoTruthAndUnitWeights) {
  const auto data = leptons("DataEgamma");
  ASSERT_GT(data.entries(), 0);
  EXPECT_EQ(data.column("lep_truthMatched").size(), 0u);
  for (std::int64_t e = 0; e < data.entries(); ++e) {
    EXPECT_EQ(data.scalar<float>("mcWeight", e), 1.0f);
    EXPECT_GE(data.row<float>("lep_pt", e).size(), 4u);
  }
}

// ---------------------------------------------------------------------------------------------
// hgg

const std::vector<std::string> kPhotonBranches = {
    "trigP", "photon_pt", "photon_eta", "photon_phi", "photon_E", "photon_isTightID", "photon_trigMatched",
    "photon_ptcone30", "photon_etcone20"};

/// The notebook's diphoton selection (seed 003) and the diphoton mass in GeV; NaN when rejected.
/// Two leading photons above 35 and 25 GeV, tight, trigger-matched, isolated (ptcone30 and etcone20
/// below 0.065 MeV, as the notebook writes it), |eta| < 2.37 outside 1.37-1.52, pT/m above 0.35 and 0.25.
double selected_diphoton_mass(const MiniColumns& c, std::int64_t e) {
  if (!c.scalar<std::uint8_t>("trigP", e)) return std::nan("");
  const auto pt = c.row<float>("photon_pt", e);
  if (pt.size() < 2) return std::nan("");
  const auto eta = c.row<float>("photon_eta", e);
  const auto tight = c.row<std::uint8_t>("photon_isTightID", e);
  const auto matched = c.row<std::uint8_t>("photon_trigMatched", e);
  const auto ptcone = c.row<float>("photon_ptcone30", e);
  const auto etcone = c.row<float>("photon_etcone20", e);
  std::array<std::size_t, 2> lead{0, 1};
  if (pt[1] > pt[0]) std::swap(lead[0], lead[1]);
  for (std::size_t i = 2; i < pt.size(); ++i) {
    if (pt[i] > pt[lead[0]]) {
      lead = {i, lead[0]};
    } else if (pt[i] > pt[lead[1]]) {
      lead[1] = i;
    }
  }
  if (pt[lead[0]] < 35 * kMeV || pt[lead[1]] < 25 * kMeV) return std::nan("");
  for (const std::size_t i : lead) {
    const float abs_eta = std::abs(eta[i]);
    if (!tight[i] || !matched[i] || ptcone[i] >= 0.065f || etcone[i] >= 0.065f) return std::nan("");
    if (abs_eta > 2.37f || (abs_eta > 1.37f && abs_eta < 1.52f)) return std::nan("");
  }
  P4 sum = from_stored(pt[lead[0]], eta[lead[0]], c.row<float>("photon_phi", e)[lead[0]],
                       c.row<float>("photon_E", e)[lead[0]]);
  sum += from_stored(pt[lead[1]], eta[lead[1]], c.row<float>("photon_phi", e)[lead[1]],
                     c.row<float>("photon_E", e)[lead[1]]);
  const double m = sum.mass();
  if (pt[lead[0]] / kMeV / m < 0.35 || pt[lead[1]] / kMeV / m < 0.25) return std::nan("");
  return m;
}

/// (entry, diphoton mass) of the events passing the notebook's selection.
std::vector<std::pair<std::int64_t, double>> selected_diphotons(const std::string& path) {
  const MiniColumns c(path, kPhotonBranches);
  std::vector<std::pair<std::int64_t, double>> out;
  for (std::int64_t e = 0; e < c.entries(); ++e) {
    const double m = selected_diphoton_mass(c, e);
    if (!std::isnan(m)) out.emplace_back(e, m);
  }
  return out;
}

std::vector<double> selected_diphoton_masses(const std::string& path) {
  std::vector<double> out;
  for (const auto& [entry, m] : selected_diphotons(path)) out.push_back(m);
  return out;
}

const std::vector<std::string> kHggMc = {"ggH125_gamgam", "VBFH125_gamgam", "ttH125_gamgam", "WH125_gamgam",
                                         "ZH125_gamgam"};

/// Expected selected Higgs events in [lo, hi] GeV at `lumi_fb`, weighted as the notebook does:
/// mcWeight x all scale factors / SumWeights x XSection x luminosity.
double expected_selected_signal(const std::string& dir, double lo, double hi, double lumi_fb) {
  const std::vector<std::string> weights = {"mcWeight", "scaleFactor_PILEUP", "scaleFactor_ELE", "scaleFactor_MUON",
                                            "scaleFactor_PHOTON", "scaleFactor_TAU", "scaleFactor_BTAG",
                                            "scaleFactor_LepTRIGGER", "scaleFactor_PhotonTRIGGER"};
  std::vector<std::string> names = weights;
  names.insert(names.end(), {"XSection", "SumWeights"});
  double total = 0;
  for (const auto& sample : kHggMc) {
    const std::string path = (fs::path(dir) / (sample + ".root")).string();
    const MiniColumns c(path, names);
    for (const auto& [e, m] : selected_diphotons(path)) {
      if (m < lo || m > hi) continue;
      double w = c.scalar<float>("XSection", e) / c.scalar<float>("SumWeights", e) * lumi_fb * 1000.0;
      for (const auto& name : weights) w *= c.scalar<float>(name, e);
      total += w;
    }
  }
  return total;
}

/// Per event with at least two jets: |delta eta| and invariant mass (GeV) of the two leading jets.
struct Dijets {
  std::vector<double> delta_eta, mass;
};

Dijets leading_dijets(const std::string& path) {
  const MiniColumns c(path, {"jet_pt", "jet_eta", "jet_phi", "jet_E"});
  Dijets out;
  for (std::int64_t e = 0; e < c.entries(); ++e) {
    const auto pt = c.row<float>("jet_pt", e);
    if (pt.size() < 2) continue;
    const auto eta = c.row<float>("jet_eta", e), phi = c.row<float>("jet_phi", e), energy = c.row<float>("jet_E", e);
    P4 sum = from_stored(pt[0], eta[0], phi[0], energy[0]);
    sum += from_stored(pt[1], eta[1], phi[1], energy[1]);
    out.delta_eta.push_back(std::abs(eta[0] - eta[1]));
    out.mass.push_back(sum.mass());
  }
  return out;
}

/// Three times the notebook's 10.6 fb^-1: the peak stands about 10 standard deviations above the
/// continuum, so the test does not hinge on one fluctuation.
constexpr double kHggLumiFb = 30.0;

class HggSamples : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<ScratchDir>("hgg");
    Options options;
    options.out_dir = dir_->path();
    options.events = kEventsPerSample;
    options.seed = 7;
    options.lumi_fb = kHggLumiFb;
    written_ = generate_hgg(options);
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string file(const std::string& sample) { return dir_->file(sample + ".root"); }

  static std::unique_ptr<ScratchDir> dir_;
  static Written written_;
};
std::unique_ptr<ScratchDir> HggSamples::dir_;
Written HggSamples::written_;

TEST_F(HggSamples, SignalDiphotonMassPeaksAt125GeV) {
  const auto masses = in_window(selected_diphoton_masses(file("ggH125_gamgam")), 105.0, 160.0);
  const auto core = in_window(masses, 115.0, 135.0);
  const double peak = peak_position(core, 115.0, 135.0), width = iqr_sigma(core);
  std::cout << "[ggH -> gamma gamma] peak " << peak << " GeV, IQR width " << width << " GeV, "
            << masses.size() << " selected of " << kEventsPerSample << "\n";
  EXPECT_NEAR(peak, kHiggsMass, 1.0);
  EXPECT_GT(width, 1.0);
  EXPECT_LT(width, 3.5);
  // The notebook's selection keeps a quarter to a half of the signal (its isolation cut, below
  // 0.065 MeV, is in effect "no energy in the cone" and costs a quarter of the photon pairs).
  EXPECT_GT(static_cast<double>(masses.size()), 0.2 * kEventsPerSample);
  EXPECT_LT(static_cast<double>(masses.size()), 0.6 * kEventsPerSample);
}

/// Weighted least-squares fit of y = c0 + c1 x + c2 x^2 (normal equations, Cramer's rule).
std::array<double, 3> fit_quadratic(const std::vector<double>& x, const std::vector<double>& y,
                                    const std::vector<double>& w) {
  std::array<std::array<double, 3>, 3> a{};
  std::array<double, 3> b{};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::array<double, 3> basis{1.0, x[i], x[i] * x[i]};
    for (std::size_t r = 0; r < 3; ++r) {
      b[r] += w[i] * basis[r] * y[i];
      for (std::size_t c = 0; c < 3; ++c) a[r][c] += w[i] * basis[r] * basis[c];
    }
  }
  auto det = [](const std::array<std::array<double, 3>, 3>& m) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  };
  const double d = det(a);
  std::array<double, 3> coefficients{};
  for (std::size_t k = 0; k < 3; ++k) {
    auto replaced = a;
    for (std::size_t r = 0; r < 3; ++r) replaced[r][k] = b[r];
    coefficients[k] = det(replaced) / d;
  }
  return coefficients;
}

TEST_F(HggSamples, DataShowTheHiggsPeakOverAFallingDiphotonContinuum) {
  const auto masses = in_window(selected_diphoton_masses(file("DataGamGam")), 105.0, 160.0);
  // 1-GeV bins from 105 to 160 GeV, as in the notebook.
  constexpr int kBins = 55;
  std::array<double, kBins> counts{};
  for (const double m : masses) counts[static_cast<std::size_t>(std::min(m - 105.0, kBins - 1.0))] += 1;
  auto centre = [](int i) { return 105.5 + i; };
  auto in_signal_region = [&](int i) { return centre(i) > 120.0 && centre(i) < 130.0; };
  // The sidebands leave out 115-135 GeV, where the signal's resolution tails would lift the fit.
  auto in_sideband = [&](int i) { return centre(i) < 115.0 || centre(i) > 135.0; };
  // Continuum from the sidebands: exponential of a second-order polynomial (as ATLAS fits it),
  // i.e. a least-squares fit to log(counts) with weights = counts (the inverse variance of the log).
  std::vector<double> x, y, w;
  for (int i = 0; i < kBins; ++i) {
    const double n = counts[static_cast<std::size_t>(i)];
    if (!in_sideband(i) || n <= 0) continue;
    x.push_back((centre(i) - 132.5) / 27.5), y.push_back(std::log(n)), w.push_back(n);
  }
  const auto c = fit_quadratic(x, y, w);
  double observed = 0, background = 0, excess_mass = 0;
  for (int i = 0; i < kBins; ++i) {
    if (!in_signal_region(i)) continue;
    const double t = (centre(i) - 132.5) / 27.5;
    const double fit = std::exp(c[0] + c[1] * t + c[2] * t * t);
    observed += counts[static_cast<std::size_t>(i)];
    background += fit;
    excess_mass += (counts[static_cast<std::size_t>(i)] - fit) * centre(i);
  }
  const double excess = observed - background;
  const double low = std::accumulate(counts.begin(), counts.begin() + 10, 0.0);   // 105-115 GeV
  const double high = std::accumulate(counts.end() - 10, counts.end(), 0.0);      // 150-160 GeV
  std::cout << "[data] " << masses.size() << " selected events in 105-160 GeV (105-115: " << low
            << ", 150-160: " << high << "); 120-130 GeV: observed " << observed << ", continuum " << background
            << ", excess " << excess << " (" << excess / std::sqrt(background) << " sigma) centred at "
            << excess_mass / excess << " GeV\n";
  // Falling: the ATLAS data drop by a factor of about 3 from 110 to 155 GeV.
  EXPECT_GT(low, 2.0 * high);
  EXPECT_LT(low, 5.0 * high);
  EXPECT_GT(excess, 5.0 * std::sqrt(background));
  EXPECT_NEAR(excess_mass / excess, kHiggsMass, 1.5);
  // The excess is the simulated signal weighted to the data's luminosity, within three standard
  // deviations of the continuum (Poisson, and 2 % for extrapolating the fit under the peak; at 300/fb
  // the two agree within 1 %) and 10 % for the simulation's statistics.
  const double expected = expected_selected_signal(dir_->path(), 120.0, 130.0, kHggLumiFb);
  std::cout << "[data] expected Higgs events in 120-130 GeV from the weighted simulation: " << expected << "\n";
  const double continuum_error = std::sqrt(background + 0.02 * background * 0.02 * background);
  EXPECT_NEAR(excess, expected, 3.0 * continuum_error + 0.1 * expected);
}

TEST_F(HggSamples, VbfEventsHaveALargerDijetRapidityGapAndMassThanGluonFusion) {
  const Dijets vbf = leading_dijets(file("VBFH125_gamgam")), ggh = leading_dijets(file("ggH125_gamgam"));
  std::cout << "[dijets] VBF: " << vbf.mass.size() << " events, median |deta| " << median(vbf.delta_eta)
            << ", median mjj " << median(vbf.mass) << " GeV; ggH: " << ggh.mass.size() << " events, median |deta| "
            << median(ggh.delta_eta) << ", median mjj " << median(ggh.mass) << " GeV\n";
  EXPECT_GT(vbf.mass.size(), 2 * ggh.mass.size());  // two tagging jets in most VBF events
  EXPECT_GT(median(vbf.delta_eta), median(ggh.delta_eta) + 1.5);
  EXPECT_GT(median(vbf.mass), 2.0 * median(ggh.mass));
}

TEST_F(HggSamples, TtHEventsHaveMoreBTaggedJetsAndLeptons) {
  auto btags = [&](const std::string& sample) {
    const MiniColumns c(file(sample), {"jet_MV2c10", "lep_n"});
    std::vector<double> tagged, leptons;
    for (std::int64_t e = 0; e < c.entries(); ++e) {
      const auto score = c.row<float>("jet_MV2c10", e);
      tagged.push_back(static_cast<double>(std::count_if(score.begin(), score.end(), [](float s) { return s > kMv2c10Cut70; })));
      leptons.push_back(c.scalar<std::uint32_t>("lep_n", e));
    }
    return std::pair{mean(tagged), mean(leptons)};
  };
  const auto [tth_b, tth_l] = btags("ttH125_gamgam");
  const auto [ggh_b, ggh_l] = btags("ggH125_gamgam");
  std::cout << "[b-tags] mean b-tagged jets ttH " << tth_b << ", ggH " << ggh_b << "; mean leptons ttH " << tth_l
            << ", ggH " << ggh_l << "\n";
  EXPECT_GT(tth_b, 0.8);
  EXPECT_LT(ggh_b, 0.1);
  EXPECT_GT(tth_l, 0.2);
  EXPECT_LT(ggh_l, 0.02);
}

TEST_F(HggSamples, VhEventsHaveLeptonsAndMissingTransverseMomentum) {
  auto summary = [&](const std::string& sample) {
    const MiniColumns c(file(sample), {"lep_n", "met_et"});
    double with_lepton = 0;
    std::vector<double> met;
    for (std::int64_t e = 0; e < c.entries(); ++e) {
      with_lepton += c.scalar<std::uint32_t>("lep_n", e) > 0 ? 1 : 0;
      met.push_back(c.scalar<float>("met_et", e) / kMeV);
    }
    return std::pair{with_lepton / static_cast<double>(c.entries()), quantile(met, 0.9)};
  };
  const auto [wh_leptons, wh_met] = summary("WH125_gamgam");
  const auto [zh_leptons, zh_met] = summary("ZH125_gamgam");
  const auto [ggh_leptons, ggh_met] = summary("ggH125_gamgam");
  std::cout << "[VH] events with a lepton: WH " << wh_leptons << ", ZH " << zh_leptons << ", ggH " << ggh_leptons
            << "; 90 % quantile of met_et: WH " << wh_met << ", ZH " << zh_met << ", ggH " << ggh_met << " GeV\n";
  EXPECT_GT(wh_leptons, 0.12);
  EXPECT_GT(zh_leptons, 0.04);
  EXPECT_LT(ggh_leptons, 0.01);
  EXPECT_GT(wh_met, 1.3 * ggh_met);
  EXPECT_GT(zh_met, 1.3 * ggh_met);
}

TEST_F(HggSamples, WeightsHaveAFewPercentNegativeAndMatchXSectionAndSumWeights) {
  const auto meta = read_metadata(dir_->path(), "hgg");
  std::map<std::string, double> expected_yield;
  for (const std::string sample : {"ggH125_gamgam", "VBFH125_gamgam", "ttH125_gamgam", "WH125_gamgam", "ZH125_gamgam"}) {
    const MiniColumns c(file(sample), {"mcWeight", "XSection", "SumWeights"});
    const auto& info = sample_info(meta, sample);
    double sum = 0, negative = 0;
    for (std::int64_t e = 0; e < c.entries(); ++e) {
      const float w = c.scalar<float>("mcWeight", e);
      sum += w;
      negative += w < 0 ? 1 : 0;
    }
    const double negative_fraction = negative / static_cast<double>(c.entries());
    EXPECT_GT(negative_fraction, 0.002) << sample;
    EXPECT_LT(negative_fraction, 0.12) << sample;
    EXPECT_NEAR(c.scalar<float>("SumWeights", 0), sum, 1e-5 * sum) << sample;
    EXPECT_NEAR(c.scalar<float>("XSection", 0), info["xsec_pb"].get<double>(), 1e-6 * info["xsec_pb"].get<double>())
        << sample;
    expected_yield[sample] = info["expected_events"].get<double>();
  }
  // Heavy imbalance between the modes: gluon fusion dominates, ttH is a hundred times rarer.
  EXPECT_GT(expected_yield["ggH125_gamgam"], 10.0 * expected_yield["VBFH125_gamgam"]);
  EXPECT_GT(expected_yield["ggH125_gamgam"], 80.0 * expected_yield["ttH125_gamgam"]);
}

// ---------------------------------------------------------------------------------------------
// Determinism and errors

/// Every column of every tree of every ROOT file in `dir`, as bytes, by file and branch name.
std::map<std::string, std::vector<std::byte>> all_columns(const std::string& dir) {
  std::map<std::string, std::vector<std::byte>> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".root") continue;
    const auto file = root::File::open(entry.path().string());
    const auto tree = file.tree("mini");
    for (const auto& branch : tree.branches()) {
      const Column c = tree.read(branch.name);
      const auto bytes = c.data().bytes();
      auto& slot = out[entry.path().filename().string() + ":" + branch.name];
      slot.assign(bytes.begin(), bytes.end());
      for (const auto& level : c.offsets())
        for (const auto o : level) slot.push_back(static_cast<std::byte>(o & 0xff));
    }
  }
  return out;
}

Options small_options(const std::string& dir, int threads) {
  Options options;
  options.out_dir = dir;
  options.events = 1'500;
  options.seed = 99;
  options.threads = threads;
  return options;
}

TEST(GeneratorDeterminism, TheSameSeedGivesTheSameEventsWhateverTheThreadCount) {
  ScratchDir one("determinism_1"), two("determinism_2");
  // Two runs with the same seed, on 1 and on 2 threads. The data samples span several batches
  // (hzz4l at 160/fb: about 80,000 simulated collisions, batches of 25,000), so the order in which
  // the threads finish their batches would show if it mattered.
  for (const auto& [dir, threads] : {std::pair{&one, 1}, std::pair{&two, 2}}) {
    Options options = small_options(dir->path(), threads);
    options.lumi_fb = 160.0;
    (void)generate_hzz4l(options);
    options.lumi_fb = 10.0;
    (void)generate_hgg(options);
  }
  const auto reference = all_columns(one.path());
  EXPECT_EQ(reference.size(), 8u * 36u + 6u * 52u);  // every branch of every file
  EXPECT_TRUE(reference == all_columns(two.path())) << "1 thread and 2 threads differ";
  const auto data_entries = root::File::open(one.file("DataEgamma.root")).tree("mini").entries();
  EXPECT_GT(data_entries, 20'000);
}

TEST(GeneratorDeterminism, ADifferentSeedGivesDifferentEvents) {
  ScratchDir a("seed_a"), b("seed_b");
  Options options = small_options(a.path(), 0);
  (void)generate_hgg(options);
  options.out_dir = b.path();
  options.seed += 1;
  (void)generate_hgg(options);
  const MiniColumns first(a.file("ggH125_gamgam.root"), {"photon_pt"}), second(b.file("ggH125_gamgam.root"), {"photon_pt"});
  const auto x = first.column("photon_pt").values<float>(), y = second.column("photon_pt").values<float>();
  EXPECT_FALSE(x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin()));
}

TEST(GeneratorErrors, AnOutputPathThatIsAFileIsAnIoError) {
  ScratchDir dir("not_a_dir");
  fs::create_directories(dir.path());
  const std::string blocker = dir.file("plain_file");
  std::ofstream(blocker) << "x";
  Options options = small_options(blocker + "/sub", 1);
  EXPECT_THROW((void)generate_hzz4l(options), IoError);
  options.out_dir = blocker;
  EXPECT_THROW((void)generate_hgg(options), IoError);
}

TEST(GeneratorErrors, ANegativeEventCountOrLuminosityIsAConfigError) {
  ScratchDir dir("bad_options");
  Options options = small_options(dir.path(), 1);
  options.events = -1;
  EXPECT_THROW((void)generate_hzz4l(options), ConfigError);
  options.events = 10;
  options.lumi_fb = 0.0;
  EXPECT_THROW((void)generate_hgg(options), ConfigError);
}

}  // namespace
}  // namespace evclass::generate
