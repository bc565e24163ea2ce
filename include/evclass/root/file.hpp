#pragma once
// Reading ROOT files without the ROOT framework.
//
//   auto file = evclass::root::File::open("events.root");
//   auto tree = file.tree("Events");
//   evclass::column::Column pt = tree.read("Jet_pt");              // jagged float column
//   auto cols = tree.read({"nJet", "Jet_pt", "Jet_eta"}, {}, {.threads = 2});

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evclass/root/tree.hpp"

namespace evclass::root {

namespace detail {
class FileImpl;
}

/// One object stored in the file (any class), as listed by its directory key.
struct ObjectInfo {
  std::string path;        ///< "dir/sub/name" (no cycle)
  std::string name;
  std::string class_name;  ///< "TTree", "TH1F", "ROOT::RNTuple", ...
  std::string title;
  int cycle = 0;
  std::int64_t seek = 0;
  std::int32_t stored_bytes = 0;  ///< bytes in the file (fNbytes)
  std::int32_t object_bytes = 0;  ///< bytes after decompression (fObjlen)
  [[nodiscard]] bool is_tree() const noexcept;
  [[nodiscard]] bool is_directory() const noexcept;
};

class File {
 public:
  /// Opens and checks a ROOT file: header, directories and streamer infos are read now.
  /// Throws IoError (cannot open) or CorruptFile (not a ROOT file, damaged header or keys).
  static File open(const std::string& path);
  /// The same from bytes in memory (tests, fuzzing); `name` is used in messages.
  static File from_bytes(std::vector<std::byte> bytes, std::string name);

  [[nodiscard]] const std::string& path() const noexcept;
  /// ROOT version that wrote the file, e.g. 61206 for 6.12/06.
  [[nodiscard]] int root_version() const noexcept;
  /// ROOT's fCompress setting: 100 * algorithm + level (1 = zlib level 1 in old files).
  [[nodiscard]] int compression_setting() const noexcept;
  [[nodiscard]] std::int64_t size() const noexcept;

  /// Every object of every directory, every cycle, in directory order.
  [[nodiscard]] std::vector<ObjectInfo> objects() const;
  /// Trees (TTree, TNtuple, TNtupleD) at their highest cycle.
  [[nodiscard]] std::vector<ObjectInfo> trees() const;
  /// Opens a tree by path ("dir/sub/name", optionally "name;cycle"); cycle < 0 means highest.
  /// Throws KeyNotFound listing the closest tree names.
  [[nodiscard]] Tree tree(std::string_view path, int cycle = -1) const;
  /// A note about something that did not prevent listing the file (e.g. unreadable streamer
  /// infos), or "".
  [[nodiscard]] std::string warning() const;

 private:
  explicit File(std::shared_ptr<detail::FileImpl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<detail::FileImpl> impl_;
};

}  // namespace evclass::root
