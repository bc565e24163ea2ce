#include "root/file_impl.hpp"

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "root/compression.hpp"
#include "root/object_reader.hpp"

namespace evclass::root::detail {

namespace {
constexpr int kMaxDirectoryDepth = 32;
constexpr std::size_t kMaxKeys = 10'000'000;
}  // namespace

FileImpl::FileImpl(std::shared_ptr<Source> source) : source_(std::move(source)) {
  RBuffer buf(source_->bytes(), Origin{source_->path(), 0});
  header_ = read_file_header(buf);
  if (header_.fEND > source_->size())
    throw CorruptFile(corrupt_message(
        fmt::format("the file is truncated: its header says it ends at byte {} (fEND) but it has only {} bytes "
                    "(was it cut while being copied or written?)",
                    header_.fEND, source_->size()),
        "file offset 0", {"the file header"}, source_->path()));
  // The top directory record follows the file's own key and name.
  const std::int64_t dir_pos = std::int64_t{header_.fBEGIN} + header_.fNbytesName;
  auto dir_bytes = range(dir_pos, std::min<std::int64_t>(42, source_->size() - dir_pos), "the top directory record");
  RBuffer dbuf(dir_bytes, Origin{source_->path(), dir_pos});
  DirectoryRecord top;
  {
    RBuffer::Scope scope(dbuf, "the top directory (TDirectory record)");
    top = read_directory_record(dbuf);
  }
  read_directory(top.fSeekKeys, top.fNbytesKeys, "", 0);
  read_streamer_infos();
  streamers_.add_builtin_fallbacks();
}

std::span<const std::byte> FileImpl::range(std::int64_t offset, std::int64_t length, std::string_view what) const {
  const std::int64_t size = source_->size();
  if (offset < 0 || length < 0 || offset > size || length > size - offset)
    throw CorruptFile(corrupt_message(
        fmt::format("expected {} ({} bytes at offset {}) inside the file, but the file has {} bytes", what, length, offset,
                    size),
        fmt::format("file offset {}", offset), {}, source_->path()));
  return source_->bytes().subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
}

Key FileImpl::read_key_at(std::int64_t offset, std::string_view what) const {
  const std::int64_t size = source_->size();
  if (offset <= 0 || offset >= size)
    throw CorruptFile(corrupt_message(fmt::format("expected {} at offset {}, outside the file's {} bytes", what, offset, size),
                                      fmt::format("file offset {}", offset), {}, source_->path()));
  RBuffer buf(source_->bytes().subspan(static_cast<std::size_t>(offset)), Origin{source_->path(), offset});
  RBuffer::Scope scope(buf, std::string(what));
  return read_key(buf);
}

void FileImpl::read_directory(std::int64_t seek_keys, std::int32_t nbytes_keys, const std::string& dir, int depth) {
  if (depth > kMaxDirectoryDepth)
    throw CorruptFile(corrupt_message(fmt::format("directories nested more than {} deep", kMaxDirectoryDepth),
                                      fmt::format("file offset {}", seek_keys), {fmt::format("directory '{}'", dir)},
                                      source_->path()));
  if (seek_keys == 0) return;  // an empty directory that was never written
  auto bytes = range(seek_keys, nbytes_keys, fmt::format("the key list of directory '{}'", dir.empty() ? "/" : dir));
  RBuffer buf(bytes, Origin{source_->path(), seek_keys});
  RBuffer::Scope scope(buf, fmt::format("the key list of directory '{}'", dir.empty() ? "/" : dir));
  (void)read_key(buf);  // the header of the key list itself
  const std::int32_t nkeys = buf.i32("number of keys");
  // Each key header takes at least 26 bytes: more keys than that cannot fit.
  if (nkeys < 0 || static_cast<std::size_t>(nkeys) > buf.remaining() / 26 || keys_.size() + nkeys > kMaxKeys)
    buf.fail(fmt::format("directory claims {} keys but its key list has room for at most {}", nkeys, buf.remaining() / 26));
  std::vector<ListedKey> here;
  for (std::int32_t i = 0; i < nkeys; ++i) here.push_back({read_key(buf), dir});
  for (auto& k : here) {
    keys_.push_back(k);
    if (k.key.fClassName == "TDirectory" || k.key.fClassName == "TDirectoryFile") {
      const std::string sub = k.path();
      const Key on_disk = read_key_at(k.key.fSeekKey, fmt::format("the key of directory '{}'", sub));
      const std::int64_t rec = k.key.fSeekKey + on_disk.fKeylen;
      auto rec_bytes = range(rec, std::min<std::int64_t>(42, source_->size() - rec), "a directory record");
      RBuffer rbuf(rec_bytes, Origin{source_->path(), rec});
      DirectoryRecord d;
      {
        RBuffer::Scope s2(rbuf, fmt::format("directory '{}' (TDirectory record)", sub));
        d = read_directory_record(rbuf);
      }
      read_directory(d.fSeekKeys, d.fNbytesKeys, sub, depth + 1);
    }
  }
}

Payload FileImpl::read_payload(const Key& listed) const {
  Payload p;
  p.key_offset = listed.fSeekKey;
  p.key = read_key_at(listed.fSeekKey, fmt::format("the key of '{}'", listed.fName));
  const Key& k = p.key;
  auto stored = range(listed.fSeekKey + k.fKeylen, std::int64_t{k.fNbytes} - k.fKeylen,
                      fmt::format("the payload of '{}' (class {})", k.fName, k.fClassName));
  if (!k.is_compressed()) {
    p.view = stored;
    return p;
  }
  try {
    const std::size_t claimed = claimed_uncompressed_size(stored);
    if (claimed != static_cast<std::size_t>(k.fObjlen))
      throw CorruptFile(fmt::format("its compressed blocks hold {} bytes but its key says fObjlen = {}", claimed, k.fObjlen));
    p.owned.resize(claimed);
    decompress(stored, {p.owned.data(), p.owned.size()});
  } catch (const CorruptFile& e) {
    throw CorruptFile(corrupt_message(e.what(), fmt::format("file offset {}", listed.fSeekKey + k.fKeylen),
                                      {fmt::format("the object '{}' of class {}", k.fName, k.fClassName)}, source_->path()));
  }
  p.view = {p.owned.data(), p.owned.size()};
  return p;
}

ObjectPtr FileImpl::read_object(const ListedKey& listed) const {
  Payload p = read_payload(listed.key);
  RBuffer buf(p.view, Origin{source_->path(), p.key.is_compressed() ? 0 : listed.key.fSeekKey + p.key.fKeylen,
                             p.key.is_compressed(), listed.key.fSeekKey, p.key.fKeylen});
  buf.set_outer_context({fmt::format("{} '{}' (key at file offset {})", listed.key.fClassName, listed.path(),
                                     listed.key.fSeekKey)});
  ObjectReader reader(buf, &streamers_);
  auto obj = reader.read_embedded(listed.key.fClassName);
  obj->class_name = listed.key.fClassName;
  return obj;
}

void FileImpl::read_streamer_infos() {
  if (header_.fSeekInfo <= 0) return;
  try {
    Key info_key = read_key_at(header_.fSeekInfo, "the streamer-info key");
    info_key.fSeekKey = header_.fSeekInfo;
    Payload p = read_payload(info_key);
    RBuffer buf(p.view, Origin{source_->path(), p.key.is_compressed() ? 0 : header_.fSeekInfo + p.key.fKeylen,
                               p.key.is_compressed(), header_.fSeekInfo, p.key.fKeylen});
    buf.set_outer_context({fmt::format("the streamer-info record (key at file offset {})", header_.fSeekInfo)});
    ObjectReader reader(buf, nullptr);
    auto list = reader.read_embedded("TList");
    streamers_.add_from_list(*list);
    dismantle(list);
  } catch (const Error& e) {
    // Trees carry no data without streamer infos, but listing the file still works; the
    // problem is reported when a tree is read.
    streamer_problem_ = e.what();
  }
}

}  // namespace evclass::root::detail
