// [[sample]]: files, format, class or label column, selection, weight and normalisation.

#include <algorithm>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "api/config_sections.hpp"
#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"

namespace evclass::api::detail {

const std::vector<std::string> kSampleKeys = {
    "name",           "files",         "format",       "tree",
    "delimiter",      "data",          "class",        "label_column",
    "label_classes",  "group",         "selection",    "weight",
    "cross_section_pb", "sum_weights", "efficiency",   "skim_efficiency",
    "k_factor",       "cross_section_branch", "sum_weights_branch", "metadata",
    "metadata_key"};

namespace {

namespace fs = std::filesystem;

// Up to a few names in the pattern's folder that look like the pattern, for the "matches no
// file" message. Bounded so a huge folder cannot make an error slow.
std::string nearby_files(const fs::path& pattern_path) {
  constexpr std::size_t kMaxListed = 10000;
  std::vector<std::string> names;
  std::error_code ec;
  const fs::path dir = pattern_path.parent_path().empty() ? fs::path(".") : pattern_path.parent_path();
  if (!fs::is_directory(dir, ec)) return fmt::format("folder '{}' does not exist", dir.string());
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end && names.size() < kMaxListed; it.increment(ec))
    names.push_back(it->path().filename().string());
  const std::string pattern = pattern_path.filename().string();
  // Edit distance says little about a wildcard pattern; suggest only for a plain file name.
  const bool wildcard = pattern.find_first_of("*?[") != std::string::npos;
  std::string hint = wildcard ? "" : core::did_you_mean(pattern, names);
  if (hint.empty()) return fmt::format("searched folder '{}' ({} entries)", dir.string(), names.size());
  return fmt::format("searched folder '{}'; {}", dir.string(), hint);
}

std::vector<fs::path> expand_files(const TableReader& table, const std::vector<ExprText>& patterns,
                                   const fs::path& base_dir) {
  std::vector<fs::path> files;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const auto& pattern = patterns[i];
    const std::string item_path = fmt::format("{}[{}]", table.path_of("files"), i);
    std::vector<fs::path> matched;
    try {
      matched = expand_file_pattern(pattern.text, base_dir);
    } catch (const ConfigError& e) {
      fail_at(pattern.where, item_path, e.what());
    }
    if (matched.empty()) {
      fs::path full(pattern.text);
      if (full.is_relative()) full = base_dir / full;
      fail_at(pattern.where, item_path,
              fmt::format("\"{}\" matches no file ({}); patterns are relative to the config file's folder",
                          pattern.text, nearby_files(full)));
    }
    for (auto& f : matched) {
      // The same file twice in one sample would count its events twice.
      if (std::find(files.begin(), files.end(), f) != files.end())
        fail_at(pattern.where, item_path,
                fmt::format("file '{}' is matched by an earlier pattern of this sample too; each file may "
                            "appear once",
                            f.string()));
      files.push_back(std::move(f));
    }
  }
  return files;
}

SampleFormat detect_format(const TableReader& table, const std::vector<fs::path>& files) {
  std::optional<SampleFormat> found;
  for (const auto& f : files) {
    std::string ext = f.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    SampleFormat format;
    if (ext == ".root")
      format = SampleFormat::root;
    else if (ext == ".csv")
      format = SampleFormat::csv;
    else
      table.fail_key("files", fmt::format("cannot tell the format of '{}' from its extension (.root or .csv); "
                                          "set format = \"root\" or \"csv\"",
                                          f.filename().string()));
    if (found && *found != format)
      table.fail_key("files", "mixes ROOT and CSV files; put them in separate samples or set format");
    found = format;
  }
  return found.value_or(SampleFormat::root);
}

