#pragma once
// The run configuration: one TOML file that describes a whole analysis (samples, selections,
// variables, features, weights, split, preprocessing, models, evaluation, outputs).
// Every key is documented in docs/config.md. Expressions are kept as text with their position in
// the file; the expr module parses them later and points its errors back at that position.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace evclass::api {

/// Where something was written in a config file (line and column are 1-based; 0 = not written,
/// i.e. a default value).
struct SourcePosition {
  std::string file;       ///< config file name as given to load_config / parse_config
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  /// "file:line:column", or just "file" for a default value.
  [[nodiscard]] std::string to_string() const;
};

/// An expression (cut, weight, derived variable, feature) kept as written, not yet parsed.
struct ExprText {
  std::string text;
  SourcePosition where;
  [[nodiscard]] bool empty() const { return text.empty(); }
};

/// How a sample's files are read.
enum class SampleFormat { root, csv };

/// Normalisation of a Monte Carlo sample:
/// w *= cross_section_pb * 1000 * luminosity_fb * k_factor * efficiency / (sum_weights * skim_efficiency).
/// Each quantity comes from the config, from the metadata file, or (cross-section and sum of
/// weights only) from a branch/column of the sample.
struct Normalisation {
  std::optional<double> cross_section_pb;  ///< cross-section in pb
  std::optional<double> sum_weights;       ///< sum of generator weights before any selection
  double efficiency = 1.0;                 ///< filter efficiency: multiplies the cross-section
  double skim_efficiency = 1.0;            ///< fraction kept by a skim: divides (ATLAS 8 TeV `red_eff`)
  double k_factor = 1.0;                   ///< higher-order correction: multiplies
  std::string cross_section_branch;        ///< per-event cross-section (e.g. "XSection"), if set
  std::string sum_weights_branch;          ///< per-event sum of weights (e.g. "SumWeights"), if set
  std::filesystem::path metadata;          ///< metadata file the values came from (empty = none)
  std::string metadata_key;                ///< entry of the metadata file (default: sample name)
  /// True when the sample is normalised at all (a cross-section from a value or a branch).
  [[nodiscard]] bool enabled() const { return cross_section_pb.has_value() || !cross_section_branch.empty(); }
};

/// One [[sample]]: a set of files of the same process.
struct SampleConfig {
  std::string name;                              ///< unique; used in outputs and metadata lookups
  std::vector<std::string> patterns;             ///< `files` as written (globs)
  std::vector<std::filesystem::path> files;      ///< expanded, sorted, absolute or base-relative
  SampleFormat format = SampleFormat::root;      ///< from `format` or the file extension
  std::string tree;                              ///< ROOT tree path; empty = the only tree in the file
  char csv_delimiter = ',';                      ///< CSV only
  bool is_data = false;                          ///< collision data: not trained on, weight 1, plots only
  std::string class_name;                        ///< fixed class (empty when label_column is set)
  std::string label_column;                      ///< column holding integer labels (empty = fixed class)
  std::vector<std::string> label_classes;        ///< class name of label value 0, 1, ... (label_column only)
  std::string group;                             ///< legend name in plots (default: name)
  ExprText selection;                            ///< per-sample cut (empty = none)
  std::optional<ExprText> weight;                ///< overrides [weights].expression for this sample
  Normalisation normalisation;
  SourcePosition where;                          ///< position of the [[sample]] header
};

/// [selection]: cuts ANDed with the per-sample ones.
struct SelectionConfig {
  ExprText common;                               ///< applied to every sample (empty = none)
  std::map<std::string, ExprText> per_class;     ///< class name -> cut
};

/// One derived variable from [variables]; they are listed in the order written in the file.
struct DerivedVariable {
  std::string name;
  ExprText expression;
};

/// Value of x[i] when i is past the end of a list.
enum class MissingIndex { nan, zero };

/// [features]
struct FeaturesConfig {
  std::vector<ExprText> use;                     ///< trained on, in this order
  std::vector<ExprText> spectators;              ///< carried to the outputs, not trained on
  MissingIndex missing_index = MissingIndex::nan;
  std::string dtype = "float32";                 ///< in-memory type of features (only float32)
  /// Features that are physics parameters (a mass hypothesis): binary runs are also evaluated at
  /// each parameter value, with background events scored at that value (docs/config.md).
  std::vector<std::string> parameters;
};

/// What to do with negative event weights.
enum class NegativeWeights { keep, ignore_in_training, abs };
/// Re-weighting of the classes in training.
enum class ClassBalance { none, equal_sum, balanced };

/// [weights]
struct WeightsConfig {
  ExprText expression{"1", {}};                  ///< per-event weight (times the normalisation)
  double luminosity_fb = 1.0;                    ///< integrated luminosity in fb^-1
  NegativeWeights negative = NegativeWeights::keep;
  ClassBalance class_balance = ClassBalance::none;
  bool train_weighted = true;                    ///< false: train unweighted, still evaluate weighted
};

/// How events are divided into train / validation / test.
enum class SplitMethod { random, kfold, column, expression };

