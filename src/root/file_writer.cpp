// Writing the file layer: header, directories, keys, the streamer-info record and the free list.
//
// Layout of a written file (the order ROOT uses too):
//   0       file header ("root", version, fBEGIN = 100, ..., fSeekInfo, fUUID), 64-bit seeks
//   100     the top directory: key (class TFile) + name and title + TDirectory record
//           sub-directory records (key class TDirectory), written when a tree is added
//   ...     baskets, as branches fill them (keys of class TBasket, not listed in a directory)
//   at close: the TTree objects, each directory's key list, the streamer infos, the top key
//           list and the free-segment list; then the header and the top record are completed.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <span>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"
#include "root/compression.hpp"
#include "root/streamer_writer.hpp"
#include "root/writer_impl.hpp"

namespace evclass::root {

// ---------------------------------------------------------------------------------------------
// Compression settings.

namespace {

struct AlgorithmName {
  std::string_view name, tag;
  Algorithm algorithm;
};
constexpr AlgorithmName kAlgorithms[] = {{"zlib", "ZL", Algorithm::kZlib},
                                         {"lzma", "XZ", Algorithm::kLzma},
                                         {"lz4", "L4", Algorithm::kLz4},
                                         {"zstd", "ZS", Algorithm::kZstd},
                                         {"none", "none", Algorithm::kNone}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Compression Compression::parse(std::string_view spec) {
  const auto bad = [&](std::string_view why) {
    return ConfigError(fmt::format("compression '{}' is invalid: {} (use ALG or ALG:LEVEL with ALG one of zlib, lz4, "
                                   "zstd, lzma, none and LEVEL 1..9, e.g. zstd:5; or ROOT's number such as 505)",
                                   spec, why));
  };
  const auto colon = spec.find(':');
  const std::string name = lower(spec.substr(0, colon));
  if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return std::isdigit(c); })) {
    if (colon != std::string_view::npos) throw bad("a ROOT number takes no level");
    int v = 0;
    std::from_chars(name.data(), name.data() + name.size(), v);
    const int alg = v / 100, level = v % 100;
    if (v == 0) return {Algorithm::kNone, 0};
    if ((alg != 1 && alg != 2 && alg != 4 && alg != 5) || level < 1 || level > 9)
      throw bad("ROOT's setting is 100 * algorithm + level with algorithm 1, 2, 4 or 5 and level 1..9");
    return {static_cast<Algorithm>(alg), level};
  }
  Compression c;
  bool found = false;
  for (const auto& a : kAlgorithms)
    if (name == a.name || name == lower(a.tag)) {
      c.algorithm = a.algorithm;
      found = true;
    }
  if (!found) throw bad(fmt::format("unknown algorithm '{}'", spec.substr(0, colon)));
  // ROOT's defaults per algorithm (zlib 1 as uproot uses, lz4 4, zstd 5, lzma 8 as in ROOT).
  c.level = c.algorithm == Algorithm::kZlib ? 1
            : c.algorithm == Algorithm::kLz4 ? 4
            : c.algorithm == Algorithm::kZstd ? 5
            : c.algorithm == Algorithm::kLzma ? 8
                                              : 0;
  if (colon != std::string_view::npos) {
    const std::string_view lv = spec.substr(colon + 1);
    int level = -1;
    const auto [ptr, ec] = std::from_chars(lv.data(), lv.data() + lv.size(), level);
    if (ec != std::errc() || ptr != lv.data() + lv.size() || level < 0 || level > 9)
      throw bad(fmt::format("level '{}' is not a number from 1 to 9", lv));
    if (c.algorithm == Algorithm::kNone && level != 0) throw bad("'none' takes no level");
    if (level == 0) c.algorithm = Algorithm::kNone;
    c.level = level;
  }
  return c;
}

std::string Compression::to_string() const {
  for (const auto& a : kAlgorithms)
    if (a.algorithm == algorithm) return algorithm == Algorithm::kNone ? "none" : fmt::format("{}:{}", a.name, level);
  return "?";
}

