// Physics of the zprime and pmass samples, computed from the files the generators write:
// resonance peaks where the model puts them and continua without them, truth codes, the
// relations the features must obey by definition, the HEPMASS mass handling, option errors, and
// determinism (same seed, any thread count: identical values).

#include <gtest/gtest.h>

#include "helpers/temp_dir.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numbers>
#include <numeric>
#include <utility>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "evclass/column/column.hpp"
#include "evclass/core/error.hpp"
#include "evclass/generate/generators.hpp"
#include "evclass/root/file.hpp"

namespace {

namespace fs = std::filesystem;
using evclass::generate::Options;

using evclass::testing::TempDir;

Options options_for(const fs::path& dir, std::int64_t events, int threads = 0) {
  Options o;
  o.out_dir = dir.string();
  o.events = events;
  o.seed = 20240611;
  o.threads = threads;
  return o;
}

template <class T>
std::vector<T> read(const fs::path& file, const std::string& tree, const std::string& branch) {
  const auto f = evclass::root::File::open(file.string());
  const auto column = f.tree(tree).read(branch);
  const auto v = column.values<T>();
  return {v.begin(), v.end()};
}

double fraction_in(const std::vector<float>& v, double lo, double hi) {
  const auto n = std::count_if(v.begin(), v.end(), [&](float x) { return x > lo && x < hi; });
  return static_cast<double>(n) / static_cast<double>(v.size());
}

/// Counts per bin of [lo, hi) split into `bins` equal bins.
std::vector<int> histogram(const std::vector<float>& v, double lo, double hi, int bins) {
  std::vector<int> h(static_cast<std::size_t>(bins), 0);
  for (const float x : v) {
    const auto b = static_cast<int>(std::floor((x - lo) / (hi - lo) * bins));
    if (b >= 0 && b < bins) ++h[static_cast<std::size_t>(b)];
  }
  return h;
}

/// Centre of the fullest bin.
double mode(const std::vector<float>& v, double lo, double hi, int bins) {
  const auto h = histogram(v, lo, hi, bins);
  const auto best = std::max_element(h.begin(), h.end()) - h.begin();
  return lo + (static_cast<double>(best) + 0.5) * (hi - lo) / bins;
}

double median(std::vector<float> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

/// Probability that a random signal value exceeds a random background value (ties count half),
/// folded so that 0.5 means no separation and 1 full separation either way.
double separation_auc(std::vector<float> signal, std::vector<float> background) {
  std::sort(background.begin(), background.end());
  double wins = 0;
  for (const float s : signal) {
    const auto lower = std::lower_bound(background.begin(), background.end(), s) - background.begin();
    const auto upper = std::upper_bound(background.begin(), background.end(), s) - background.begin();
    wins += static_cast<double>(lower) + 0.5 * static_cast<double>(upper - lower);
  }
  const double auc = wins / (static_cast<double>(signal.size()) * static_cast<double>(background.size()));
  return std::max(auc, 1 - auc);
}

/// Every branch of every tree of two files has byte-identical values.
void expect_same_values(const fs::path& a, const fs::path& b) {
  const auto fa = evclass::root::File::open(a.string());
  const auto fb = evclass::root::File::open(b.string());
  for (const auto& info : fa.trees()) {
    const auto ta = fa.tree(info.path);
    const auto tb = fb.tree(info.path);
    ASSERT_EQ(ta.entries(), tb.entries()) << a;
    for (const auto& branch : ta.branches()) {
      const auto ca = ta.read(branch.name);
      const auto cb = tb.read(branch.name);
      const auto ba = ca.data().bytes();
      const auto bb = cb.data().bytes();
      EXPECT_TRUE(std::equal(ba.begin(), ba.end(), bb.begin(), bb.end())) << a.filename() << ": " << branch.name;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// zprime

constexpr std::int64_t kZprimeEvents = 20000;
const char* const kSignalTrain = "reduced_signal_forTraining.root";
const char* const kBackgroundTrain = "reduced_background_forTraining.root";

class ZprimeSample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("zprime");
    written_ = new evclass::generate::Written(evclass::generate::generate_zprime(options_for(dir_->path(), kZprimeEvents)));
  }
  static void TearDownTestSuite() {
    delete written_;
    delete dir_;
  }
  static fs::path file(const char* name) { return dir_->path() / name; }

  /// Signal after the seed's selection (both tau candidates matched to the Z').
  static std::vector<float> selected_signal(const std::string& branch) {
    const auto values = read<float>(file(kSignalTrain), "zp", branch);
    const auto t0 = read<std::int32_t>(file(kSignalTrain), "zp", "Zp_tau_0_dau_genMotherPDG");
    const auto t1 = read<std::int32_t>(file(kSignalTrain), "zp", "Zp_tau_1_dau_genMotherPDG");
    std::vector<float> out;
    for (std::size_t i = 0; i < values.size(); ++i)
      if (t0[i] == 26 && t1[i] == 26) out.push_back(values[i]);
    return out;
  }
  /// Background after the seed's selection (4.5 < Zp_M_beforeFit < 5.5 GeV).
  static std::vector<float> selected_background(const std::string& branch) {
    const auto values = read<float>(file(kBackgroundTrain), "zp", branch);
    const auto mass = read<float>(file(kBackgroundTrain), "zp", "Zp_M_beforeFit");
    std::vector<float> out;
    for (std::size_t i = 0; i < values.size(); ++i)
      if (mass[i] > 4.5f && mass[i] < 5.5f) out.push_back(values[i]);
    return out;
  }

  static TempDir* dir_;
  static evclass::generate::Written* written_;
};
TempDir* ZprimeSample::dir_ = nullptr;
evclass::generate::Written* ZprimeSample::written_ = nullptr;

const std::vector<std::string> kZprimeFeatures = {
    "Zp_cm_p_beforeFit",          "P_beforeFit",                "Zp_tau0_CMS_p_beforeFit",
    "Zp_tau1_CMS_p_beforeFit",    "fake_tau0_CMS_p_beforeFit",  "fake_tau1_CMS_p_beforeFit",
    "fake_tau0_CMS_pt_beforeFit", "fake_tau1_CMS_pt_beforeFit", "fake_PtTheta_beforeFit",
    "fake_PtRho_beforeFit",       "IntSymmZp_Pt_beforeFit",     "DistZp_Pt_beforeFit",
    "Zp_PtTheta_sign_beforeFit",  "Zp_PtRho_sign_beforeFit",    "Zp_ptPtMin_Theta_beforeFit",
    "Zp_ptPtMin_Rho_beforeFit"};

TEST_F(ZprimeSample, WritesTheFourFilesTheSeedReadsWithTreeZpAndAllItsBranches) {
  ASSERT_EQ(written_->files.size(), 4u);
  EXPECT_EQ(written_->events, 4 * kZprimeEvents);
  for (const char* name : {kSignalTrain, kBackgroundTrain, "reduced_signal_forApplication.root",
                           "reduced_background_forApplication.root"}) {
    const auto f = evclass::root::File::open(file(name).string());
    const auto tree = f.tree("zp");
    EXPECT_EQ(tree.entries(), kZprimeEvents) << name;
    for (const auto& branch : kZprimeFeatures) EXPECT_EQ(tree.branch(branch).dtype, evclass::column::DType::kFloat32);
    EXPECT_EQ(tree.branch("Zp_M_beforeFit").dtype, evclass::column::DType::kFloat32);
    EXPECT_EQ(tree.branch("Zp_tau_0_dau_genMotherPDG").dtype, evclass::column::DType::kInt32);
    EXPECT_EQ(tree.branch("Zp_tau_1_dau_genMotherPDG").dtype, evclass::column::DType::kInt32);
    EXPECT_EQ(tree.branches().size(), 19u);
  }
}

TEST_F(ZprimeSample, SignalRecoilMassPeaksAtTheZprimeMassWithARadiativeTailAbove) {
  const auto mass = read<float>(file(kSignalTrain), "zp", "Zp_M_beforeFit");
  EXPECT_NEAR(mode(mass, 4.5, 5.5, 100), 5.0, 0.02);
  EXPECT_GT(fraction_in(mass, 4.95, 5.05), 0.55);  // resolution core: tens of MeV
  EXPECT_GT(fraction_in(mass, 5.1, 8.0), 5 * fraction_in(mass, 3.0, 4.9));  // ISR only raises it
  EXPECT_GT(fraction_in(mass, 4.5, 5.5), 0.8);
}

TEST_F(ZprimeSample, BackgroundRecoilMassIsASmoothContinuumInTheReducedRange) {
  const auto mass = read<float>(file(kBackgroundTrain), "zp", "Zp_M_beforeFit");
  EXPECT_EQ(fraction_in(mass, 3.0, 8.0), 1.0);
  // Inside the seed's window the 10 bins are flat within statistics: no peak at 5 GeV.
  const auto h = histogram(mass, 4.5, 5.5, 10);
  const double mean = std::accumulate(h.begin(), h.end(), 0.0) / 10;
  ASSERT_GT(mean, 200);
  for (const int count : h) EXPECT_NEAR(count, mean, 0.25 * mean);
  EXPECT_LT(fraction_in(mass, 4.95, 5.05), 0.03);
  // Smooth over the whole range above the tau-pair threshold: neighbouring 0.5 GeV bins differ
  // by far less than a resonance would make them.
  const auto wide = histogram(mass, 3.5, 8.0, 9);
  for (std::size_t i = 1; i < wide.size(); ++i) {
    const double ratio = static_cast<double>(wide[i]) / wide[i - 1];
    EXPECT_GT(ratio, 0.75) << "bin " << i;
    EXPECT_LT(ratio, 1.33) << "bin " << i;
  }
}

TEST_F(ZprimeSample, SignalTruthCodesAreMostlyTheZprimeAndBackgroundsNever) {
  const auto t0 = read<std::int32_t>(file(kSignalTrain), "zp", "Zp_tau_0_dau_genMotherPDG");
  const auto t1 = read<std::int32_t>(file(kSignalTrain), "zp", "Zp_tau_1_dau_genMotherPDG");
  std::size_t both = 0;
  for (std::size_t i = 0; i < t0.size(); ++i) both += (t0[i] == 26 && t1[i] == 26);
  const double matched = static_cast<double>(both) / static_cast<double>(t0.size());
  EXPECT_GT(matched, 0.85);
  EXPECT_LT(matched, 0.95);
  for (const char* branch : {"Zp_tau_0_dau_genMotherPDG", "Zp_tau_1_dau_genMotherPDG"})
    for (const std::int32_t code : read<std::int32_t>(file(kBackgroundTrain), "zp", branch)) ASSERT_NE(code, 26);
}

TEST_F(ZprimeSample, FeaturesObeyTheKinematicRelationsOfTheirDefinitions) {
  const fs::path f = file(kBackgroundTrain);
  const auto m = read<float>(f, "zp", "Zp_M_beforeFit");
  const auto p_rec = read<float>(f, "zp", "Zp_cm_p_beforeFit");
  const auto p0 = read<float>(f, "zp", "fake_tau0_CMS_p_beforeFit");
  const auto p1 = read<float>(f, "zp", "fake_tau1_CMS_p_beforeFit");
  const auto pt0 = read<float>(f, "zp", "fake_tau0_CMS_pt_beforeFit");
  const auto pt1 = read<float>(f, "zp", "fake_tau1_CMS_pt_beforeFit");
  const auto opening = read<float>(f, "zp", "fake_PtTheta_beforeFit");
  const auto pair_pt = read<float>(f, "zp", "fake_PtRho_beforeFit");
  const auto asym = read<float>(f, "zp", "IntSymmZp_Pt_beforeFit");
  const auto signed_angle = read<float>(f, "zp", "Zp_PtTheta_sign_beforeFit");
  const double sqrt_s = 10.583005, muon = 0.105658;
  for (std::size_t i = 0; i < m.size(); ++i) {
    // The recoil is what the beams' energy leaves after the muon pair: E_rec = sqrt(s) - E_mumu.
    const double e_rec = std::hypot(m[i], p_rec[i]);
    const double e_mumu = std::hypot(p0[i], muon) + std::hypot(p1[i], muon);
    ASSERT_NEAR(e_rec, sqrt_s - e_mumu, 2e-3) << "entry " << i;
    // The muon pair's pT adds the two muon pTs at their opening angle.
    const double sum = pt0[i] * pt0[i] + pt1[i] * pt1[i] + 2.0 * pt0[i] * pt1[i] * std::cos(opening[i]);
    ASSERT_NEAR(pair_pt[i], std::sqrt(std::max(0.0, sum)), 5e-3) << "entry " << i;
    ASSERT_LE(pt0[i], p0[i] * 1.0001f);
    ASSERT_LE(std::abs(asym[i]), 1.0f);
    ASSERT_GE(opening[i], 0.0f);
    ASSERT_LE(opening[i], std::numbers::pi_v<float> + 1e-6f);
    ASSERT_LE(std::abs(signed_angle[i]), std::numbers::pi_v<float> + 1e-6f);
  }
}

TEST_F(ZprimeSample, NoSingleFeatureSeparatesSignalFromBackgroundAfterTheSeedCuts) {
  // The separation a good classifier finds must come from combining features, as in the real
  // analysis, not from one variable.
  double best = 0;
  for (const auto& branch : kZprimeFeatures) {
    const double auc = separation_auc(selected_signal(branch), selected_background(branch));
    EXPECT_LT(auc, 0.8) << branch;
    best = std::max(best, auc);
  }
  EXPECT_GT(best, 0.6);
}

TEST(ZprimeGenerator, SameSeedGivesIdenticalValuesWhateverTheThreadCount) {
  TempDir one("zprime_t1"), two("zprime_t2"), other("zprime_seed");
  const std::int64_t events = 20000;  // two batches per file: one wave on two threads, two on one
  evclass::generate::generate_zprime(options_for(one.path(), events, 1));
  evclass::generate::generate_zprime(options_for(two.path(), events, 2));
  for (const char* name : {kSignalTrain, kBackgroundTrain}) expect_same_values(one.path() / name, two.path() / name);

  Options reseeded = options_for(other.path(), 1000, 2);
  reseeded.seed += 1;
  evclass::generate::generate_zprime(reseeded);
  const auto a = read<float>(one.path() / kSignalTrain, "zp", "Zp_M_beforeFit");
  const auto b = read<float>(other.path() / kSignalTrain, "zp", "Zp_M_beforeFit");
  EXPECT_FALSE(std::equal(b.begin(), b.end(), a.begin()));
}

TEST(ZprimeGenerator, NegativeEventCountIsAConfigError) {
  TempDir dir("zprime_bad");
  try {
    (void)evclass::generate::generate_zprime(options_for(dir.path(), -5));
    FAIL() << "no error";
  } catch (const evclass::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--events=-5"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------------------------
// pmass

constexpr std::int64_t kPmassEvents = 4000;
const std::vector<double> kDefaultMasses = {500, 750, 1000, 1250, 1500};

class PmassSample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("pmass");
    written_ = new evclass::generate::Written(evclass::generate::generate_pmass(options_for(dir_->path(), kPmassEvents)));
  }
  static void TearDownTestSuite() {
    delete written_;
    delete dir_;
  }
  static fs::path train() { return dir_->path() / "pmass_train.root"; }
  template <class T>
  static std::vector<T> column(const std::string& branch) {
    return read<T>(train(), "pmass", branch);
  }
  /// Values of `branch` in rows with the given label (and mass hypothesis, when > 0).
  static std::vector<float> rows(const std::string& branch, int label, double mass = 0) {
    const auto values = column<float>(branch);
    const auto labels = column<std::int32_t>("label");
    const auto masses = column<float>("mass");
    std::vector<float> out;
    for (std::size_t i = 0; i < values.size(); ++i)
      if (labels[i] == label && (mass <= 0 || masses[i] == static_cast<float>(mass))) out.push_back(values[i]);
    return out;
  }

  static TempDir* dir_;
  static evclass::generate::Written* written_;
};
TempDir* PmassSample::dir_ = nullptr;
evclass::generate::Written* PmassSample::written_ = nullptr;

TEST_F(PmassSample, WritesTrainAndTestFilesWithHepmassColumns) {
  ASSERT_EQ(written_->files.size(), 2u);
  const std::int64_t rows_per_file = 2 * kPmassEvents * 5;
  EXPECT_EQ(written_->events, 2 * rows_per_file);
  for (const char* name : {"pmass_train.root", "pmass_test.root"}) {
    const auto f = evclass::root::File::open((dir_->path() / name).string());
    const auto tree = f.tree("pmass");
    EXPECT_EQ(tree.entries(), rows_per_file);
    ASSERT_EQ(tree.branches().size(), 29u);
    EXPECT_EQ(tree.branches().front().name, "label");
    EXPECT_EQ(tree.branches().back().name, "mass");
    for (int k = 0; k < 27; ++k) EXPECT_EQ(tree.branches()[static_cast<std::size_t>(k + 1)].name, fmt::format("f{}", k));
  }
}

TEST_F(PmassSample, SignalRowsCycleThroughTheMassesAndBackgroundRowsDrawFromThem) {
  const auto labels = column<std::int32_t>("label");
  const auto masses = column<float>("mass");
  std::map<float, int> signal_count, background_count;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    ASSERT_EQ(labels[i], i % 2 == 0 ? 1 : 0);
    ++(labels[i] == 1 ? signal_count : background_count)[masses[i]];
  }
  ASSERT_EQ(signal_count.size(), 5u);
  ASSERT_EQ(background_count.size(), 5u);
  for (const double m : kDefaultMasses) {
    EXPECT_EQ(signal_count[static_cast<float>(m)], kPmassEvents);
    // Uniform draws: kPmassEvents on average, binomial spread about sqrt(n) = 57.
    EXPECT_NEAR(background_count[static_cast<float>(m)], kPmassEvents, 6 * std::sqrt(kPmassEvents));
  }
}

TEST_F(PmassSample, SignalWWbbMassPeaksAtTheHypothesisAndMovesWithIt) {
  double previous_median = 0;
  for (const double m : kDefaultMasses) {
    const auto mwwbb = rows("f26", 1, m);
    EXPECT_NEAR(mode(mwwbb, 0.5 * m, 1.5 * m, 40), m, 0.06 * m) << "mass " << m;
    EXPECT_GT(fraction_in(mwwbb, 0.85 * m, 1.15 * m), 0.5) << "mass " << m;
    const double med = median(mwwbb);
    EXPECT_GT(med, previous_median + 0.7 * 250) << "mass " << m;
    previous_median = med;
  }
}

TEST_F(PmassSample, BackgroundWWbbMassIsABroadFallingContinuumAboveTheTopPairThreshold) {
  const auto mwwbb = rows("f26", 0);
  const double peak = mode(mwwbb, 0, 3000, 60);
  EXPECT_GT(peak, 300);
  EXPECT_LT(peak, 550);
  // Falls monotonically above the peak.
  const auto h = histogram(mwwbb, 600, 1600, 5);
  for (std::size_t i = 1; i < h.size(); ++i) EXPECT_LT(h[i], h[i - 1]) << "bin " << i;
  EXPECT_LT(fraction_in(mwwbb, 1000, 1e9), 0.12);
  // Broad: no narrow structure anywhere.
  EXPECT_LT(fraction_in(mwwbb, peak - 50, peak + 50), 0.35);
}

TEST_F(PmassSample, ReconstructedWAndTopMassesSitAtTheirPoleMassesWhileTheTopsAreResolved) {
  // Background, and signal at 500 GeV: the top decay products are resolved as separate jets.
  for (const auto& [label, mass] : {std::pair{0, 0.0}, std::pair{1, 500.0}}) {
    EXPECT_NEAR(median(rows("f22", label, mass)), 80.4, 8) << "m_jj, label " << label;
    EXPECT_NEAR(median(rows("f23", label, mass)), 172.5, 15) << "m_jjj, label " << label;
    EXPECT_NEAR(median(rows("f25", label, mass)), 172.5, 15) << "m_jlv, label " << label;
    // The neutrino's pz is solved with the W mass, so m_lv sits exactly at m_W unless the
    // constraint has no real solution (then it lies above).
    const auto mlv = rows("f24", label, mass);
    EXPECT_GT(fraction_in(mlv, 80.3, 80.5), 0.5);
    EXPECT_LT(fraction_in(mlv, 0, 80.3), 0.001);
  }
  // At 1500 GeV the tops are boosted: their jets merge, the four leading jets include radiation,
  // and the resolved W peak fades, as in real resolved analyses.
  EXPECT_LT(fraction_in(rows("f22", 1, 1500), 65, 95), fraction_in(rows("f22", 1, 500), 65, 95) - 0.1);
}

TEST_F(PmassSample, EventsHaveOneLeptonAndFourOrderedJetsInTheAcceptance) {
  const auto lepton_pt = column<float>("f0");
  const auto njets = column<float>("f5");
  std::vector<std::vector<float>> jet_pt, jet_eta, btag;
  for (int j = 0; j < 4; ++j) {
    jet_pt.push_back(column<float>(fmt::format("f{}", 6 + 4 * j)));
    jet_eta.push_back(column<float>(fmt::format("f{}", 7 + 4 * j)));
    btag.push_back(column<float>(fmt::format("f{}", 9 + 4 * j)));
  }
  for (std::size_t i = 0; i < lepton_pt.size(); ++i) {
    ASSERT_GE(lepton_pt[i], 25.0f);
    ASSERT_GE(njets[i], 4.0f);
    for (std::size_t j = 0; j < 4; ++j) {
      ASSERT_GE(jet_pt[j][i], 25.0f);
      ASSERT_LT(std::abs(jet_eta[j][i]), 2.5f);
      ASSERT_TRUE(btag[j][i] == 0.0f || btag[j][i] == 1.0f);
      if (j > 0) {
        ASSERT_LE(jet_pt[j][i], jet_pt[j - 1][i]);
      }
    }
  }
}

TEST(PmassGenerator, UsesTheMassesItIsGivenAndIsDeterministicWhateverTheThreadCount) {
  TempDir one("pmass_t1"), two("pmass_t2");
  Options a = options_for(one.path(), 5000, 1);  // 20000 rows per file: two batches
  a.masses = {600, 2000};
  Options b = a;
  b.out_dir = two.path().string();
  b.threads = 2;
  evclass::generate::generate_pmass(a);
  evclass::generate::generate_pmass(b);
  for (const char* name : {"pmass_train.root", "pmass_test.root"}) expect_same_values(one.path() / name, two.path() / name);

  const auto masses = read<float>(one.path() / "pmass_train.root", "pmass", "mass");
  const auto mwwbb = read<float>(one.path() / "pmass_train.root", "pmass", "f26");
  std::vector<float> at_2000;
  for (std::size_t i = 0; i < masses.size(); ++i) {
    ASSERT_TRUE(masses[i] == 600.0f || masses[i] == 2000.0f);
    if (i % 2 == 0 && masses[i] == 2000.0f) at_2000.push_back(mwwbb[i]);
  }
  EXPECT_NEAR(mode(at_2000, 1000, 3000, 40), 2000, 120);
}

TEST(PmassGenerator, RejectsMassListsThatAreNotPositiveDistinctAndAboveTheTopPairThreshold) {
  TempDir dir("pmass_bad");
  const std::vector<std::vector<double>> bad = {{0}, {-500}, {500, 750, 500}, {100}, {std::nan("")}, {1e6}};
  for (const auto& masses : bad) {
    Options o = options_for(dir.path(), 10);
    o.masses = masses;
    try {
      (void)evclass::generate::generate_pmass(o);
      ADD_FAILURE() << "no error for mass " << masses.back();
    } catch (const evclass::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("--masses"), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(dir.path() / "pmass_train.root"));
}

}  // namespace
