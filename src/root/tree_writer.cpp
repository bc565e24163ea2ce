// Writing a TTree: branches fill basket buffers batch by batch; full baskets are compressed in
// parallel and appended to the file in a fixed order; at the end the TTree object describes them.

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "root/streamer_writer.hpp"
#include "root/writer_impl.hpp"

namespace evclass::root {

using column::Column;
using column::DType;
using detail::BasketJob;
using detail::BranchState;
using detail::WBuffer;
using detail::write_tnamed;
using detail::write_tobject;

BranchSpec BranchSpec::scalar(std::string name, DType dtype) {
  return {std::move(name), dtype, BranchShape::kScalar, {}, {}, {}};
}
BranchSpec BranchSpec::fixed_array(std::string name, DType dtype, std::vector<std::int64_t> dims) {
  return {std::move(name), dtype, BranchShape::kFixedArray, std::move(dims), {}, {}};
}
BranchSpec BranchSpec::counted(std::string name, DType dtype, std::string counter, std::vector<std::int64_t> inner_dims) {
  return {std::move(name), dtype, BranchShape::kCounted, std::move(inner_dims), std::move(counter), {}};
}
BranchSpec BranchSpec::vector(std::string name, DType dtype) {
  return {std::move(name), dtype, BranchShape::kVector, {}, {}, {}};
}

TreeWriter::TreeWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TreeWriter::~TreeWriter() = default;
void TreeWriter::append(std::span<const Column> columns) { impl_->append(columns); }
entry_t TreeWriter::entries() const noexcept { return impl_->entries; }
const std::string& TreeWriter::path() const noexcept { return impl_->path; }

namespace {

// Per-entry header of a std::vector<T> written by a TBranchElement: byte count and the class
// version of std::vector, as ROOT's TBufferFile writes it.
constexpr std::int16_t kVectorClassVersion = 6;
constexpr std::size_t kVectorEntryHeader = 4 + 2 + 4;
// About this many uncompressed bytes per cluster when the auto-flush is chosen automatically
// (ROOT's default of 30 MB).
constexpr double kClusterBytes = 30e6;
// Pending baskets are written once they hold this much, so memory stays bounded within a batch.
constexpr std::size_t kMaxPendingBytes = std::size_t{64} << 20;

std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string s;
  for (const auto d : dims) s += fmt::format("[{}]", d);
  return s;
}

// Appends values [first, first + n) of a numeric column as big-endian bytes.
void append_be(std::string& out, const Column& c, std::size_t first, std::size_t n) {
  if (c.dtype() == DType::kBool) {
    const auto v = c.values<std::uint8_t>().subspan(first, n);
    const std::size_t at = out.size();
    out.resize(at + n);
    for (std::size_t i = 0; i < n; ++i) out[at + i] = static_cast<char>(v[i] != 0);
    return;
  }
  column::visit_numeric(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const auto v = c.values<T>().subspan(first, n);
    const std::size_t at = out.size();
    out.resize(at + n * sizeof(T));
    char* dst = out.data() + at;
    for (std::size_t i = 0; i < n; ++i) {
      T x = v[i];
      if constexpr (sizeof(T) > 1 && std::endian::native == std::endian::little) {
        using U = std::conditional_t<sizeof(T) == 2, std::uint16_t,
                                     std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>;
        U u = std::bit_cast<U>(x);
        if constexpr (sizeof(T) == 2) u = __builtin_bswap16(u);
        else if constexpr (sizeof(T) == 4) u = __builtin_bswap32(u);
        else u = __builtin_bswap64(u);
        std::memcpy(dst + i * sizeof(T), &u, sizeof(T));
      } else {
        std::memcpy(dst + i * sizeof(T), &x, sizeof(T));
      }
    }
  });
}

void put_be32(std::string& out, std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
  out.append(b, 4);
}

std::int64_t integer_at(const Column& c, std::size_t i) {
  return column::visit_numeric(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return static_cast<std::int64_t>(c.values<T>()[i]);
  });
}

}  // namespace