int Compression::root_setting() const noexcept {
  return algorithm == Algorithm::kNone ? 0 : 100 * static_cast<int>(algorithm) + level;
}

}  // namespace evclass::root

namespace evclass::root::detail {

std::size_t tstring_size(std::string_view s) noexcept { return (s.size() < 255 ? 1 : 5) + s.size(); }

KeyHeader::KeyHeader(std::string class_name, std::string name, std::string title)
    : fClassName(std::move(class_name)), fName(std::move(name)), fTitle(std::move(title)) {
  fKeylen = static_cast<std::int16_t>(4 + 2 + 4 + 4 + 2 + 2 + 8 + 8 + tstring_size(fClassName) +
                                      tstring_size(fName) + tstring_size(fTitle));
}

void KeyHeader::write(WBuffer& b) const {
  b.i32(fNbytes);
  b.i16(fVersion);
  b.i32(fObjlen);
  b.u32(fDatime);
  b.i16(fKeylen);
  b.i16(fCycle);
  b.i64(fSeekKey);
  b.i64(fSeekPdir);
  b.tstring(fClassName);
  b.tstring(fName);
  b.tstring(fTitle);
}

std::string stored_form(std::string_view object, const Compression& compression) {
  std::string out;
  if (compression.algorithm != Algorithm::kNone &&
      compress(std::as_bytes(std::span(object.data(), object.size())), static_cast<int>(compression.algorithm),
               compression.level, out))
    return out;
  return std::string(object);
}

}  // namespace evclass::root::detail

namespace evclass::root {

using detail::DirState;
using detail::KeyHeader;
using detail::WBuffer;

namespace {

constexpr std::int32_t kBegin = 100;          // fBEGIN: where the top directory starts
constexpr std::int32_t kRootVersion = 62600;  // the ROOT version whose layouts the writer follows
constexpr std::int16_t kDirectoryVersion = 1005;  // TDirectory v5, 64-bit seeks
constexpr std::size_t kDirectoryRecordSize = 2 + 4 + 4 + 4 + 4 + 8 + 8 + 8 + 2 + 16;
constexpr std::int64_t kStartBigFile = 2000000000;

// ROOT's TDatime packing. SOURCE_DATE_EPOCH, when set, makes files byte-for-byte reproducible.
std::uint32_t packed_datime() {
  std::time_t t = std::time(nullptr);
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH")) t = static_cast<std::time_t>(std::strtoll(e, nullptr, 10));
  std::tm tm{};
  gmtime_r(&t, &tm);
  return static_cast<std::uint32_t>(std::max(tm.tm_year + 1900 - 1995, 0)) << 26 |
         static_cast<std::uint32_t>(tm.tm_mon + 1) << 22 | static_cast<std::uint32_t>(tm.tm_mday) << 17 |
         static_cast<std::uint32_t>(tm.tm_hour) << 12 | static_cast<std::uint32_t>(tm.tm_min) << 6 |
         static_cast<std::uint32_t>(tm.tm_sec);
}

// A UUID for the file (ROOT only compares them): a hash of the name and time.
std::string make_uuid(std::string_view name, std::uint32_t datime) {
  std::uint64_t h1 = 1469598103934665603ULL ^ datime, h2 = 0x9e3779b97f4a7c15ULL;
  for (const char c : name) {
    h1 = (h1 ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    h2 = (h2 + static_cast<unsigned char>(c)) * 0xff51afd7ed558ccdULL;
  }
  WBuffer b;
  b.i16(1);  // TUUID version
  b.put(h1);
  b.put(h2);
  return b.take();
}

void write_directory_record(WBuffer& b, const DirState& d, std::uint32_t datime, std::int32_t nbytes_keys,
                            std::int64_t seek_keys, const std::string& uuid) {
  b.i16(kDirectoryVersion);
  b.u32(datime);  // fDatimeC
  b.u32(datime);  // fDatimeM
  b.i32(nbytes_keys);
  b.i32(d.nbytes_name);
  b.i64(d.seek_dir);
  b.i64(d.seek_parent);
  b.i64(seek_keys);
  b.raw(uuid);
}

}  // namespace

struct FileWriter::Impl final : detail::RecordSink {
  std::string path;
  FileOptions options;
  core::AtomicFile out;
  core::Context ctx;
  std::uint32_t now = 0;
  std::string uuid;
  std::int64_t end = 0;
  DirState top;
  std::vector<std::unique_ptr<TreeWriter>> trees;
  std::vector<std::pair<DirState*, std::int64_t>> dir_record_positions;  ///< sub-directory records to complete
  bool closed = false;

