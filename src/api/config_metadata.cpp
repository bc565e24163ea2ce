// Normalisation metadata files: one JSON object with an entry per sample, e.g.
//   { "ggH125_ZZ4lep": { "cross_section_pb": 0.0060239, "sum_weights": 27881776.6, "skim_efficiency": 0.27 } }
// (the shape of the ATLAS open-data info tables, one object per sample), or the sample list that
// `evclass generate` writes beside its files (hzz4l_samples.json, hgg_samples.json).

#include <cmath>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/config_sections.hpp"
#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"

namespace evclass::api::detail {

namespace {

constexpr std::uintmax_t kMaxMetadataBytes = 64u << 20;

const std::vector<std::string> kMetadataKeys = {"cross_section_pb", "sum_weights", "efficiency", "skim_efficiency",
                                                "k_factor"};

nlohmann::json read_json(const TableReader& table, const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) table.fail_key("metadata", fmt::format("cannot read '{}': {}", file.string(), ec.message()));
  if (size > kMaxMetadataBytes)
    table.fail_key("metadata", fmt::format("'{}' has {} bytes; a metadata file may have at most {}", file.string(), size,
                                           kMaxMetadataBytes));
  std::ifstream in(file, std::ios::binary);
  if (!in) table.fail_key("metadata", fmt::format("cannot open '{}'", file.string()));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    table.fail_key("metadata", fmt::format("'{}' is not valid JSON: {}", file.string(), e.what()));
  }
}

// The sample lists `evclass generate` writes ({"samples": [{"name", "xsec_pb", "sum_of_weights",
// "filter_eff", "k_factor", "is_data", ...}]}) read as the per-sample object form; data entries,
// which have no normalisation, are left out.
nlohmann::json from_generator_list(const nlohmann::json& json) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& s : json.at("samples")) {
    if (!s.is_object() || !s.contains("name") || !s["name"].is_string()) continue;
    if (s.value("is_data", false)) continue;
    nlohmann::json entry = nlohmann::json::object();
    const std::pair<const char*, const char*> renames[] = {
        {"xsec_pb", "cross_section_pb"}, {"sum_of_weights", "sum_weights"}, {"filter_eff", "efficiency"},
        {"k_factor", "k_factor"}};
    for (const auto& [from, to] : renames)
      if (s.contains(from)) entry[to] = s[from];
    out[s["name"].get<std::string>()] = entry;
  }
  return out;
}

}  // namespace

void read_sample_metadata(const TableReader& table, SampleConfig& sample, const std::filesystem::path& base_dir) {
  std::filesystem::path file(*table.get_string("metadata"));
  if (file.is_relative()) file = base_dir / file;
  auto& norm = sample.normalisation;
  norm.metadata = file;
  norm.metadata_key = table.get_string("metadata_key").value_or(sample.name);

  auto json = read_json(table, file);
  if (json.is_object() && json.contains("samples") && json["samples"].is_array()) json = from_generator_list(json);
  if (!json.is_object()) table.fail_key("metadata", fmt::format("'{}' must hold a JSON object with one entry per sample", file.string()));
  const auto it = json.find(norm.metadata_key);
  if (it == json.end()) {
    std::vector<std::string> names;
    for (const auto& [k, v] : json.items()) names.push_back(k);
    std::string hint = core::did_you_mean(norm.metadata_key, names);
    table.fail_key("metadata", fmt::format("'{}' has no entry \"{}\"{}{}; set metadata_key to choose another entry",
                                           file.string(), norm.metadata_key, hint.empty() ? "" : "; ", hint));
  }
  if (!it->is_object())
    table.fail_key("metadata", fmt::format("entry \"{}\" of '{}' must be an object like {{\"cross_section_pb\": 1.2, "
                                           "\"sum_weights\": 1e6}}",
                                           norm.metadata_key, file.string()));
  for (const auto& [key, value] : it->items()) {
    const std::string where = fmt::format("entry \"{}\" of '{}'", norm.metadata_key, file.string());
    if (std::find(kMetadataKeys.begin(), kMetadataKeys.end(), key) == kMetadataKeys.end()) {
      std::string hint = core::did_you_mean(key, kMetadataKeys);
      table.fail_key("metadata", fmt::format("{} has unknown key \"{}\"{}{} (valid: cross_section_pb, sum_weights, "
                                             "efficiency, skim_efficiency, k_factor)",
                                             where, key, hint.empty() ? "" : "; ", hint));
    }
    if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() <= 0)
      table.fail_key("metadata", fmt::format("{}: \"{}\" = {} must be a positive number", where, key, value.dump()));
    if (table.has(key))
      table.fail_key(key, fmt::format("is also given by {}; keep only one of the two", where));
    const double v = value.get<double>();
    if ((key == "efficiency" || key == "skim_efficiency") && v > 1)
      table.fail_key("metadata", fmt::format("{}: \"{}\" = {} must be in (0, 1]", where, key, v));
    if (key == "cross_section_pb") {
      if (!norm.cross_section_branch.empty())
        table.fail_key("cross_section_branch", fmt::format("{} gives cross_section_pb too; keep only one", where));
      norm.cross_section_pb = v;
    } else if (key == "sum_weights") {
      if (!norm.sum_weights_branch.empty())
        table.fail_key("sum_weights_branch", fmt::format("{} gives sum_weights too; keep only one", where));
      norm.sum_weights = v;
    } else if (key == "efficiency") {
      norm.efficiency = v;
    } else if (key == "skim_efficiency") {
      norm.skim_efficiency = v;
    } else {
      norm.k_factor = v;
    }
  }
}

}  // namespace evclass::api::detail