void TreeWriter::Impl::check_batch(std::span<const Column> columns) const {
  if (columns.size() != branches.size())
    throw Error(fmt::format("tree '{}': a batch has {} columns but the tree has {} branches (one column per branch, "
                            "in the order they were declared)",
                            path, columns.size(), branches.size()));
  const entry_t n = columns.empty() ? 0 : columns[0].entries();
  for (std::size_t b = 0; b < branches.size(); ++b) {
    const BranchState& s = branches[b];
    const Column& c = columns[b];
    const auto fail = [&](const std::string& what) {
      throw Error(fmt::format("tree '{}', branch '{}': {}", path, s.spec.name, what));
    };
    if (c.dtype() != s.spec.dtype)
      fail(fmt::format("the column holds {} but the branch was declared {}", column::dtype_name(c.dtype()),
                       column::dtype_name(s.spec.dtype)));
    if (c.entries() != n)
      fail(fmt::format("the column has {} entries but '{}' has {}", c.entries(), branches[0].spec.name, n));
    const bool want_jagged = s.variable;
    if (c.is_jagged() != want_jagged || c.jagged_depth() > 1)
      fail(want_jagged ? "a counted array or vector needs a jagged column with one offsets level"
                       : "the column is jagged but the branch has a fixed size per entry");
    const std::vector<std::int64_t> want_shape =
        s.spec.shape == BranchShape::kFixedArray || s.spec.shape == BranchShape::kCounted ? s.spec.dims
                                                                                          : std::vector<std::int64_t>{};
    if (c.inner_shape() != want_shape)
      fail(fmt::format("the column's items have shape {} but the branch needs {}", dims_text(c.inner_shape()),
                       dims_text(want_shape)));
    if (s.counter >= 0) {
      const Column& k = columns[static_cast<std::size_t>(s.counter)];
      const auto& off = c.offsets()[0];
      for (entry_t e = 0; e < n; ++e) {
        const std::int64_t len = off[static_cast<std::size_t>(e) + 1] - off[static_cast<std::size_t>(e)];
        if (integer_at(k, static_cast<std::size_t>(e)) != len)
          fail(fmt::format("entry {} of the batch has {} items but its counter '{}' says {}", e, len,
                           branches[static_cast<std::size_t>(s.counter)].spec.name,
                           integer_at(k, static_cast<std::size_t>(e))));
      }
    }
  }
}

void TreeWriter::Impl::append(std::span<const Column> columns) {
  check_batch(columns);
  const std::size_t n = columns.empty() ? 0 : static_cast<std::size_t>(columns[0].entries());
  if (n == 0) return;
  for (std::size_t b = 0; b < branches.size(); ++b) {
    BranchState& s = branches[b];
    if (!s.is_counter) continue;
    for (std::size_t e = 0; e < n; ++e) s.counter_max = std::max(s.counter_max, integer_at(columns[b], e));
  }
  if (auto_flush <= 0) {
    // Entries per cluster from the size of this first batch.
    double bytes = 0;
    for (std::size_t b = 0; b < branches.size(); ++b)
      bytes += static_cast<double>(columns[b].size() * branches[b].value_size) +
               (branches[b].spec.shape == BranchShape::kVector ? static_cast<double>(n * kVectorEntryHeader) : 0.0);
    const double per_entry = std::max(1.0, bytes / static_cast<double>(n));
    auto_flush = std::max<entry_t>(1, static_cast<entry_t>(kClusterBytes / per_entry));
  }
  std::vector<BasketJob> jobs;
  std::size_t pos = 0;
  while (pos < n) {
    const auto to_boundary = static_cast<std::size_t>(auto_flush - entries % auto_flush);
    const std::size_t seg = std::min(n - pos, to_boundary);
    for (std::size_t b = 0; b < branches.size(); ++b) add_entries(b, columns[b], pos, pos + seg, jobs);
    entries += static_cast<entry_t>(seg);
    pos += seg;
    if (entries % auto_flush == 0)
      for (std::size_t b = 0; b < branches.size(); ++b) close_basket(b, jobs);
    std::size_t pending = 0;
    for (const auto& j : jobs) pending += j.object.size();
    if (pending > kMaxPendingBytes) write_jobs(jobs);
  }
  write_jobs(jobs);
}

