#pragma once
// The pmass physics model, after the HEPMASS data set: a heavy resonance X -> t tbar against
// standard-model t tbar production, both in the lepton + jets channel (t tbar -> W+ b W- bbar ->
// l nu b q q' bbar) in 13 TeV proton collisions. One call makes one selected event's 27 features
// in HEPMASS's order; pmass.cpp writes them. docs/generators.md describes the model.

#include <array>
#include <cstddef>
#include <string_view>

#include "generate/event_rng.hpp"

namespace evclass::generate::pm {

/// What each HEPMASS feature f0..f26 holds (units: GeV, radians; b-tags 0 or 1).
inline constexpr std::array<std::string_view, 27> kFeatureMeaning = {
    "lepton pT",    "lepton eta",   "lepton phi",   "missing ET",   "missing ET phi", "number of jets",
    "jet 1 pT",     "jet 1 eta",    "jet 1 phi",    "jet 1 b-tag",  "jet 2 pT",       "jet 2 eta",
    "jet 2 phi",    "jet 2 b-tag",  "jet 3 pT",     "jet 3 eta",    "jet 3 phi",      "jet 3 b-tag",
    "jet 4 pT",     "jet 4 eta",    "jet 4 phi",    "jet 4 b-tag",  "m_jj",           "m_jjj",
    "m_lv",         "m_jlv",        "m_wwbb"};

/// Index of m_wwbb, the reconstructed mass of the whole t tbar system.
inline constexpr std::size_t kMassWWbb = 26;

/// The top-pair threshold: a resonance must be heavier than this to decay to t tbar (GeV).
inline constexpr double kMinResonanceMass = 355.0;
/// Heaviest resonance the 13 TeV collisions are modelled for (GeV).
inline constexpr double kMaxResonanceMass = 6000.0;

using Features = std::array<float, kFeatureMeaning.size()>;

/// A selected signal event: X of nominal mass `mass` (GeV) -> t tbar.
[[nodiscard]] Features make_signal(mc::Rng& rng, double mass);
/// A selected background event: standard-model t tbar.
[[nodiscard]] Features make_background(mc::Rng& rng);

}  // namespace evclass::generate::pm
