#pragma once
// One simulated event at two levels: the generator's particles (TruthEvent, GeV) and what the
// detector model makes of them (RecoEvent, the values of the `mini` tree, MeV as in ATLAS Open Data).

#include <cstdint>
#include <vector>

#include "kinematics.hpp"

namespace evclass::generate::detail {

/// Where a lepton or photon comes from; it decides isolation, impact parameter and identification.
enum class Origin : std::uint8_t {
  kPrompt,        ///< from a W, Z, Higgs or hard photon: isolated, from the primary vertex
  kHeavyFlavour,  ///< from a b- or c-hadron decay inside a jet: not isolated, displaced
  kLightHadron,   ///< a hadron faking a lepton or photon (pi0 -> gamma gamma, pi/K decay): not isolated
};

struct TruthLepton {
  FourVector p;
  int pdg_id = 11;  ///< 11 e-, -11 e+, 13 mu-, -13 mu+ (as in the PDG numbering)
  Origin origin = Origin::kPrompt;
  double cone_et = 0.0;        ///< hadronic transverse energy around it within dR < 0.2 (GeV)
  double lifetime_d0 = 0.0;    ///< signed transverse impact parameter from the parent's flight (mm)
};

struct TruthPhoton {
  FourVector p;
  Origin origin = Origin::kPrompt;
  double cone_et = 0.0;  ///< hadronic transverse energy around it within dR < 0.2 (GeV)
};

/// A quark or gluon that becomes a jet.
struct TruthJet {
  FourVector p;
  int flavour = 0;  ///< 5 b, 4 c, 0 light (ATLAS jet_trueflav)
};

struct TruthEvent {
  std::vector<TruthLepton> leptons;
  std::vector<TruthPhoton> photons;
  std::vector<TruthJet> jets;
  FourVector invisible;  ///< sum of the neutrinos

  void clear() {
    leptons.clear();
    photons.clear();
    jets.clear();
    invisible = {};
  }
};

struct RecoLepton {
  float pt = 0, eta = 0, phi = 0, e = 0;  // MeV
  float z0 = 0;                           // mm
  float ptcone30 = 0, etcone20 = 0;       // MeV
  float d0 = 0, d0_sigma = 0;             // mm
  std::int32_t charge = 0;
  std::uint32_t type = 11;  ///< 11 electron, 13 muon
  bool truth_matched = false, trig_matched = false, tight_id = false;
};

struct RecoJet {
  float pt = 0, eta = 0, phi = 0, e = 0;  // MeV
  float jvt = 1, mv2c10 = -1;
  std::int32_t true_flavour = 0;
  bool truth_matched = true;
};

struct RecoPhoton {
  float pt = 0, eta = 0, phi = 0, e = 0;  // MeV
  float ptcone30 = 0, etcone20 = 0;       // MeV
  std::int32_t conv_type = 0;             ///< 0 unconverted, 1..5 ATLAS conversion categories
  bool truth_matched = false, trig_matched = false, tight_id = false;
};

/// Event weights and scale factors (all 1 in data).
struct EventWeights {
  float mc_weight = 1;
  float pileup = 1, electron = 1, muon = 1, photon = 1, tau = 1, btag = 1;
  float lepton_trigger = 1, photon_trigger = 1;
};

struct RecoEvent {
  std::int32_t run_number = 0, event_number = 0, channel_number = 0;
  EventWeights weights;
  bool trig_e = false, trig_m = false, trig_p = false;
  std::vector<RecoLepton> leptons;
  std::vector<RecoJet> jets;
  std::vector<RecoPhoton> photons;
  float met_et = 0, met_phi = 0;  // MeV, rad

  void clear() {
    leptons.clear();
    jets.clear();
    photons.clear();
    trig_e = trig_m = trig_p = false;
    weights = {};
    met_et = met_phi = 0;
  }
};

}  // namespace evclass::generate::detail
