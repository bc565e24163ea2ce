#pragma once
// Private parts of the writer shared by file_writer.cpp and tree_writer.cpp.

#include <cstdint>
#include <memory>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "evclass/core/atomic_file.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/root/writer.hpp"
#include "root/wbuffer.hpp"

namespace evclass::root::detail {

/// A TKey header as written: always the 64-bit-seek variant (fVersion 1004), which every
/// reader accepts, so a file can grow past 2 GiB without rewriting keys.
struct KeyHeader {
  std::int32_t fNbytes = 0;
  std::int16_t fVersion = 1004;
  std::int32_t fObjlen = 0;
  std::uint32_t fDatime = 0;
  std::int16_t fKeylen = 0;
  std::int16_t fCycle = 1;
  std::int64_t fSeekKey = 0;
  std::int64_t fSeekPdir = 0;
  std::string fClassName, fName, fTitle;

  KeyHeader(std::string class_name, std::string name, std::string title);
  void write(WBuffer& b) const;
};

/// Bytes a TString takes on disk.
[[nodiscard]] std::size_t tstring_size(std::string_view s) noexcept;

/// A directory being written: its record's key position and the keys it lists.
struct DirState {
  std::string name, title;
  std::int64_t seek_dir = 0;     ///< position of the directory record's key (fBEGIN for the top)
  std::int64_t seek_parent = 0;
  std::int32_t nbytes_name = 0;  ///< bytes from the key start to the directory record
  std::vector<KeyHeader> keys;   ///< keys listed in this directory, in writing order
  std::vector<std::unique_ptr<DirState>> subdirs;
  DirState* parent = nullptr;
};

/// The file-level services a tree needs: appending records and compressing in parallel.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  /// Appends `header` (fSeekKey and fNbytes filled in here) followed by `stored` bytes;
  /// returns the key's file position.
  virtual std::int64_t append_record(KeyHeader& header, std::string_view header_tail, std::string_view stored) = 0;
  [[nodiscard]] virtual std::uint32_t datime() const noexcept = 0;
  [[nodiscard]] virtual const core::Context& context() const noexcept = 0;
};

/// Compresses `object` as ROOT would store it: compressed blocks, or the raw bytes when
/// compression does not help (or is off).
[[nodiscard]] std::string stored_form(std::string_view object, const Compression& compression);

/// A branch being written: its spec, its open basket, and the table of written baskets.
struct BranchState {
  BranchSpec spec;
  std::size_t value_size = 0;    ///< bytes per value on disk
  std::size_t item_values = 1;   ///< values per entry (scalar, fixed) or per item (counted)
  bool variable = false;         ///< counted array or vector: baskets carry entry offsets
  int counter = -1;              ///< counted: index of the counter branch
  bool is_counter = false;       ///< some counted branch names this one
  std::int64_t counter_max = 0;  ///< largest count seen (ROOT sizes its buffers by it)
  std::int16_t keylen = 0;       ///< length of this branch's basket keys
  KeyHeader key_template{"TBasket", "", ""};

  std::string data;                    ///< open basket: big-endian values
  std::vector<std::int32_t> offsets;   ///< open basket: entry starts within data (variable only)
  std::int64_t basket_first = 0;       ///< first entry of the open basket
  std::int32_t open_entries = 0;       ///< entries in the open basket

  std::vector<std::int32_t> basket_bytes;
  std::vector<std::int64_t> basket_entry, basket_seek;
  std::int64_t tot_bytes = 0, zip_bytes = 0;
  char leaf_identity = 0;  ///< address used as the leaf's identity in object references
};

/// A full basket waiting to be compressed and written.
struct BasketJob {
  std::size_t branch = 0;
  std::int32_t entries = 0;
  std::int64_t first = 0;
  std::int32_t fixed_entry_size = 0;  ///< fNevBufSize for fixed-size branches
  std::string object;                 ///< uncompressed payload (data + entry offsets)
  std::int32_t last = 0;              ///< fLast
  std::string stored;                 ///< compressed (or raw) payload
};

}  // namespace evclass::root::detail

namespace evclass::root {

struct TreeWriter::Impl {
  std::string path, name, title;
  detail::DirState* dir = nullptr;
  detail::RecordSink* sink = nullptr;
  TreeOptions options;
  Compression compression;
  std::vector<detail::BranchState> branches;
  entry_t entries = 0;
  entry_t auto_flush = 0;

  void append(std::span<const column::Column> columns);
  /// Writes the open baskets (end of the tree).
  void finish();
  /// The TTree object for the key of length `keylen`.
  [[nodiscard]] std::string serialize(std::int16_t keylen) const;

 private:
  void check_batch(std::span<const column::Column> columns) const;
  void add_entries(std::size_t b, const column::Column& c, std::size_t first, std::size_t last,
                   std::vector<detail::BasketJob>& jobs);
  void close_basket(std::size_t b, std::vector<detail::BasketJob>& jobs);
  void write_jobs(std::vector<detail::BasketJob>& jobs);
};

}  // namespace evclass::root
