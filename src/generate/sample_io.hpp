#pragma once
// What the generators share around their ROOT files: checking options, preparing the output
// directory, and the sample metadata file (<analysis>_samples.json, see docs/generators.md).

#include <cstdint>
#include <string>
#include <vector>

#include "evclass/generate/generators.hpp"

namespace evclass::generate::detail {

/// Throws ConfigError for a negative event count or a luminosity that is not a positive number.
void check_options(const Options& options);

/// Creates the output directory if needed; throws IoError naming it when that fails.
void prepare_output_directory(const Options& options);

/// `file_name` inside the output directory.
[[nodiscard]] std::string output_path(const Options& options, const std::string& file_name);

/// One line of the metadata table.
struct SampleRecord {
  std::string name;        ///< e.g. "ggH125_ZZ4lep"
  std::string file;        ///< file name inside the output directory
  std::int64_t dsid = 0;   ///< ATLAS dataset id of the sample it imitates (0 for data)
  std::string process;     ///< physics process in words
  std::string class_hint;  ///< "signal", "background" or "data"
  bool is_data = false;
  double xsec_pb = 0;      ///< sigma x branching ratio of the process (pb), before any filter
  double k_factor = 1;
  double filter_eff = 1;   ///< fraction of the process the sample's events represent
  double sum_of_weights = 0;
  std::int64_t events = 0;  ///< entries in the file
  std::int64_t trials = 0;  ///< events simulated to obtain them (before the skim)
};

/// Expected yield of a simulated sample at `lumi_fb`: xsec x k x filter_eff x L.
[[nodiscard]] double expected_events(const SampleRecord& sample, double lumi_fb);

/// Writes <out>/<analysis>_samples.json atomically and returns its path.
std::string write_samples_json(const Options& options, const std::string& analysis,
                               const std::vector<SampleRecord>& samples);

}  // namespace evclass::generate::detail
