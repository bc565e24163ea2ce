#include "detector.hpp"

#include <algorithm>
#include <cmath>

namespace evclass::generate::detail {

namespace {

constexpr double kMeV = 1000.0;  // GeV -> MeV
constexpr double kElectronMass = 0.000511, kMuonMass = 0.10566;  // GeV

// Acceptance of the inner detector / calorimeters.
constexpr double kElectronMaxEta = 2.47;
constexpr double kMuonMaxEta = 2.5;
constexpr double kPhotonMaxEta = 2.37;
constexpr double kJetMaxEta = 4.5;
constexpr double kTrackerMaxEta = 2.5;  // b-tagging and JVT need tracks
constexpr double kCrackLow = 1.37, kCrackHigh = 1.52;  // barrel-endcap transition of the EM calorimeter

// ---- resolutions ----

/// Relative energy resolution of the EM calorimeter, sigma/E = a/sqrt(E) (+) c, worse in the
/// barrel-endcap crack and for converted photons.
double em_resolution(double energy, double abs_eta, bool converted) {
  double stochastic = 0.10, constant = 0.007;  // barrel
  if (abs_eta > kCrackLow && abs_eta < kCrackHigh) {
    stochastic = 0.25, constant = 0.03;
  } else if (abs_eta >= kCrackHigh) {
    stochastic = 0.15, constant = 0.01;
  }
  if (converted) stochastic *= 1.2;
  return quadrature(stochastic / std::sqrt(energy), constant);
}

/// Relative muon momentum resolution: multiple scattering (1.7 %) (+) sagitta term growing with pT.
double muon_resolution(double pt) { return quadrature(0.017, 2.0e-4 * pt); }

/// Relative jet energy resolution: noise N/pT (+) stochastic S/sqrt(pT) (+) constant C.
double jet_resolution(double pt, double abs_eta) {
  const bool forward = abs_eta > kTrackerMaxEta;
  const double noise = forward ? 5.0 : 3.0, stochastic = forward ? 1.0 : 0.75, constant = forward ? 0.06 : 0.05;
  return std::sqrt(noise * noise / (pt * pt) + stochastic * stochastic / pt + constant * constant);
}

/// Transverse impact-parameter resolution in mm: 10 um intrinsic (+) multiple scattering
/// 90 um GeV / (pT sqrt(sin theta)); electrons lose energy by bremsstrahlung and get 30 % more.
double d0_resolution(double pt, double eta, bool electron) {
  const double sin_theta = 1.0 / std::cosh(eta);
  const double sigma = quadrature(0.010, 0.090 / (pt * std::sqrt(sin_theta)));
  return electron ? 1.3 * sigma : sigma;
}

// ---- objects ----

bool lepton_found(const TruthLepton& t, Rng& rng) {
  const bool electron = std::abs(t.pdg_id) == 11;
  const double pt = t.p.pt(), abs_eta = std::abs(t.p.eta());
  if (electron) {
    if (pt < kElectronMinPt || abs_eta > kElectronMaxEta) return false;
    // Identification efficiency rises from 85 % at threshold to 95 % above 15 GeV.
    const double eff = pt > 15.0 ? 0.95 : 0.85 + 0.10 * (pt - kElectronMinPt) / (15.0 - kElectronMinPt);
    return rng.bernoulli(eff);
  }
  if (pt < kMuonMinPt || abs_eta > kMuonMaxEta) return false;
  return rng.bernoulli(0.97);
}

RecoLepton reconstruct_lepton(const TruthLepton& t, Rng& rng) {
  const bool electron = std::abs(t.pdg_id) == 11;
  const bool prompt = t.origin == Origin::kPrompt;
  FourVector p = t.p;
  // Final-state radiation outside the lepton's cone: 8 % of prompt leptons lose a fraction of
  // their energy, which gives masses built from leptons their low-side tail.
  if (prompt && rng.bernoulli(0.08)) p = p.scaled(1.0 - 0.3 * std::pow(rng.uniform(), 2.0));
  const double eta = p.eta(), phi = p.phi();  // tracks measure directions far better than we need
  const double resolution = electron ? em_resolution(p.e, std::abs(eta), false) : muon_resolution(p.pt());
  const double pt = p.pt() * std::max(0.05, 1.0 + resolution * rng.normal());
  const double mass = electron ? kElectronMass : kMuonMass;
  const FourVector measured = FourVector::from_pt_eta_phi_m(pt, eta, phi, mass);

  RecoLepton r;
  r.pt = static_cast<float>(pt * kMeV);
  r.eta = static_cast<float>(eta);
  r.phi = static_cast<float>(phi);
  r.e = static_cast<float>(measured.e * kMeV);
  r.charge = t.pdg_id > 0 ? -1 : 1;  // PDG: positive ids are the negatively charged leptons
  r.type = electron ? 11u : 13u;
  // Isolation: hadronic activity in the cone plus pile-up noise (after pile-up subtraction the
  // calorimeter sum can be negative, as in the real ntuples); track isolation is often exactly 0.
  const double ue = prompt ? rng.exponential(0.3) : 0.0;  // underlying event, GeV
  r.etcone20 = static_cast<float>((t.cone_et + ue + rng.normal(0.15, 0.8)) * kMeV);
  double ptcone = 0.0;
  if (prompt) {
    if (rng.bernoulli(0.3)) ptcone = rng.exponential(1.0);
  } else {
    ptcone = 0.6 * t.cone_et * rng.uniform(0.5, 1.5) + rng.exponential(0.5);  // charged fraction of the jet
  }
  r.ptcone30 = static_cast<float>(ptcone * kMeV);
  // Impact parameters: resolution, plus the flight of a b/c hadron for non-prompt leptons.
  const double sigma_d0 = d0_resolution(pt, eta, electron);
  r.d0 = static_cast<float>(t.lifetime_d0 + sigma_d0 * rng.normal());
  r.d0_sigma = static_cast<float>(sigma_d0 * rng.normal_clipped(1.0, 0.05));  // per-track error estimate
  const double sigma_z0 = quadrature(0.05, 0.2 / pt);  // mm
  r.z0 = static_cast<float>(sigma_z0 * rng.normal() + (prompt ? 0.0 : rng.sign() * rng.exponential(0.2)));
  r.truth_matched = prompt;
  r.tight_id = rng.bernoulli(prompt ? 0.93 : 0.55);
  return r;
}

bool photon_found(const TruthPhoton& t, Rng& rng) {
  if (t.p.pt() < kPhotonMinPt || std::abs(t.p.eta()) > kPhotonMaxEta) return false;
  return t.origin != Origin::kPrompt || rng.bernoulli(0.97);
}

RecoPhoton reconstruct_photon(const TruthPhoton& t, Rng& rng) {
  const bool prompt = t.origin == Origin::kPrompt;
  const double eta = t.p.eta(), abs_eta = std::abs(eta);
  RecoPhoton r;
  // About a third of the photons convert to e+e- in the inner detector (more in the endcaps).
  const double conversion_probability = abs_eta < kCrackLow ? 0.30 : 0.45;
  r.conv_type = rng.bernoulli(conversion_probability) ? 1 + static_cast<int>(rng.uniform() * 5.0) : 0;
  const double resolution = em_resolution(t.p.e, abs_eta, r.conv_type != 0);
  const FourVector measured = t.p.scaled(std::max(0.05, 1.0 + resolution * rng.normal()));
  r.pt = static_cast<float>(measured.pt() * kMeV);
  r.eta = static_cast<float>(eta);  // the calorimeter's direction resolution is negligible here
  r.phi = static_cast<float>(t.p.phi());
  r.e = static_cast<float>(measured.e * kMeV);
  // Pile-up subtracted calorimeter isolation is centred below zero for isolated photons (the
  // seed's selection, etcone20 < 0.065 MeV, keeps mostly these); fakes sit inside jets.
  r.etcone20 = static_cast<float>((t.cone_et + rng.normal(-0.6, 0.55)) * kMeV);
  double ptcone = 0.0;
  if (prompt) {
    if (rng.bernoulli(0.05)) ptcone = rng.exponential(1.0);
  } else if (rng.bernoulli(0.7)) {
    ptcone = 0.6 * t.cone_et * rng.uniform(0.5, 1.5);
  }
  r.ptcone30 = static_cast<float>(ptcone * kMeV);
  r.truth_matched = prompt;
  const double tight_efficiency = prompt ? (abs_eta < kCrackLow ? 0.93 : 0.88) : 0.20;
  r.tight_id = rng.bernoulli(tight_efficiency);
  return r;
}

/// MV2c10 output: tanh of a Gaussian whose mean depends on the flavour, tuned so that the 70 %
/// working point keeps 70 % of b-jets, about 9 % of c-jets and 0.3 % of light jets.
float btag_score(int flavour, double abs_eta, Rng& rng) {
  double mean = -1.3, sigma = 0.9;  // light
  if (abs_eta < kTrackerMaxEta) {
    if (flavour == 5) mean = 1.65, sigma = 0.9;
    if (flavour == 4) mean = 0.1, sigma = 0.8;
  }
  return static_cast<float>(std::tanh(rng.normal(mean, sigma)));
}

RecoJet reconstruct_jet(const TruthJet& t, double eta, Rng& rng) {
  const double abs_eta = std::abs(eta);
  // Energy scale smeared by the resolution; the axis by 0.03 in eta and phi (calorimeter granularity).
  const double pt = t.p.pt() * std::max(0.05, 1.0 + jet_resolution(t.p.pt(), abs_eta) * rng.normal());
  const double measured_eta = eta + rng.normal(0.0, 0.03);
  const double measured_phi = delta_phi(t.p.phi() + rng.normal(0.0, 0.03), 0.0);
  const FourVector measured = FourVector::from_pt_eta_phi_m(pt, measured_eta, measured_phi, t.p.m());
  RecoJet r;
  r.pt = static_cast<float>(pt * kMeV);
  r.eta = static_cast<float>(measured_eta);
  r.phi = static_cast<float>(measured_phi);
  r.e = static_cast<float>(measured.e * kMeV);
  // Jet-vertex tagger: hard-scatter jets sit near 1 (only jets passing the JVT cut are kept).
  const bool jvt_region = abs_eta < 2.4 && pt < 60.0;
  r.jvt = jvt_region ? static_cast<float>(std::max(0.6, 1.0 - rng.exponential(0.03))) : 1.0f;
  r.mv2c10 = btag_score(t.flavour, abs_eta, rng);
  r.true_flavour = t.flavour;
  r.truth_matched = true;
  return r;
}

// ---- event-level quantities ----

/// Missing transverse momentum: neutrinos, minus the mismeasurement of the reconstructed objects,
/// plus a soft term whose resolution grows with the scalar sum of transverse energies.
void missing_et(const TruthEvent& truth, const FourVector& truth_visible, const FourVector& reco_visible,
                double scalar_et, Rng& rng, RecoEvent& reco) {
  const double soft_resolution = 0.6 * std::sqrt(scalar_et + 250.0);  // GeV; 250 GeV of soft activity
  const double mx = truth.invisible.px + truth_visible.px - reco_visible.px + soft_resolution * rng.normal();
  const double my = truth.invisible.py + truth_visible.py - reco_visible.py + soft_resolution * rng.normal();
  reco.met_et = static_cast<float>(quadrature(mx, my) * kMeV);
  reco.met_phi = static_cast<float>(std::atan2(my, mx));
}

void triggers(Rng& rng, RecoEvent& reco) {
  constexpr float kSingle = 25.0 * kMeV, kDiElectron = 15.0 * kMeV, kDiMuon = 10.0 * kMeV;
  int electrons_single = 0, electrons_di = 0, muons_single = 0, muons_di = 0;
  for (const auto& l : reco.leptons) {
    const bool electron = l.type == 11u;
    if (l.pt > kSingle) (electron ? electrons_single : muons_single)++;
    if (l.pt > (electron ? kDiElectron : kDiMuon)) (electron ? electrons_di : muons_di)++;
  }
  reco.trig_e = (electrons_single > 0 && rng.bernoulli(0.96)) || (electrons_di >= 2 && rng.bernoulli(0.90));
  reco.trig_m = (muons_single > 0 && rng.bernoulli(0.92)) || (muons_di >= 2 && rng.bernoulli(0.88));
  for (auto& l : reco.leptons) {
    const bool fired = l.type == 11u ? reco.trig_e : reco.trig_m;
    l.trig_matched = fired && l.pt > (l.type == 11u ? kDiElectron : kDiMuon) && rng.bernoulli(0.95);
  }
  // Diphoton trigger (loose photons above 35 and 25 GeV).
  const auto& photons = reco.photons;
  const bool diphoton = photons.size() >= 2 && photons[0].pt > 35.0 * kMeV && photons[1].pt > 25.0 * kMeV;
  reco.trig_p = diphoton && rng.bernoulli(0.98);
  for (auto& g : reco.photons) g.trig_matched = reco.trig_p && g.pt > 25.0 * kMeV && rng.bernoulli(0.97);
}

/// Scale factors correct simulated efficiencies to data; each is a product of per-object factors
/// scattered symmetrically around 1, so their mean is 1 and expected yields stay those of the model.
void scale_factors(Rng& rng, RecoEvent& reco) {
  EventWeights& w = reco.weights;
  w.pileup = static_cast<float>(rng.normal_clipped(1.0, 0.10));
  double electron = 1.0, muon = 1.0, photon = 1.0, btag = 1.0;
  for (const auto& l : reco.leptons) (l.type == 11u ? electron : muon) *= rng.normal_clipped(1.0, l.type == 11u ? 0.02 : 0.01);
  for (std::size_t i = 0; i < reco.photons.size(); ++i) photon *= rng.normal_clipped(1.0, 0.015);
  for (const auto& j : reco.jets) btag *= rng.normal_clipped(1.0, j.true_flavour == 5 ? 0.02 : 0.005);
  w.electron = static_cast<float>(electron);
  w.muon = static_cast<float>(muon);
  w.photon = static_cast<float>(photon);
  w.btag = static_cast<float>(btag);
  w.tau = 1.0f;
  w.lepton_trigger = reco.trig_e || reco.trig_m ? static_cast<float>(rng.normal_clipped(1.0, 0.01)) : 1.0f;
  w.photon_trigger = reco.trig_p ? static_cast<float>(rng.normal_clipped(1.0, 0.005)) : 1.0f;
}

template <class T>
void sort_by_pt(std::vector<T>& objects) {
  std::stable_sort(objects.begin(), objects.end(), [](const T& a, const T& b) { return a.pt > b.pt; });
}

FourVector measured_vector(float pt_mev, float phi) {
  const double pt = pt_mev / kMeV;
  return {pt * std::cos(phi), pt * std::sin(phi), 0.0, 0.0};
}

}  // namespace

std::size_t reconstructable_leptons(const TruthEvent& truth) noexcept {
  // 0.7 x threshold: a 30 % upward fluctuation is more than 8 standard deviations even for a
  // 7 GeV electron (3.8 % resolution).
  constexpr double kMargin = 0.7;
  std::size_t n = 0;
  for (const auto& t : truth.leptons) {
    const bool electron = std::abs(t.pdg_id) == 11;
    const double pt = t.p.pt(), abs_eta = std::abs(t.p.eta());
    if (electron ? (pt > kMargin * kElectronMinPt && abs_eta <= kElectronMaxEta)
                 : (pt > kMargin * kMuonMinPt && abs_eta <= kMuonMaxEta))
      ++n;
  }
  return n;
}

bool reconstruct(const TruthEvent& truth, Rng& rng, RecoEvent& reco, std::size_t min_leptons) {
  reco.clear();
  FourVector truth_visible, reco_visible;  // transverse sums of the reconstructed objects
  double scalar_et = 0.0;
  auto account = [&](const FourVector& truth_p, float pt_mev, float phi) {
    truth_visible += FourVector{truth_p.px, truth_p.py, 0.0, 0.0};
    reco_visible += measured_vector(pt_mev, phi);
    scalar_et += pt_mev / kMeV;
  };
  for (const auto& t : truth.leptons) {
    if (!lepton_found(t, rng)) continue;
    reco.leptons.push_back(reconstruct_lepton(t, rng));
    account(t.p, reco.leptons.back().pt, reco.leptons.back().phi);
  }
  if (reco.leptons.size() < min_leptons) return false;
  for (const auto& t : truth.photons) {
    if (!photon_found(t, rng)) continue;
    reco.photons.push_back(reconstruct_photon(t, rng));
    account(t.p, reco.photons.back().pt, reco.photons.back().phi);
  }
  for (const auto& t : truth.jets) {
    if (t.p.pt() < 0.5 * kJetMinPt) continue;
    const double eta = t.p.eta();
    if (std::abs(eta) > kJetMaxEta) continue;
    RecoJet jet = reconstruct_jet(t, eta, rng);
    if (jet.pt < kJetMinPt * kMeV) continue;
    reco.jets.push_back(jet);
    account(t.p, jet.pt, jet.phi);
  }
  sort_by_pt(reco.leptons);
  sort_by_pt(reco.photons);
  sort_by_pt(reco.jets);
  missing_et(truth, truth_visible, reco_visible, scalar_et, rng, reco);
  triggers(rng, reco);
  scale_factors(rng, reco);
  return true;
}

}  // namespace evclass::generate::detail
