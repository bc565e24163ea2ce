#pragma once
// `evclass apply RUN_OR_MODEL FILES...`: scores every entry of every input tree with saved models
// and writes, per input file, a friend tree "scores" with exactly one entry per input entry in the
// same order: one branch per model output (score_<model>, or score_<model>_<class>) and
// `pass_selection`, whether the entry passes the run's common selection (with models of several
// runs whose selections differ: all of them). Entries whose features
// cannot be computed (a missing list element, say) get NaN scores; none is dropped. CSV inputs
// get <stem>_scores.csv with the same columns, one row per input row.
// With a parameter (`--parameter mass=500,1000`), every event is scored once per value with that
// feature set to the value (a parametric model's mass hypothesis): branches
// score_<model>_<parameter><value>[_<class>].

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "evclass/core/types.hpp"

namespace evclass::api {

struct ApplyOptions {
  std::string model;               ///< a run folder (all its models) or one model file
  std::vector<std::string> files;  ///< ROOT files (friend trees) or CSV files (score CSVs)
  std::string out_dir = ".";       ///< where <input stem>_scores.root go
  std::string tree;                ///< "" = the tree the model was trained on, else the file's only tree
  int threads = 0;
  std::string parameter;           ///< "" or a feature of every model, scored at each of `parameter_values`
  std::vector<double> parameter_values;
};

/// Parses "NAME=V1,V2,..." into options.parameter and options.parameter_values (ConfigError if
/// malformed).
void parse_parameter_option(const std::string& text, ApplyOptions& options);

struct AppliedFile {
  std::string input;
  std::filesystem::path output;
  entry_t entries = 0;
  entry_t passing = 0;
};

std::vector<AppliedFile> apply(const ApplyOptions& options, std::ostream& out);

}  // namespace evclass::api
