#pragma once
// `evclass inspect` and `evclass dump`: what a ROOT file holds, branch statistics, CSV export.

#include <iosfwd>
#include <string>
#include <vector>

namespace evclass::api {

struct InspectOptions {
  std::string tree;     ///< only this tree ("" = all trees)
  bool stats = false;   ///< read every branch and print value statistics
  bool json = false;    ///< machine-readable output (the .ref.json layout with --stats)
  int threads = 0;      ///< 0 = all cores
};

/// Writes the listing to `out` and notes to `err`. Returns the process exit status.
int inspect(const std::string& path, const InspectOptions& options, std::ostream& out, std::ostream& err);

struct DumpOptions {
  std::string tree;                  ///< tree path (required when the file has several)
  std::vector<std::string> branches; ///< empty = every readable branch
  long long entries = -1;            ///< at most this many entries (-1 = all)
  int max_items = 4;                 ///< jagged branches: first k elements as columns
  std::string csv;                   ///< output file ("-" = stdout)
  int threads = 0;
};

/// Writes the branches as CSV. Returns the process exit status.
int dump(const std::string& path, const DumpOptions& options, std::ostream& out, std::ostream& err);

}  // namespace evclass::api
