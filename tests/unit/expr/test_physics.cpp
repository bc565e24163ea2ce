// Physics helpers against four-vector sums written out here (momenta from the polar angle
// theta = 2 atan(exp(-eta)), as the H -> ZZ -> 4l notebook computes them).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "evclass/core/error.hpp"
#include "table.hpp"

namespace evclass::expr::test {
namespace {

using Lists = std::vector<std::vector<double>>;
const double kNaN = std::nan("");

/// Masses in MeV from float inputs: agree to 0.01 MeV (E^2 - p^2 cancels for light systems).
bool close_mass(double got, double want) {
  if (std::isnan(got) || std::isnan(want)) return std::isnan(got) && std::isnan(want);
  return std::fabs(got - want) <= 1e-2 + 1e-9 * std::fabs(want);
}

struct P4 {
  double px = 0, py = 0, pz = 0, e = 0;
};

P4 momentum(double pt, double eta, double phi, double e) {
  const double theta = 2 * std::atan(std::exp(-eta));
  const double p = pt / std::sin(theta);
  return {p * std::sin(theta) * std::cos(phi), p * std::sin(theta) * std::sin(phi), p * std::cos(theta), e};
}

double invariant_mass(const std::vector<P4>& parts) {
  P4 s;
  for (const auto& q : parts) {
    s.px += q.px;
    s.py += q.py;
    s.pz += q.pz;
    s.e += q.e;
  }
  const double m2 = s.e * s.e - s.px * s.px - s.py * s.py - s.pz * s.pz;
  return m2 > 0 ? std::sqrt(m2) : 0;
}

struct Leptons {
  Lists pt, eta, phi, e, charge, type;
  Table table;
  Leptons(std::size_t rows, int max_len, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    pt = random_lists(rng, rows, max_len, 7000, 90000);
    eta = like(rng, pt, -2.5, 2.5);
    phi = like(rng, pt, -std::numbers::pi, std::numbers::pi);
    e = pt;
    charge = pt;
    type = pt;
    std::uniform_real_distribution<double> mass(0, 200);
    std::bernoulli_distribution coin(0.5);
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t i = 0; i < pt[r].size(); ++i) {
        const double p = pt[r][i] * std::cosh(eta[r][i]);
        e[r][i] = std::sqrt(p * p + mass(rng) * mass(rng));
        charge[r][i] = coin(rng) ? 1 : -1;
        type[r][i] = coin(rng) ? 11 : 13;
      }
    }
    table.add("lep_pt", jagged<float>(pt));
    table.add("lep_eta", jagged<float>(eta));
    table.add("lep_phi", jagged<float>(phi));
    table.add("lep_E", jagged<float>(e));
    table.add("lep_charge", jagged<std::int32_t>(charge));
    table.add("lep_type", jagged<std::uint32_t>(type));
    // The columns hold floats: the references use the same rounded values.
    for (auto* l : {&pt, &eta, &phi, &e})
      for (auto& row : *l)
        for (auto& v : row) v = static_cast<float>(v);
  }
  P4 p4(std::size_t r, std::size_t i) const { return momentum(pt[r][i], eta[r][i], phi[r][i], e[r][i]); }
};

TEST(ExprPhysics, MassOfAllObjectsEqualsTheFourVectorSum) {
  Leptons lep(2000, 5, 21);
  const auto m = numbers(lep.table.eval("mass(lep_pt, lep_eta, lep_phi, lep_E)", 2000));
  const auto m2 = numbers(lep.table.eval("mass(lep_pt, lep_eta, lep_phi, lep_E, 2)", 2000));
  for (std::size_t r = 0; r < m.size(); ++r) {
    std::vector<P4> all, first2;
    for (std::size_t i = 0; i < lep.pt[r].size(); ++i) {
      all.push_back(lep.p4(r, i));
      if (i < 2) first2.push_back(lep.p4(r, i));
    }
    EXPECT_TRUE(close_mass(m[r], invariant_mass(all))) << r;
    if (lep.pt[r].size() < 2) EXPECT_TRUE(std::isnan(m2[r])) << r;
    else EXPECT_TRUE(close_mass(m2[r], invariant_mass(first2))) << r;
  }
}

