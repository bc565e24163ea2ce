#include "root/basket.hpp"

#include <limits>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::root::detail {

std::vector<std::string> BasketWhere::context() const {
  return {fmt::format("TTree '{}'", tree_path), fmt::format("TBranch '{}'", branch_name),
          fmt::format("basket {}", basket_index)};
}

namespace {

struct BasketHeader {
  std::int32_t fBufferSize = 0, fNevBufSize = 0, fNevBuf = 0, fLast = 0;
  std::int8_t flag = 0;
};

[[noreturn]] void fail(const FileImpl& file, const BasketWhere& where, std::int64_t offset, const std::string& what) {
  throw CorruptFile(corrupt_message(what, fmt::format("file offset {}", offset), where.context(), file.path()));
}

// Entry offsets in ROOT count from the key start; turn them into offsets into the data and
// check they are non-decreasing and inside it. `raw(i)` gives the i-th stored offset.
template <class RawAt>
std::vector<std::int32_t> entry_offsets(std::size_t nraw, RawAt raw, std::int64_t keylen, std::size_t nentries,
                                        std::size_t data_size, const FileImpl& file, const BasketWhere& where,
                                        std::int64_t offset) {
  if (nraw < nentries)
    fail(file, where, offset, fmt::format("basket has {} entries but only {} entry offsets", nentries, nraw));
  std::vector<std::int32_t> out(nentries + 1);
  std::int64_t prev = 0;
  for (std::size_t i = 0; i < nentries; ++i) {
    const std::int64_t o = raw(i) - keylen;
    if (o < prev || o > static_cast<std::int64_t>(data_size))
      fail(file, where, offset,
           fmt::format("entry {} of the basket starts at byte {}, outside [{}, {}] (entry offsets must increase "
                       "within the basket's {} data bytes)",
                       i, o, prev, data_size, data_size));
    out[i] = static_cast<std::int32_t>(o);
    prev = o;
  }
  out[nentries] = static_cast<std::int32_t>(data_size);
  return out;
}

// The basket's TKey and TBasket fields, up to the data.
void read_basket_head(RBuffer& buf, Key& key, BasketHeader& h) {
  RBuffer::Scope scope(buf, "the basket's key (TBasket)");
  key = read_key(buf, /*with_text=*/false);
  // TBasket's version is written without a byte count; accept one anyway.
  const std::uint16_t first = buf.u16("TBasket version");
  if (first & 0x4000) {
    buf.u16("TBasket byte count");
    buf.i16("TBasket version");
  }
  h.fBufferSize = buf.i32("fBufferSize");
  h.fNevBufSize = buf.i32("fNevBufSize");
  if (h.fNevBufSize < 0) {  // ROOT 6.12+ flags: a negative size is followed by one byte of I/O bits
    if (h.fNevBufSize == std::numeric_limits<std::int32_t>::min()) buf.fail("basket has fNevBufSize -2^31");
    h.fNevBufSize = -h.fNevBufSize;
    buf.u8("fIOBits");
  }
  h.fNevBuf = buf.i32("fNevBuf");
  h.fLast = buf.i32("fLast");
  h.flag = buf.i8("flag");
}

RawBasket read_embedded(const FileImpl& file, const BasketRef& ref, const BasketWhere& where) {
  const EmbeddedBasket& b = *ref.embedded;
  RawBasket out;
  out.entries = ref.last - ref.first;
  if (b.fKeylen < 0 || b.fLast < b.fKeylen || static_cast<std::size_t>(b.fLast) > b.buffer.size())
    fail(file, where, 0,
         fmt::format("embedded basket has fKeylen {} and fLast {} but holds {} bytes", b.fKeylen, b.fLast,
                     b.buffer.size()));
  out.data = std::as_bytes(
      std::span<const char>(b.buffer.data() + b.fKeylen, static_cast<std::size_t>(b.fLast - b.fKeylen)));
  if (b.has_offsets)
    out.offsets = entry_offsets(
        b.offsets.size(), [&](std::size_t i) { return b.offsets[i]; }, b.fKeylen, static_cast<std::size_t>(out.entries),
        out.data.size(), file, where, 0);
  return out;
}

}  // namespace

BasketFacts basket_facts(const FileImpl& file, const BasketRef& ref) noexcept {
  BasketFacts facts;
  if (ref.embedded) {
    const EmbeddedBasket& b = *ref.embedded;
    facts.capacity = static_cast<std::int64_t>(b.buffer.size());
    if (b.fLast >= b.fKeylen && b.fKeylen >= 0)
      facts.shape = BasketShape{b.fLast - b.fKeylen, static_cast<std::int64_t>(b.buffer.size()), b.has_offsets};
    return facts;
  }
  try {
    const Key key = file.read_key_at(ref.seek, "a basket key");
    auto stored = file.range(ref.seek + key.fKeylen, std::int64_t{key.fNbytes} - key.fKeylen, "a basket payload");
    facts.capacity = payload_codec(stored, static_cast<std::size_t>(key.fObjlen)) == Codec::kNone
                         ? static_cast<std::int64_t>(stored.size())
                         : static_cast<std::int64_t>(claimed_uncompressed_size(stored));
  } catch (...) {
    facts.capacity = -1;
    facts.capacity_error = std::current_exception();
  }
  try {
    const auto size = static_cast<std::int64_t>(file.file_bytes().size());
    if (ref.seek < 0 || ref.seek >= size) return facts;
    RBuffer buf(file.range(ref.seek, std::min<std::int64_t>(ref.bytes, size - ref.seek), "a basket"),
                Origin{file.path(), ref.seek});
    Key key;
    BasketHeader h;
    read_basket_head(buf, key, h);
    const std::int64_t data = std::int64_t{h.fLast} - key.fKeylen;
    if (data < 0 || data > key.fObjlen || key.fNbytes < key.fKeylen) return facts;
    facts.shape = BasketShape{data, std::int64_t{key.fNbytes} - key.fKeylen, key.fObjlen - data >= 4};
  } catch (const Error&) {
  }
  return facts;
}

