// The zprime physics model (see zprime_event.hpp; docs/generators.md has the full description).
//
// Every process is built the same way: the beams collide at sqrt(s) smeared by the beam-energy
// spread, an initial-state photon may carry energy away along a beam, the four-track system is made
// in its rest frame and boosted into the centre-of-mass system (CMS), then into the lab, where the
// tracks are smeared with Belle II tracking resolution and must lie in the detector's acceptance.
// The features are then computed from the measured tracks exactly as an analysis would, with the
// nominal beam energies.

#include "generate/zprime_event.hpp"

#include <cmath>
#include <numbers>
#include <optional>

#include "generate/lorentz.hpp"

namespace evclass::generate::zp {
namespace {

using mc::P4;
using mc::Rng;
using mc::Vec3;

// SuperKEKB: 7 GeV electrons (along +z) on 4 GeV positrons.
constexpr double kSqrtS = 10.583005;      // 2 sqrt(7 * 4) GeV
constexpr double kSqrtSSpread = 0.0054;   // GeV, spread of the collision energy
constexpr Vec3 kLabBoost{0, 0, 3.0 / 11.0};  // velocity of the CMS in the lab: (7 - 4) / (7 + 4)

// Masses (GeV, PDG).
constexpr double kElectron = 0.000511;
constexpr double kMuon = 0.105658;
constexpr double kTau = 1.77686;
constexpr double kPion = 0.139570;
constexpr double kPi0 = 0.134977;
constexpr double kRho = 0.77526;
constexpr double kRhoWidth = 0.1491;

// A Z' coupling only to mu and tau (L_mu - L_tau) with g' ~ 0.05 is far narrower than the detector
// resolution.
constexpr double kZprimeWidth = 0.001;

// Initial-state radiation: the photon takes a fraction x of the beam energy with density
// beta x^(beta - 1), beta = (2 alpha / pi) (ln(s / m_e^2) - 1).
constexpr double kIsrBeta = 0.0877;

// Radiated bosons below this energy (GeV, in the emitter's frame) are not generated: they would
// not give measurable tracks.
constexpr double kMinRadiated = 0.1;
// X radiated by the beams is collinear with them: d(sigma)/d(cos theta) ~ 1 / (1 - cos^2 theta),
// flat in the rapidity-like tanh^-1(cos theta), cut where the beam pipe ends.
constexpr double kBeamCollinearity = 3.0;

// Virtual-photon masses (GeV) generated for the backgrounds: d(sigma)/dm ~ 1/m, from just below
// the reduced samples' recoil-mass range to just above it (ISR only moves the recoil mass up).
constexpr double kVirtualMassMin = 2.8;
constexpr double kVirtualMassMax = 8.5;
// The "reduced" files keep background candidates in this recoil-mass range (GeV).
constexpr double kReducedMassMin = 3.0;
constexpr double kReducedMassMax = 8.0;

// One-prong tau decays (PDG branching fractions): e nu nu, mu nu nu, pi nu, and rho nu together
// with pi 2pi0 nu (rho -> pi pi0: the charged pion is the track).
constexpr double kBrElectron = 0.1782;
constexpr double kBrMuon = 0.1739;
constexpr double kBrPion = 0.1082;
constexpr double kBrRhoLike = 0.2549 + 0.0926;

// Belle II tracking: sigma(pt)/pt = 0.11% pt (GeV) (+) 0.25%; angles 1 mrad (+) multiple scattering.
constexpr double kPtResolutionSlope = 0.0011;
constexpr double kPtResolutionConstant = 0.0025;
constexpr double kAngleResolution = 0.001;
constexpr double kMultipleScattering = 0.0014;  // rad GeV: 13.6 MeV sqrt(1% X0) / p
// Acceptance of the central drift chamber (lab polar angle) and track-finding threshold.
constexpr double kThetaMin = 17.0 * std::numbers::pi / 180.0;
constexpr double kThetaMax = 150.0 * std::numbers::pi / 180.0;
constexpr double kMinTrackPt = 0.1;  // GeV
// Muons must reach the muon system (KLM) to be identified.
constexpr double kMinMuonP = 0.6;  // GeV

// Probability that a tau candidate of a signal event is a wrong track (beam background or a
// track of the other tau's decay), so its truth code is not the Z'.
constexpr double kMismatch = 0.05;
// Beam-background tracks are soft: momentum 0.1 GeV + exponential with this mean (GeV).
constexpr double kBeamTrackMeanP = 0.25;

// Background composition of the reduced sample, by generated process (relative weights).
constexpr double kMixBeamRadiated = 0.20;
constexpr double kMixMuonRadiated = 0.08;
constexpr double kMixConversion = 0.34;
constexpr double kMixFourMuon = 0.38;

Vec3 isotropic(Rng& rng) { return mc::direction(rng.uniform(-1, 1), rng.azimuth()); }

/// cos(theta) with density 1 + cos^2(theta): a vector (photon-like) exchange in e+e- -> f f.
double one_plus_cos2(Rng& rng) {
  for (;;) {
    const double c = rng.uniform(-1, 1);
    if (2 * rng.uniform() < 1 + c * c) return c;
  }
}

/// The collision after beam spread and initial-state radiation.
struct Collision {
  double mass = 0;  ///< invariant mass of the produced system
  Vec3 beta;        ///< its velocity in the CMS (recoil against the ISR photon along a beam)
};

/// A collision able to produce at least `min_mass`.
Collision collide(Rng& rng, double min_mass) {
  const double sqrt_s = rng.gaussian(kSqrtS, kSqrtSSpread);
  const double x_max = 1 - (min_mass / sqrt_s) * (min_mass / sqrt_s);
  const double x = x_max * std::pow(rng.uniform_open(), 1 / kIsrBeta);
  const double k = x * sqrt_s / 2;  // photon energy
  const double along = rng.chance(0.5) ? 1.0 : -1.0;
  return {sqrt_s * std::sqrt(1 - x), {0, 0, -along * k / (sqrt_s - k)}};
}

struct ThreeBody {
  P4 plus, minus, x;
  void boost(Vec3 beta) {
    plus = mc::boost(plus, beta);
    minus = mc::boost(minus, beta);
    x = mc::boost(x, beta);
  }
};

/// f+ f- X at rest (mass w), X radiated by one fermion of mass `mf`: e+e- -> f f* (1 + cos^2),
/// f* -> f X. The virtual fermion's propagator, 1 / (m*^2 - mf^2), favours soft X close to the
/// emitting fermion.
ThreeBody radiate_from_fermion(Rng& rng, double w, double mf, double mx) {
  const double lo = mf + mx + kMinRadiated;
  const double hi = w - mf;
  const double virtual_mass = 1 / (1 / lo - rng.uniform() * (1 / lo - 1 / hi));  // density ~ 1/m*^2
  const Vec3 axis = mc::direction(one_plus_cos2(rng), rng.azimuth());
  const auto [spectator, virtual_f] = mc::two_body_decay({0, 0, 0, w}, mf, virtual_mass, axis);
  const auto [emitter, x] = mc::two_body_decay(virtual_f, mf, mx, isotropic(rng));
  if (rng.chance(0.5)) return {emitter, spectator, x};
  return {spectator, emitter, x};
}

/// mu+ mu- X at rest (mass w), X radiated by the beams: X flies close to the beam axis and the
/// muon pair (from the s-channel photon, mass density ~ 1/m) recoils against it.
ThreeBody radiate_from_beam(Rng& rng, double w, double mx) {
  const double pair_mass = rng.log_uniform(2 * kMuon + 0.05, w - mx - 0.05);
  const double c = std::tanh(rng.uniform(-kBeamCollinearity, kBeamCollinearity));
  const auto [x, pair] = mc::two_body_decay({0, 0, 0, w}, mx, pair_mass, mc::direction(c, rng.azimuth()));
  const auto [mu_a, mu_b] = mc::two_body_decay(pair, kMuon, kMuon, mc::direction(one_plus_cos2(rng), rng.azimuth()));
  return {mu_a, mu_b, x};
}

/// Charged lepton of tau -> l nu nu: Michel spectrum x^2 (3 - 2x), x = 2E/m_tau, isotropic.
P4 michel_lepton(Rng& rng, P4 tau, double lepton_mass) {
  double x = 0;
  do {
    x = rng.uniform();
  } while (rng.uniform() >= x * x * (3 - 2 * x));
  const double e = std::max(x * kTau / 2, 1.001 * lepton_mass);
  const double p = std::sqrt(e * e - lepton_mass * lepton_mass);
  return mc::boost(P4::from_momentum(p * isotropic(rng), lepton_mass), tau.beta());
}

/// The charged track of a one-prong tau decay.
P4 one_prong_track(Rng& rng, P4 tau) {
  const double r = rng.uniform() * (kBrElectron + kBrMuon + kBrPion + kBrRhoLike);
  if (r < kBrElectron) return michel_lepton(rng, tau, kElectron);
  if (r < kBrElectron + kBrMuon) return michel_lepton(rng, tau, kMuon);
  if (r < kBrElectron + kBrMuon + kBrPion) return mc::two_body_decay(tau, kPion, 0, isotropic(rng)).first;
  double rho_mass = 0;
  do {
    rho_mass = rng.breit_wigner(kRho, kRhoWidth, 3);
  } while (rho_mass < kPion + kPi0 + 0.01 || rho_mass > kTau - 0.01);
  const P4 rho = mc::two_body_decay(tau, rho_mass, 0, isotropic(rng)).first;
  return mc::two_body_decay(rho, kPion, kPi0, isotropic(rng)).first;
}

/// gamma -> e+ e- in the beam pipe or inner detector: the energy shared about evenly, each
/// electron leaving at ~ m_e/E from the photon line, widened by multiple scattering.
mc::Pair convert(Rng& rng, P4 photon) {
  const double share = rng.uniform(0.05, 0.95);
  const double energies[2] = {share * photon.e, (1 - share) * photon.e};
  const double phi = rng.azimuth();
  P4 out[2];
  for (int i = 0; i < 2; ++i) {
    const double angle = kElectron / energies[i] + std::abs(rng.gaussian()) * kMultipleScattering / energies[i];
    const Vec3 local = mc::direction(std::cos(angle), phi + i * std::numbers::pi);
    const double p = std::sqrt(std::max(0.0, energies[i] * energies[i] - kElectron * kElectron));
    out[i] = P4::from_momentum(p * mc::rotate_z_to(local, photon.p3()), kElectron);
  }
  return {out[0], out[1]};
}

/// The four tracks of a candidate in the CMS, before detection.
struct FourTracks {
  P4 mu_plus, mu_minus, cand_plus, cand_minus;
  std::int32_t truth_plus = 0, truth_minus = 0;
};

/// X -> tau+ tau-, each tau seen as its one-prong track.
FourTracks with_tau_pair(Rng& rng, const ThreeBody& t, std::int32_t truth) {
  const auto [tau_plus, tau_minus] = mc::two_body_decay(t.x, kTau, kTau, isotropic(rng));
  return {t.plus, t.minus, one_prong_track(rng, tau_plus), one_prong_track(rng, tau_minus), truth, truth};
}

/// A soft beam-background track (CMS), isotropic in the lab within the acceptance.
P4 beam_background_track(Rng& rng) {
  const double p = kMinTrackPt + rng.exponential(kBeamTrackMeanP);
  const double c = rng.uniform(std::cos(kThetaMax), std::cos(kThetaMin));
  const P4 lab = P4::from_momentum(p * mc::direction(c, rng.azimuth()), kPion);
  return mc::boost(lab, -1.0 * kLabBoost);
}

bool in_acceptance(P4 lab) {
  const double theta = lab.theta();
  return theta > kThetaMin && theta < kThetaMax && lab.pt() > kMinTrackPt;
}

/// A lab-frame track as the tracker measures it, with the given mass hypothesis.
P4 measure(Rng& rng, P4 lab, double mass_hypothesis) {
  const double pt = lab.pt();
  const double sigma_pt = pt * std::hypot(kPtResolutionSlope * pt, kPtResolutionConstant);
  const double sigma_angle = std::hypot(kAngleResolution, kMultipleScattering / lab.p());
  const double pt_measured = std::max(1e-3, pt + sigma_pt * rng.gaussian());
  const double theta = std::clamp(lab.theta() + sigma_angle * rng.gaussian(), 1e-3, std::numbers::pi - 1e-3);
  const double phi = lab.phi() + sigma_angle * rng.gaussian();
  const Vec3 p{pt_measured * std::cos(phi), pt_measured * std::sin(phi), pt_measured / std::tan(theta)};
  return P4::from_momentum(p, mass_hypothesis);
}

/// The seed's features from measured tracks (lab frame), computed in the nominal CMS.
Candidate reconstruct(P4 mu_plus_lab, P4 mu_minus_lab, P4 cand_plus_lab, P4 cand_minus_lab) {
  const Vec3 to_cms = -1.0 * kLabBoost;
  const P4 mp = mc::boost(mu_plus_lab, to_cms);
  const P4 mm = mc::boost(mu_minus_lab, to_cms);
  const P4 tp = mc::boost(cand_plus_lab, to_cms);
  const P4 tm = mc::boost(cand_minus_lab, to_cms);
  const P4 recoil = P4{0, 0, 0, kSqrtS} - (mp + mm);  // the Z' candidate
  const P4 tau_pair = tp + tm;
  const P4& softer = tp.pt() < tm.pt() ? tp : tm;
  const double along_recoil = tau_pair.px * recoil.px + tau_pair.py * recoil.py;

  Candidate c;
  c.recoil_mass = static_cast<float>(recoil.m());
  const double f[kFeatureNames.size()] = {
      recoil.p(),
      mc::boost(recoil, kLabBoost).p(),
      tp.p(),
      tm.p(),
      mp.p(),
      mm.p(),
      mp.pt(),
      mm.pt(),
      std::abs(mc::delta_phi(mp.phi(), mm.phi())),
      (mp + mm).pt(),
      (tp.pt() - tm.pt()) / (tp.pt() + tm.pt()),
      std::hypot(tp.px - tm.px, tp.py - tm.py),
      mc::delta_phi(tm.phi(), tp.phi()),
      (along_recoil >= 0 ? 1.0 : -1.0) * tau_pair.pt(),
      softer.theta(),
      cross(softer.p3(), recoil.p3().unit()).mag(),
  };
  for (std::size_t i = 0; i < kFeatureNames.size(); ++i) c.features[i] = static_cast<float>(f[i]);
  return c;
}

/// Boosts the CMS tracks to the lab, applies acceptance and muon identification, measures them.
std::optional<Candidate> detect(Rng& rng, const FourTracks& cms) {
  const P4 lab[4] = {mc::boost(cms.mu_plus, kLabBoost), mc::boost(cms.mu_minus, kLabBoost),
                     mc::boost(cms.cand_plus, kLabBoost), mc::boost(cms.cand_minus, kLabBoost)};
  for (const P4& t : lab)
    if (!in_acceptance(t)) return std::nullopt;
  if (lab[0].p() < kMinMuonP || lab[1].p() < kMinMuonP) return std::nullopt;
  Candidate c = reconstruct(measure(rng, lab[0], kMuon), measure(rng, lab[1], kMuon), measure(rng, lab[2], kPion),
                            measure(rng, lab[3], kPion));
  c.truth_plus = cms.truth_plus;
  c.truth_minus = cms.truth_minus;
  return c;
}

/// One try at a background event of `kind` (nullopt when it fails the acceptance).
std::optional<Candidate> try_background(Rng& rng, Background kind) {
  switch (kind) {
    case Background::kBeamRadiatedTauPair:
    case Background::kMuonRadiatedTauPair: {
      const double mx = rng.log_uniform(std::max(kVirtualMassMin, 2 * kTau + 0.01), kVirtualMassMax);
      const Collision col = collide(rng, mx + 2 * kMuon + 2 * kMinRadiated);
      ThreeBody t = kind == Background::kBeamRadiatedTauPair ? radiate_from_beam(rng, col.mass, mx)
                                                             : radiate_from_fermion(rng, col.mass, kMuon, mx);
      t.boost(col.beta);
      return detect(rng, with_tau_pair(rng, t, kPhotonPdg));
    }
    case Background::kTauPairConversion: {
      const Collision col = collide(rng, 2 * kTau + 2 * kMinRadiated);
      ThreeBody t = radiate_from_fermion(rng, col.mass, kTau, 0.0);
      t.boost(col.beta);
      const auto [e_plus, e_minus] = convert(rng, t.x);
      return detect(rng, {michel_lepton(rng, t.plus, kMuon), michel_lepton(rng, t.minus, kMuon), e_plus, e_minus,
                          kPhotonPdg, kPhotonPdg});
    }
    case Background::kFourMuon: {
      const double mx = rng.log_uniform(kVirtualMassMin, kVirtualMassMax);
      const Collision col = collide(rng, mx + 2 * kMuon + 2 * kMinRadiated);
      ThreeBody t = radiate_from_fermion(rng, col.mass, kMuon, mx);
      t.boost(col.beta);
      const auto [mu_a, mu_b] = mc::two_body_decay(t.x, kMuon, kMuon, isotropic(rng));
      return detect(rng, {t.plus, t.minus, mu_a, mu_b, kPhotonPdg, kPhotonPdg});
    }
  }
  return std::nullopt;
}

}  // namespace

Candidate make_signal(Rng& rng) {
  for (;;) {
    const double mx = rng.breit_wigner(kZprimeMass, kZprimeWidth);
    const Collision col = collide(rng, mx + 2 * kMuon + 2 * kMinRadiated);
    ThreeBody t = radiate_from_fermion(rng, col.mass, kMuon, mx);
    t.boost(col.beta);
    FourTracks tracks = with_tau_pair(rng, t, kZprimePdg);
    if (rng.chance(kMismatch)) {
      tracks.cand_plus = beam_background_track(rng);
      tracks.truth_plus = kUnmatchedPdg;
    }
    if (rng.chance(kMismatch)) {
      tracks.cand_minus = beam_background_track(rng);
      tracks.truth_minus = kUnmatchedPdg;
    }
    if (auto c = detect(rng, tracks)) return *c;
  }
}

Candidate make_background(Rng& rng, Background kind) {
  for (;;) {
    const std::optional<Candidate> c = try_background(rng, kind);
    if (c && c->recoil_mass > kReducedMassMin && c->recoil_mass < kReducedMassMax) return *c;
  }
}

Candidate make_background(Rng& rng) {
  const double r = rng.uniform() * (kMixBeamRadiated + kMixMuonRadiated + kMixConversion + kMixFourMuon);
  Background kind = Background::kFourMuon;
  if (r < kMixBeamRadiated)
    kind = Background::kBeamRadiatedTauPair;
  else if (r < kMixBeamRadiated + kMixMuonRadiated)
    kind = Background::kMuonRadiatedTauPair;
  else if (r < kMixBeamRadiated + kMixMuonRadiated + kMixConversion)
    kind = Background::kTauPairConversion;
  return make_background(rng, kind);
}

}  // namespace evclass::generate::zp