  Impl(std::string p, FileOptions o) : path(std::move(p)), options(std::move(o)), out(path) {
    ctx.threads = options.threads;
    now = packed_datime();
    const std::string file_name = std::filesystem::path(path).filename().string();
    uuid = make_uuid(file_name, now);
    // Header and top directory are rewritten at close; reserve their space now.
    out.write(std::string(kBegin, '\0'));
    end = kBegin;
    top.name = file_name;
    top.title = options.title;
    top.seek_dir = kBegin;
    KeyHeader key("TFile", top.name, top.title);
    top.nbytes_name = key.fKeylen + static_cast<std::int32_t>(detail::tstring_size(top.name) +
                                                              detail::tstring_size(top.title));
    out.write(top_record(0, 0));
    end += static_cast<std::int64_t>(top_record(0, 0).size());
  }

  // The top directory's key, name, title and directory record.
  [[nodiscard]] std::string top_record(std::int32_t nbytes_keys, std::int64_t seek_keys) const {
    KeyHeader key("TFile", top.name, top.title);
    key.fObjlen = static_cast<std::int32_t>(detail::tstring_size(top.name) + detail::tstring_size(top.title) +
                                            kDirectoryRecordSize);
    key.fNbytes = key.fKeylen + key.fObjlen;
    key.fDatime = now;
    key.fSeekKey = kBegin;
    key.fSeekPdir = 0;
    WBuffer b;
    key.write(b);
    b.tstring(top.name);
    b.tstring(top.title);
    write_directory_record(b, top, now, nbytes_keys, seek_keys, uuid);
    return b.take();
  }

  std::int64_t append_record(KeyHeader& h, std::string_view tail, std::string_view stored) override {
    h.fSeekKey = end;
    h.fDatime = now;
    h.fNbytes = static_cast<std::int32_t>(h.fKeylen + static_cast<std::int64_t>(stored.size()));
    WBuffer b;
    h.write(b);
    b.raw(tail);
    EVC_ASSERT(b.pos() == static_cast<std::size_t>(h.fKeylen), "key header length matches fKeylen");
    out.write(b.bytes());
    out.write(stored);
    end += h.fNbytes;
    return h.fSeekKey;
  }
  [[nodiscard]] std::uint32_t datime() const noexcept override { return now; }
  [[nodiscard]] const core::Context& context() const noexcept override { return ctx; }

  // Writes an object under a key listed in `dir`.
  void write_listed(DirState& dir, KeyHeader h, std::string_view object, const Compression& compression) {
    const std::string stored = detail::stored_form(object, compression);
    h.fObjlen = static_cast<std::int32_t>(object.size());
    h.fSeekPdir = dir.seek_dir;
    append_record(h, {}, stored);
    dir.keys.push_back(std::move(h));
  }

  DirState& directory(const std::vector<std::string>& parts) {
    DirState* d = &top;
    for (const auto& part : parts) {
      auto it = std::find_if(d->subdirs.begin(), d->subdirs.end(), [&](const auto& s) { return s->name == part; });
      if (it != d->subdirs.end()) {
        d = it->get();
        continue;
      }
      auto sub = std::make_unique<DirState>();
      sub->name = part;
      sub->parent = d;
      sub->seek_parent = d->seek_dir;
      // The record is written now (so keys inside can point at it) and completed at close.
      KeyHeader h("TDirectory", part, part);
      h.fObjlen = static_cast<std::int32_t>(kDirectoryRecordSize);
      h.fSeekPdir = d->seek_dir;
      sub->seek_dir = end;
      sub->nbytes_name = h.fKeylen;
      WBuffer rec;
      write_directory_record(rec, *sub, now, 0, 0, uuid);
      append_record(h, {}, rec.bytes());
      d->keys.push_back(h);
      dir_record_positions.emplace_back(sub.get(), sub->seek_dir + h.fKeylen);
      d->subdirs.push_back(std::move(sub));
      d = d->subdirs.back().get();
    }
    return *d;
  }