void TreeWriter::Impl::add_entries(std::size_t b, const Column& c, std::size_t first, std::size_t last,
                                   std::vector<BasketJob>& jobs) {
  BranchState& s = branches[b];
  const auto basket_size = static_cast<std::size_t>(std::max(options.basket_size, 1));
  const auto check_room = [&](std::size_t more) {
    if (s.data.size() + more > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()) - 65536)
      throw Unsupported(fmt::format("tree '{}', branch '{}': one entry holds {} bytes, more than a ROOT basket can",
                                    path, s.spec.name, more));
  };
  if (!s.variable) {
    const std::size_t per_entry = s.item_values * s.value_size;
    for (std::size_t e = first; e < last;) {
      if (!s.data.empty() && s.data.size() + per_entry > basket_size) close_basket(b, jobs);
      const std::size_t room = s.data.size() < basket_size ? (basket_size - s.data.size()) / per_entry : 0;
      const std::size_t k = std::min(last - e, std::max<std::size_t>(1, room));
      check_room(k * per_entry);
      append_be(s.data, c, e * s.item_values, k * s.item_values);
      s.open_entries += static_cast<std::int32_t>(k);
      e += k;
      if (s.data.size() >= basket_size) close_basket(b, jobs);
    }
    return;
  }
  const auto& off = c.offsets()[0];
  const bool vec = s.spec.shape == BranchShape::kVector;
  for (std::size_t e = first; e < last; ++e) {
    const auto items = static_cast<std::size_t>(off[e + 1] - off[e]);
    const std::size_t values = items * s.item_values;
    const std::size_t bytes = values * s.value_size + (vec ? kVectorEntryHeader : 0);
    if (!s.data.empty() && s.data.size() + bytes > basket_size) close_basket(b, jobs);
    check_room(bytes);
    s.offsets.push_back(static_cast<std::int32_t>(s.data.size()));
    if (vec) {
      put_be32(s.data, static_cast<std::uint32_t>(bytes - 4) | WBuffer::kByteCountMask);
      s.data.push_back(static_cast<char>(kVectorClassVersion >> 8));
      s.data.push_back(static_cast<char>(kVectorClassVersion & 0xff));
      put_be32(s.data, static_cast<std::uint32_t>(items));
    }
    append_be(s.data, c, static_cast<std::size_t>(off[e]) * s.item_values, values);
    s.open_entries += 1;
  }
  if (s.data.size() >= basket_size) close_basket(b, jobs);
}

void TreeWriter::Impl::close_basket(std::size_t b, std::vector<BasketJob>& jobs) {
  BranchState& s = branches[b];
  if (s.open_entries == 0) return;
  BasketJob job;
  job.branch = b;
  job.entries = s.open_entries;
  job.first = s.basket_first;
  job.fixed_entry_size = s.variable ? 0 : static_cast<std::int32_t>(s.item_values * s.value_size);
  job.last = static_cast<std::int32_t>(s.keylen + static_cast<std::int64_t>(s.data.size()));
  job.object = std::move(s.data);
  if (s.variable) {
    // ROOT's entry-offset table: a count, the start of every entry counted from the key start,
    // and one more slot (readers put the end of the data there).
    job.object.reserve(job.object.size() + 4 * (s.offsets.size() + 2));
    put_be32(job.object, static_cast<std::uint32_t>(s.offsets.size() + 1));
    for (const std::int32_t o : s.offsets) put_be32(job.object, static_cast<std::uint32_t>(o + s.keylen));
    put_be32(job.object, static_cast<std::uint32_t>(job.last));
  }
  jobs.push_back(std::move(job));
  s.data = std::string();
  s.offsets.clear();
  s.basket_first += s.open_entries;
  s.open_entries = 0;
}