TEST(ExprPhysics, MassFromCartesianComponentsAndSystemPt) {
  Table t;
  t.add("px", jagged({{3, 1}, {}}));
  t.add("py", jagged({{0, 4}, {}}));
  t.add("pz", jagged({{2, -2}, {}}));
  t.add("E", jagged({{10, 6}, {}}));
  // Sum: (4, 4, 0, 16): m = sqrt(256 - 32).
  const auto m = numbers(t.eval("mass_pxpypze(px, py, pz, E)", 2));
  EXPECT_NEAR(m[0], std::sqrt(224.0), 1e-12);
  EXPECT_EQ(m[1], 0);
  t.add("pt", jagged({{3, 4}, {5}}));
  t.add("phi", jagged({{0, std::numbers::pi / 2}, {1}}));
  EXPECT_EQ(numbers(t.eval("system_pt(pt, phi)", 2))[0], 5);
  EXPECT_NEAR(numbers(t.eval("sum_pt(pt, phi, phi, pt, 1)", 2))[0], 3, 1e-12);
}

struct OssfReference {
  double closest = kNaN, other = kNaN, minimum = kNaN;
};

OssfReference ossf_brute_force(const Leptons& lep, std::size_t r, double target) {
  OssfReference out;
  const std::size_t n = lep.pt[r].size();
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (lep.charge[r][i] == lep.charge[r][j] || lep.type[r][i] != lep.type[r][j]) continue;
      const double m = invariant_mass({lep.p4(r, i), lep.p4(r, j)});
      if (std::isnan(out.minimum) || m < out.minimum) out.minimum = m;
      if (std::fabs(m - target) < best) {
        best = std::fabs(m - target);
        out.closest = m;
        std::vector<P4> rest;
        for (std::size_t k = 0; k < n; ++k)
          if (k != i && k != j) rest.push_back(lep.p4(r, k));
        out.other = rest.empty() ? kNaN : invariant_mass(rest);
      }
    }
  }
  return out;
}

TEST(ExprPhysics, OssfPairClosestToTheZAndTheOtherLeptonsMatchBruteForce) {
  Leptons lep(3000, 6, 5);
  const std::string args = "lep_pt, lep_eta, lep_phi, lep_E, lep_charge, lep_type";
  const auto z1 = numbers(lep.table.eval("ossf_mass_closest(" + args + ", 91187.6)", 3000));
  const auto z2 = numbers(lep.table.eval("ossf_other_mass(" + args + ", 91187.6)", 3000));
  const auto lo = numbers(lep.table.eval("ossf_min_mass(" + args + ")", 3000));
  int with_pair = 0;
  for (std::size_t r = 0; r < z1.size(); ++r) {
    const auto want = ossf_brute_force(lep, r, 91187.6);
    with_pair += !std::isnan(want.closest);
    EXPECT_TRUE(close_mass(z1[r], want.closest)) << r << ": " << z1[r] << " vs " << want.closest;
    EXPECT_TRUE(close_mass(z2[r], want.other)) << r << ": " << z2[r] << " vs " << want.other;
    EXPECT_TRUE(close_mass(lo[r], want.minimum)) << r;
  }
  EXPECT_GT(with_pair, 1000);  // the test exercises real pairs
}

TEST(ExprPhysics, MinDeltaRMatchesBruteForceOverAllPairs) {
  std::mt19937_64 rng(9);
  const Lists eta1 = random_lists(rng, 1000, 4, -2.5, 2.5), eta2 = random_lists(rng, 1000, 5, -2.5, 2.5);
  const Lists phi1 = like(rng, eta1, -3.14, 3.14), phi2 = like(rng, eta2, -3.14, 3.14);
  Table t;
  t.add("photon_eta", jagged(eta1));
  t.add("photon_phi", jagged(phi1));
  t.add("jet_eta", jagged(eta2));
  t.add("jet_phi", jagged(phi2));
  const auto cross = numbers(t.eval("min_delta_r(photon_eta, photon_phi, jet_eta, jet_phi)", 1000));
  const auto self = numbers(t.eval("min_delta_r(jet_eta, jet_phi)", 1000));
  auto dr = [](double a, double b, double c, double d) {
    double dphi = std::fabs(b - d);
    if (dphi > std::numbers::pi) dphi = 2 * std::numbers::pi - dphi;
    return std::sqrt((a - c) * (a - c) + dphi * dphi);
  };
  for (std::size_t r = 0; r < cross.size(); ++r) {
    double want = kNaN, want_self = kNaN;
    for (std::size_t i = 0; i < eta1[r].size(); ++i)
      for (std::size_t j = 0; j < eta2[r].size(); ++j) {
        const double d = dr(eta1[r][i], phi1[r][i], eta2[r][j], phi2[r][j]);
        if (std::isnan(want) || d < want) want = d;
      }
    for (std::size_t i = 0; i < eta2[r].size(); ++i)
      for (std::size_t j = i + 1; j < eta2[r].size(); ++j) {
        const double d = dr(eta2[r][i], phi2[r][i], eta2[r][j], phi2[r][j]);
        if (std::isnan(want_self) || d < want_self) want_self = d;
      }
    EXPECT_TRUE(same(cross[r], want, 1e-12)) << r;
    EXPECT_TRUE(same(self[r], want_self, 1e-12)) << r;
  }
}

