#pragma once
// A parametrised ATLAS-like detector: turns generator particles into reconstructed leptons,
// photons and jets with resolutions, efficiencies, isolation, impact parameters, b-tagging,
// missing transverse momentum, trigger decisions and scale factors (docs/generators.md lists the
// numbers).

#include <cstddef>

#include "event.hpp"
#include "kinematics.hpp"

namespace evclass::generate::detail {

/// Fills `reco` from `truth`, except the run and event numbers and mcWeight (left at 1), which the
/// generators set. Objects are sorted by
/// decreasing pT, as in the ATLAS Open Data ntuples. With fewer than `min_leptons` reconstructed
/// leptons it stops early (the event is for a skim that will drop it) and returns false.
bool reconstruct(const TruthEvent& truth, Rng& rng, RecoEvent& reco, std::size_t min_leptons = 0);

/// Leptons of `truth` inside the acceptance with a pT that the resolution could lift above the
/// threshold: an upper bound of the reconstructed leptons, to skip hopeless events cheaply.
[[nodiscard]] std::size_t reconstructable_leptons(const TruthEvent& truth) noexcept;

/// Reconstruction thresholds, shared with the skims of the generators.
inline constexpr double kElectronMinPt = 7.0;  ///< GeV
inline constexpr double kMuonMinPt = 5.0;      ///< GeV
inline constexpr double kPhotonMinPt = 20.0;   ///< GeV
inline constexpr double kJetMinPt = 20.0;      ///< GeV

/// MV2c10 cut of the 70 % b-tagging working point (the value ATLAS used for 13 TeV analyses).
inline constexpr float kMv2c10Cut70 = 0.8244f;

}  // namespace evclass::generate::detail
