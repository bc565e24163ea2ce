#include "evclass/api/demo.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "evclass/api/apply.hpp"
#include "evclass/api/generate.hpp"
#include "evclass/api/train.hpp"
#include "evclass/core/atomic_file.hpp"

namespace evclass::api {

namespace {

// examples/zprime.toml with the sample paths of the demo folder.
constexpr const char* kDemoConfig = R"toml(# The evclass demo: the Z' reference analysis (examples/zprime.toml) on generated samples.
[run]
name = "zprime-demo"
seed = 42
output = "run"

[[sample]]
name = "signal"
files = ["samples/reduced_signal_forTraining.root"]
tree = "zp"
class = "signal"
selection = "Zp_tau_0_dau_genMotherPDG == 26 && Zp_tau_1_dau_genMotherPDG == 26"

[[sample]]
name = "background"
files = ["samples/reduced_background_forTraining.root"]
tree = "zp"
class = "background"

[selection.class]
background = "4.5 < Zp_M_beforeFit && Zp_M_beforeFit < 5.5"

[features]
use = [
  "Zp_cm_p_beforeFit", "P_beforeFit",
  "Zp_tau0_CMS_p_beforeFit", "Zp_tau1_CMS_p_beforeFit",
  "fake_tau0_CMS_p_beforeFit", "fake_tau1_CMS_p_beforeFit",
  "fake_tau0_CMS_pt_beforeFit", "fake_tau1_CMS_pt_beforeFit",
  "fake_PtTheta_beforeFit", "fake_PtRho_beforeFit",
  "IntSymmZp_Pt_beforeFit", "DistZp_Pt_beforeFit",
  "Zp_PtTheta_sign_beforeFit", "Zp_PtRho_sign_beforeFit",
  "Zp_ptPtMin_Theta_beforeFit", "Zp_ptPtMin_Rho_beforeFit",
]
spectators = ["Zp_M_beforeFit"]

[split]
method = "random"
train = 0.7
test = 0.3

[[model]]
name = "logreg"
type = "logistic_regression"
C = 1.0
)toml";

}  // namespace

int demo(const DemoOptions& options, std::ostream& out) {
  namespace fs = std::filesystem;
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path dir(options.out_dir);
  fs::create_directories(dir);
  out << fmt::format("== 1/3 generate the Z' samples ({} candidates per file) into {}\n", options.events,
                     (dir / "samples").string());
  generate::Options gen;
  gen.out_dir = (dir / "samples").string();
  gen.events = options.events;
  gen.threads = options.threads;
  if (const int status = api::generate("zprime", gen, out); status != 0) return status;

  const fs::path config = dir / "zprime.toml";
  {
    core::AtomicFile f(config.string());
    f.write(kDemoConfig);
    f.commit();
  }
  out << fmt::format("\n== 2/3 train {}\n", config.string());
  TrainOptions train_options;
  train_options.config_path = config.string();
  train_options.threads = options.threads;
  const TrainResult trained = api::train(train_options, out);

  out << "\n== 3/3 apply the model to the independent application files\n";
  ApplyOptions apply_options;
  apply_options.model = trained.run_dir.string();
  apply_options.files = {(dir / "samples" / "reduced_signal_forApplication.root").string(),
                         (dir / "samples" / "reduced_background_forApplication.root").string()};
  apply_options.out_dir = (dir / "applied").string();
  apply_options.threads = options.threads;
  api::apply(apply_options, out);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out << fmt::format("\ndemo done in {:.1f} s: metrics in {}, scores of the application files in {}\n", seconds,
                     (trained.run_dir / "metrics.json").string(), apply_options.out_dir);
  return 0;
}

}  // namespace evclass::api