void TreeWriter::Impl::write_jobs(std::vector<BasketJob>& jobs) {
  if (jobs.empty()) return;
  core::parallel_for(jobs.size(), sink->context(),
                     [&](std::size_t i) { jobs[i].stored = detail::stored_form(jobs[i].object, compression); });
  for (BasketJob& job : jobs) {
    BranchState& s = branches[job.branch];
    detail::KeyHeader h = s.key_template;
    h.fObjlen = static_cast<std::int32_t>(job.object.size());
    h.fSeekPdir = dir->seek_dir;
    WBuffer tail;
    tail.i16(3);  // TBasket version
    tail.i32(std::max<std::int32_t>(options.basket_size, s.keylen + h.fObjlen));  // fBufferSize
    tail.i32(s.variable ? job.entries + 1 : job.fixed_entry_size);                // fNevBufSize
    tail.i32(job.entries);                                                        // fNevBuf
    tail.i32(job.last);                                                           // fLast
    tail.u8(0);                                                                   // flag
    const std::int64_t seek = sink->append_record(h, tail.bytes(), job.stored);
    s.basket_bytes.push_back(h.fNbytes);
    s.basket_entry.push_back(job.first);
    s.basket_seek.push_back(seek);
    s.tot_bytes += h.fObjlen + h.fKeylen;
    s.zip_bytes += h.fNbytes;
  }
  jobs.clear();
}

void TreeWriter::Impl::finish() {
  std::vector<BasketJob> jobs;
  for (std::size_t b = 0; b < branches.size(); ++b) close_basket(b, jobs);
  write_jobs(jobs);
}

// ---------------------------------------------------------------------------------------------
// The TTree object.

namespace {

void write_att_fill(WBuffer& b) {
  const auto at = b.begin_object(2);
  b.i16(0);     // fFillColor
  b.i16(1001);  // fFillStyle: solid
  b.end_object(at);
}

void write_io_features(WBuffer& b) {
  const auto at = b.begin_object(1);
  b.u8(0);
  b.end_object(at);
}

// A TObjArray holding `n` objects written by `item(i)`.
template <class Fn>
void write_obj_array(WBuffer& b, std::size_t n, Fn&& item) {
  const auto at = b.begin_object(3);
  write_tobject(b);
  b.tstring("");
  b.i32(static_cast<std::int32_t>(n));
  b.i32(0);  // fLowerBound
  for (std::size_t i = 0; i < n; ++i) item(i);
  b.end_object(at);
}

struct LeafType {
  const char* leaf_class;
  char code;  // the leaf-list type letter
  bool is_unsigned;
};

LeafType leaf_type(DType t) {
  switch (t) {
    case DType::kBool: return {"TLeafO", 'O', false};
    case DType::kInt8: return {"TLeafB", 'B', false};
    case DType::kUInt8: return {"TLeafB", 'b', true};
    case DType::kInt16: return {"TLeafS", 'S', false};
    case DType::kUInt16: return {"TLeafS", 's', true};
    case DType::kInt32: return {"TLeafI", 'I', false};
    case DType::kUInt32: return {"TLeafI", 'i', true};
    case DType::kInt64: return {"TLeafL", 'L', false};
    case DType::kUInt64: return {"TLeafL", 'l', true};
    case DType::kFloat32: return {"TLeafF", 'F', false};
    case DType::kFloat64: return {"TLeafD", 'D', false};
    case DType::kString: break;
  }
  throw Unsupported("string branches cannot be written yet");
}

void write_min_max(WBuffer& b, DType t, std::int64_t max) {
  for (const std::int64_t v : {std::int64_t{0}, max}) {
    switch (t) {
      case DType::kBool:
      case DType::kInt8:
      case DType::kUInt8: b.u8(static_cast<std::uint8_t>(v)); break;
      case DType::kInt16:
      case DType::kUInt16: b.i16(static_cast<std::int16_t>(v)); break;
      case DType::kInt32:
      case DType::kUInt32: b.i32(static_cast<std::int32_t>(std::min<std::int64_t>(v, 0x7fffffff))); break;
      case DType::kInt64:
      case DType::kUInt64: b.i64(v); break;
      case DType::kFloat32: b.f32(static_cast<float>(v)); break;
      case DType::kFloat64: b.f64(static_cast<double>(v)); break;
      case DType::kString: break;
    }
  }
}

}  // namespace

