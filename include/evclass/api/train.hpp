#pragma once
// `evclass train CONFIG`: reads the samples of a run config, selects events and builds features,
// splits them, trains every model of the config, evaluates each, and writes the run folder:
//   models/<name>.json     the model with its features, selection and scaler (for `apply`)
//   metrics.json           per model: AUCs, ROC, confusion matrices, efficiencies, overtraining
//                          test, best cuts; per feature: separation and correlations; cut flow
//   scores_test.{csv,root} and scores_train.{csv,root}: label, weight, spectators, one score
//                          column per model (per class for multi-class), sample, entry
//   config.toml, run.log

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace evclass::api {

struct TrainOptions {
  std::string config_path;
  std::string out_dir;  ///< "" = the config's [run] output
  int threads = -1;     ///< < 0 = the config's [run] threads
  bool progress = true; ///< progress bars on stderr when it is a terminal
};

struct ModelResult {
  std::string name;
  std::string type;
  double train_seconds = 0;
  double auc = 0;           ///< binary: test AUC; multi-class: mean one-vs-rest AUC
  double auc_weighted = 0;
};

struct TrainResult {
  std::filesystem::path run_dir;
  std::size_t train_events = 0, validation_events = 0, test_events = 0;
  std::vector<ModelResult> models;
};

/// Runs the whole training; progress and the summary table go to `out`.
TrainResult train(const TrainOptions& options, std::ostream& out);

}  // namespace evclass::api
