#pragma once
// The zprime physics model: e+e- -> mu+ mu- Z', Z' -> tau+ tau- at Belle II (SuperKEKB, sqrt(s) =
// 10.58 GeV), each tau seen as one charged track, against the QED backgrounds with the same
// four-track signature. One call makes one reconstructed candidate; zprime.cpp writes them.
// docs/generators.md describes the model and every feature.

#include <array>
#include <cstdint>
#include <string_view>

#include "generate/event_rng.hpp"

namespace evclass::generate::zp {

/// The 16 classifier inputs of the seed analysis, in the seed's order.
inline constexpr std::array<std::string_view, 16> kFeatureNames = {
    "Zp_cm_p_beforeFit",          "P_beforeFit",
    "Zp_tau0_CMS_p_beforeFit",    "Zp_tau1_CMS_p_beforeFit",
    "fake_tau0_CMS_p_beforeFit",  "fake_tau1_CMS_p_beforeFit",
    "fake_tau0_CMS_pt_beforeFit", "fake_tau1_CMS_pt_beforeFit",
    "fake_PtTheta_beforeFit",     "fake_PtRho_beforeFit",
    "IntSymmZp_Pt_beforeFit",     "DistZp_Pt_beforeFit",
    "Zp_PtTheta_sign_beforeFit",  "Zp_PtRho_sign_beforeFit",
    "Zp_ptPtMin_Theta_beforeFit", "Zp_ptPtMin_Rho_beforeFit"};

/// Truth code of a candidate correctly matched to the Z' (the PDG code the seed's signal MC
/// gives its Z').
inline constexpr std::int32_t kZprimePdg = 26;
inline constexpr std::int32_t kPhotonPdg = 22;
/// A track matched to no generated particle (beam background).
inline constexpr std::int32_t kUnmatchedPdg = 0;

/// Mass of the generated Z' (GeV), at the centre of the seed's 4.5-5.5 GeV window.
inline constexpr double kZprimeMass = 5.0;

/// Where a background candidate comes from (all QED four-track final states).
enum class Background : std::uint8_t {
  kBeamRadiatedTauPair,    ///< e+e- -> mu+mu- gamma*, gamma* off the beam electrons -> tau+tau-
  kMuonRadiatedTauPair,    ///< e+e- -> mu+mu- gamma*, gamma* off a muon -> tau+tau- (the Z' topology)
  kTauPairConversion,      ///< e+e- -> tau+tau- gamma, taus -> mu nu nu, gamma -> e+e- in the material
  kFourMuon,               ///< e+e- -> mu+mu- gamma*, gamma* off a muon -> mu+mu-
};

struct Candidate {
  std::array<float, kFeatureNames.size()> features{};
  float recoil_mass = 0;       ///< Zp_M_beforeFit: mass recoiling against the mu+mu- pair (GeV)
  std::int32_t truth_plus = 0;   ///< Zp_tau_0_dau_genMotherPDG (positive tau candidate)
  std::int32_t truth_minus = 0;  ///< Zp_tau_1_dau_genMotherPDG (negative tau candidate)
};

/// A signal candidate (with the occasional mismatched track, whose truth code is then not 26).
[[nodiscard]] Candidate make_signal(mc::Rng& rng);
/// A background candidate from the QED mixture, inside the reduced samples' recoil-mass range.
[[nodiscard]] Candidate make_background(mc::Rng& rng);
/// A background candidate of one kind (tests and tuning).
[[nodiscard]] Candidate make_background(mc::Rng& rng, Background kind);

}  // namespace evclass::generate::zp
