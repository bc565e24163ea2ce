#pragma once
// Shared steps of the zprime and pmass generators: checking the common options, creating the
// output folder, and writing one ROOT file holding one generated tree.

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/generate/generators.hpp"
#include "evclass/root/writer.hpp"
#include "generate/batched_tree.hpp"

namespace evclass::generate::mc {

/// options.events, or `fallback` when it is 0; throws ConfigError when negative.
inline std::int64_t events_or_default(const Options& options, std::int64_t fallback) {
  if (options.events < 0)
    throw ConfigError(fmt::format("--events={} is invalid: must be >= 0 (0 picks the default, {})", options.events,
                                  fallback));
  return options.events == 0 ? fallback : options.events;
}

/// Creates the output folder (and its parents); throws ConfigError or IoError.
inline std::filesystem::path make_output_dir(const Options& options) {
  if (options.out_dir.empty()) throw ConfigError("--out is empty: give the folder to write the samples to");
  const std::filesystem::path dir(options.out_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw IoError(fmt::format("cannot create output folder '{}': {}", options.out_dir,
                              ec ? ec.message() : "a file of that name exists"));
  return dir;
}

/// Writes `entries` generated entries as tree `tree_name` of a new file at `path`. The random
/// streams are keyed by the file's name, so each file of a generator gets independent events.
inline void write_sample_file(const std::filesystem::path& path, const std::string& tree_name,
                              const std::vector<root::BranchSpec>& specs, std::int64_t entries,
                              const Options& options, const FillBatch& fill) {
  root::FileWriter file(path.string(), {.compression = options.compression, .threads = options.threads});
  root::TreeWriter& tree = file.add_tree(tree_name, specs);
  write_batched(tree, specs, entries, options.seed, name_hash(path.filename().string()), options.threads, fill);
  file.close();
}

}  // namespace evclass::generate::mc
