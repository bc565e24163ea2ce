#pragma once
// Output files appear whole or not at all: bytes go to a temporary file beside the target,
// which is renamed over it only by commit(). An uncommitted file is removed.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace evclass::core {

class AtomicFile {
 public:
  /// Creates "<path>.tmp-<pid>-<n>" in the same directory; throws IoError on failure.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  void write(const void* data, std::size_t n);
  /// Overwrites bytes already written at `offset` (e.g. a header completed at the end); later
  /// write() calls still append.
  void write_at(std::uint64_t offset, std::string_view bytes);
  /// Flushes, syncs and renames onto the target path; throws IoError on failure.
  void commit();
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  std::string tmp_;
  std::FILE* f_ = nullptr;
  bool committed_ = false;
};

}  // namespace evclass::core