namespace {

std::string leaf_title(const std::vector<BranchState>& all, const BranchState& s) {
  switch (s.spec.shape) {
    case BranchShape::kScalar:
    case BranchShape::kVector: return s.spec.name;
    case BranchShape::kFixedArray: return s.spec.name + dims_text(s.spec.dims);
    case BranchShape::kCounted:
      return fmt::format("{}[{}]{}", s.spec.name, all[static_cast<std::size_t>(s.counter)].spec.name,
                         dims_text(s.spec.dims));
  }
  return s.spec.name;
}

void write_leaf(WBuffer& b, const std::vector<BranchState>& all, const BranchState& s) {
  const bool vec = s.spec.shape == BranchShape::kVector;
  const LeafType lt = leaf_type(s.spec.dtype);
  const auto at = b.begin_pointer(vec ? "TLeafElement" : lt.leaf_class, &s.leaf_identity);
  const auto outer = b.begin_object(1);
  const auto leaf = b.begin_object(2);
  write_tnamed(b, s.spec.name, leaf_title(all, s));
  b.i32(vec ? 1 : static_cast<std::int32_t>(s.item_values));  // fLen
  b.i32(static_cast<std::int32_t>(s.value_size));              // fLenType
  b.i32(0);                                                    // fOffset
  b.u8(0);                                                     // fIsRange
  b.u8(!vec && lt.is_unsigned);                                // fIsUnsigned
  if (s.counter >= 0) {
    const BranchState& counter = all[static_cast<std::size_t>(s.counter)];
    if (!b.reference(&counter.leaf_identity)) write_leaf(b, all, counter);
  } else {
    b.null_pointer();
  }
  b.end_object(leaf);
  if (vec) {
    b.i32(-1);  // fID: the whole collection, no streamer element
    b.i32(-1);  // fType
  } else {
    write_min_max(b, s.spec.dtype, s.is_counter ? s.counter_max : 0);
  }
  b.end_object(outer);
  b.end_pointer(at);
}

void write_branch(WBuffer& b, const std::vector<BranchState>& all, const BranchState& s, int compress,
                  std::int32_t basket_size, entry_t entries) {
  const bool vec = s.spec.shape == BranchShape::kVector;
  const auto at = b.begin_pointer(vec ? "TBranchElement" : "TBranch", &s);
  const auto element = vec ? b.begin_object(10) : 0;
  const auto branch = b.begin_object(13);
  std::string title = s.spec.title;
  if (title.empty()) title = vec ? s.spec.name : fmt::format("{}/{}", leaf_title(all, s), leaf_type(s.spec.dtype).code);
  write_tnamed(b, s.spec.name, title);
  write_att_fill(b);
  const auto nbaskets = static_cast<std::int32_t>(s.basket_seek.size());
  b.i32(compress);
  b.i32(basket_size);
  b.i32(s.variable ? 1000 : 0);  // fEntryOffsetLen: ROOT's default for variable-size entries
  b.i32(nbaskets);               // fWriteBasket
  b.i64(entries);                // fEntryNumber
  write_io_features(b);
  b.i32(0);             // fOffset
  b.i32(nbaskets + 1);  // fMaxBaskets
  b.i32(vec ? 99 : 0);  // fSplitLevel
  b.i64(entries);       // fEntries
  b.i64(0);             // fFirstEntry
  b.i64(s.tot_bytes);
  b.i64(s.zip_bytes);
  write_obj_array(b, 0, [](std::size_t) {});                                 // fBranches
  write_obj_array(b, 1, [&](std::size_t) { write_leaf(b, all, s); });        // fLeaves
  write_obj_array(b, 0, [](std::size_t) {});                                 // fBaskets
  b.u8(1);
  for (const auto v : s.basket_bytes) b.i32(v);
  b.i32(0);
  b.u8(1);
  for (const auto v : s.basket_entry) b.i64(v);
  b.i64(entries);  // where the next basket would start
  b.u8(1);
  for (const auto v : s.basket_seek) b.i64(v);
  b.i64(0);
  b.tstring("");  // fFileName
  b.end_object(branch);
  if (vec) {
    const detail::VectorClass vc = detail::vector_class(s.spec.dtype);
    b.tstring(vc.class_name);  // fClassName
    b.tstring("");             // fParentName
    b.tstring("");             // fClonesName
    b.u32(detail::stl_class_checksum(vc.class_name));
    b.i16(kVectorClassVersion);
    b.i32(-1);  // fID
    b.i32(0);   // fType: top-level branch of its own class
    b.i32(-1);  // fStreamerType
    b.i32(0);   // fMaximum
    b.null_pointer();  // fBranchCount
    b.null_pointer();  // fBranchCount2
    b.end_object(element);
  }
  b.end_pointer(at);
}

}  // namespace

