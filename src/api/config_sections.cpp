// The small sections of the run config: run, selection, variables, features, weights, split,
// preprocessing, evaluation and output.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "api/config_sections.hpp"

#include "evclass/core/text.hpp"
#include "evclass/core/error.hpp"

namespace evclass::api::detail {

const std::vector<std::string> kTopLevelKeys = {"run",   "sample",        "selection", "variables",
                                                "features", "weights",    "split",     "preprocessing",
                                                "model", "evaluation",    "output"};
const std::vector<std::string> kRunKeys = {"name", "seed", "threads", "output"};
const std::vector<std::string> kSelectionKeys = {"common", "class"};
const std::vector<std::string> kFeaturesKeys = {"use", "spectators", "missing_index", "dtype", "parameters"};
const std::vector<std::string> kWeightsKeys = {"expression", "luminosity_fb", "negative", "class_balance",
                                               "train_weighted"};
const std::vector<std::string> kSplitKeys = {"method", "train",           "validation",
                                             "test",   "stratify",        "folds",
                                             "column", "test_expression", "validation_expression",
                                             "validation_from_train"};
const std::vector<std::string> kPreprocessingKeys = {"scaler"};
const std::vector<std::string> kEvaluationKeys = {"signal_class", "threshold", "background_efficiencies",
                                                  "roc_points", "significance_scale"};
const std::vector<std::string> kOutputKeys = {"formats", "compression"};

namespace {

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool before(const SourcePosition& a, const SourcePosition& b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

}  // namespace

RunConfig parse_run(const TableReader& table, const std::string& default_name, const std::filesystem::path& base_dir) {
  RunConfig run;
  run.name = table.get_string("name").value_or(default_name);
  run.seed = static_cast<std::uint64_t>(
      table.get_integer("seed", Range::at_least(0)).value_or(static_cast<std::int64_t>(run.seed)));
  run.threads = static_cast<int>(table.get_integer("threads", Range::closed(0, 4096)).value_or(0));
  std::filesystem::path output(table.get_string("output").value_or("runs/" + run.name));
  run.output = output.is_relative() ? base_dir / output : output;
  return run;
}

SelectionConfig parse_selection(const TableReader& table) {
  SelectionConfig selection;
  selection.common = table.get_expr("common").value_or(ExprText{});
  if (const auto* per_class = table.get_table("class")) {
    // Class names are free, so every key is allowed here; they are checked against the
    // samples' classes once all samples are read.
    TableReader classes(*per_class, table.path_of("class"), table.file(), {}, /*open=*/true);
    for (auto&& [k, v] : *per_class) selection.per_class[std::string(k.str())] = *classes.get_expr(k.str());
  }
  return selection;
}

std::vector<DerivedVariable> parse_variables(const TableReader& table) {
  std::vector<DerivedVariable> variables;
  for (auto&& [k, v] : table.table()) {
    const std::string name(k.str());
    if (!is_identifier(name))
      table.fail_key(name, "a variable name must be an identifier (letters, digits and '_', not starting with a digit)");
    variables.push_back({name, *table.get_expr(name)});
  }
  // toml++ keeps keys sorted by name; variables may use earlier ones, so restore file order.
  std::stable_sort(variables.begin(), variables.end(), [](const DerivedVariable& a, const DerivedVariable& b) {
    return before(a.expression.where, b.expression.where);
  });
  return variables;
}

FeaturesConfig parse_features(const TableReader& table) {
  FeaturesConfig features;
  auto use = table.get_expr_list("use");
  if (!use) table.fail_missing("use", "the list of features to train on, e.g. use = [\"m4l\", \"lep_pt[0]\"]");
  if (use->empty()) table.fail_key("use", "needs at least one feature");
  features.use = std::move(*use);
  features.spectators = table.get_expr_list("spectators").value_or(std::vector<ExprText>{});
  auto check_unique = [&](const std::vector<ExprText>& list, std::string_view key) {
    for (std::size_t i = 0; i < list.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (list[i].text == list[j].text)
          fail_at(list[i].where, fmt::format("{}[{}]", table.path_of(key), i),
                  fmt::format("\"{}\" is listed twice (also at {}[{}])", list[i].text, table.path_of(key), j));
  };
  check_unique(features.use, "use");
  check_unique(features.spectators, "spectators");
  for (std::size_t i = 0; i < features.spectators.size(); ++i)
    for (const auto& f : features.use)
      if (f.text == features.spectators[i].text)
        fail_at(features.spectators[i].where, fmt::format("{}[{}]", table.path_of("spectators"), i),
                fmt::format("\"{}\" is also a feature; a spectator is carried to the outputs but not trained on, "
                            "so list it in only one of use and spectators",
                            f.text));
  features.missing_index =
      table.get_choice<MissingIndex>("missing_index", {{"nan", MissingIndex::nan}, {"zero", MissingIndex::zero}})
          .value_or(MissingIndex::nan);
  features.dtype = table.get_choice<std::string>("dtype", {{"float32", "float32"}}).value_or("float32");
  features.parameters = table.get_string_list("parameters").value_or(std::vector<std::string>{});
  for (std::size_t i = 0; i < features.parameters.size(); ++i) {
    const std::string& p = features.parameters[i];
    std::vector<std::string> names;
    bool found = false;
    for (const auto& f : features.use) {
      names.push_back(f.text);
      found = found || f.text == p;
    }
    if (!found) {
      std::string problem = fmt::format("\"{}\" is not one of the features in use (a parameter is a feature the models "
                                        "take as input)", p);
      if (auto hint = core::did_you_mean(p, names); !hint.empty()) problem += "; " + hint;
      table.fail_key("parameters", problem);
    }
    for (std::size_t j = 0; j < i; ++j)
      if (features.parameters[j] == p) table.fail_key("parameters", fmt::format("\"{}\" is listed twice", p));
  }
  return features;
}

WeightsConfig parse_weights(const TableReader& table) {
  WeightsConfig weights;
  if (auto expression = table.get_expr("expression")) weights.expression = *expression;
  weights.luminosity_fb = table.get_number("luminosity_fb", Range::above(0)).value_or(1.0);
  weights.negative = table.get_choice<NegativeWeights>("negative", {{"keep", NegativeWeights::keep},
                                                                    {"ignore_in_training", NegativeWeights::ignore_in_training},
                                                                    {"abs", NegativeWeights::abs}})
                         .value_or(NegativeWeights::keep);
  weights.class_balance = table.get_choice<ClassBalance>("class_balance", {{"none", ClassBalance::none},
                                                                           {"equal_sum", ClassBalance::equal_sum},
                                                                           {"balanced", ClassBalance::balanced}})
                              .value_or(ClassBalance::none);
  weights.train_weighted = table.get_bool("train_weighted").value_or(true);
  return weights;
}

SplitConfig parse_split(const TableReader& table) {
  SplitConfig split;
  split.method = table.get_choice<SplitMethod>("method", {{"random", SplitMethod::random},
                                                          {"kfold", SplitMethod::kfold},
                                                          {"column", SplitMethod::column},
                                                          {"expression", SplitMethod::expression}})
                     .value_or(SplitMethod::random);
  const std::string method_name(to_string(split.method));
  // Keys of another method are rejected: they would be silently ignored otherwise.
  auto only_for = [&](std::string_view key, std::initializer_list<SplitMethod> methods) {
    if (!table.has(key)) return;
    if (std::find(methods.begin(), methods.end(), split.method) != methods.end()) return;
    std::string names;
    for (auto m : methods) names += fmt::format("{}'{}'", names.empty() ? "" : " or ", to_string(m));
    table.fail_key(key, fmt::format("applies only to method = {} (method here is '{}')", names, method_name));
  };
  if (split.method == SplitMethod::expression && table.find("test") && table.find("test")->is_string())
    table.fail_key("test", "with method = 'expression' write the cut as test_expression = \"...\"; "
                           "test is the test fraction of method = 'random'");
  only_for("train", {SplitMethod::random});
  only_for("validation", {SplitMethod::random});
  only_for("test", {SplitMethod::random});
  only_for("stratify", {SplitMethod::random, SplitMethod::kfold});
  only_for("folds", {SplitMethod::kfold});
  only_for("column", {SplitMethod::column});
  only_for("test_expression", {SplitMethod::expression});
  only_for("validation_expression", {SplitMethod::expression});

  split.stratify = table.get_bool("stratify").value_or(true);
  split.validation_from_train = table.get_number("validation_from_train", {0.0, false, 1.0, true}).value_or(0.0);
  switch (split.method) {
    case SplitMethod::random: {
      split.train = table.get_number("train", {0.0, true, 1.0, false}).value_or(split.train);
      split.validation = table.get_number("validation", Range::closed(0, 1)).value_or(split.validation);
      split.test = table.get_number("test", Range::closed(0, 1)).value_or(split.test);
      const double sum = split.train + split.validation + split.test;
      if (std::abs(sum - 1.0) > 1e-9) {
        const double rest = 1.0 - split.train - split.validation;
        std::string hint = rest >= 0 ? fmt::format(" (e.g. test = {:.6g})", rest) : "";
        const char* key = table.has("test") ? "test" : table.has("train") ? "train" : "validation";
        table.fail_key(key, fmt::format("train + validation + test = {} + {} + {} = {:.6g}; the fractions must sum to 1{}",
                                        split.train, split.validation, split.test, sum, hint));
      }
      if (split.validation > 0 && split.validation_from_train > 0)
        table.fail_key("validation_from_train", "give either validation (a fraction of all events) or "
                                                "validation_from_train (a fraction of the training part), not both");
      break;
    }
    case SplitMethod::kfold:
      split.folds = static_cast<int>(table.get_integer("folds", Range::closed(2, 1000)).value_or(5));
      break;
    case SplitMethod::column:
      split.column = table.get_string("column").value_or("split");
      break;
    case SplitMethod::expression: {
      auto test = table.get_expr("test_expression");
      if (!test) table.fail_missing("test_expression", "the cut that selects test events, e.g. \"entry % 10 < 3\"");
      split.test_expression = *test;
      split.validation_expression = table.get_expr("validation_expression").value_or(ExprText{});
      break;
    }
  }
  return split;
}

PreprocessingConfig parse_preprocessing(const TableReader& table) {
  PreprocessingConfig pre;
  pre.scaler = table.get_choice<Scaler>("scaler", {{"none", Scaler::none},
                                                   {"standard", Scaler::standard},
                                                   {"minmax", Scaler::minmax}})
                   .value_or(Scaler::standard);
  return pre;
}

EvaluationConfig parse_evaluation(const TableReader& table) {
  EvaluationConfig eval;
  eval.signal_class = table.get_string("signal_class").value_or("");
  eval.threshold = table.get_number("threshold", Range::closed(0, 1)).value_or(eval.threshold);
  if (auto effs = table.get_number_list("background_efficiencies", {0.0, true, 1.0, false})) {
    eval.background_efficiencies = std::move(*effs);
    std::sort(eval.background_efficiencies.begin(), eval.background_efficiencies.end());
  }
  eval.roc_points = table.get_integer("roc_points", Range::closed(0, 10'000'000)).value_or(0);
  if (eval.roc_points == 1) table.fail_key("roc_points", "out of range: 0 (every point) or >= 2");
  eval.significance_scale = table.get_number("significance_scale", Range::above(0)).value_or(1.0);
  return eval;
}

OutputConfig parse_output(const TableReader& table) {
  OutputConfig out;
  if (const auto* node = table.find("formats")) {
    auto names = table.get_string_list("formats");
    out.formats.clear();
    for (std::size_t i = 0; i < names->size(); ++i) {
      const auto& name = (*names)[i];
      OutputFormat f;
      if (name == "root")
        f = OutputFormat::root;
      else if (name == "csv")
        f = OutputFormat::csv;
      else
        table.fail_key("formats", fmt::format("'{}' is not an output format; choose from 'root', 'csv'", name));
      if (std::find(out.formats.begin(), out.formats.end(), f) != out.formats.end())
        table.fail_key("formats", fmt::format("'{}' is listed twice", name));
      out.formats.push_back(f);
    }
    if (out.formats.empty()) fail_value(table.position_of("formats"), table.path_of("formats"), node, "needs at least one format");
  }
  if (auto text = table.get_string("compression")) {
    const auto colon = text->find(':');
    const std::string algorithm = text->substr(0, colon);
    const std::vector<std::pair<std::string, CompressionAlgorithm>> algorithms = {
        {"none", CompressionAlgorithm::none}, {"zlib", CompressionAlgorithm::zlib}, {"lz4", CompressionAlgorithm::lz4},
        {"zstd", CompressionAlgorithm::zstd}, {"lzma", CompressionAlgorithm::lzma}};
    const auto it = std::find_if(algorithms.begin(), algorithms.end(), [&](const auto& a) { return a.first == algorithm; });
    if (it == algorithms.end())
      table.fail_key("compression", "unknown algorithm; write \"<algorithm>:<level>\" with algorithm one of none, "
                                    "zlib, lz4, zstd, lzma and level 1..9, e.g. \"zstd:5\"");
    out.compression = it->second;
    out.compression_level = out.compression == CompressionAlgorithm::none ? 0 : 5;
    if (colon != std::string::npos) {
      const std::string level = text->substr(colon + 1);
      const bool digit = level.size() == 1 && std::isdigit(static_cast<unsigned char>(level[0]));
      const int value = digit ? level[0] - '0' : -1;
      if (out.compression == CompressionAlgorithm::none ? value != 0 : (value < 1 || value > 9))
        table.fail_key("compression", out.compression == CompressionAlgorithm::none
                                          ? "\"none\" takes no level (or level 0)"
                                          : "the level after ':' must be 1..9, e.g. \"zstd:5\"");
      out.compression_level = value;
    }
  }
  return out;
}

}  // namespace evclass::api::detail
