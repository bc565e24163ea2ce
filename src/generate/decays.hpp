#pragma once
// Decays of the resonances the generators produce, appending the daughters to a TruthEvent.

#include <cstdint>

#include "event.hpp"
#include "kinematics.hpp"

namespace evclass::generate::detail {

// Masses and widths in GeV (PDG values; the Higgs width is far below the detector resolution).
inline constexpr double kHiggsMass = 125.0;
inline constexpr double kZMass = 91.1876, kZWidth = 2.4952;
inline constexpr double kWMass = 80.379, kWWidth = 2.085;
inline constexpr double kTopMass = 172.5, kTopWidth = 1.42;
inline constexpr double kBottomMass = 4.8, kCharmMass = 1.5;
/// Lowest mass of an off-shell Z*/gamma* -> l l pair the generators produce.
inline constexpr double kMinDileptonMass = 4.0;

inline constexpr int kElectron = 11, kMuon = 13;

/// Electron or muon with equal probability.
[[nodiscard]] int random_light_lepton(Rng& rng) noexcept;

/// Z/gamma* of any mass -> l- l+ of the given flavour (11 or 13), prompt.
void decay_to_lepton_pair(const FourVector& boson, int flavour, Rng& rng, TruthEvent& truth);

/// H -> Z Z* -> 4l (l = e, mu): the two masses follow Breit–Wigners times phase space times the
/// scalar's polarisation sum; each Z decays to e or mu independently.
void decay_higgs_to_four_leptons(const FourVector& higgs, Rng& rng, TruthEvent& truth);

/// H -> gamma gamma, isotropic in the Higgs rest frame.
void decay_higgs_to_photons(const FourVector& higgs, Rng& rng, TruthEvent& truth);

enum class WMode : std::uint8_t {
  kInclusive,  ///< PDG branching fractions: e, mu, tau (as a jet), quarks
  kLightLepton,  ///< e nu or mu nu only (samples filtered on leptons)
};

/// W -> l nu / tau nu / q q'. `charge` is +1 or -1.
void decay_w(const FourVector& w, int charge, WMode mode, Rng& rng, TruthEvent& truth);

/// Z -> ll / nu nu / tau tau / b b / c c / light quarks with PDG branching fractions.
void decay_z_inclusive(const FourVector& z, Rng& rng, TruthEvent& truth);

/// t -> b W; the b becomes a b-jet (or a non-prompt lepton plus a b-jet with `semileptonic_b`).
/// `charge` is +1 for t, -1 for anti-t.
void decay_top(const FourVector& top, int charge, WMode w_mode, bool semileptonic_b, Rng& rng, TruthEvent& truth);

/// A b or c quark whose hadron decays to e or mu: a displaced, non-isolated lepton carrying part of
/// the quark's momentum, and a jet with the rest. `lepton_charge` is +1 or -1.
void semileptonic_heavy_flavour(const FourVector& quark, int flavour, int lepton_charge, Rng& rng,
                                TruthEvent& truth);

/// A light-quark or gluon jet whose leading hadron fakes a lepton (mostly electrons from pi0 and
/// conversions): prompt-like impact parameter, but not isolated.
void light_hadron_fake_lepton(const FourVector& jet, Rng& rng, TruthEvent& truth);

}  // namespace evclass::generate::detail
