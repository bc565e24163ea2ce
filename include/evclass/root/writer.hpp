#pragma once
// Writing ROOT files: a TFile with TTrees that ROOT, uproot and JSROOT read.
//
// Entries arrive batch by batch as columns; each branch keeps one basket buffer and writes it
// (compressed) as soon as it is full or a cluster ends, so memory does not grow with the number of
// entries. Keys use 64-bit seeks, so files may exceed 2 GiB. The file appears under its name
// only when close() succeeds (it is written to a temporary name, then renamed).
//
//   FileWriter out("scores.root", {.compression = Compression::parse("zstd:5")});
//   TreeWriter& t = out.add_tree("scores", {BranchSpec::scalar("score", DType::kFloat32)});
//   t.append(std::vector<Column>{score_column});
//   out.close();

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "evclass/column/column.hpp"
#include "evclass/core/types.hpp"

namespace evclass::root {

/// ROOT's compression algorithms (the numbers are ROOT's, as in fCompress = 100 * algorithm + level).
enum class Algorithm : std::uint8_t { kNone = 0, kZlib = 1, kLzma = 2, kLz4 = 4, kZstd = 5 };

struct Compression {
  Algorithm algorithm = Algorithm::kZstd;
  int level = 5;  ///< 1..9 as in ROOT (ignored for kNone)

  /// Parses "zlib", "zlib:6", "lz4", "zstd:5", "lzma:9", "none" (also "ZL", "L4", "ZS", "XZ" and
  /// ROOT's numeric setting such as "505"); throws ConfigError naming what is allowed.
  [[nodiscard]] static Compression parse(std::string_view spec);
  /// "zstd:5", "none", ...
  [[nodiscard]] std::string to_string() const;
  /// ROOT's fCompress value: 100 * algorithm + level, 0 for none.
  [[nodiscard]] int root_setting() const noexcept;
};

enum class BranchShape : std::uint8_t {
  kScalar,      ///< one value per entry: "x/F"
  kFixedArray,  ///< `dims` values per entry: "x[4]/F", "m[3][3]/D"
  kCounted,     ///< counter-sized array: "x[n]/F" (inner fixed dims allowed: "x[n][3]/F")
  kVector,      ///< std::vector<T> (a TBranchElement, as ROOT writes `tree->Branch("x", &vec)`)
};

/// One branch to write. Its values come as a column with the same dtype: flat for scalars, with
/// inner shape `dims` for fixed arrays, and jagged (one offsets level) for counted arrays and
/// vectors. Counted arrays name an earlier int32 branch holding each entry's count; append()
/// checks that the counts match the jagged column.
struct BranchSpec {
  std::string name;
  column::DType dtype = column::DType::kFloat32;  ///< any numeric dtype or kBool (not kString)
  BranchShape shape = BranchShape::kScalar;
  std::vector<std::int64_t> dims;  ///< kFixedArray: all dims; kCounted: the fixed dims after [n]
  std::string counter;             ///< kCounted: name of the counter branch
  std::string title;               ///< default: ROOT's leaf-list descriptor, e.g. "x[n]/F"

  [[nodiscard]] static BranchSpec scalar(std::string name, column::DType dtype);
  [[nodiscard]] static BranchSpec fixed_array(std::string name, column::DType dtype, std::vector<std::int64_t> dims);
  [[nodiscard]] static BranchSpec counted(std::string name, column::DType dtype, std::string counter,
                                          std::vector<std::int64_t> inner_dims = {});
  [[nodiscard]] static BranchSpec vector(std::string name, column::DType dtype);
};

struct TreeOptions {
  std::string title;                ///< default: the tree's name
  std::int32_t basket_size = 32000;  ///< bytes a branch buffers before writing a basket (ROOT's default)
  /// Entries per cluster: every branch writes its basket at each multiple of this, so a reader can
  /// fetch whole clusters. 0 picks, from the first batch, about 30 MB of uncompressed data per cluster.
  entry_t auto_flush = 0;
  std::optional<Compression> compression;  ///< default: the file's
};

struct FileOptions {
  Compression compression;
  std::string title;  ///< the file's title
  int threads = 0;    ///< threads compressing baskets; 0 means all cores
};

class FileWriter;

class TreeWriter {
 public:
  /// Appends a batch of entries: one column per branch, in the order of the branch specs, all with
  /// the same number of entries. Throws Error naming the branch when a column does not fit its spec.
  void append(std::span<const column::Column> columns);
  [[nodiscard]] entry_t entries() const noexcept;
  [[nodiscard]] const std::string& path() const noexcept;

  TreeWriter(const TreeWriter&) = delete;
  TreeWriter& operator=(const TreeWriter&) = delete;
  ~TreeWriter();

 private:
  friend class FileWriter;
  struct Impl;
  explicit TreeWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class FileWriter {
 public:
  /// Starts writing `path` (under a temporary name until close()). Throws IoError.
  explicit FileWriter(std::string path, FileOptions options = {});
  /// Without close(), the temporary file is removed and `path` is left untouched.
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  /// Adds a tree at `path` ("name", or "dir/sub/name": directories are created as needed).
  TreeWriter& add_tree(std::string path, std::vector<BranchSpec> branches, TreeOptions options = {});

  /// Writes the remaining baskets, the trees, directories, streamer infos and header, then renames
  /// the file into place.
  void close();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace evclass::root