  // Writes `dir`'s key list; returns (fNbytesKeys, fSeekKeys).
  std::pair<std::int32_t, std::int64_t> write_key_list(DirState& dir, const std::string& class_name) {
    KeyHeader h(class_name, dir.name, dir.title);
    WBuffer body;
    body.i32(static_cast<std::int32_t>(dir.keys.size()));
    for (const auto& k : dir.keys) k.write(body);
    h.fObjlen = static_cast<std::int32_t>(body.pos());
    h.fSeekPdir = dir.seek_dir;
    const std::int64_t seek = append_record(h, {}, body.bytes());
    return {h.fNbytes, seek};
  }

  void finish_subdirs(DirState& dir) {
    for (auto& sub : dir.subdirs) {
      finish_subdirs(*sub);
      const auto [nbytes, seek] = write_key_list(*sub, "TDirectory");
      WBuffer rec;
      write_directory_record(rec, *sub, now, nbytes, seek, uuid);
      for (const auto& [d, at] : dir_record_positions)
        if (d == sub.get()) out.write_at(static_cast<std::uint64_t>(at), rec.bytes());
    }
  }

  void close() {
    for (auto& t : trees) {
      TreeWriter::Impl& ti = *t->impl_;
      ti.finish();
      KeyHeader h("TTree", ti.name, ti.title);
      write_listed(*ti.dir, h, ti.serialize(h.fKeylen), options.compression);
    }
    finish_subdirs(top);

    KeyHeader info("TList", "StreamerInfo", "Doubly linked list");
    WBuffer list(info.fKeylen);
    detail::write_streamer_info_list(list);
    const std::string stored_info = detail::stored_form(list.bytes(), options.compression);
    info.fObjlen = static_cast<std::int32_t>(list.pos());
    info.fSeekPdir = kBegin;
    const std::int64_t seek_info = append_record(info, {}, stored_info);

    const auto [nbytes_keys, seek_keys] = write_key_list(top, "TFile");

    // The free-segment list: one gap from the end of the file onwards.
    KeyHeader free_key("TFile", top.name, top.title);
    constexpr std::int32_t kFreeRecordSize = 2 + 8 + 8;
    const std::int64_t seek_free = end;
    const std::int64_t file_end = end + free_key.fKeylen + kFreeRecordSize;
    WBuffer free_list;
    free_list.i16(1001);  // TFree v1, 64-bit
    free_list.i64(file_end);
    free_list.i64(std::max(kStartBigFile, file_end + kStartBigFile));
    free_key.fObjlen = kFreeRecordSize;
    free_key.fSeekPdir = kBegin;
    append_record(free_key, {}, free_list.bytes());
    EVC_ASSERT(end == file_end, "free list ends the file");

    WBuffer h;
    h.raw("root");
    h.i32(1000000 + kRootVersion);
    h.i32(kBegin);
    h.i64(end);
    h.i64(seek_free);
    h.i32(free_key.fNbytes);
    h.i32(1);  // nfree
    h.i32(top.nbytes_name);
    h.u8(8);  // fUnits: 64-bit seeks
    h.i32(options.compression.root_setting());
    h.i64(seek_info);
    h.i32(info.fNbytes);
    h.raw(uuid);
    out.write_at(0, h.bytes());
    out.write_at(kBegin, top_record(nbytes_keys, seek_keys));
    out.commit();
    closed = true;
  }
};

FileWriter::FileWriter(std::string path, FileOptions options)
    : impl_(std::make_unique<Impl>(std::move(path), std::move(options))) {}

FileWriter::~FileWriter() = default;

TreeWriter& FileWriter::add_tree(std::string path, std::vector<BranchSpec> specs, TreeOptions options) {
  if (impl_->closed) throw Error(fmt::format("cannot add tree '{}': '{}' is already closed", path, impl_->path));
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  for (const auto& p : parts)
    if (p.empty()) throw ConfigError(fmt::format("tree path '{}' has an empty name between slashes", path));
  const std::string name = parts.back();
  parts.pop_back();
  for (const auto& t : impl_->trees)
    if (t->path() == path) throw ConfigError(fmt::format("the file already has a tree '{}'", path));
  if (specs.empty()) throw ConfigError(fmt::format("tree '{}' needs at least one branch", path));

  auto impl = std::make_unique<TreeWriter::Impl>();
  impl->path = path;
  impl->name = name;
  impl->title = options.title.empty() ? name : options.title;
  impl->sink = impl_.get();
  impl->compression = options.compression.value_or(impl_->options.compression);
  impl->auto_flush = options.auto_flush;
  impl->options = std::move(options);
  if (impl->options.basket_size < 64)
    throw ConfigError(fmt::format("tree '{}': basket_size {} is too small (at least 64 bytes)", path,
                                  impl->options.basket_size));

  for (auto& spec : specs) {
    detail::BranchState s;
    const auto fail = [&](const std::string& what) {
      throw ConfigError(fmt::format("tree '{}', branch '{}': {}", path, spec.name, what));
    };
    if (spec.name.empty()) fail("the branch needs a name");
    for (const auto& other : impl->branches)
      if (other.spec.name == spec.name) fail("two branches have this name");
    if (spec.dtype == column::DType::kString) fail("string branches cannot be written yet");
    s.value_size = column::dtype_size(spec.dtype);
    for (const auto d : spec.dims)
      if (d <= 0) fail(fmt::format("dimension {} must be positive", d));
    switch (spec.shape) {
      case BranchShape::kScalar:
        if (!spec.dims.empty()) fail("a scalar has no dimensions");
        break;
      case BranchShape::kFixedArray:
        if (spec.dims.empty()) fail("a fixed array needs its dimensions");
        s.item_values = 1;
        for (const auto d : spec.dims) s.item_values *= static_cast<std::size_t>(d);
        break;
      case BranchShape::kCounted: {
        s.variable = true;
        for (const auto d : spec.dims) s.item_values *= static_cast<std::size_t>(d);
        std::vector<std::string> names;
        for (std::size_t i = 0; i < impl->branches.size(); ++i) {
          names.push_back(impl->branches[i].spec.name);
          if (impl->branches[i].spec.name == spec.counter) s.counter = static_cast<int>(i);
        }
        if (s.counter < 0)
          fail(fmt::format("its counter '{}' must be declared before it; {}", spec.counter,
                           core::did_you_mean(spec.counter, names)));
        auto& counter = impl->branches[static_cast<std::size_t>(s.counter)];
        if (counter.spec.shape != BranchShape::kScalar || counter.spec.dtype == column::DType::kBool ||
            counter.spec.dtype == column::DType::kFloat32 || counter.spec.dtype == column::DType::kFloat64)
          fail(fmt::format("its counter '{}' must be an integer scalar branch", spec.counter));
        counter.is_counter = true;
        break;
      }
      case BranchShape::kVector:
        if (!spec.dims.empty()) fail("a std::vector branch has no fixed dimensions");
        s.variable = true;
        (void)detail::vector_class(spec.dtype);
        break;
    }
    s.key_template = KeyHeader("TBasket", spec.name, impl->name);
    s.key_template.fKeylen = static_cast<std::int16_t>(s.key_template.fKeylen + 19);  // TBasket's own fields
    s.keylen = s.key_template.fKeylen;
    s.spec = std::move(spec);
    impl->branches.push_back(std::move(s));
  }
  impl->dir = &impl_->directory(parts);
  impl_->trees.push_back(std::unique_ptr<TreeWriter>(new TreeWriter(std::move(impl))));
  return *impl_->trees.back();
}

void FileWriter::close() {
  if (impl_->closed) return;
  impl_->close();
}

}  // namespace evclass::root