std::string TreeWriter::Impl::serialize(std::int16_t keylen) const {
  WBuffer b(keylen);
  std::int64_t tot = 0, zip = 0;
  for (const auto& s : branches) {
    tot += s.tot_bytes;
    zip += s.zip_bytes;
  }
  const auto tree = b.begin_object(20);
  write_tnamed(b, name, title);
  {
    const auto at = b.begin_object(2);  // TAttLine
    b.i16(602);
    b.i16(1);
    b.i16(1);
    b.end_object(at);
  }
  write_att_fill(b);
  {
    const auto at = b.begin_object(2);  // TAttMarker
    b.i16(1);
    b.i16(1);
    b.f32(1.0f);
    b.end_object(at);
  }
  b.i64(entries);
  b.i64(tot);
  b.i64(zip);
  b.i64(zip);  // fSavedBytes
  b.i64(zip);  // fFlushedBytes
  b.f64(1.0);  // fWeight
  b.i32(0);    // fTimerInterval
  b.i32(25);   // fScanField
  b.i32(0);    // fUpdate
  b.i32(1000);  // fDefaultEntryOffsetLen
  b.i32(0);     // fNClusterRange: every cluster has fAutoFlush entries
  b.i64(1000000000000LL);  // fMaxEntries
  b.i64(1000000000000LL);  // fMaxEntryLoop
  b.i64(0);                // fMaxVirtualSize
  b.i64(-300000000);       // fAutoSave (ROOT's default)
  b.i64(std::max<entry_t>(auto_flush, 1));
  b.i64(1000000);  // fEstimate
  b.u8(0);         // fClusterRangeEnd: none
  b.u8(0);         // fClusterSize: none
  write_io_features(b);
  write_obj_array(b, branches.size(), [&](std::size_t i) {
    write_branch(b, branches, branches[i], compression.root_setting(), options.basket_size, entries);
  });
  write_obj_array(b, branches.size(), [&](std::size_t i) {
    const bool found = b.reference(&branches[i].leaf_identity);
    EVC_ASSERT(found, "every leaf is written with its branch before the tree's leaf list");
  });
  b.null_pointer();  // fAliases
  b.i32(0);          // fIndexValues (TArrayD)
  b.i32(0);          // fIndex (TArrayI)
  b.null_pointer();  // fTreeIndex
  b.null_pointer();  // fFriends
  b.null_pointer();  // fUserInfo
  b.null_pointer();  // fBranchRef
  b.end_object(tree);
  return b.take();
}

}  // namespace evclass::root