/// [split]
struct SplitConfig {
  SplitMethod method = SplitMethod::random;
  double train = 0.7;                            ///< random: fractions summing to 1
  double validation = 0.0;
  double test = 0.3;
  bool stratify = true;                          ///< random and kfold: per class
  int folds = 5;                                 ///< kfold
  std::string column = "split";                  ///< column: 0 train, 1 test, 2 validation
  ExprText test_expression;                      ///< expression: true = test event
  ExprText validation_expression;                ///< expression: true = validation (optional)
  double validation_from_train = 0.0;            ///< fraction of the training part kept for validation
};

/// Feature scaling fitted on the training set and stored with the model.
enum class Scaler { none, standard, minmax };

/// [preprocessing]
struct PreprocessingConfig {
  Scaler scaler = Scaler::standard;
};

/// One [[model]]: everything except name and type is a hyper-parameter, validated by learn.
struct ModelConfig {
  std::string name;                              ///< unique (default: type)
  std::string type;                              ///< one of model_types()
  nlohmann::json params = nlohmann::json::object();
  std::map<std::string, SourcePosition> param_positions;  ///< where each hyper-parameter was written
  SourcePosition where;                          ///< position of the [[model]] header
  /// Parametric studies (needs one [features] parameter): train on the signal events at these
  /// parameter values only, or on all but these; background events then get parameter values
  /// drawn from the kept signal events'. Empty = all events.
  std::vector<double> train_at, leave_out;
};

/// [evaluation]
struct EvaluationConfig {
  std::string signal_class;                      ///< "" = one-vs-rest for every class (multi-class)
  double threshold = 0.5;
  std::vector<double> background_efficiencies{0.01, 0.1, 0.3};
  std::int64_t roc_points = 0;                   ///< 0 = every point; else thinned to about this many
  double significance_scale = 1.0;               ///< multiplies S and B before S/sqrt(B)
};

/// Output file formats.
enum class OutputFormat { root, csv };
/// Compression of ROOT outputs.
enum class CompressionAlgorithm { none, zlib, lz4, zstd, lzma };

/// [output]
struct OutputConfig {
  std::vector<OutputFormat> formats{OutputFormat::root, OutputFormat::csv};
  CompressionAlgorithm compression = CompressionAlgorithm::zstd;
  int compression_level = 5;                     ///< 1..9 (0 only with "none")
};

/// [run]
struct RunConfig {
  std::string name;                              ///< default: the config file's stem
  std::uint64_t seed = 42;
  int threads = 0;                               ///< 0 = all cores
  std::filesystem::path output;                  ///< run folder (default runs/<name>, base-relative)
};

/// The whole run configuration, validated.
struct Config {
  std::filesystem::path source;                  ///< config file (as given)
  std::filesystem::path base_dir;                ///< relative paths are resolved against this
  RunConfig run;
  std::vector<SampleConfig> samples;
  SelectionConfig selection;
  std::vector<DerivedVariable> variables;
  FeaturesConfig features;
  WeightsConfig weights;
  SplitConfig split;
  PreprocessingConfig preprocessing;
  std::vector<ModelConfig> models;
  EvaluationConfig evaluation;
  OutputConfig output;
  /// Every class, label order: binary {background, signal} gives background = 0, signal = 1;
  /// otherwise classes are numbered in order of first appearance among the samples.
  std::vector<std::string> classes;
};

/// Model types the config accepts (the learn module validates their hyper-parameters).
[[nodiscard]] const std::vector<std::string>& model_types();

/// Reads and validates the config at `path`; relative paths in it are resolved against its folder.
/// Throws evclass::ConfigError (bad content) or evclass::IoError (unreadable file).
[[nodiscard]] Config load_config(const std::string& path);

/// Parses and validates config text. `source_name` is used in messages, `base_dir` resolves
/// sample globs, metadata files and the run folder. Throws evclass::ConfigError.
[[nodiscard]] Config parse_config(std::string_view text, std::string_view source_name,
                                  const std::filesystem::path& base_dir);

/// Files matching `pattern` (`*`, `?`, `[...]` in the file-name part only), sorted by name.
/// A relative pattern is resolved against `base_dir`. Returns an empty list when nothing matches;
/// throws evclass::ConfigError for a malformed pattern.
[[nodiscard]] std::vector<std::filesystem::path> expand_file_pattern(std::string_view pattern,
                                                                     const std::filesystem::path& base_dir);

/// True when `name` matches the glob `pattern` (`*`, `?`, `[abc]`, `[a-z]`, `[!a]`; a leading '.'
/// is matched only by a literal '.'). Throws evclass::ConfigError for an unterminated '['.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view name);

/// Names used in the config and the docs for each enum value ("ignore_in_training", ...).
[[nodiscard]] std::string_view to_string(SampleFormat v);
[[nodiscard]] std::string_view to_string(MissingIndex v);
[[nodiscard]] std::string_view to_string(NegativeWeights v);
[[nodiscard]] std::string_view to_string(ClassBalance v);
[[nodiscard]] std::string_view to_string(SplitMethod v);
[[nodiscard]] std::string_view to_string(Scaler v);
[[nodiscard]] std::string_view to_string(OutputFormat v);
[[nodiscard]] std::string_view to_string(CompressionAlgorithm v);

}  // namespace evclass::api
