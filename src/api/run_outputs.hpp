#pragma once
// The score files of a run: one row per event of a set (test or training), with its label,
// weight, spectators, one score column per model output, sample and entry number; written as
// CSV and/or as a ROOT file with a tree "scores", as [output] asks.

#include <filesystem>
#include <string>
#include <vector>

#include "api/events.hpp"
#include "evclass/api/config.hpp"
#include "evclass/column/column.hpp"
#include "evclass/core/parallel.hpp"

namespace evclass::api::detail {

struct ScoreSet {
  std::vector<std::string> names;     ///< one per output
  const std::vector<float>* values;   ///< rows × outputs, row-major
};

struct ScoreTable {
  const Events* events = nullptr;
  const std::vector<std::size_t>* rows = nullptr;  ///< event indices, in output order
  std::vector<ScoreSet> scores;
};

/// A name ROOT accepts for a branch: characters other than letters, digits and '_' become '_'.
[[nodiscard]] std::string branch_name(std::string_view name);

/// Writes `<base>.csv` and/or `<base>.root` (tree "scores").
void write_scores(const Config& config, const ScoreTable& table, const std::filesystem::path& base,
                  const core::Context& ctx);

/// Writes named flat numeric columns as CSV (shortest exact number forms), atomically.
void write_csv_columns(const std::string& path, const std::vector<std::pair<std::string, column::Column>>& columns);

/// root::Compression from the [output] settings.
[[nodiscard]] std::string compression_spec(const OutputConfig& output);

}  // namespace evclass::api::detail