void parse_class(const TableReader& table, SampleConfig& sample) {
  sample.is_data = table.get_bool("data").value_or(false);
  if (sample.is_data) {
    for (const char* key : {"class", "label_column", "label_classes"})
      if (table.has(key)) table.fail_key(key, "a data sample (data = true) has no class; remove this key");
    return;
  }
  auto class_name = table.get_string("class");
  auto label_column = table.get_string("label_column");
  if (class_name && label_column)
    table.fail_key("label_column", "give either class or label_column, not both");
  if (!class_name && !label_column)
    table.fail_missing("class", "a class name such as \"signal\" or \"background\", or label_column = \"label\" "
                                "to take labels from a column, or data = true for collision data");
  if (class_name) {
    sample.class_name = *class_name;
    if (table.has("label_classes")) table.fail_key("label_classes", "applies only with label_column");
    return;
  }
  sample.label_column = *label_column;
  sample.label_classes = table.get_string_list("label_classes").value_or(std::vector<std::string>{"background", "signal"});
  if (sample.label_classes.size() < 2) table.fail_key("label_classes", "needs at least two class names (label 0, 1, ...)");
  for (std::size_t i = 0; i < sample.label_classes.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (sample.label_classes[i] == sample.label_classes[j])
        table.fail_key("label_classes", fmt::format("class '{}' appears twice", sample.label_classes[i]));
}

void parse_normalisation(const TableReader& table, SampleConfig& sample, const fs::path& base_dir) {
  auto& norm = sample.normalisation;
  norm.cross_section_pb = table.get_number("cross_section_pb", Range::above(0));
  norm.sum_weights = table.get_number("sum_weights", Range::above(0));
  norm.efficiency = table.get_number("efficiency", {0.0, true, 1.0, false}).value_or(1.0);
  norm.skim_efficiency = table.get_number("skim_efficiency", {0.0, true, 1.0, false}).value_or(1.0);
  norm.k_factor = table.get_number("k_factor", Range::above(0)).value_or(1.0);
  norm.cross_section_branch = table.get_string("cross_section_branch").value_or("");
  norm.sum_weights_branch = table.get_string("sum_weights_branch").value_or("");
  if (sample.is_data) {
    for (const auto& key : {"cross_section_pb", "sum_weights", "efficiency", "skim_efficiency", "k_factor",
                            "cross_section_branch", "sum_weights_branch", "metadata", "metadata_key"})
      if (table.has(key)) table.fail_key(key, "a data sample (data = true) is not normalised; remove this key");
    return;
  }
  if (norm.cross_section_pb && !norm.cross_section_branch.empty())
    table.fail_key("cross_section_branch", "give either cross_section_pb or cross_section_branch, not both");
  if (norm.sum_weights && !norm.sum_weights_branch.empty())
    table.fail_key("sum_weights_branch", "give either sum_weights or sum_weights_branch, not both");
  if (table.has("metadata")) read_sample_metadata(table, sample, base_dir);
  else if (table.has("metadata_key")) table.fail_key("metadata_key", "applies only with metadata = \"file.json\"");

  const bool has_xsec = norm.enabled();
  const bool has_sumw = norm.sum_weights.has_value() || !norm.sum_weights_branch.empty();
  if (has_xsec && !has_sumw)
    table.fail_missing("sum_weights", "a cross-section needs the sum of weights too: sum_weights, "
                                      "sum_weights_branch or a metadata entry");
  if (has_sumw && !has_xsec)
    table.fail_missing("cross_section_pb", "a sum of weights needs a cross-section too: cross_section_pb, "
                                           "cross_section_branch or a metadata entry");
  if (!has_xsec)
    for (const char* key : {"efficiency", "skim_efficiency", "k_factor"})
      if (table.has(key)) table.fail_key(key, "applies only to a normalised sample; give cross_section_pb and sum_weights too");
}

}  // namespace

SampleConfig parse_sample(const TableReader& table, const fs::path& base_dir) {
  SampleConfig sample;
  sample.where = table.position();
  auto name = table.get_string("name");
  if (!name) table.fail_missing("name", "a unique name such as \"ttbar\", used in outputs");
  sample.name = *name;

  auto patterns = table.get_expr_list("files");
  if (!patterns) table.fail_missing("files", "a file or glob pattern, e.g. files = [\"data/signal_*.root\"]");
  if (patterns->empty()) table.fail_key("files", "needs at least one file or pattern");
  for (const auto& p : *patterns) sample.patterns.push_back(p.text);
  sample.files = expand_files(table, *patterns, base_dir);

  auto format = table.get_choice<SampleFormat>("format", {{"root", SampleFormat::root}, {"csv", SampleFormat::csv}});
  sample.format = format ? *format : detect_format(table, sample.files);
  sample.tree = table.get_string("tree").value_or("");
  if (sample.format == SampleFormat::csv && table.has("tree"))
    table.fail_key("tree", "applies only to ROOT files; this sample reads CSV");
  if (auto delimiter = table.get_string("delimiter")) {
    if (sample.format != SampleFormat::csv) table.fail_key("delimiter", "applies only to CSV files");
    if (delimiter->size() != 1) table.fail_key("delimiter", "must be a single character, e.g. \",\" or \";\"");
    sample.csv_delimiter = (*delimiter)[0];
  }

  parse_class(table, sample);
  sample.group = table.get_string("group").value_or(sample.name);
  sample.selection = table.get_expr("selection").value_or(ExprText{});
  sample.weight = table.get_expr("weight");
  parse_normalisation(table, sample, base_dir);
  return sample;
}

}  // namespace evclass::api::detail
