// The pmass physics model (see pmass_event.hpp; docs/generators.md has the full description).
//
// Each event: a t tbar system (a resonance of the requested mass, or the falling standard-model
// continuum) with a longitudinal boost and a transverse kick balanced by an initial-state jet;
// tops decay to W b with Breit-Wigner masses and the measured W helicity fractions; one W decays to
// a lepton and a neutrino, the other to two quarks; quarks sometimes radiate a resolved gluon.
// A simple LHC detector merges partons closer than the jet radius, smears leptons and jets, loses
// energy to semileptonic b decays, tags b jets, and measures the missing transverse momentum.
// Events need one lepton and four jets in the acceptance; the high-level masses are then
// reconstructed as an analysis would: the W mass gives the neutrino's longitudinal momentum, and a
// chi^2 of the W and top masses, with b-tagged jets as b candidates, assigns the four jets.

#include "generate/pmass_event.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "generate/lorentz.hpp"

namespace evclass::generate::pm {
namespace {

using mc::P4;
using mc::Rng;
using mc::Vec3;

constexpr double kSqrtS = 13000.0;  // GeV, proton-proton collision energy

// Masses and widths (GeV, PDG).
constexpr double kTop = 172.5;
constexpr double kTopWidth = 1.42;
constexpr double kW = 80.377;
constexpr double kWWidth = 2.085;
constexpr double kBottomMass = 4.78;

// The resonance's width relative to its mass (a broad Z'-like state; the detector resolution on
// m_wwbb is about twice this).
constexpr double kResonanceWidthFraction = 0.03;
// Standard-model t tbar: d(sigma)/dm ~ beta(m) m^-kTtbarSlope above 2 m_t, which puts the peak
// near 400 GeV and about 2% of events above 1 TeV, as at 13 TeV.
constexpr double kTtbarSlope = 5.0;
// Gluon fusion makes the tops forward in the t tbar frame: d(sigma)/d(cos) ~ 1/(1 - k beta^2 cos^2).
constexpr double kGluonForwardness = 0.9;
// Rapidity spread of the t tbar system as a fraction of the kinematic limit ln(sqrt(s)/m).
constexpr double kRapidityWidth = 0.35;
// Initial-state radiation: the system's pT is exponential with mean base + slope * m.
constexpr double kIsrPtBase = 20.0;
constexpr double kIsrPtSlope = 0.03;
constexpr double kIsrJetEtaWidth = 1.8;
// Final-state radiation resolved as a separate jet: probability per quark, energy fraction and
// angle (rad) to the quark.
constexpr double kHardFsr = 0.25;
constexpr double kFsrMinFraction = 0.1;
constexpr double kFsrMaxFraction = 0.4;
constexpr double kFsrMinAngle = 0.45;
constexpr double kFsrMaxAngle = 1.0;

// W helicity fractions in top decay (standard model): longitudinal and left-handed.
constexpr double kWLongitudinal = 0.69;
constexpr double kWLeft = 0.31;
// W -> c s in half of the hadronic decays (|Vcs|^2 of the two quark generations).
constexpr double kWToCharm = 0.5;

// Detector: jets sigma(E)/E = 90%/sqrt(E) (+) 5%, angles 0.02; leptons 2% in pT, 1 mrad;
// missing ET soft term 0.5 sqrt(sum ET).
constexpr double kJetStochastic = 0.9;
constexpr double kJetConstant = 0.05;
constexpr double kJetAngle = 0.02;
constexpr double kJetRadius = 0.4;  // anti-kt R
constexpr double kJetMassFraction = 0.10;  // typical jet mass / jet pT for R = 0.4
constexpr double kSemileptonicB = 0.20;    // b jets losing a neutrino's share of energy
constexpr double kLeptonPtResolution = 0.02;
constexpr double kLeptonAngle = 0.001;
constexpr double kSoftTermResolution = 0.5;
// b-tagging at the 70% working point: efficiencies for b, c and light jets.
constexpr double kTagBottom = 0.70;
constexpr double kTagCharm = 0.20;
constexpr double kTagLight = 0.01;
// Selection: one lepton and at least four jets.
constexpr double kLeptonMinPt = 25.0;
constexpr double kJetMinPt = 25.0;
constexpr double kMaxEta = 2.5;
constexpr std::size_t kMinJets = 4;

enum class Flavor : std::uint8_t { kLight, kCharm, kBottom, kGluon };

struct Parton {
  P4 p;
  Flavor flavor = Flavor::kLight;
};

struct Jet {
  P4 p;
  float btag = 0;
};

Vec3 isotropic(Rng& rng) { return mc::direction(rng.uniform(-1, 1), rng.azimuth()); }

double resonance_mass(Rng& rng, double mass) {
  for (;;) {
    const double m = rng.breit_wigner(mass, kResonanceWidthFraction * mass, 5);
    if (m > 2 * kTop + 10) return m;
  }
}

/// The standard-model t tbar mass: a Pareto (power-law) draw accepted with the top velocity.
double continuum_mass(Rng& rng) {
  for (;;) {
    const double m = 2 * kTop * std::pow(rng.uniform_open(), -1 / (kTtbarSlope - 1));
    const double beta = std::sqrt(1 - (2 * kTop / m) * (2 * kTop / m));
    if (m < 0.5 * kSqrtS && rng.uniform() < beta) return m;
  }
}

/// cos(theta*) of the top in the t tbar frame.
double production_angle(Rng& rng, bool resonance, double top_beta) {
  for (;;) {
    const double c = rng.uniform(-1, 1);
    if (resonance) {
      if (2 * rng.uniform() < 1 + c * c) return c;  // vector resonance
    } else {
      const double k = kGluonForwardness * top_beta * top_beta;
      if (rng.uniform() * (1 - k * c * c) < 1 - k) return c;
    }
  }
}

/// cos(theta) of the down-type W daughter (charged lepton or d/s quark) in the W frame, relative
/// to the W's direction in the top frame.
double w_helicity_angle(Rng& rng) {
  for (;;) {
    const double c = rng.uniform(-1, 1);
    const double density = kWLongitudinal * 0.75 * (1 - c * c) + kWLeft * 0.375 * (1 - c) * (1 - c);
    if (rng.uniform() < density) return c;  // density < 1 everywhere
  }
}

struct TopDecay {
  P4 b, down, up;  ///< b quark; W daughters (down type: charged lepton or d/s quark)
};

/// t -> W b -> f f' b, built in the top's rest frame and boosted with the top.
TopDecay decay_top(Rng& rng, P4 top) {
  const double mt = top.m();
  double mw = 0;
  do {
    mw = rng.breit_wigner(kW, kWWidth, 5);
  } while (mw > mt - kBottomMass - 1);
  const auto [w, b] = mc::two_body_decay({0, 0, 0, mt}, mw, kBottomMass, isotropic(rng));
  const Vec3 down_direction = mc::rotate_z_to(mc::direction(w_helicity_angle(rng), rng.azimuth()), w.p3());
  const auto [down, up] = mc::two_body_decay(w, 0, 0, down_direction);
  const Vec3 beta = top.beta();
  return {mc::boost(b, beta), mc::boost(down, beta), mc::boost(up, beta)};
}

/// Adds `quark` to `partons`, sometimes split into the quark and a resolved gluon jet.
void add_with_fsr(Rng& rng, Parton quark, std::vector<Parton>& partons) {
  if (!rng.chance(kHardFsr)) {
    partons.push_back(quark);
    return;
  }
  const double z = rng.uniform(kFsrMinFraction, kFsrMaxFraction);
  const double angle = rng.uniform(kFsrMinAngle, kFsrMaxAngle);
  const Vec3 axis = quark.p.p3();
  const Vec3 gluon_direction = mc::rotate_z_to(mc::direction(std::cos(angle), rng.azimuth()), axis);
  const double quark_mass = quark.p.m();
  const double quark_p = std::sqrt(std::max(0.0, std::pow((1 - z) * quark.p.e, 2) - quark_mass * quark_mass));
  partons.push_back({P4::from_momentum(quark_p * axis.unit(), quark_mass), quark.flavor});
  partons.push_back({P4::from_momentum(z * quark.p.e * gluon_direction, 0), Flavor::kGluon});
}

/// Partons closer than the jet radius in (eta, phi) end up in one jet, closest pairs first; a b or
/// c quark inside gives the jet its flavour. Boosted tops from heavy resonances lose resolved jets
/// this way, as in a real detector.
void merge_close_partons(std::vector<Parton>& partons) {
  const auto rank = [](Flavor f) { return f == Flavor::kBottom ? 3 : f == Flavor::kCharm ? 2 : f == Flavor::kLight ? 1 : 0; };
  std::vector<double> eta, phi;
  for (const Parton& p : partons) {
    eta.push_back(p.p.eta());
    phi.push_back(p.p.phi());
  }
  for (;;) {
    double closest = kJetRadius;
    std::size_t first = 0, second = 0;
    for (std::size_t i = 0; i < partons.size(); ++i)
      for (std::size_t j = i + 1; j < partons.size(); ++j) {
        const double dr = std::hypot(eta[i] - eta[j], mc::delta_phi(phi[i], phi[j]));
        if (dr < closest) {
          closest = dr;
          first = i;
          second = j;
        }
      }
    if (second == 0) return;
    Parton& kept = partons[first];
    kept.p += partons[second].p;
    if (rank(partons[second].flavor) > rank(kept.flavor)) kept.flavor = partons[second].flavor;
    eta[first] = kept.p.eta();
    phi[first] = kept.p.phi();
    const auto gone = static_cast<std::ptrdiff_t>(second);
    partons.erase(partons.begin() + gone);
    eta.erase(eta.begin() + gone);
    phi.erase(phi.begin() + gone);
  }
}

float tag(Rng& rng, Flavor flavor) {
  const double efficiency = flavor == Flavor::kBottom ? kTagBottom : flavor == Flavor::kCharm ? kTagCharm : kTagLight;
  return rng.chance(efficiency) ? 1.0f : 0.0f;
}

/// The measured jet of `parton`; energy carried off by a semileptonic b decay's neutrino is added
/// to `invisible`.
Jet measure_jet(Rng& rng, const Parton& parton, Vec3& invisible) {
  double response = 1;
  if (parton.flavor == Flavor::kBottom && rng.chance(kSemileptonicB)) {
    const double lost = rng.uniform(0.05, 0.35);
    response -= lost;
    invisible = invisible + lost * Vec3{parton.p.px, parton.p.py, 0};
  }
  const double e = parton.p.e;
  response *= 1 + std::hypot(kJetStochastic / std::sqrt(e), kJetConstant) * rng.gaussian();
  const double pt = std::max(1.0, parton.p.pt() * response);
  const double eta = parton.p.eta() + kJetAngle * rng.gaussian();
  const double phi = parton.p.phi() + kJetAngle * rng.gaussian();
  const double mass = std::hypot(parton.p.m(), kJetMassFraction * pt * std::exp(0.3 * rng.gaussian()));
  return {P4::from_pt_eta_phi_m(pt, eta, phi, mass), tag(rng, parton.flavor)};
}

/// Neutrino from the missing pT and the W-mass constraint on the lepton-neutrino system; the
/// smaller |pz| solution, or the real part when the constraint has no real solution.
P4 neutrino(P4 lepton, Vec3 met) {
  const double mu = kW * kW / 2 + lepton.px * met.x + lepton.py * met.y;
  const double pt2 = lepton.px * lepton.px + lepton.py * lepton.py;
  const double met2 = met.x * met.x + met.y * met.y;
  const double root = std::sqrt(std::max(0.0, mu * mu - pt2 * met2));
  const double a = mu * lepton.pz / pt2;
  const double b = lepton.e * root / pt2;
  const double pz = std::abs(a - b) < std::abs(a + b) ? a - b : a + b;
  return P4::from_momentum({met.x, met.y, pz}, 0);
}

bool is_central(P4 p, double min_pt) { return p.pt() > min_pt && std::abs(p.eta()) < kMaxEta; }

/// Which of the four leading jets make the hadronic W, the hadronic top's b and the leptonic
/// top's b.
struct Assignment {
  std::size_t w1 = 2, w2 = 3, b_had = 0, b_lep = 1;
};

/// The usual chi^2 assignment of the four leading jets to the t tbar decay: the W pair near m_W,
/// both tops near m_t, and b-tagged jets used as b candidates whenever there are any (no tagged
/// jet goes to the W unless more than two are tagged).
Assignment assign_jets(const std::vector<Jet>& leading, P4 w_lep) {
  constexpr double kSigmaW = 10.0;    // GeV, dijet W mass resolution
  constexpr double kSigmaTop = 15.0;  // GeV, three-body top mass resolution
  std::size_t tags = 0;
  for (const Jet& j : leading) tags += j.btag > 0 ? 1 : 0;
  Assignment best;
  double best_chi2 = std::numeric_limits<double>::infinity();
  for (std::size_t had = 0; had < 4; ++had) {
    for (std::size_t lep = 0; lep < 4; ++lep) {
      if (lep == had) continue;
      std::size_t w[2], k = 0;
      for (std::size_t j = 0; j < 4; ++j)
        if (j != had && j != lep) w[k++] = j;
      const std::size_t tagged_in_w = (leading[w[0]].btag > 0 ? 1 : 0) + (leading[w[1]].btag > 0 ? 1 : 0);
      if (tagged_in_w > (tags > 2 ? tags - 2 : 0)) continue;
      const P4 w_had = leading[w[0]].p + leading[w[1]].p;
      const double chi2 = std::pow((w_had.m() - kW) / kSigmaW, 2) +
                          std::pow(((w_had + leading[had].p).m() - kTop) / kSigmaTop, 2) +
                          std::pow(((w_lep + leading[lep].p).m() - kTop) / kSigmaTop, 2);
      if (chi2 < best_chi2) {
        best_chi2 = chi2;
        best = {w[0], w[1], had, lep};
      }
    }
  }
  return best;
}

/// The 27 HEPMASS features of a selected event.
Features reconstruct(P4 lepton, Vec3 met, const std::vector<Jet>& jets) {
  const std::vector<Jet> leading(jets.begin(), jets.begin() + 4);
  const P4 w_lep = lepton + neutrino(lepton, met);
  const Assignment a = assign_jets(leading, w_lep);
  const P4 w_jets = leading[a.w1].p + leading[a.w2].p;
  const P4 b_had = leading[a.b_had].p;
  const P4 b_lep = leading[a.b_lep].p;
  const P4 all = w_lep + leading[0].p + leading[1].p + leading[2].p + leading[3].p;

  Features f{};
  std::size_t i = 0;
  const auto put = [&](double v) { f[i++] = static_cast<float>(v); };
  put(lepton.pt());
  put(lepton.eta());
  put(lepton.phi());
  put(std::hypot(met.x, met.y));
  put(std::atan2(met.y, met.x));
  put(static_cast<double>(jets.size()));
  for (const Jet& j : leading) {
    put(j.p.pt());
    put(j.p.eta());
    put(j.p.phi());
    put(j.btag);
  }
  put(w_jets.m());
  put((w_jets + b_had).m());
  put(w_lep.m());
  put((w_lep + b_lep).m());
  put(all.m());
  return f;
}

/// One try at an event; false when it fails the selection.
bool try_event(Rng& rng, bool resonance, double nominal_mass, Features& out) {
  const double m = resonance ? resonance_mass(rng, nominal_mass) : continuum_mass(rng);
  const double mt1 = rng.breit_wigner(kTop, kTopWidth, 5);
  const double mt2 = rng.breit_wigner(kTop, kTopWidth, 5);
  if (mt1 + mt2 >= m) return false;

  // The system: longitudinal boost from the parton momenta, transverse kick from an ISR jet.
  const double y_limit = std::log(kSqrtS / m);
  const double y = std::clamp(rng.gaussian(0, kRapidityWidth * y_limit), -y_limit, y_limit);
  const double pt = rng.exponential(kIsrPtBase + kIsrPtSlope * m);
  const double phi = rng.azimuth();
  const double mt_sys = std::hypot(m, pt);
  const P4 system{pt * std::cos(phi), pt * std::sin(phi), mt_sys * std::sinh(y), mt_sys * std::cosh(y)};

  const double top_beta = mc::two_body_momentum(m, mt1, mt2) / (m / 2);
  const Vec3 axis = mc::direction(production_angle(rng, resonance, top_beta), rng.azimuth());
  auto [t1, t2] = mc::two_body_decay({0, 0, 0, m}, mt1, mt2, axis);
  t1 = mc::boost(t1, system.beta());
  t2 = mc::boost(t2, system.beta());
  if (rng.chance(0.5)) std::swap(t1, t2);  // which top decays leptonically
  const TopDecay leptonic = decay_top(rng, t1);
  const TopDecay hadronic = decay_top(rng, t2);

  std::vector<Parton> partons;
  partons.reserve(9);
  const bool charm = rng.chance(kWToCharm);
  add_with_fsr(rng, {leptonic.b, Flavor::kBottom}, partons);
  add_with_fsr(rng, {hadronic.b, Flavor::kBottom}, partons);
  add_with_fsr(rng, {hadronic.down, Flavor::kLight}, partons);
  add_with_fsr(rng, {hadronic.up, charm ? Flavor::kCharm : Flavor::kLight}, partons);
  partons.push_back({P4::from_pt_eta_phi_m(pt, rng.gaussian(0, kIsrJetEtaWidth), phi + std::numbers::pi, 0),
                     Flavor::kGluon});
  merge_close_partons(partons);

  // Detector.
  const P4 lepton_true = leptonic.down;
  const double lepton_pt = lepton_true.pt() * (1 + kLeptonPtResolution * rng.gaussian());
  const P4 lepton = P4::from_pt_eta_phi_m(lepton_pt, lepton_true.eta() + kLeptonAngle * rng.gaussian(),
                                          lepton_true.phi() + kLeptonAngle * rng.gaussian(), 0);
  if (!is_central(lepton, kLeptonMinPt)) return false;

  // Missing pT = neutrinos + (true - measured) of every visible object + soft-term noise.
  Vec3 met{leptonic.up.px + lepton_true.px - lepton.px, leptonic.up.py + lepton_true.py - lepton.py, 0};
  std::vector<Jet> jets;
  double sum_et = lepton.pt();
  for (const Parton& parton : partons) {
    const Jet jet = measure_jet(rng, parton, met);
    met = met + Vec3{parton.p.px - jet.p.px, parton.p.py - jet.p.py, 0};
    sum_et += jet.p.pt();
    if (is_central(jet.p, kJetMinPt)) jets.push_back(jet);
  }
  const double soft = kSoftTermResolution * std::sqrt(sum_et);
  met = met + Vec3{soft * rng.gaussian(), soft * rng.gaussian(), 0};
  if (jets.size() < kMinJets) return false;
  std::sort(jets.begin(), jets.end(), [](const Jet& a, const Jet& b) { return a.p.pt() > b.p.pt(); });
  out = reconstruct(lepton, met, jets);
  return true;
}

}  // namespace

Features make_signal(Rng& rng, double mass) {
  Features f{};
  while (!try_event(rng, true, mass, f)) {
  }
  return f;
}

Features make_background(Rng& rng) {
  Features f{};
  while (!try_event(rng, false, 0, f)) {
  }
  return f;
}

}  // namespace evclass::generate::pm
