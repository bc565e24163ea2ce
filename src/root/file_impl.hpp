#pragma once
// The file layer: header, directories and their keys, object payloads, streamer infos.

#include <memory>
#include <string>
#include <vector>

#include "evclass/column/buffer.hpp"
#include "root/object.hpp"
#include "root/records.hpp"
#include "root/source.hpp"
#include "root/streamer_info.hpp"

namespace evclass::root::detail {

/// An object's bytes after decompression: a view into the file when stored raw, else owned.
struct Payload {
  Key key;
  std::int64_t key_offset = 0;
  column::Buffer owned;
  std::span<const std::byte> view;
};

/// A key found in a directory, with the directory path leading to it ("" at top level).
struct ListedKey {
  Key key;
  std::string dir;  ///< "one/two" for keys in sub-directories
  [[nodiscard]] std::string path() const { return dir.empty() ? key.fName : dir + "/" + key.fName; }
};

class FileImpl {
 public:
  explicit FileImpl(std::shared_ptr<Source> source);

  [[nodiscard]] const FileHeader& header() const noexcept { return header_; }
  [[nodiscard]] const std::string& path() const noexcept { return source_->path(); }
  [[nodiscard]] std::span<const std::byte> file_bytes() const noexcept { return source_->bytes(); }
  [[nodiscard]] const StreamerRegistry& streamers() const noexcept { return streamers_; }
  /// Problem met while reading the streamer-info record ("" if none); trees may still be read.
  [[nodiscard]] const std::string& streamer_problem() const noexcept { return streamer_problem_; }

  /// Every key of every directory (depth first), all cycles.
  [[nodiscard]] const std::vector<ListedKey>& keys() const noexcept { return keys_; }

  /// Reads the key header at `offset` (checking it lies in the file).
  [[nodiscard]] Key read_key_at(std::int64_t offset, std::string_view what) const;
  /// Reads and decompresses the object a listed key points at.
  [[nodiscard]] Payload read_payload(const Key& listed) const;
  /// Reads the object a key points at with the generic object reader.
  [[nodiscard]] ObjectPtr read_object(const ListedKey& listed) const;

  /// Bounds-checked view of file bytes; throws CorruptFile naming `what`.
  [[nodiscard]] std::span<const std::byte> range(std::int64_t offset, std::int64_t length, std::string_view what) const;

 private:
  void read_directory(std::int64_t seek_keys, std::int32_t nbytes_keys, const std::string& dir, int depth);
  void read_streamer_infos();

  std::shared_ptr<Source> source_;
  FileHeader header_;
  std::vector<ListedKey> keys_;
  StreamerRegistry streamers_;
  std::string streamer_problem_;
};

}  // namespace evclass::root::detail
