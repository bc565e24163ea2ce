#include "decays.hpp"

#include <algorithm>
#include <cmath>

namespace evclass::generate::detail {

namespace {

/// Breit–Wigner in s = m^2, scaled to 1 at the pole.
double breit_wigner_s(double s, double mass, double width) {
  const double mw2 = mass * mass * width * width;
  return mw2 / ((s - mass * mass) * (s - mass * mass) + mw2);
}

/// Polarisation sum of H -> V1 V2 -> 4 massless fermions for a scalar coupling g^{mu nu}:
/// s1 s2 (2 + (p1.p2)^2 / (s1 s2)) with p1.p2 = (mH^2 - s1 - s2) / 2.
double higgs_vv_matrix_element(double s1, double s2) {
  const double dot = 0.5 * (kHiggsMass * kHiggsMass - s1 - s2);
  return 2.0 * s1 * s2 + dot * dot;
}

/// Ordered masses (m1 >= m2) of the two Z bosons in H -> Z Z*: accept-reject with proposal
/// s1 ~ Breit–Wigner, s2 uniform over its allowed range; the weight is the rest of the density.
struct ZPairSampler {
  double lo = kMinDileptonMass;
  double weight_max = 0.0;
  BreitWigner heavier{kZMass, kZWidth, kMinDileptonMass, kHiggsMass - kMinDileptonMass};

  ZPairSampler() {
    // Upper bound of the weight from a grid scan, with 20 % margin for values between grid points.
    constexpr int kSteps = 400;
    for (int i = 0; i <= kSteps; ++i) {
      const double m1 = lo + (kHiggsMass - 2 * lo) * i / kSteps;
      for (int j = 0; j <= kSteps; ++j) {
        const double m2 = lo + (std::min(m1, kHiggsMass - m1) - lo) * j / kSteps;
        weight_max = std::max(weight_max, weight(m1, m2));
      }
    }
    weight_max *= 1.2;
  }

  [[nodiscard]] double weight(double m1, double m2) const {
    const double upper = std::min(m1, kHiggsMass - m1);
    if (m2 > upper || upper <= lo) return 0.0;
    const double range = upper * upper - lo * lo;  // s2 proposal was uniform over this
    return range * breit_wigner_s(m2 * m2, kZMass, kZWidth) * breakup_momentum(kHiggsMass, m1, m2) *
           higgs_vv_matrix_element(m1 * m1, m2 * m2);
  }