Codec basket_codec(const FileImpl& file, const BasketRef& ref) {
  if (ref.embedded) return Codec::kNone;
  const Key key = file.read_key_at(ref.seek, "a basket key");
  auto stored = file.range(ref.seek + key.fKeylen, std::int64_t{key.fNbytes} - key.fKeylen, "a basket payload");
  return payload_codec(stored, static_cast<std::size_t>(key.fObjlen));
}

RawBasket read_basket(const FileImpl& file, const BasketRef& ref, const BasketWhere& where, column::Buffer& scratch,
                      EntryOffsets offsets) {
  if (ref.embedded) return read_embedded(file, ref, where);
  RawBasket out;
  out.file_offset = ref.seek;
  out.entries = ref.last - ref.first;
  auto head = file.range(ref.seek, std::min<std::int64_t>(ref.bytes, file.file_bytes().size() - ref.seek), "a basket");
  RBuffer buf(head, Origin{file.path(), ref.seek});
  buf.set_outer_context(&where);
  Key key;
  BasketHeader h;
  read_basket_head(buf, key, h);
  if (key.fNbytes != ref.bytes)
    fail(file, where, ref.seek,
         fmt::format("basket key says fNbytes = {} but the branch lists {} bytes for it", key.fNbytes, ref.bytes));
  if (h.fNevBuf != out.entries)
    fail(file, where, ref.seek,
         fmt::format("basket holds {} entries (fNevBuf) but the branch expects {} (entries {} to {})", h.fNevBuf,
                     out.entries, ref.first, ref.last));
  const std::int64_t border = std::int64_t{h.fLast} - key.fKeylen;
  if (border < 0 || border > key.fObjlen)
    fail(file, where, ref.seek,
         fmt::format("basket data ends at fLast = {}, outside its key length {} and object length {}", h.fLast,
                     key.fKeylen, key.fObjlen));
  auto stored = file.range(ref.seek + key.fKeylen, std::int64_t{key.fNbytes} - key.fKeylen, "a basket payload");
  std::span<const std::byte> payload;
  out.codec = payload_codec(stored, static_cast<std::size_t>(key.fObjlen));
  if (out.codec == Codec::kNone) {
    payload = stored;
  } else {
    try {
      const std::size_t claimed = claimed_uncompressed_size(stored);
      if (claimed != static_cast<std::size_t>(key.fObjlen))
        throw CorruptFile(fmt::format("basket's compressed blocks hold {} bytes but its key says fObjlen = {}", claimed,
                                      key.fObjlen));
      scratch.resize(claimed);
      decompress(stored, {scratch.data(), claimed});
    } catch (const CorruptFile& e) {
      fail(file, where, ref.seek + key.fKeylen, e.what());
    }
    payload = scratch.bytes();
  }
  out.data = payload.subspan(0, static_cast<std::size_t>(border));
  const std::size_t trailer = payload.size() - static_cast<std::size_t>(border);
  if (trailer >= 4 && out.entries > 0) {
    // int32 count, then that many big-endian int32 offsets; read in one pass without copies.
    const std::byte* t = payload.data() + border;
    const auto be32 = [](const std::byte* p) {
      return static_cast<std::int32_t>((std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) |
                                       (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]));
    };
    const std::int32_t n = be32(t);
    if (offsets == EntryOffsets::kStoredIfWhole) {
      if (n >= out.entries && static_cast<std::size_t>(n) <= (trailer - 4) / 4) {
        out.stored_offsets = {t + 4, 4 * static_cast<std::size_t>(out.entries)};
        out.keylen = key.fKeylen;
      }
      return out;
    }
    if (n < 0 || static_cast<std::size_t>(n) > (trailer - 4) / 4)
      fail(file, where, ref.seek,
           fmt::format("basket claims {} entry offsets but only {} bytes follow its data", n, trailer - 4));
    if (offsets == EntryOffsets::kStored) {
      if (n < out.entries)
        fail(file, where, ref.seek, fmt::format("basket has {} entries but only {} entry offsets", out.entries, n));
      out.stored_offsets = {t + 4, 4 * static_cast<std::size_t>(out.entries)};
      out.keylen = key.fKeylen;
      return out;
    }
    out.offsets = entry_offsets(
        static_cast<std::size_t>(n), [&](std::size_t i) { return std::int64_t{be32(t + 4 + 4 * i)}; }, key.fKeylen,
        static_cast<std::size_t>(out.entries), out.data.size(), file, where, ref.seek);
  }
  return out;
}

}  // namespace evclass::root::detail
