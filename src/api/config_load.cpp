// Entry points of the run config: read the file, parse TOML, hand each table to its section
// parser, then check what spans sections (classes, unique names, per-class cuts).

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "api/config_sections.hpp"
#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"

namespace evclass::api {

namespace {

using detail::fail_at;
using detail::TableReader;

constexpr std::uintmax_t kMaxConfigBytes = 16u << 20;

// An array of tables ([[sample]], [[model]]); a plain [sample] table is a common slip.
const toml::array* get_table_array(const TableReader& root, std::string_view key) {
  const auto* node = root.find(key);
  if (!node) return nullptr;
  const auto* array = node->as_array();
  if (!array || !array->is_array_of_tables())
    root.fail_key(key, fmt::format("wrong type: expected an array of tables; write each entry as [[{}]]", key));
  return array;
}

std::string stem_of(std::string_view source_name) {
  std::string stem = std::filesystem::path(source_name).stem().string();
  return stem.empty() ? "run" : stem;
}

// Binary {background, signal} gets background = 0, signal = 1 (the convention of the bench CSV
// files and of scikit-learn's predict_proba[:, 1]); anything else keeps first-appearance order.
std::vector<std::string> collect_classes(const std::vector<SampleConfig>& samples) {
  std::vector<std::string> classes;
  auto add = [&](const std::string& c) {
    if (std::find(classes.begin(), classes.end(), c) == classes.end()) classes.push_back(c);
  };
  for (const auto& s : samples) {
    if (s.is_data) continue;
    if (!s.class_name.empty()) add(s.class_name);
    for (const auto& c : s.label_classes) add(c);
  }
  if (classes.size() == 2 && std::find(classes.begin(), classes.end(), "signal") != classes.end() &&
      std::find(classes.begin(), classes.end(), "background") != classes.end())
    classes = {"background", "signal"};
  return classes;
}

void check_unique_names(const Config& config, const std::string& file) {
  for (std::size_t i = 0; i < config.samples.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (config.samples[i].name == config.samples[j].name)
        fail_at(config.samples[i].where, fmt::format("sample[{}].name", i),
                fmt::format("\"{}\" is already the name of sample[{}] (line {}); sample names must be unique",
                            config.samples[i].name, j, config.samples[j].where.line));
  for (std::size_t i = 0; i < config.models.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (config.models[i].name == config.models[j].name)
        fail_at(config.models[i].where, fmt::format("model[{}].name", i),
                fmt::format("\"{}\" is already the name of model[{}] (line {}); model names must be unique (a model "
                            "without a name is named after its type)",
                            config.models[i].name, j, config.models[j].where.line));
  (void)file;
}

// A parametric study (train_at, leave_out) trains on signal events at some parameter values:
// it needs exactly one [features] parameter and a signal class. A pnn model that does not name
// its parameters takes those of [features].
void check_parametric(Config& config) {
  for (auto& m : config.models) {
    if (m.type == "pnn" && !m.params.contains("parameters") && !config.features.parameters.empty())
      m.params["parameters"] = config.features.parameters;
    if (m.train_at.empty() && m.leave_out.empty()) continue;
    const char* key = m.train_at.empty() ? "leave_out" : "train_at";
    if (config.features.parameters.size() != 1)
      fail_at(m.where, fmt::format("model '{}'.{}", m.name, key),
              fmt::format("needs exactly one parameter in [features] parameters (it has {}), e.g. parameters = [\"mass\"]",
                          config.features.parameters.size()));
    if (config.classes.size() != 2 || config.classes[1] != "signal")
      fail_at(m.where, fmt::format("model '{}'.{}", m.name, key),
              "selects signal events by their parameter value: the run needs the classes background and signal");
  }
}

void check_classes(Config& config, const TableReader& root) {
  config.classes = collect_classes(config.samples);
  if (config.classes.size() < 2) {
    const std::string found = config.classes.empty() ? "none" : fmt::format("only '{}'", config.classes[0]);
    fail_at(config.samples.front().where, "sample",
            fmt::format("at least two classes are needed to train a classifier, found {}; give each [[sample]] a "
                        "class (e.g. class = \"signal\" and class = \"background\")",
                        found));
  }
  for (const auto& [name, cut] : config.selection.per_class) {
    if (std::find(config.classes.begin(), config.classes.end(), name) != config.classes.end()) continue;
    std::string problem = fmt::format("no sample has class '{}' (classes: {})", name, fmt::join(config.classes, ", "));
    if (auto hint = core::did_you_mean(name, config.classes); !hint.empty()) problem += "; " + hint;
    fail_at(cut.where, "selection.class." + name, problem);
  }
  auto& signal = config.evaluation.signal_class;
  if (signal.empty()) {
    if (std::find(config.classes.begin(), config.classes.end(), "signal") != config.classes.end()) signal = "signal";
  } else if (std::find(config.classes.begin(), config.classes.end(), signal) == config.classes.end()) {
    const auto* eval = root.get_table("evaluation");
    TableReader reader(*eval, "evaluation", root.file(), detail::kEvaluationKeys);
    std::string problem = fmt::format("no sample has this class; choose one of {}", fmt::join(config.classes, ", "));
    if (auto hint = core::did_you_mean(signal, config.classes); !hint.empty()) problem += " (" + hint + ")";
    reader.fail_key("signal_class", problem);
  }
}

}  // namespace

Config parse_config(std::string_view text, std::string_view source_name, const std::filesystem::path& base_dir) {
  const std::string file(source_name);
  toml::table document;
  try {
    document = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    fail_at(detail::to_position(file, e.source()), "TOML syntax error", e.description());
  }

  Config config;
  config.source = file;
  config.base_dir = base_dir;
  const TableReader root(document, "", file, detail::kTopLevelKeys);
  auto section = [&](std::string_view key, const std::vector<std::string>& keys) -> std::optional<TableReader> {
    if (const auto* t = root.get_table(key)) return TableReader(*t, std::string(key), file, keys);
    return std::nullopt;
  };
  static const toml::table kEmpty;
  auto or_empty = [&](std::optional<TableReader> r, std::string_view key, const std::vector<std::string>& keys) {
    return r ? std::move(*r) : TableReader(kEmpty, std::string(key), file, keys);
  };

  config.run = detail::parse_run(or_empty(section("run", detail::kRunKeys), "run", detail::kRunKeys), stem_of(source_name),
                                 base_dir);

  const auto* samples = get_table_array(root, "sample");
  if (!samples || samples->empty())
    fail_at(SourcePosition{file, 1, 1}, "sample",
            "no samples: add one [[sample]] table per process, e.g. [[sample]] name = \"signal\" files = [\"sig.root\"] "
            "class = \"signal\"");
  for (std::size_t i = 0; i < samples->size(); ++i) {
    const TableReader reader(*samples->get(i)->as_table(), fmt::format("sample[{}]", i), file, detail::kSampleKeys);
    config.samples.push_back(detail::parse_sample(reader, base_dir));
  }

  if (auto r = section("selection", detail::kSelectionKeys)) config.selection = detail::parse_selection(*r);
  if (const auto* t = root.get_table("variables"))
    config.variables = detail::parse_variables(TableReader(*t, "variables", file, {}, /*open=*/true));

  auto features = section("features", detail::kFeaturesKeys);
  if (!features)
    root.fail_missing("features", "a [features] table with use = [...], the variables to train on");
  config.features = detail::parse_features(*features);

  config.weights = detail::parse_weights(or_empty(section("weights", detail::kWeightsKeys), "weights", detail::kWeightsKeys));
  config.split = detail::parse_split(or_empty(section("split", detail::kSplitKeys), "split", detail::kSplitKeys));
  config.preprocessing = detail::parse_preprocessing(
      or_empty(section("preprocessing", detail::kPreprocessingKeys), "preprocessing", detail::kPreprocessingKeys));

  const auto* models = get_table_array(root, "model");
  if (!models || models->empty())
    fail_at(SourcePosition{file, 1, 1}, "model",
            "no models: add at least one [[model]] table, e.g. [[model]] type = \"logistic_regression\"");
  for (std::size_t i = 0; i < models->size(); ++i) {
    const TableReader reader(*models->get(i)->as_table(), fmt::format("model[{}]", i), file, {}, /*open=*/true);
    config.models.push_back(detail::parse_model(reader));
  }

  config.evaluation =
      detail::parse_evaluation(or_empty(section("evaluation", detail::kEvaluationKeys), "evaluation", detail::kEvaluationKeys));
  config.output = detail::parse_output(or_empty(section("output", detail::kOutputKeys), "output", detail::kOutputKeys));

  check_unique_names(config, file);
  check_classes(config, root);
  check_parametric(config);
  return config;
}

Config load_config(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw IoError(fmt::format("cannot read config file '{}': {}", path, ec.message()));
  if (size > kMaxConfigBytes)
    throw ConfigError(fmt::format("config file '{}' has {} bytes; a config may have at most {} bytes", path, size,
                                  kMaxConfigBytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(fmt::format("cannot open config file '{}'", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw IoError(fmt::format("cannot read config file '{}'", path));
  std::filesystem::path base = std::filesystem::path(path).parent_path();
  if (base.empty()) base = ".";
  return parse_config(text.str(), path, base);
}

std::string_view to_string(SampleFormat v) { return v == SampleFormat::root ? "root" : "csv"; }
std::string_view to_string(MissingIndex v) { return v == MissingIndex::nan ? "nan" : "zero"; }
std::string_view to_string(NegativeWeights v) {
  switch (v) {
    case NegativeWeights::keep: return "keep";
    case NegativeWeights::ignore_in_training: return "ignore_in_training";
    case NegativeWeights::abs: return "abs";
  }
  return "?";
}
std::string_view to_string(ClassBalance v) {
  switch (v) {
    case ClassBalance::none: return "none";
    case ClassBalance::equal_sum: return "equal_sum";
    case ClassBalance::balanced: return "balanced";
  }
  return "?";
}
std::string_view to_string(SplitMethod v) {
  switch (v) {
    case SplitMethod::random: return "random";
    case SplitMethod::kfold: return "kfold";
    case SplitMethod::column: return "column";
    case SplitMethod::expression: return "expression";
  }
  return "?";
}
std::string_view to_string(Scaler v) {
  switch (v) {
    case Scaler::none: return "none";
    case Scaler::standard: return "standard";
    case Scaler::minmax: return "minmax";
  }
  return "?";
}
std::string_view to_string(OutputFormat v) { return v == OutputFormat::root ? "root" : "csv"; }
std::string_view to_string(CompressionAlgorithm v) {
  switch (v) {
    case CompressionAlgorithm::none: return "none";
    case CompressionAlgorithm::zlib: return "zlib";
    case CompressionAlgorithm::lz4: return "lz4";
    case CompressionAlgorithm::zstd: return "zstd";
    case CompressionAlgorithm::lzma: return "lzma";
  }
  return "?";
}

}  // namespace evclass::api
