#include "processes.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "decays.hpp"

namespace evclass::generate::detail {

namespace {

constexpr double kPi = std::numbers::pi;


/// Extra jets from initial-state radiation: Poisson number, falling pT spectrum above 15 GeV,
/// wide in rapidity; gluon splitting gives a few c- and b-jets.
void add_initial_state_jets(double mean_count, Rng& rng, TruthEvent& truth) {
  const std::int64_t n = rng.poisson(mean_count);
  for (std::int64_t i = 0; i < n; ++i) {
    const double pt = 15.0 + rng.exponential(18.0);
    const double u = rng.uniform();
    const int flavour = u < 0.03 ? 5 : (u < 0.08 ? 4 : 0);
    truth.jets.push_back({FourVector::from_pt_eta_phi_m(pt, rng.normal(0.0, 2.2), rng.phi(), 0.0), flavour});
  }
}

/// A system of mass m whose transverse momentum balances `recoil` (plus a Gaussian kick of
/// `kick` GeV per component), at rapidity y.
FourVector balancing(const FourVector& recoil, double kick, double y, double m, Rng& rng) {
  const double px = -recoil.px + rng.normal(0.0, kick), py = -recoil.py + rng.normal(0.0, kick);
  return FourVector::from_pt_y_phi_m(quadrature(px, py), y, std::atan2(py, px), m);
}

/// Mass drawn from a log-uniform (1/m) spectrum, as for a virtual photon.
double log_uniform(double lo, double hi, Rng& rng) { return lo * std::pow(hi / lo, rng.uniform()); }

/// Mass drawn from a power law m^-k between lo and hi (inverse CDF), k != 1.
double power_law(double k, double lo, double hi, Rng& rng) {
  const double a = std::pow(lo, 1.0 - k), b = std::pow(hi, 1.0 - k);
  return std::pow(a + rng.uniform() * (b - a), 1.0 / (1.0 - k));
}

/// Momentum of a quark from gluon splitting or top decay, as a massless jet.
FourVector jet_vector(double pt, double eta, double phi) { return FourVector::from_pt_eta_phi_m(pt, eta, phi, 0.0); }

}  // namespace

FourVector produce_ggf_higgs(Rng& rng, TruthEvent& truth) {
  // Higgs pT: Gamma(2, 14 GeV), mean 28 GeV; rapidity spread of gluon-gluon luminosities.
  const double pt = rng.gamma(2, 14.0), y = rng.normal(0.0, 1.6), phi = rng.phi();
  const FourVector higgs = FourVector::from_pt_y_phi_m(pt, y, phi, kHiggsMass);
  if (pt > 15.0) {  // the radiation that gave the Higgs its pT is a jet recoiling against it
    const double jet_pt = pt * rng.normal_clipped(1.0, 0.25);
    truth.jets.push_back({jet_vector(jet_pt, rng.normal(0.0, 2.0), phi + kPi + rng.normal(0.0, 0.3)), 0});
  }
  add_initial_state_jets(0.3, rng, truth);
  return higgs;
}

FourVector produce_vbf_higgs(Rng& rng, TruthEvent& truth) {
  // Tagging jets: one in each hemisphere around |eta| = 2.3 (a large rapidity gap), pT of tens of GeV
  // (W/Z emission from the incoming quarks), the whole system boosted along the beam.
  const double boost = rng.normal(0.0, 0.6);
  const double side = rng.sign();
  const double eta1 = side * rng.normal(2.3, 1.0) + boost, eta2 = -side * rng.normal(2.3, 1.0) + boost;
  const double phi1 = rng.phi();
  const FourVector j1 = jet_vector(25.0 + rng.gamma(2, 25.0), eta1, phi1);
  const FourVector j2 = jet_vector(20.0 + rng.gamma(2, 12.0), eta2, phi1 + kPi + rng.normal(0.0, 1.2));
  truth.jets.push_back({j1, 0});
  truth.jets.push_back({j2, 0});
  // Colour-singlet exchange: little radiation into the gap.
  add_initial_state_jets(0.2, rng, truth);
  return balancing(j1 + j2, 10.0, rng.normal(0.0, 1.3) + boost, kHiggsMass, rng);
}

FourVector produce_tth_higgs(Rng& rng, TruthEvent& truth) {
  const FourVector higgs = FourVector::from_pt_y_phi_m(rng.gamma(2, 50.0), rng.normal(0.0, 1.2), rng.phi(), kHiggsMass);
  const double mt1 = rng.breit_wigner(kTopMass, kTopWidth, 160.0, 185.0);
  const double mt2 = rng.breit_wigner(kTopMass, kTopWidth, 160.0, 185.0);
  const FourVector top = FourVector::from_pt_y_phi_m(rng.gamma(2, 50.0), rng.normal(0.0, 1.2), rng.phi(), mt1);
  const FourVector antitop = balancing(higgs + top, 15.0, rng.normal(0.0, 1.2), mt2, rng);
  decay_top(top, +1, WMode::kInclusive, false, rng, truth);
  decay_top(antitop, -1, WMode::kInclusive, false, rng, truth);
  add_initial_state_jets(0.5, rng, truth);
  return higgs;
}

FourVector produce_wh_higgs(Rng& rng, TruthEvent& truth) {
  const double y = rng.normal(0.0, 1.4);
  const FourVector higgs = FourVector::from_pt_y_phi_m(rng.gamma(2, 30.0), y, rng.phi(), kHiggsMass);
  const double mw = rng.breit_wigner(kWMass, kWWidth, 50.0, 150.0);
  const FourVector w = balancing(higgs, 8.0, y + rng.normal(0.0, 1.0), mw, rng);
  const int charge = rng.bernoulli(0.6) ? +1 : -1;  // proton-proton: W+H about 1.6 times W-H
  decay_w(w, charge, WMode::kInclusive, rng, truth);
  add_initial_state_jets(0.4, rng, truth);
  return higgs;
}

FourVector produce_zh_higgs(Rng& rng, TruthEvent& truth) {
  const double y = rng.normal(0.0, 1.4);
  const FourVector higgs = FourVector::from_pt_y_phi_m(rng.gamma(2, 30.0), y, rng.phi(), kHiggsMass);
  const double mz = rng.breit_wigner(kZMass, kZWidth, 60.0, 120.0);
  decay_z_inclusive(balancing(higgs, 8.0, y + rng.normal(0.0, 1.0), mz, rng), rng, truth);
  add_initial_state_jets(0.4, rng, truth);
  return higgs;
}

void produce_zz_four_leptons(Rng& rng, TruthEvent& truth) {
  // Components (fractions of the cross-section): single-resonant Z -> 4l 25 %; Z Z*/gamma* with one
  // boson off-shell 22.5 % (the continuum between 100 and 180 GeV); two on-shell Z 52.5 %.
  constexpr double kSingleResonant = 0.25, kOffShellOfPairs = 0.3;
  double m4l = 0.0, m1 = 0.0, m2 = 0.0;
  if (rng.bernoulli(kSingleResonant)) {
    // Z -> l l gamma* -> 4l: the four leptons share the Z mass; the gamma* is light.
    m4l = rng.breit_wigner(kZMass, kZWidth, 80.0, 100.0);
    m2 = log_uniform(kMinDileptonMass, 30.0, rng);
    m1 = rng.uniform(std::min(40.0, m4l - m2 - 1.0), m4l - m2 - 0.5);
  } else {
    // The pair's mass rises from threshold with the phase space and falls with the parton
    // luminosities; with an off-shell boson it falls from threshold (an exponential of 20 GeV).
    m1 = rng.breit_wigner(kZMass, kZWidth, 60.0, 120.0);
    const bool off_shell = rng.bernoulli(kOffShellOfPairs);
    m2 = off_shell ? log_uniform(kMinDileptonMass, 60.0, rng) : rng.breit_wigner(kZMass, kZWidth, 60.0, 120.0);
    m4l = m1 + m2 + (off_shell ? rng.exponential(20.0) : rng.gamma(2, 25.0));
  }
  const FourVector system = FourVector::from_pt_y_phi_m(rng.gamma(2, 10.0), rng.normal(0.0, 1.6), rng.phi(), m4l);
  auto [v1, v2] = two_body_decay(system, m1, m2, rng.cos_theta(1.0), rng.phi());
  decay_to_lepton_pair(v1, random_light_lepton(rng), rng, truth);
  decay_to_lepton_pair(v2, random_light_lepton(rng), rng, truth);
  add_initial_state_jets(0.4, rng, truth);
}

void produce_z_plus_fake_leptons(int flavour, Rng& rng, TruthEvent& truth) {
  // Two jets recoiling against the Z; 75 % of the events have a heavy-flavour pair (60 % b, 40 % c)
  // whose semileptonic decays give the extra leptons, the rest light jets faking leptons.
  const double eta1 = rng.normal(0.0, 1.6), phi1 = rng.phi();
  const FourVector q1 = jet_vector(15.0 + rng.gamma(2, 12.0), eta1, phi1);
  const FourVector q2 = jet_vector(12.0 + rng.gamma(2, 9.0), eta1 + rng.normal(0.0, 1.2), phi1 + rng.normal(kPi, 0.9));
  if (rng.bernoulli(0.75)) {
    const int hf = rng.bernoulli(0.6) ? 5 : 4;
    // The quark gives l-, the antiquark l+; cascade decays (20 %) flip a sign.
    semileptonic_heavy_flavour(q1, hf, rng.bernoulli(0.2) ? +1 : -1, rng, truth);
    semileptonic_heavy_flavour(q2, hf, rng.bernoulli(0.2) ? -1 : +1, rng, truth);
  } else {
    light_hadron_fake_lepton(q1, rng, truth);
    light_hadron_fake_lepton(q2, rng, truth);
  }
  const double mz = rng.breit_wigner(kZMass, kZWidth, 60.0, 120.0);
  decay_to_lepton_pair(balancing(q1 + q2, 6.0, rng.normal(0.0, 1.6), mz, rng), flavour, rng, truth);
  add_initial_state_jets(0.4, rng, truth);
}

void produce_ttbar_four_leptons(Rng& rng, TruthEvent& truth) {
  const double mt1 = rng.breit_wigner(kTopMass, kTopWidth, 160.0, 185.0);
  const double mt2 = rng.breit_wigner(kTopMass, kTopWidth, 160.0, 185.0);
  const FourVector top = FourVector::from_pt_y_phi_m(rng.gamma(2, 45.0), rng.normal(0.0, 1.2), rng.phi(), mt1);
  const FourVector antitop = balancing(top, 15.0, rng.normal(0.0, 1.2), mt2, rng);
  decay_top(top, +1, WMode::kLightLepton, true, rng, truth);
  decay_top(antitop, -1, WMode::kLightLepton, true, rng, truth);
  add_initial_state_jets(0.6, rng, truth);
}

void produce_diphoton_continuum(Rng& rng, TruthEvent& truth) {
  // Mass falling like m^-4 (the shape of the ATLAS 13 TeV diphoton data between 105 and 160 GeV).
  const double m = power_law(4.0, kDiphotonMinMass, kDiphotonMaxMass, rng);
  const FourVector system = FourVector::from_pt_y_phi_m(rng.gamma(2, 12.0), rng.normal(0.0, 1.5), rng.phi(), m);
  // t-channel quark exchange: photons peaked forward and backward.
  auto [g1, g2] = two_body_decay(system, 0.0, 0.0, rng.cos_theta(2.0), rng.phi());
  truth.photons.push_back({g1, Origin::kPrompt, 0.0});
  truth.photons.push_back({g2, Origin::kPrompt, 0.0});
  // 78 % gamma gamma, 18 % gamma + jet, 4 % jet + jet: a fake photon is a pi0 carrying most of a
  // jet's momentum, with the rest of the jet around it.
  const double u = rng.uniform();
  const int fakes = u < 0.78 ? 0 : (u < 0.96 ? 1 : 2);
  const std::size_t first_fake = fakes == 1 && rng.bernoulli(0.5) ? 1 : 0;
  for (int k = 0; k < fakes; ++k) {
    TruthPhoton& photon = truth.photons[first_fake + static_cast<std::size_t>(k)];
    const double z = rng.uniform(0.6, 0.95);
    photon.origin = Origin::kLightHadron;
    photon.cone_et = photon.p.pt() * (1.0 / z - 1.0) * rng.uniform(0.3, 0.8);
  }
  add_initial_state_jets(0.9, rng, truth);
}

}  // namespace evclass::generate::detail
