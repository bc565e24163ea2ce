#pragma once
// One parser per section of the run config. Each takes the reader of its table (which has
// already rejected unknown keys) and returns the section with defaults filled in.

#include <filesystem>
#include <string>
#include <vector>

#include "api/config_reader.hpp"
#include "evclass/api/config.hpp"

namespace evclass::api::detail {

/// Valid keys of each table, declared once (used by the parsers and the unknown-key messages).
extern const std::vector<std::string> kTopLevelKeys;
extern const std::vector<std::string> kRunKeys;
extern const std::vector<std::string> kSampleKeys;
extern const std::vector<std::string> kSelectionKeys;
extern const std::vector<std::string> kFeaturesKeys;
extern const std::vector<std::string> kWeightsKeys;
extern const std::vector<std::string> kSplitKeys;
extern const std::vector<std::string> kPreprocessingKeys;
extern const std::vector<std::string> kEvaluationKeys;
extern const std::vector<std::string> kOutputKeys;

/// `default_name` is used when run.name is absent (the config file's stem).
[[nodiscard]] RunConfig parse_run(const TableReader& table, const std::string& default_name,
                                  const std::filesystem::path& base_dir);
/// Parses one [[sample]], expands its globs and reads its metadata file.
[[nodiscard]] SampleConfig parse_sample(const TableReader& table, const std::filesystem::path& base_dir);
[[nodiscard]] SelectionConfig parse_selection(const TableReader& table);
/// Derived variables, in the order they are written in the file.
[[nodiscard]] std::vector<DerivedVariable> parse_variables(const TableReader& table);
[[nodiscard]] FeaturesConfig parse_features(const TableReader& table);
[[nodiscard]] WeightsConfig parse_weights(const TableReader& table);
[[nodiscard]] SplitConfig parse_split(const TableReader& table);
[[nodiscard]] PreprocessingConfig parse_preprocessing(const TableReader& table);
/// One [[model]]; every key other than name and type becomes a hyper-parameter.
[[nodiscard]] ModelConfig parse_model(const TableReader& table);
[[nodiscard]] EvaluationConfig parse_evaluation(const TableReader& table);
[[nodiscard]] OutputConfig parse_output(const TableReader& table);

/// Fills a sample's normalisation from its metadata file (JSON, see docs/config.md).
void read_sample_metadata(const TableReader& table, SampleConfig& sample, const std::filesystem::path& base_dir);

}  // namespace evclass::api::detail