TEST(ExprPhysics, TheHiggsFourLeptonSelectionReadsAsWritten) {
  Leptons lep(2000, 5, 77);
  std::vector<double> n;
  for (const auto& l : lep.pt) n.push_back(static_cast<double>(l.size()));
  lep.table.add("lep_n", flat<std::uint32_t>(n));
  const auto sel = numbers(lep.table.eval("lep_n == 4 && sum(lep_charge) == 0 && lep_pt[0] > 25000", 2000));
  int passed = 0;
  for (std::size_t r = 0; r < sel.size(); ++r) {
    double q = 0;
    for (double c : lep.charge[r]) q += c;
    const bool want = lep.pt[r].size() == 4 && q == 0 && lep.pt[r][0] > 25000;
    passed += want;
    EXPECT_EQ(sel[r], want ? 1 : 0) << r;
  }
  EXPECT_GT(passed, 10);
}

}  // namespace
}  // namespace evclass::expr::test

namespace evclass::expr::test {
namespace {

TEST(ExprPhysics, TheRecipesOfTheDocumentationTypeCheck) {
  Table t;
  for (const char* name : {"lep_pt", "lep_eta", "lep_phi", "lep_E", "lep_charge", "lep_type", "lep_etcone20",
                           "photon_pt", "photon_eta", "photon_phi", "photon_E", "photon_isTightID", "jet_pt",
                           "jet_E", "jet_MV2c10"})
    t.add(name, jagged({{1}}));
  t.add("lep_n", flat({1}));
  t.add("photon_n", flat({1}));
  const std::vector<std::pair<std::string, ResultType>> recipes = {
      {"lep_n == 4 && sum(lep_charge) == 0", ResultType::kBool},
      {"sum(lep_type) == 44 || sum(lep_type) == 48 || sum(lep_type) == 52", ResultType::kBool},
      {"sort_desc(lep_pt)[1] > 15000 && sort_desc(lep_pt)[2] > 10000", ResultType::kBool},
      {"all(where(lep_type == 13, lep_etcone20 / lep_pt < 0.3, lep_etcone20 / lep_pt < 0.2))", ResultType::kBool},
      {"ossf_min_mass(lep_pt, lep_eta, lep_phi, lep_E, lep_charge, lep_type) > 5000", ResultType::kBool},
      {"mass(lep_pt, lep_eta, lep_phi, lep_E) / 1000", ResultType::kNumber},
      {"photon_n >= 2 && leading(photon_pt, photon_pt) > 35000 && subleading(photon_pt, photon_pt) > 25000",
       ResultType::kBool},
      {"abs(leading(photon_eta, photon_pt)) < 1.37 || (abs(leading(photon_eta, photon_pt)) > 1.52 && "
       "abs(leading(photon_eta, photon_pt)) < 2.37)",
       ResultType::kBool},
      {"mass(photon_pt[argsort_desc(photon_pt)], photon_eta[argsort_desc(photon_pt)], "
       "photon_phi[argsort_desc(photon_pt)], photon_E[argsort_desc(photon_pt)], 2)",
       ResultType::kNumber},
      {"length(jet_pt[jet_MV2c10 > 0.8244])", ResultType::kNumber},
      {"jet_pt[jet_MV2c10 > 0.8244]", ResultType::kList},
  };
  for (const auto& [text, type] : recipes) {
    EXPECT_EQ(Expression::parse(text).check(t.kinds(), t.names()), type) << text;
    EXPECT_NO_THROW((void)t.eval(text, 1)) << text;
  }
}

}  // namespace
}  // namespace evclass::expr::test
