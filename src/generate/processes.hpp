#pragma once
// Hard processes at the LHC (13 TeV), at the level of detail that shapes the observables: the
// Higgs boson's production modes with their associated jets, leptons and neutrinos, the
// four-lepton backgrounds and the diphoton continuum. Each function appends to `truth`.

#include "event.hpp"
#include "kinematics.hpp"

namespace evclass::generate::detail {

// ---- Higgs production: associated objects go into `truth`, the (undecayed) Higgs is returned ----

/// Gluon fusion: soft Higgs pT balanced by initial-state jets.
[[nodiscard]] FourVector produce_ggf_higgs(Rng& rng, TruthEvent& truth);
/// Vector-boson fusion: two forward tagging jets in opposite hemispheres, a large rapidity gap.
[[nodiscard]] FourVector produce_vbf_higgs(Rng& rng, TruthEvent& truth);
/// t tbar H: two b-jets, two W decays (leptons, neutrinos or jets).
[[nodiscard]] FourVector produce_tth_higgs(Rng& rng, TruthEvent& truth);
/// W H: the W decays inclusively (leptons and missing energy in a third of the events).
[[nodiscard]] FourVector produce_wh_higgs(Rng& rng, TruthEvent& truth);
/// Z H: the Z decays inclusively (charged leptons, neutrinos or jets).
[[nodiscard]] FourVector produce_zh_higgs(Rng& rng, TruthEvent& truth);

// ---- backgrounds of H -> ZZ* -> 4l ----

/// q qbar -> Z Z / Z gamma* -> 4l: on-shell pairs above 180 GeV, one off-shell boson between 100
/// and 180 GeV, and single-resonant Z -> 4l at 91 GeV.
void produce_zz_four_leptons(Rng& rng, TruthEvent& truth);
/// Z -> l l (flavour 11 or 13) plus two non-prompt leptons from heavy-flavour decays or jets.
void produce_z_plus_fake_leptons(int flavour, Rng& rng, TruthEvent& truth);
/// t tbar with both W -> l nu and both b-hadrons decaying semileptonically.
void produce_ttbar_four_leptons(Rng& rng, TruthEvent& truth);

// ---- background of H -> gamma gamma ----

/// Lowest and highest diphoton mass of the simulated continuum (GeV).
inline constexpr double kDiphotonMinMass = 80.0, kDiphotonMaxMass = 250.0;
/// Falling diphoton mass spectrum: prompt gamma gamma, and gamma + jet / jet + jet with jets
/// faking photons (non-isolated, rarely passing the tight identification).
void produce_diphoton_continuum(Rng& rng, TruthEvent& truth);

}  // namespace evclass::generate::detail