  [[nodiscard]] std::pair<double, double> sample(Rng& rng) const {
    for (;;) {
      const double m1 = heavier(rng);
      const double upper = std::min(m1, kHiggsMass - m1);
      if (upper <= lo) continue;
      const double m2 = std::sqrt(rng.uniform(lo * lo, upper * upper));
      if (rng.uniform() * weight_max <= weight(m1, m2)) return {m1, m2};
    }
  }
};

/// A lepton of the given flavour and charge (+1/-1) as a PDG id.
int lepton_pdg(int flavour, int charge) { return charge < 0 ? flavour : -flavour; }

/// Neutrinos are only summed: their masses are zero for our purposes.
void add_invisible(TruthEvent& truth, const FourVector& p) { truth.invisible += p; }

/// The remaining energy of a jet within dR < 0.2 of a lepton inside it (GeV): most of a jet's
/// energy is close to its axis. In `isolated_fraction` of the cases the lepton looks isolated (it
/// took nearly all of the hadron's momentum, or the rest of the jet lies outside the cone): these
/// are the fakes that survive isolation cuts, as the reducible background does in real analyses.
double cone_energy_of(double jet_pt, double isolated_fraction, Rng& rng) {
  return jet_pt * (rng.bernoulli(isolated_fraction) ? rng.uniform(0.0, 0.05) : rng.uniform(0.3, 0.8));
}

}  // namespace

int random_light_lepton(Rng& rng) noexcept { return rng.bernoulli(0.5) ? kElectron : kMuon; }

void decay_to_lepton_pair(const FourVector& boson, int flavour, Rng& rng, TruthEvent& truth) {
  // Vector boson from q qbar: 1 + cos^2 angular distribution of the leptons.
  auto [minus, plus] = two_body_decay(boson, 0.0, 0.0, rng.cos_theta(1.0), rng.phi());
  truth.leptons.push_back({minus, lepton_pdg(flavour, -1), Origin::kPrompt});
  truth.leptons.push_back({plus, lepton_pdg(flavour, +1), Origin::kPrompt});
}

void decay_higgs_to_four_leptons(const FourVector& higgs, Rng& rng, TruthEvent& truth) {
  static const ZPairSampler sampler;
  auto [m1, m2] = sampler.sample(rng);
  auto [z1, z2] = isotropic_decay(higgs, m1, m2, rng);
  decay_to_lepton_pair(z1, random_light_lepton(rng), rng, truth);
  decay_to_lepton_pair(z2, random_light_lepton(rng), rng, truth);
}

void decay_higgs_to_photons(const FourVector& higgs, Rng& rng, TruthEvent& truth) {
  auto [g1, g2] = isotropic_decay(higgs, 0.0, 0.0, rng);
  truth.photons.push_back({g1, Origin::kPrompt, 0.0});
  truth.photons.push_back({g2, Origin::kPrompt, 0.0});
}

void decay_w(const FourVector& w, int charge, WMode mode, Rng& rng, TruthEvent& truth) {
  // PDG: BR(W -> e nu) = BR(mu nu) = 10.8 %, BR(tau nu) = 11.3 %, hadrons 67.6 %.
  const double u = mode == WMode::kLightLepton ? 0.216 * rng.uniform() : rng.uniform();
  if (u < 0.216) {
    const int flavour = u < 0.108 ? kElectron : kMuon;
    auto [lepton, neutrino] = isotropic_decay(w, 0.0, 0.0, rng);
    truth.leptons.push_back({lepton, lepton_pdg(flavour, charge), Origin::kPrompt});
    add_invisible(truth, neutrino);
    return;
  }
  if (u < 0.329) {
    // tau nu: the tau decays hadronically; its visible part (about half) is a narrow light jet.
    auto [tau, neutrino] = isotropic_decay(w, 0.0, 0.0, rng);
    const double visible = rng.uniform(0.3, 0.8);
    truth.jets.push_back({tau.scaled(visible), 0});
    add_invisible(truth, neutrino + tau.scaled(1.0 - visible));
    return;
  }
  // W -> u dbar or c sbar: half of the hadronic decays contain a charm quark.
  auto [q1, q2] = isotropic_decay(w, 0.0, 0.0, rng);
  truth.jets.push_back({q1, rng.bernoulli(0.5) ? 4 : 0});
  truth.jets.push_back({q2, 0});
}

void decay_z_inclusive(const FourVector& z, Rng& rng, TruthEvent& truth) {
  // PDG: ee 3.36 %, mumu 3.37 %, tautau 3.37 %, invisible 20.0 %, bb 15.1 %, cc 12.0 %, rest light.
  const double u = rng.uniform();
  if (u < 0.0673) {
    decay_to_lepton_pair(z, u < 0.0336 ? kElectron : kMuon, rng, truth);
    return;
  }
  auto [d1, d2] = isotropic_decay(z, 0.0, 0.0, rng);
  if (u < 0.1010) {  // tau tau, both hadronic
    const double v1 = rng.uniform(0.3, 0.8), v2 = rng.uniform(0.3, 0.8);
    truth.jets.push_back({d1.scaled(v1), 0});
    truth.jets.push_back({d2.scaled(v2), 0});
    add_invisible(truth, d1.scaled(1.0 - v1) + d2.scaled(1.0 - v2));
  } else if (u < 0.3010) {
    add_invisible(truth, z);
  } else {
    const int flavour = u < 0.4520 ? 5 : (u < 0.5720 ? 4 : 0);
    truth.jets.push_back({d1, flavour});
    truth.jets.push_back({d2, flavour});
  }
}

void decay_top(const FourVector& top, int charge, WMode w_mode, bool semileptonic_b, Rng& rng, TruthEvent& truth) {
  const double mw = rng.breit_wigner(kWMass, kWWidth, 60.0, kTopMass - kBottomMass - 1.0);
  auto [b, w] = isotropic_decay(top, kBottomMass, mw, rng);
  decay_w(w, charge, w_mode, rng, truth);
  if (!semileptonic_b) {
    truth.jets.push_back({b, 5});
    return;
  }
  // t -> b, and b -> c l- nu: the lepton's charge is opposite to the top's, except for the cascade
  // b -> c -> s l+ nu (a fifth of the semileptonic decays), which flips it.
  const int cascade_sign = rng.bernoulli(0.2) ? -1 : 1;
  semileptonic_heavy_flavour(b, 5, -charge * cascade_sign, rng, truth);
}

void semileptonic_heavy_flavour(const FourVector& quark, int flavour, int lepton_charge, Rng& rng,
                                TruthEvent& truth) {
  const double z = rng.uniform(0.15, 0.6);  // momentum fraction carried by the lepton
  const double eta = quark.eta() + rng.normal(0.0, 0.08), phi = quark.phi() + rng.normal(0.0, 0.08);
  TruthLepton lepton;
  lepton.p = FourVector::from_pt_eta_phi_m(z * quark.pt(), eta, phi, 0.0);
  lepton.pdg_id = lepton_pdg(random_light_lepton(rng), lepton_charge);
  lepton.origin = Origin::kHeavyFlavour;
  const double rest_pt = (1.0 - z) * quark.pt();
  lepton.cone_et = cone_energy_of(rest_pt, 0.15, rng);
  // Flight of the b (c) hadron, c tau = 0.46 (0.12-0.31) mm: the lepton misses the primary vertex
  // by a typical transverse distance of that order.
  const double mean_d0 = flavour == 5 ? 0.15 : 0.08;  // mm
  lepton.lifetime_d0 = rng.sign() * rng.exponential(mean_d0);
  truth.leptons.push_back(lepton);
  truth.jets.push_back({quark.scaled(1.0 - z), flavour});
}

void light_hadron_fake_lepton(const FourVector& jet, Rng& rng, TruthEvent& truth) {
  const double z = rng.uniform(0.3, 0.8);  // momentum fraction of the leading hadron
  TruthLepton lepton;
  lepton.p = FourVector::from_pt_eta_phi_m(z * jet.pt(), jet.eta() + rng.normal(0.0, 0.04),
                                           jet.phi() + rng.normal(0.0, 0.04), 0.0);
  const int flavour = rng.bernoulli(0.7) ? kElectron : kMuon;  // mostly pi0 / conversion electrons
  lepton.pdg_id = lepton_pdg(flavour, rng.sign());
  lepton.origin = Origin::kLightHadron;
  // Conversions of photons from pi0 decays make the isolated-looking fakes here.
  lepton.cone_et = cone_energy_of((1.0 - z) * jet.pt(), 0.2, rng);
  // Pions and kaons decaying in flight give muons a small extra impact parameter.
  lepton.lifetime_d0 = flavour == kMuon ? rng.normal(0.0, 0.03) : 0.0;
  truth.leptons.push_back(lepton);
  truth.jets.push_back({jet.scaled(1.0 - z), 0});
}

}  // namespace evclass::generate::detail
