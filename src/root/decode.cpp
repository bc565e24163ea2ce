#include "root/decode.hpp"

#include <atomic>
#include <bit>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "root/object_reader.hpp"
#include "root/rbuffer.hpp"

namespace evclass::root::detail {

using column::Column;
using column::DType;
using L = Interpretation::Layout;

namespace {

// Byte-swapping copies, written as plain loops over unaligned loads so that the compiler
// vectorises them; compiled twice (AVX2 and baseline x86-64) with the best chosen when the
// program starts, since baseline x86-64 has no byte shuffle and would leave them scalar.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define EVC_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define EVC_VECTOR_CLONES
#endif

template <std::size_t W>
[[gnu::always_inline]] inline void swap_values(const std::byte* src, std::size_t n, std::byte* dst) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (W == 1) {
      dst[i] = src[i];
    } else if constexpr (W == 2) {
      std::uint16_t v;
      std::memcpy(&v, src + 2 * i, 2);
      v = __builtin_bswap16(v);
      std::memcpy(dst + 2 * i, &v, 2);
    } else if constexpr (W == 4) {
      std::uint32_t v;
      std::memcpy(&v, src + 4 * i, 4);
      v = __builtin_bswap32(v);
      std::memcpy(dst + 4 * i, &v, 4);
    } else {
      std::uint64_t v;
      std::memcpy(&v, src + 8 * i, 8);
      v = __builtin_bswap64(v);
      std::memcpy(dst + 8 * i, &v, 8);
    }
  }
}

EVC_VECTOR_CLONES void bswap16_copy(const std::byte* src, std::size_t n, std::byte* dst) noexcept {
  swap_values<2>(src, n, dst);
}

EVC_VECTOR_CLONES void bswap32_copy(const std::byte* src, std::size_t n, std::byte* dst) noexcept {
  swap_values<4>(src, n, dst);
}

EVC_VECTOR_CLONES void bswap64_copy(const std::byte* src, std::size_t n, std::byte* dst) noexcept {
  swap_values<8>(src, n, dst);
}

std::uint32_t load_be32(const std::byte* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

// A float whose mantissa was cut to nbits: exponent byte, then 16 bits holding the mantissa
// and, just above it, the sign (ROOT's TBufferFile::ReadWithNbits).
float truncated_float(const std::byte* p, int nbits) noexcept {
  const auto exponent = static_cast<std::uint32_t>(p[0]);
  const std::uint32_t mantissa = (static_cast<std::uint32_t>(p[1]) << 8) | static_cast<std::uint32_t>(p[2]);
  std::uint32_t bits = exponent << 23;
  bits |= (mantissa & ((1u << (nbits + 1)) - 1)) << (23 - nbits);
  bits |= ((mantissa >> (nbits + 1)) & 1u) << 31;  // the sign (negating the float would flip the same bit)
  return std::bit_cast<float>(bits);
}

// Double32_t and Float16_t values, one plain loop per encoding and output type so that each
// vectorises (compiled for AVX2 too, like the byte swaps); the arithmetic is the same as value
// by value, so the results are bit-identical on either path.
template <class Out>
[[gnu::always_inline]] inline void put_value(std::byte* dst, std::size_t i, double v) noexcept {
  const auto out = static_cast<Out>(v);
  std::memcpy(dst + sizeof(Out) * i, &out, sizeof(Out));
}

EVC_VECTOR_CLONES void scaled_to_double(const std::byte* src, std::size_t n, double factor, double xmin,
                                        std::byte* dst) noexcept {
  for (std::size_t i = 0; i < n; ++i) put_value<double>(dst, i, static_cast<double>(load_be32(src + 4 * i)) / factor + xmin);
}

EVC_VECTOR_CLONES void scaled_to_float(const std::byte* src, std::size_t n, double factor, double xmin,
                                       std::byte* dst) noexcept {
  for (std::size_t i = 0; i < n; ++i) put_value<float>(dst, i, static_cast<double>(load_be32(src + 4 * i)) / factor + xmin);
}

EVC_VECTOR_CLONES void truncated_to_double(const std::byte* src, std::size_t n, int nbits, std::byte* dst) noexcept {
  for (std::size_t i = 0; i < n; ++i) put_value<double>(dst, i, truncated_float(src + 3 * i, nbits));
}

EVC_VECTOR_CLONES void truncated_to_float(const std::byte* src, std::size_t n, int nbits, std::byte* dst) noexcept {
  for (std::size_t i = 0; i < n; ++i) put_value<float>(dst, i, truncated_float(src + 3 * i, nbits));
}

EVC_VECTOR_CLONES void float_to_double(const std::byte* src, std::size_t n, std::byte* dst) noexcept {
  for (std::size_t i = 0; i < n; ++i) put_value<double>(dst, i, std::bit_cast<float>(load_be32(src + 4 * i)));
}

// One whole basket of std::vector<T> entries (each: byte count | 0x40000000, version, item
// count, then the big-endian values) walked by their own headers, with the values byte-swapped
// straight into the basket's slot of the final column in the same pass. Vectors are short (a few
// values per event), so each entry is swapped as one fixed 32-byte chunk when the source and the
// slot have room for it: the bytes past the entry's values are overwritten by the next entries,
// and the slot's last bytes are written exactly, so nothing outside the slot is ever touched.
struct VectorWalk {
  entry_t stopped_at = -1;  ///< the first entry whose header does not fit, or -1
  std::size_t pos = 0;      ///< bytes of the basket's data consumed
  std::int64_t total = 0;   ///< values written
};

constexpr std::size_t kVectorChunk = 32;

// The fixed-size chunk: one 32-byte shuffle with AVX2 (the compiler leaves the plain loop scalar,
// as it cannot rule out that src and dst overlap), the plain loop elsewhere.
struct PlainChunk {
  template <std::size_t W>
  static void swap(const std::byte* src, std::byte* dst) noexcept {
    swap_values<W>(src, kVectorChunk / W, dst);
  }
};

#if defined(__x86_64__) && defined(__GNUC__)
#define EVC_AVX2_CHUNK 1
struct Avx2Chunk {
  template <std::size_t W>
  [[gnu::target("avx2")]] static inline void swap(const std::byte* src, std::byte* dst) noexcept {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src));
    if constexpr (W == 1) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), v);
    } else {
      const __m256i order = W == 2   ? _mm256_setr_epi8(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14, 1, 0, 3,
                                                        2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14)
                            : W == 4 ? _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1,
                                                        0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12)
                                     : _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5,
                                                        4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), _mm256_shuffle_epi8(v, order));
    }
  }
};
#endif

template <std::size_t W, class Chunk>
[[gnu::always_inline]] inline VectorWalk walk_vectors(const std::byte* d, std::size_t size, entry_t entries,
                                                      std::byte* dst, std::int64_t capacity, std::int64_t* ends,
                                                      std::int64_t base) noexcept {
  constexpr std::size_t kHeader = 4 + 2 + 4;
  std::byte* const dst_end = dst + static_cast<std::size_t>(capacity) * W;
  std::size_t pos = 0;
  std::int64_t total = 0;
  for (entry_t e = 0; e < entries; ++e) {
    const std::byte* h = d + pos;
    // The common case in few instructions (this loop runs once per event and branch): a whole
    // chunk fits in the data and in the slot, and the header is exactly the byte count, the
    // version without a byte count, and at most a chunk of values.
    if (size - pos >= kHeader + kVectorChunk && static_cast<std::size_t>(dst_end - dst) >= kVectorChunk) [[likely]] {
      const std::uint32_t n = load_be32(h + 6);
      const std::uint64_t bytes = std::uint64_t{n} * W;
      if (bytes <= kVectorChunk && load_be32(h) == (0x40000000u | static_cast<std::uint32_t>(bytes + 6)) &&
          !(static_cast<std::uint32_t>(h[4]) & 0x40u)) [[likely]] {
        Chunk::template swap<W>(h + kHeader, dst);
        dst += bytes;
        pos += kHeader + bytes;
        total += n;
        ends[e] = base + total;
        continue;
      }
    }
    // Everything else: long vectors, the last entries of the data or of the slot, bad headers.
    if (size - pos < kHeader) return {e, pos, total};
    const std::uint32_t count = load_be32(h);
    const auto version = static_cast<std::uint32_t>(h[4]) << 8 | static_cast<std::uint32_t>(h[5]);
    const std::uint32_t n = load_be32(h + 6);
    const std::size_t bytes = static_cast<std::size_t>(n) * W;
    const std::size_t counted = static_cast<std::size_t>(count & ~0x40000000u);
    if (!(count & 0x40000000u) || (version & 0x4000) || n > 0x7fffffffu || counted < 6 || counted - 6 != bytes ||
        counted > size - pos - 4 || static_cast<std::int64_t>(n) > capacity - total)
      return {e, pos, total};
    swap_values<W>(h + kHeader, n, dst);
    dst += bytes;
    pos += kHeader + bytes;
    total += n;
    ends[e] = base + total;
  }
  return {-1, pos, total};
}

// Whether a basket of `n` entries can be placed by its stored offsets at all: its data is a
// 10-byte header per entry plus exactly the slot's values (below 2^31 bytes, as ROOT's int32
// offsets require), and its first entry starts right at the data.
inline bool stored_walk_applies(std::size_t n, std::size_t size, std::size_t slot_bytes, const std::byte* stored,
                                std::uint32_t origin) noexcept {
  return n > 0 && size / 10 >= n && size - 10 * n == slot_bytes && size <= 0x7fffffffu && load_be32(stored) == origin;
}

// The same walk with each entry's start taken from the basket's stored entry offsets, so that no
// entry waits for the header of the one before (the walk above is one long chain of dependent
// loads). Memory safety rests on the offsets alone, checked as they are used: entry 0 starts at
// byte 0, every entry spans at least its 10-byte header, and every entry leaves 10 bytes for each
// one after it; with the data size equal to 10 bytes per entry plus `capacity` values, every
// entry's values then land inside the slot. Each header's byte count and value count must agree
// with its entry's extent (the version is not looked at: the values do not depend on it).
// Returns false when anything disagrees; the caller then walks the headers instead, which finds
// (and names) what is wrong.
template <std::size_t W, class Chunk>
[[gnu::always_inline]] inline bool walk_vectors_stored(const std::byte* d, std::size_t size, const std::byte* stored,
                                                       std::int32_t keylen, entry_t entries, std::byte* dst,
                                                       std::int64_t capacity, std::int64_t* ends,
                                                       std::int64_t base) noexcept {
  constexpr std::size_t kHeader = 4 + 2 + 4;
  const auto n = static_cast<std::size_t>(entries);
  const std::size_t slot_bytes = static_cast<std::size_t>(capacity) * W;
  const auto origin = static_cast<std::uint32_t>(keylen);
  if (!stored_walk_applies(n, size, slot_bytes, stored, origin)) return false;
  // Each entry is counted in values before it ("at") and in data bytes (at + 10 e). An entry
  // ends where the next starts, and is valid when that end, counted in values, lies in
  // [at, slot_bytes]. A whole 32-byte chunk fits in the slot while at + 32 <= slot_bytes, and in
  // the data too then, since the data holds at least one more header past the slot's bytes.
  const std::size_t chunk_limit = slot_bytes >= kVectorChunk ? slot_bytes - kVectorChunk : 0;
  const bool chunks = slot_bytes >= kVectorChunk;
  std::size_t at = 0;
  const auto step = [&](std::size_t e, std::size_t end) noexcept {
    const std::size_t next_at = end - kHeader * (e + 1);
    if (next_at < at || next_at > slot_bytes) [[unlikely]]
      return false;
    const std::byte* h = d + at + kHeader * e;
    const std::size_t bytes = next_at - at;
    if ((load_be32(h) ^ (0x40000000u | static_cast<std::uint32_t>(bytes + 6))) |
        (load_be32(h + 6) ^ static_cast<std::uint32_t>(bytes / W)) | static_cast<std::uint32_t>(bytes % W)) [[unlikely]]
      return false;
    if (bytes <= kVectorChunk && at <= chunk_limit && chunks) [[likely]] {
      Chunk::template swap<W>(h + kHeader, dst + at);
    } else {
      swap_values<W>(h + kHeader, bytes / W, dst + at);
    }
    ends[e] = base + static_cast<std::int64_t>(next_at / W);
    at = next_at;
    return true;
  };
  for (std::size_t e = 0; e + 1 < n; ++e)
    if (!step(e, load_be32(stored + 4 * (e + 1)) - origin)) return false;
  return step(n - 1, size);
}

template <class Chunk>
[[gnu::always_inline]] inline VectorWalk walk_vectors_of_width(std::size_t width, const std::byte* d, std::size_t size,
                                                               entry_t entries, std::byte* dst, std::int64_t capacity,
                                                               std::int64_t* ends, std::int64_t base) noexcept {
  switch (width) {
    case 1: return walk_vectors<1, Chunk>(d, size, entries, dst, capacity, ends, base);
    case 2: return walk_vectors<2, Chunk>(d, size, entries, dst, capacity, ends, base);
    case 4: return walk_vectors<4, Chunk>(d, size, entries, dst, capacity, ends, base);
    default: return walk_vectors<8, Chunk>(d, size, entries, dst, capacity, ends, base);
  }
}

template <class Chunk>
[[gnu::always_inline]] inline bool walk_stored_of_width(std::size_t width, const std::byte* d, std::size_t size,
                                                        const std::byte* stored, std::int32_t keylen, entry_t entries,
                                                        std::byte* dst, std::int64_t capacity, std::int64_t* ends,
                                                        std::int64_t base) noexcept {
  switch (width) {
    case 1: return walk_vectors_stored<1, Chunk>(d, size, stored, keylen, entries, dst, capacity, ends, base);
    case 2: return walk_vectors_stored<2, Chunk>(d, size, stored, keylen, entries, dst, capacity, ends, base);
    case 4: return walk_vectors_stored<4, Chunk>(d, size, stored, keylen, entries, dst, capacity, ends, base);
    default: return walk_vectors_stored<8, Chunk>(d, size, stored, keylen, entries, dst, capacity, ends, base);
  }
}

bool walk_stored_plain(std::size_t width, const std::byte* d, std::size_t size, const std::byte* stored,
                       std::int32_t keylen, entry_t entries, std::byte* dst, std::int64_t capacity, std::int64_t* ends,
                       std::int64_t base) noexcept {
  return walk_stored_of_width<PlainChunk>(width, d, size, stored, keylen, entries, dst, capacity, ends, base);
}

VectorWalk walk_vectors_plain(std::size_t width, const std::byte* d, std::size_t size, entry_t entries, std::byte* dst,
                              std::int64_t capacity, std::int64_t* ends, std::int64_t base) noexcept {
  return walk_vectors_of_width<PlainChunk>(width, d, size, entries, dst, capacity, ends, base);
}

#ifdef EVC_AVX2_CHUNK
[[gnu::target("avx2"), gnu::flatten]] VectorWalk walk_vectors_avx2(std::size_t width, const std::byte* d, std::size_t size,
                                                     entry_t entries, std::byte* dst, std::int64_t capacity,
                                                     std::int64_t* ends, std::int64_t base) noexcept {
  return walk_vectors_of_width<Avx2Chunk>(width, d, size, entries, dst, capacity, ends, base);
}

// Eight entries per step, in two passes. The first takes every entry's extent from the stored
// offsets and checks it as walk_vectors_stored() does, the value counts in the headers included
// (one gather of eight), keeping the entries' starts in values (`at`, with at[n] = the slot's
// size) and writing the end offsets; the second, only once all that holds, copies each entry's
// values as one 32-byte chunk where they fit. Per entry this is about half the instructions of
// the one-pass walk, which is bound by how many it issues.
[[gnu::target("avx2")]] inline __m256i bswap32x8(__m256i v) noexcept {
  return _mm256_shuffle_epi8(v, _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6,
                                                 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
}

[[gnu::target("avx2")]] inline __m256i be32x8(const std::byte* p) noexcept {
  return bswap32x8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

[[gnu::target("avx2")]] bool vector_extents_avx2(const std::byte* d, std::size_t size, const std::byte* stored,
                                                 std::uint32_t origin, std::size_t n, int shift,
                                                 std::size_t slot_bytes, std::uint32_t* at, std::int64_t* ends,
                                                 std::int64_t base) noexcept {
  constexpr std::uint32_t kHeader = 10;
  const std::uint32_t mask = (std::uint32_t{1} << shift) - 1;
  const std::uint32_t last_header = static_cast<std::uint32_t>(size - kHeader);
  const __m256i origin8 = _mm256_set1_epi32(static_cast<int>(origin));
  const __m256i slot8 = _mm256_set1_epi32(static_cast<int>(slot_bytes));
  const __m256i last8 = _mm256_set1_epi32(static_cast<int>(last_header));
  const __m256i mask8 = _mm256_set1_epi32(static_cast<int>(mask));
  const __m128i count = _mm_cvtsi32_si128(shift);
  const __m256i base4 = _mm256_set1_epi64x(base);
  const __m256i step8 = _mm256_set1_epi32(8 * kHeader);
  const __m256i six = _mm256_set1_epi32(6);
  const __m256i flag = _mm256_set1_epi32(0x40000000);
  __m256i headers = _mm256_setr_epi32(0, 10, 20, 30, 40, 50, 60, 70);  // 10 e for the eight entries
  __m256i bad = _mm256_setzero_si256();
  std::size_t e = 0;
  for (; e + 8 < n; e += 8) {
    const __m256i start = _mm256_sub_epi32(be32x8(stored + 4 * e), origin8);
    const __m256i next = _mm256_sub_epi32(be32x8(stored + 4 * e + 4), origin8);
    const __m256i a = _mm256_sub_epi32(start, headers);
    const __m256i b = _mm256_sub_epi32(next, _mm256_add_epi32(headers, _mm256_set1_epi32(kHeader)));
    const __m256i bytes = _mm256_sub_epi32(b, a);
    bad = _mm256_or_si256(bad, _mm256_xor_si256(_mm256_cmpeq_epi32(_mm256_max_epu32(b, slot8), slot8),
                                                _mm256_set1_epi32(-1)));  // b > slot_bytes
    bad = _mm256_or_si256(bad, _mm256_cmpgt_epi32(a, b));  // signed: both below 2^31 where the rest holds
    bad = _mm256_or_si256(bad, _mm256_and_si256(bytes, mask8));
    // The header's value count, from a start clamped into the data: a lane out of bounds is
    // already marked bad, and no lane reads outside the data.
    const __m256i where = _mm256_min_epu32(start, last8);
    const __m256i sizes = bswap32x8(_mm256_i32gather_epi32(reinterpret_cast<const int*>(d + 6), where, 1));
    const __m256i counted = bswap32x8(_mm256_i32gather_epi32(reinterpret_cast<const int*>(d), where, 1));
    bad = _mm256_or_si256(bad, _mm256_xor_si256(sizes, _mm256_srl_epi32(bytes, count)));
    bad = _mm256_or_si256(bad, _mm256_xor_si256(counted, _mm256_or_si256(_mm256_add_epi32(bytes, six), flag)));
    const __m256i items = _mm256_srl_epi32(b, count);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(at + e), a);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(ends + e),
                        _mm256_add_epi64(base4, _mm256_cvtepu32_epi64(_mm256_castsi256_si128(items))));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(ends + e + 4),
                        _mm256_add_epi64(base4, _mm256_cvtepu32_epi64(_mm256_extracti128_si256(items, 1))));
    headers = _mm256_add_epi32(headers, step8);
  }
  if (!_mm256_testz_si256(bad, bad)) return false;
  for (; e < n; ++e) {
    const std::uint32_t start = load_be32(stored + 4 * e) - origin;
    const std::uint32_t next = e + 1 < n ? load_be32(stored + 4 * (e + 1)) - origin : static_cast<std::uint32_t>(size);
    const std::uint32_t a = start - kHeader * static_cast<std::uint32_t>(e);
    const std::uint32_t b = next - kHeader * static_cast<std::uint32_t>(e + 1);
    if (b > slot_bytes || b < a || ((b - a) & mask) || start > last_header) return false;
    if (load_be32(d + start + 6) != (b - a) >> shift || load_be32(d + start) != (0x40000000u | (b - a + 6)))
      return false;
    at[e] = a;
    ends[e] = base + (b >> shift);
  }
  at[n] = static_cast<std::uint32_t>(slot_bytes);
  return true;
}

template <std::size_t W, bool kBool>
[[gnu::target("avx2")]] inline void copy_vectors_avx2(const std::byte* d, const std::uint32_t* at, std::size_t n,
                                                      std::byte* dst, std::size_t slot_bytes) noexcept {
  constexpr std::size_t kHeader = 10;
  const std::size_t chunk_limit = slot_bytes >= kVectorChunk ? slot_bytes - kVectorChunk : 0;
  const bool chunks = slot_bytes >= kVectorChunk;
  const std::byte* h = d;
  for (std::size_t e = 0; e < n; ++e, h += kHeader) {
    const std::size_t a = at[e], bytes = at[e + 1] - a;
    const std::byte* src = h + a + kHeader;
    if (bytes <= kVectorChunk && a <= chunk_limit && chunks) [[likely]] {
      if constexpr (kBool) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src));
        const __m256i zero = _mm256_cmpeq_epi8(v, _mm256_setzero_si256());
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + a), _mm256_andnot_si256(zero, _mm256_set1_epi8(1)));
      } else {
        Avx2Chunk::swap<W>(src, dst + a);
      }
    } else if constexpr (kBool) {
      for (std::size_t i = 0; i < bytes; ++i) dst[a + i] = static_cast<std::byte>(src[i] != std::byte{0});
    } else {
      swap_values<W>(src, bytes / W, dst + a);
    }
  }
}

[[gnu::target("avx2")]] bool walk_stored_avx2(std::size_t width, bool boolean, const std::byte* d, std::size_t size,
                                              const std::byte* stored, std::int32_t keylen, entry_t entries,
                                              std::byte* dst, std::int64_t capacity, std::int64_t* ends,
                                              std::int64_t base) {
  const auto n = static_cast<std::size_t>(entries);
  const std::size_t slot_bytes = static_cast<std::size_t>(capacity) * width;
  const auto origin = static_cast<std::uint32_t>(keylen);
  if (!stored_walk_applies(n, size, slot_bytes, stored, origin)) return false;
  thread_local std::vector<std::uint32_t> at;
  if (at.size() < n + 1) at.resize(n + 1);
  if (!vector_extents_avx2(d, size, stored, origin, n, std::countr_zero(width), slot_bytes, at.data(), ends, base))
    return false;
  switch (width) {
    case 1:
      boolean ? copy_vectors_avx2<1, true>(d, at.data(), n, dst, slot_bytes)
              : copy_vectors_avx2<1, false>(d, at.data(), n, dst, slot_bytes);
      break;
    case 2: copy_vectors_avx2<2, false>(d, at.data(), n, dst, slot_bytes); break;
    case 4: copy_vectors_avx2<4, false>(d, at.data(), n, dst, slot_bytes); break;
    default: copy_vectors_avx2<8, false>(d, at.data(), n, dst, slot_bytes); break;
  }
  return true;
}
#endif

std::atomic<bool> g_portable_kernels{false};

bool use_avx2() noexcept {
#ifdef EVC_AVX2_CHUNK
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2 && !g_portable_kernels.load(std::memory_order_relaxed);
#else
  return false;
#endif
}

VectorWalk walk_vectors_into(std::size_t width, const std::byte* d, std::size_t size, entry_t entries, std::byte* dst,
                             std::int64_t capacity, std::int64_t* ends, std::int64_t base) noexcept {
#ifdef EVC_AVX2_CHUNK
  if (use_avx2()) return walk_vectors_avx2(width, d, size, entries, dst, capacity, ends, base);
#endif
  return walk_vectors_plain(width, d, size, entries, dst, capacity, ends, base);
}

// Vectors of bools are normalised to 0/1; only the AVX2 walk does that on the way (the portable
// one returns false for them, and they are walked by their headers and decoded afterwards).
bool walk_vectors_by_stored_offsets(std::size_t width, bool boolean, const std::byte* d, std::size_t size,
                                    const std::byte* stored, std::int32_t keylen, entry_t entries, std::byte* dst,
                                    std::int64_t capacity, std::int64_t* ends, std::int64_t base) {
#ifdef EVC_AVX2_CHUNK
  if (use_avx2()) return walk_stored_avx2(width, boolean, d, size, stored, keylen, entries, dst, capacity, ends, base);
#endif
  return !boolean && walk_stored_plain(width, d, size, stored, keylen, entries, dst, capacity, ends, base);
}

// The end offsets of a counted array's entries 0 .. n-2 (each the start of the next entry),
// straight from the basket's stored big-endian starts, for items of 2^shift bytes: the column's
// end offset of entry e-1 is base + (start(e) - start(0)) >> shift. Returns false when a start
// lies outside [start(0), start(0) + limit], a start is below the one before, or an entry does
// not hold whole items. Differences are taken modulo 2^32: a valid one is below 2^31 (a basket's
// data is), and an invalid one can never wrap into [0, limit].
[[gnu::always_inline]] inline bool counted_ends_scalar(const std::byte* stored, std::size_t from, std::size_t n,
                                                       std::uint32_t s0, std::uint32_t limit, int shift,
                                                       std::int64_t* ends, std::int64_t base,
                                                       std::uint32_t prev) noexcept {
  const std::uint32_t mask = (std::uint32_t{1} << shift) - 1;
  std::uint32_t bad = 0;
  for (std::size_t e = from; e < n; ++e) {
    const std::uint32_t u = load_be32(stored + 4 * e) - s0;
    bad |= static_cast<std::uint32_t>(u > limit) | static_cast<std::uint32_t>(u < prev) | (u & mask);
    ends[e - 1] = base + static_cast<std::int64_t>(u >> shift);
    prev = u;
  }
  return bad == 0;
}

bool counted_ends_plain(const std::byte* stored, std::size_t n, std::uint32_t limit, int shift, std::int64_t* ends,
                        std::int64_t base) noexcept {
  return counted_ends_scalar(stored, 1, n, load_be32(stored), limit, shift, ends, base, 0);
}

#ifdef EVC_AVX2_CHUNK
// Eight entries per step: byte-swap, subtract start(0), check the three conditions for all eight
// at once (the starts one entry back come from a second, overlapping load), widen to int64.
[[gnu::target("avx2")]] inline __m256i starts_from(const std::byte* p, __m256i order, __m256i origin) noexcept {
  const __m256i raw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  return _mm256_sub_epi32(_mm256_shuffle_epi8(raw, order), origin);
}

[[gnu::target("avx2")]] bool counted_ends_avx2(const std::byte* stored, std::size_t n, std::uint32_t limit, int shift,
                                               std::int64_t* ends, std::int64_t base) noexcept {
  const std::uint32_t s0 = load_be32(stored);
  const __m256i order =
      _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14,
                       13, 12);
  const __m256i origin = _mm256_set1_epi32(static_cast<int>(s0));
  const __m256i lim = _mm256_set1_epi32(static_cast<int>(limit));
  const __m256i mask = _mm256_set1_epi32(static_cast<int>((std::uint32_t{1} << shift) - 1));
  const __m128i count = _mm_cvtsi32_si128(shift);
  const __m256i base4 = _mm256_set1_epi64x(base);
  __m256i bad = _mm256_setzero_si256();
  std::size_t e = 1;
  for (; e + 8 <= n; e += 8) {
    const __m256i u = starts_from(stored + 4 * e, order, origin);
    const __m256i before = starts_from(stored + 4 * (e - 1), order, origin);
    bad = _mm256_or_si256(bad, _mm256_xor_si256(_mm256_cmpeq_epi32(_mm256_max_epu32(u, lim), lim),
                                                _mm256_set1_epi32(-1)));  // u > limit
    bad = _mm256_or_si256(bad, _mm256_cmpgt_epi32(before, u));  // signed: both are below 2^31 when valid
    bad = _mm256_or_si256(bad, _mm256_and_si256(u, mask));
    const __m256i items = _mm256_srl_epi32(u, count);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(ends + e - 1),
                        _mm256_add_epi64(base4, _mm256_cvtepu32_epi64(_mm256_castsi256_si128(items))));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(ends + e + 3),
                        _mm256_add_epi64(base4, _mm256_cvtepu32_epi64(_mm256_extracti128_si256(items, 1))));
  }
  const std::uint32_t prev = e > 1 ? load_be32(stored + 4 * (e - 1)) - s0 : 0;
  const bool tail_ok = counted_ends_scalar(stored, e, n, s0, limit, shift, ends, base, prev);
  return tail_ok && _mm256_testz_si256(bad, bad);
}
#endif

bool counted_ends(const std::byte* stored, std::size_t n, std::uint32_t limit, int shift, std::int64_t* ends,
                  std::int64_t base) noexcept {
#ifdef EVC_AVX2_CHUNK
  if (use_avx2()) return counted_ends_avx2(stored, n, limit, shift, ends, base);
#endif
  return counted_ends_plain(stored, n, limit, shift, ends, base);
}

}  // namespace

void use_portable_kernels(bool on) noexcept { g_portable_kernels.store(on, std::memory_order_relaxed); }

void decode_items(const Item& item, const std::byte* src, std::size_t n, std::byte* dst) noexcept {
  if (n == 0) return;  // nothing to copy; dst may be null when the column is still empty
  if (item.coding == Item::Coding::kPlain) {
    switch (item.disk_size) {
      case 1:
        if (item.dtype == DType::kBool) {
          for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<std::byte>(src[i] != std::byte{0});
        } else {
          std::memcpy(dst, src, n);
        }
        return;
      case 2: bswap16_copy(src, n, dst); return;
      case 4: bswap32_copy(src, n, dst); return;
      case 8: bswap64_copy(src, n, dst); return;
      default: return;
    }
  }
  const FloatRange& r = item.range;
  const bool is_double = item.coding == Item::Coding::kDouble32;
  if (r.factor > 0) {  // an unsigned int scaled into [xmin, xmax]
    is_double ? scaled_to_double(src, n, r.factor, r.xmin, dst) : scaled_to_float(src, n, r.factor, r.xmin, dst);
  } else if (r.nbits > 0 || !is_double) {  // truncated mantissa (a Float16_t without range: 12 bits)
    const int nbits = r.nbits > 0 ? r.nbits : 12;
    is_double ? truncated_to_double(src, n, nbits, dst) : truncated_to_float(src, n, nbits, dst);
  } else {  // a Double32_t without range is a float
    float_to_double(src, n, dst);
  }
}

namespace {

std::size_t product(const std::vector<std::int64_t>& dims) {
  std::size_t p = 1;
  for (auto d : dims) p *= static_cast<std::size_t>(d);
  return p;
}

class Decoder {
 public:
  Decoder(const Interpretation& in, const RawBasket& basket, entry_t lo, entry_t hi, const BasketWhere& where,
          const std::string& file_path, const ElementCounts& counts, std::byte* direct = nullptr,
          const JaggedSlot* slot = nullptr, Column* reuse = nullptr)
      : direct_(direct),
        slot_(slot),
        in_(in),
        basket_(basket),
        lo_(lo),
        hi_(hi),
        where_(where),
        counts_(counts),
        buf_(basket.data, Origin{file_path, basket.codec == Codec::kNone ? basket.file_offset : 0,
                                 basket.codec != Codec::kNone, basket.file_offset, 0}),
        out_(reuse ? std::move(*reuse) : Column(in.dtype())) {
    if (reuse) out_.reset(in.dtype());
    buf_.set_outer_context(&where);
    if (!direct_ && !slot_) start_piece();  // else decoded into the caller's column
  }

  Column run() {
    const bool variable_items = in_.item.coding == Item::Coding::kBits;
    switch (in_.layout) {
      case L::kFixed: variable_items ? per_entry() : fixed(); break;
      case L::kCounted:
      case L::kCollectionMember: variable_items ? per_entry() : counted(); break;
      case L::kStl:
        if (slot_) {
          walk_numeric_vectors();  // whole baskets: entries found by their own headers
        } else if (numeric_vector_layout()) {
          numeric_vectors();
        } else {
          per_entry();
        }
        break;
      default: per_entry(); break;
    }
    if (out_.offsets().empty() && !out_.is_string()) out_.set_flat_entries(hi_ - lo_);
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(const std::string& what, std::size_t pos) const { buf_.fail_at(what, pos); }

  // The column piece this decoder fills when it does not decode into the caller's column (and,
  // there too, for the generic parser that names what is wrong with a bad entry).
  void start_piece() {
    out_.set_inner_shape(in_.inner_shape);
    out_.mutable_offsets().assign(in_.jagged_depth(), column::Offsets{0});
  }

  bool has_offsets() const { return !offsets_->empty(); }
  std::size_t entry_begin(entry_t e) const { return static_cast<std::size_t>((*offsets_)[static_cast<std::size_t>(e)]); }
  std::size_t entry_end(entry_t e) const { return static_cast<std::size_t>((*offsets_)[static_cast<std::size_t>(e) + 1]); }

  std::byte* grow_values(std::size_t n) {
    if (direct_) return direct_;  // fixed() and vectors: the caller's final column has room for them
    auto& data = out_.data();
    const std::size_t old = data.size();
    data.resize(old + n * column::dtype_size(out_.dtype()));
    return data.data() + old;
  }

  void fixed() {
    const std::size_t stride = in_.entry_stride;
    const std::size_t per_entry = product(in_.inner_shape);
    const std::size_t nentries = static_cast<std::size_t>(basket_.entries);
    if (basket_.data.size() != nentries * stride)
      fail(fmt::format("basket holds {} bytes but {} entries of {} bytes need {}", basket_.data.size(), nentries, stride,
                       nentries * stride),
           0);
    const std::size_t n = static_cast<std::size_t>(hi_ - lo_);
    std::byte* dst = grow_values(n * per_entry);
    const std::byte* src = basket_.data.data() + static_cast<std::size_t>(lo_) * stride + in_.entry_offset;
    if (in_.entry_offset == 0 && stride == per_entry * in_.item.disk_size) {
      decode_items(in_.item, src, n * per_entry, dst);
      return;
    }
    const std::size_t out_stride = per_entry * column::dtype_size(out_.dtype());
    for (std::size_t e = 0; e < n; ++e) decode_items(in_.item, src + e * stride, per_entry, dst + e * out_stride);
  }

  // Entry offsets rebuilt from a sizes branch, for baskets written without them. The sizes must
  // cover the basket from its first entry (index first_entry + e - lo_ for basket entry e).
  void offsets_from_sizes(std::size_t item_bytes) {
    if (!in_.size_branch) fail("basket of a variable-length branch has no entry offsets", 0);
    if (!counts_.column || counts_.first_entry < lo_) throw NeedsSizes{};
    auto& offsets = generated_offsets_;
    offsets.assign(1, 0);
    std::size_t at = 0;
    for (entry_t e = 0; e < hi_; ++e) {
      const auto index = static_cast<std::size_t>(counts_.first_entry + (e - lo_));
      if (index >= counts_.column->size()) throw NeedsSizes{};
      const double n = counts_.column->value_as_double(index);
      if (n < 0 || n * static_cast<double>(item_bytes) > static_cast<double>(basket_.data.size() - at))
        fail(fmt::format("entry {} has {} items by its size branch '{}', more than the basket holds", e, n,
                         in_.size_branch->name),
             at);
      at += static_cast<std::size_t>(n) * item_bytes;
      offsets.push_back(static_cast<std::int32_t>(at));
    }
  }

  void counted() {
    const std::size_t item_bytes = in_.item.disk_size * product(in_.inner_shape);
    if (slot_ && !has_offsets() && !basket_.stored_offsets.empty()) {
      counted_from_stored(item_bytes);
      return;
    }
    if (!has_offsets()) {
      if (slot_) fail("a basket decoded into its slot has no entry offsets", 0);
      offsets_from_sizes(item_bytes);
      offsets_ = &generated_offsets_;
    }
    // End offsets go to the final column's slot when decoding straight into it, else to a piece.
    std::int64_t* ends = slot_ ? slot_->ends : nullptr;
    const std::int64_t base = slot_ ? slot_->item_base : 0;
    if (!slot_) {
      auto& offs = out_.mutable_offsets()[0];
      offs.resize(static_cast<std::size_t>(hi_ - lo_) + 1);
      ends = offs.data() + 1;
    }
    std::int64_t items = 0;
    for (entry_t e = lo_; e < hi_; ++e) {
      const std::size_t bytes = entry_end(e) - entry_begin(e);
      if (item_bytes == 0 || bytes % item_bytes != 0)
        fail(fmt::format("entry {} holds {} bytes, not a whole number of {}-byte items", e, bytes, item_bytes),
             entry_begin(e));
      items += static_cast<std::int64_t>(bytes / item_bytes);
      ends[e - lo_] = base + items;
    }
    if (slot_ && items != slot_->items)
      fail(fmt::format("basket holds {} items but its size (fLast) announces {}", items, slot_->items), 0);
    const std::size_t first = hi_ > lo_ ? entry_begin(lo_) : 0;
    const std::size_t nvalues = static_cast<std::size_t>(items) * product(in_.inner_shape);
    decode_items(in_.item, basket_.data.data() + first, nvalues, grow_values(nvalues));
  }

  // A whole basket into its slot, straight from the stored entry offsets: one pass converts each
  // entry's end into the column's end offset, with the checks read_basket() makes when it parses
  // offsets (non-decreasing, inside the data) and whole items per entry folded into one flag, so
  // the common case costs no branch and no division per entry. Only a basket that fails is
  // walked again, to name its first bad entry.
  void counted_from_stored(std::size_t item_bytes) {
    if (lo_ != 0 || hi_ != basket_.entries) fail("a basket decoded into its slot must be read whole", 0);
    if (item_bytes == 0) fail("counted array of zero-size items", 0);
    const std::byte* const stored = basket_.stored_offsets.data();
    const auto n = static_cast<std::size_t>(basket_.entries);
    const auto size = static_cast<std::int64_t>(basket_.data.size());
    if (n == 0) {
      if (slot_->items != 0) fail(fmt::format("basket holds no items but its size (fLast) announces {}", slot_->items), 0);
      return;
    }
    const auto start = [&](std::size_t e) {
      return std::int64_t{static_cast<std::int32_t>(load_be32(stored + 4 * e))} - basket_.keylen;
    };
    const std::int64_t first = start(0);
    if (first < 0 || first > size) fail_stored_offsets(item_bytes);
    const auto width = static_cast<std::int64_t>(item_bytes);
    std::int64_t* const ends = slot_->ends;
    const std::int64_t base = slot_->item_base;
    bool ok = (size - first) % width == 0;
    if (std::has_single_bit(item_bytes)) {
      ok &= counted_ends(stored, n, static_cast<std::uint32_t>(size - first), std::countr_zero(item_bytes), ends, base);
    } else {
      std::int64_t prev = first;
      for (std::size_t e = 1; e < n; ++e) {
        const std::int64_t o = start(e);
        ok &= o >= prev && o <= size && (o - first) % width == 0;
        ends[e - 1] = base + (o - first) / width;
        prev = o;
      }
    }
    if (!ok) [[unlikely]]
      fail_stored_offsets(item_bytes);
    const std::int64_t items = (size - first) / width;
    ends[n - 1] = base + items;
    if (items != slot_->items)
      fail(fmt::format("basket holds {} items but its size (fLast) announces {}", items, slot_->items), 0);
    const std::size_t nvalues = static_cast<std::size_t>(items) * product(in_.inner_shape);
    decode_items(in_.item, basket_.data.data() + first, nvalues, slot_->values);
  }

  [[noreturn]] void fail_stored_offsets(std::size_t item_bytes) const {
    const auto size = static_cast<std::int64_t>(basket_.data.size());
    const auto n = static_cast<std::size_t>(basket_.entries);
    std::int64_t prev = 0;
    for (std::size_t e = 0; e <= n; ++e) {
      const std::int64_t o =
          e < n ? std::int64_t{static_cast<std::int32_t>(load_be32(basket_.stored_offsets.data() + 4 * e))} - basket_.keylen
                : size;
      if (o < prev || o > size)
        fail(fmt::format("entry {} of the basket starts at byte {}, outside [{}, {}] (entry offsets must increase "
                         "within the basket's {} data bytes)",
                         e, o, prev, size, size),
             0);
      if (e > 0 && (o - prev) % static_cast<std::int64_t>(item_bytes) != 0)
        fail(fmt::format("entry {} holds {} bytes, not a whole number of {}-byte items", e - 1, o - prev, item_bytes),
             static_cast<std::size_t>(prev));
      prev = o;
    }
    fail("the basket's entry offsets do not match its data", 0);
  }

  // --- std::vector<numeric>: the most common jagged layout, decoded in two flat passes -------

  bool numeric_vector_layout() const {
    return is_numeric_vector(in_) && has_offsets();
  }

  // Each entry is [byte count | 0x40000000][uint16 version][int32 n][n values]. One pass checks
  // every header against the entry offsets (the checks stl_entry() makes), copies the values and
  // builds the output offsets; the output is sized for the most values the bytes can hold, then
  // trimmed.
  void numeric_vectors() {
    constexpr std::size_t kHeader = 4 + 2 + 4;
    const Item& item = in_.stl->inner->item;
    const std::byte* d = basket_.data.data();
    auto& offs = out_.mutable_offsets()[0];
    if (hi_ <= lo_) return;
    offs.resize(static_cast<std::size_t>(hi_ - lo_) + 1);
    std::int64_t* const ends = offs.data() + 1;
    const std::size_t first = entry_begin(lo_), last = entry_end(hi_ - 1);
    if (first > last || last > basket_.data.size()) fail("entry offsets run past the basket", first);
    const auto check = [&](entry_t e) -> std::size_t {
      const std::size_t begin = entry_begin(e), end = entry_end(e);
      std::int32_t n = -1;
      bool ok = end >= begin && end - begin >= kHeader && end <= basket_.data.size();
      if (ok) {
        const std::uint32_t count = load_be32(d + begin);
        const auto version = static_cast<std::uint32_t>(d[begin + 4]) << 8 | static_cast<std::uint32_t>(d[begin + 5]);
        n = static_cast<std::int32_t>(load_be32(d + begin + 6));
        ok = (count & 0x40000000u) && begin + 4 + (count & ~0x40000000u) == end && !(version & 0x4000) && n >= 0 &&
             static_cast<std::size_t>(n) * item.disk_size == end - begin - kHeader;
      }
      if (!ok) {
        buf_.seek(std::min(begin, basket_.data.size()), "entry");
        RBuffer::Scope scope(buf_, "entry", e, " of the basket");
        stl_entry();  // the generic path names what is wrong
        fail(fmt::format("entry {} holds {} bytes, which do not match its container header", e, end - begin), begin);
      }
      return static_cast<std::size_t>(n);
    };
    // Values are gathered into a cache-hot scratch buffer first, with one fixed 32-byte copy per
    // entry where the bytes allow (vectors are short: a few values per event), then decoded in
    // one vectorised pass.
    constexpr std::size_t kChunk = 32;
    thread_local column::Buffer gathered;
    gathered.resize(last - first + kChunk);  // slack for a last whole chunk
    std::byte* const start = gathered.data();
    std::byte* dst = start;
    const std::byte* const data_end = d + basket_.data.size();
    std::int64_t total = 0;
    for (entry_t e = lo_; e < hi_; ++e) {
      const std::size_t n = check(e);
      const std::size_t bytes = n * item.disk_size;
      const std::byte* src = d + entry_begin(e) + kHeader;
      if (bytes <= kChunk && static_cast<std::size_t>(data_end - src) >= kChunk) {
        std::memcpy(dst, src, kChunk);
      } else {
        std::memcpy(dst, src, bytes);
      }
      dst += bytes;
      total += static_cast<std::int64_t>(n);
      ends[e - lo_] = total;
    }
    decode_items(item, start, static_cast<std::size_t>(total), grow_values(static_cast<std::size_t>(total)));
  }

  // The same layout without entry offsets, for whole baskets decoded into their slot of the final
  // column: entries follow each other, each header gives the next one's start, and the last must
  // end exactly where the data ends (so no byte is skipped or read twice).
  void walk_numeric_vectors() {
    const Item& item = in_.stl->inner->item;
    const std::byte* const d = basket_.data.data();
    const std::size_t size = basket_.data.size();
    if (lo_ != 0 || hi_ != basket_.entries) fail("a basket decoded into its slot must be read whole", 0);
    // Bools are normalised to 0/1, so they are gathered first and decoded in a second pass; every
    // other plain type is byte-swapped straight into the slot.
    const bool two_pass = item.dtype == DType::kBool;
    // Where the basket's stored offsets are whole and agree with its data, they give every entry's
    // place at once; otherwise (or without them) the entries are walked by their own headers.
    if (decode_vectors_by_stored_offsets(in_, basket_, *slot_)) return;
    thread_local column::Buffer gathered;
    if (two_pass) gathered.resize(size);
    std::byte* const dst = two_pass ? gathered.data() : slot_->values;
    const std::int64_t capacity = two_pass ? static_cast<std::int64_t>(size) : slot_->items;
    const VectorWalk w =
        walk_vectors_into(item.disk_size, d, size, hi_, dst, capacity, slot_->ends, slot_->item_base);
    if (w.stopped_at >= 0) {
      const entry_t e = w.stopped_at;
      buf_.seek(w.pos, "entry");
      {
        RBuffer::Scope scope(buf_, "entry", e, " of the basket");
        start_piece();
        stl_entry();  // the generic path names what is wrong with the header
      }
      const bool overflows = size - w.pos >= 10 && static_cast<std::int64_t>(load_be32(d + w.pos + 6)) > capacity - w.total;
      if (overflows && !two_pass)
        fail(fmt::format("entry {} takes the basket past the {} values its size (fLast) announces", e, slot_->items),
             w.pos);
      fail(fmt::format("entry {} does not match its container header", e), w.pos);
    }
    if (w.pos != size)
      fail(fmt::format("the basket's {} entries end at byte {} but its data runs to byte {}", hi_, w.pos, size), w.pos);
    if (w.total != slot_->items)
      fail(fmt::format("basket holds {} values but its size (fLast) announces {}", w.total, slot_->items), 0);
    if (two_pass) decode_items(item, gathered.data(), static_cast<std::size_t>(w.total), slot_->values);
  }

  // --- layouts parsed entry by entry -------------------------------------------------------

  void per_entry() {
    if (!has_offsets()) {
      // Without offsets every earlier entry is parsed to find where the next one starts.
      for (entry_t e = 0; e < hi_; ++e) {
        RBuffer::Scope scope(buf_, "entry", e, " of the basket");
        parse_entry(e, e >= lo_);
      }
      if (hi_ == basket_.entries && buf_.pos() != buf_.size())
        fail(fmt::format("basket has {} bytes left over after its {} entries", buf_.size() - buf_.pos(), hi_), buf_.pos());
      return;
    }
    if (in_.layout == L::kString) {
      short_strings();
      return;
    }
    for (entry_t e = lo_; e < hi_; ++e) parse_entry_at_its_offset(e);
  }

  // The entry at its stored offset, parsed in full and checked to end where the next begins.
  void parse_entry_at_its_offset(entry_t e) {
    const std::size_t begin = entry_begin(e);
    buf_.seek(begin, "entry");
    RBuffer::Scope scope(buf_, "entry", e, " of the basket");
    parse_into(e);
    if (buf_.pos() != entry_end(e))
      fail(fmt::format("entry {} should hold {} bytes by the basket's offsets but its content ended after {}", e,
                       entry_end(e) - begin, buf_.pos() - begin),
           buf_.pos());
  }

  // TString entries (a length byte, then the characters) copied straight from the basket: the
  // characters end exactly where the next entry begins. Any other entry (an empty one, a long
  // string whose length byte is 255 and an int32 follows, or one that does not end there) goes
  // through the general parser, which reads it or says what is wrong.
  void short_strings() {
    if (hi_ <= lo_) return;
    const std::byte* d = basket_.data.data();
    const auto short_at = [&](entry_t e) {
      const std::size_t begin = entry_begin(e), end = entry_end(e);
      return begin < end && std::to_integer<std::size_t>(d[begin]) != 255 &&
             begin + 1 + std::to_integer<std::size_t>(d[begin]) == end;
    };
    auto& chars = out_.data();
    auto& ends = out_.mutable_string_offsets();
    // Where every entry is short (the usual case), the characters and ends are sized once and
    // filled without a check per entry.
    std::size_t total = 0;
    entry_t e = lo_;
    for (; e < hi_ && short_at(e); ++e) total += entry_end(e) - entry_begin(e) - 1;
    const std::size_t chars_at = chars.size(), ends_at = ends.size();
    // Strings are mostly a few characters: each is copied as 16 bytes where the basket has them
    // (a fixed-size copy is a couple of instructions; a call to memcpy per string is not), into
    // characters given 16 bytes of room to spare.
    constexpr std::size_t kWide = 16;
    chars.resize(chars_at + total + kWide);
    chars.resize(chars_at + total);
    ends.resize(ends_at + static_cast<std::size_t>(e - lo_));
    const std::size_t wide_until = basket_.data.size() < kWide ? 0 : basket_.data.size() - kWide;
    std::byte* c = chars.data() + chars_at;
    std::int64_t end_at = static_cast<std::int64_t>(chars_at);
    for (entry_t k = lo_; k < e; ++k) {
      const std::size_t begin = entry_begin(k) + 1, n = entry_end(k) - begin;
      if (n <= kWide && begin <= wide_until)
        std::memcpy(c, d + begin, kWide);
      else
        std::memcpy(c, d + begin, n);
      c += n;
      end_at += static_cast<std::int64_t>(n);
      ends[ends_at + static_cast<std::size_t>(k - lo_)] = end_at;
    }
    // From the first entry that is not short on, entry by entry.
    for (; e < hi_; ++e) {
      if (!short_at(e)) {
        parse_entry_at_its_offset(e);
        continue;
      }
      const std::size_t begin = entry_begin(e) + 1;
      chars.append(d + begin, entry_end(e) - begin);
      ends.push_back(static_cast<std::int64_t>(chars.size()));
    }
  }

  void parse_entry(entry_t e, bool keep) {
    // `keep == false` parses only to advance; the output is built from a scratch column.
    if (!keep) {
      Column scratch(in_.dtype());
      scratch.mutable_offsets().assign(in_.jagged_depth(), column::Offsets{0});
      std::swap(scratch, out_);
      parse_into(e);
      std::swap(scratch, out_);
      return;
    }
    parse_into(e);
  }

  void parse_into(entry_t e) {
    switch (in_.layout) {
      case L::kString: append_string(read_tstring()); break;
      case L::kCharStar: {
        const std::int32_t n = buf_.i32("char* length");
        if (n < 0) fail(fmt::format("negative string length {}", n), buf_.pos() - 4);
        auto b = buf_.bytes(static_cast<std::size_t>(n), "char* characters");
        append_string({reinterpret_cast<const char*>(b.data()), b.size()});
        break;
      }
      case L::kCharArray: {
        auto b = buf_.bytes(in_.char_array_size, "char array");
        std::string_view s(reinterpret_cast<const char*>(b.data()), b.size());
        append_string(s.substr(0, s.find('\0')));
        break;
      }
      case L::kFixed: append_bits(); break;
      case L::kCollectionMember: {
        // Items of varying size: read until the entry's end.
        if (!has_offsets()) fail("basket of a variable-length member has no entry offsets", buf_.pos());
        std::int64_t n = 0;
        while (buf_.pos() < entry_end(e)) {
          append_bits();
          ++n;
        }
        close_level(0, n);
        break;
      }
      case L::kPointerArray: pointer_array_entry(e); break;
      case L::kCollectionPointerArray: collection_pointer_array_entry(e); break;
      case L::kStl: stl_entry(); break;
      case L::kCollectionStl: collection_stl_entry(e); break;
      case L::kLeafListVar: leaf_list_entry(); break;
      default: break;
    }
  }

  std::string_view read_tstring() {
    std::size_t n = buf_.u8("string length");
    if (n == 255) {
      const std::int32_t big = buf_.i32("string length");
      if (big < 0) fail(fmt::format("negative string length {}", big), buf_.pos() - 4);
      n = static_cast<std::size_t>(big);
    }
    auto b = buf_.bytes(n, "string characters");
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }

  void append_string(std::string_view s) {
    out_.data().append(s.data(), s.size());
    out_.mutable_string_offsets().push_back(static_cast<std::int64_t>(out_.data().size()));
  }

  void append_values(std::size_t n, const std::string& what) { append_values(in_.item, n, what); }
  void append_values(const Item& item, std::size_t n, const std::string& what) {
    if (n > buf_.remaining() / std::max<std::size_t>(item.disk_size, 1))
      fail(fmt::format("{} claims {} values but only {} bytes are left", what, n, buf_.remaining()), buf_.pos());
    auto src = buf_.bytes(n * item.disk_size, what);
    decode_items(item, src.data(), n, grow_values(n));
  }

  void append_bits() {
    const std::uint32_t bits = buf_.u32("fBits");
    if (bits & (1u << 4)) buf_.u16("process id of a referenced object");  // kIsReferenced
    std::memcpy(grow_values(1), &bits, sizeof bits);
  }

  void close_level(std::size_t level, std::int64_t count) {
    auto& offs = out_.mutable_offsets()[level];
    offs.push_back(offs.back() + count);
  }

  void pointer_array_entry(entry_t e) {
    const std::size_t start = buf_.pos();
    const std::uint8_t flag = buf_.u8("array flag");
    std::size_t n = 0;
    if (flag) {
      // The values fill the rest of the entry; the size member lives in another branch.
      if (!has_offsets()) fail("basket of a variable-length member has no entry offsets", start);
      const std::size_t bytes = entry_end(e) - buf_.pos();
      if (bytes % in_.item.disk_size != 0)
        fail(fmt::format("array member holds {} bytes, not a whole number of {}-byte values", bytes, in_.item.disk_size),
             buf_.pos());
      n = bytes / in_.item.disk_size;
    }
    append_values(n, "array member");
    close_level(0, static_cast<std::int64_t>(n));
  }

  void collection_pointer_array_entry(entry_t e) {
    const Column* c = counts_.column;
    const entry_t a = counts_.first_entry + (e - lo_);
    const auto& coffs = c->offsets().front();
    const auto first = static_cast<std::size_t>(coffs[static_cast<std::size_t>(a)]);
    const auto last = static_cast<std::size_t>(coffs[static_cast<std::size_t>(a) + 1]);
    auto values = c->values<std::int32_t>();
    for (std::size_t i = first; i < last; ++i) {
      const std::uint8_t flag = buf_.u8("array flag");
      const std::int32_t n = flag ? values[i] : 0;
      if (n < 0) fail(fmt::format("element {} has negative array size {}", i - first, n), buf_.pos());
      append_values(static_cast<std::size_t>(n), "array member of a collection element");
      close_level(1, n);
    }
    close_level(0, static_cast<std::int64_t>(last - first));
  }

  void collection_stl_entry(entry_t e) {
    const entry_t a = counts_.first_entry + (e - lo_);
    const std::int32_t n = counts_.column->values<std::int32_t>()[static_cast<std::size_t>(a)];
    const std::size_t end = read_container_header();
    if (n < 0 || static_cast<std::size_t>(n) > buf_.remaining())
      fail(fmt::format("collection claims {} elements but only {} bytes are left", n, buf_.remaining()), buf_.pos());
    for (std::int32_t i = 0; i < n; ++i) stl_node(*in_.stl, 1);
    close_level(0, n);
    if (buf_.pos() != end)
      fail(fmt::format("collection member should end at byte {} by its byte count but ended at byte {}", end, buf_.pos()),
           buf_.pos());
  }

  // A byte count with bit 0x40000000 and a version; returns where the container ends.
  std::size_t read_container_header() {
    const std::size_t start = buf_.pos();
    const std::uint32_t count = buf_.u32("container byte count");
    if (!(count & 0x40000000)) fail("container does not start with a byte count", start);
    const std::size_t end = buf_.pos() + (count & ~0x40000000u);
    const std::uint16_t version = buf_.u16("container version");
    if (version & 0x4000)
      throw Unsupported(fmt::format("container of branch '{}' is streamed member-wise, which evclass does not read yet",
                                    where_.branch_name));
    if (end > buf_.size()) fail(fmt::format("container byte count {} runs past the basket", count & ~0x40000000u), start);
    return end;
  }

  void stl_entry() {
    if (in_.stl_header) {
      const std::size_t end = read_container_header();
      stl_node(*in_.stl, 0);
      if (buf_.pos() != end)
        fail(fmt::format("container should end at byte {} by its byte count but ended at byte {}", end, buf_.pos()),
             buf_.pos());
      return;
    }
    stl_node(*in_.stl, 0);
  }

  void stl_node(const StlNode& node, std::size_t level) {
    switch (node.kind) {
      case StlNode::Kind::kString: append_string(read_tstring()); return;
      case StlNode::Kind::kNumeric: append_values(node.item, 1, "container value"); return;
      case StlNode::Kind::kSequence: break;
    }
    const std::int32_t n = buf_.i32("container size");
    const StlNode& inner = *node.inner;
    const std::size_t min_bytes = inner.kind == StlNode::Kind::kNumeric ? inner.item.disk_size
                                  : inner.kind == StlNode::Kind::kString ? 1 : 4;
    if (n < 0 || static_cast<std::size_t>(n) > buf_.remaining() / min_bytes)
      fail(fmt::format("container claims {} elements but only {} bytes are left", n, buf_.remaining()), buf_.pos() - 4);
    if (inner.kind == StlNode::Kind::kNumeric) {
      append_values(inner.item, static_cast<std::size_t>(n), "container values");
    } else {
      for (std::int32_t i = 0; i < n; ++i) stl_node(inner, level + 1);
    }
    close_level(level, n);
  }

  void leaf_list_entry() {
    // Leaves follow each other inside the entry; a counted leaf's size is an earlier leaf's value.
    std::vector<std::int64_t> values(in_.leaf_list.size(), 0);
    for (std::size_t k = 0; k < in_.leaf_list.size(); ++k) {
      const LeafModel& leaf = *in_.leaf_list[k];
      const bool mine = k == in_.leaf_index;
      if (leaf.class_name == "TLeafC") {
        auto s = read_tstring();
        if (mine) append_string(s);
        continue;
      }
      Item item;
      if (!item_of_leaf(leaf, item)) fail(fmt::format("leaf '{}' has unknown class {}", leaf.name, leaf.class_name), buf_.pos());
      std::size_t n = static_cast<std::size_t>(std::max(leaf.fLen, 1));
      if (leaf.count) {
        std::int64_t c = -1;
        for (std::size_t j = 0; j < k; ++j)
          if (in_.leaf_list[j] == leaf.count) c = values[j];
        if (c < 0) fail(fmt::format("leaf '{}' is sized by '{}', which has no valid value before it", leaf.name,
                                    leaf.count->name),
                        buf_.pos());
        n = static_cast<std::size_t>(c) * n;
      }
      if (n > buf_.remaining() / std::max<std::size_t>(item.disk_size, 1))
        fail(fmt::format("leaf '{}' claims {} values but only {} bytes are left", leaf.name, n, buf_.remaining()),
             buf_.pos());
      auto src = buf_.bytes(n * item.disk_size, leaf.name);
      if (n == 1 && item.coding == Item::Coding::kPlain && item.dtype != DType::kFloat32 &&
          item.dtype != DType::kFloat64) {
        std::int64_t v = 0;
        for (std::size_t b = 0; b < item.disk_size; ++b) v = (v << 8) | static_cast<std::int64_t>(src[b]);
        if (item.disk_size < 8 && (src[0] & std::byte{0x80}) != std::byte{0} &&
            (item.dtype == DType::kInt8 || item.dtype == DType::kInt16 || item.dtype == DType::kInt32))
          v -= std::int64_t{1} << (8 * item.disk_size);
        values[k] = v;
      }
      if (mine) {
        decode_items(item, src.data(), n, grow_values(n));
        if (leaf.count) close_level(0, static_cast<std::int64_t>(n / std::max<std::size_t>(product(in_.inner_shape), 1)));
      }
    }
  }

  std::byte* direct_;
  const JaggedSlot* slot_;
  const Interpretation& in_;
  const RawBasket& basket_;
  entry_t lo_, hi_;
  const BasketWhere& where_;
  ElementCounts counts_;
  RBuffer buf_;
  Column out_;
  const std::vector<std::int32_t>* offsets_ = &basket_.offsets;
  std::vector<std::int32_t> generated_offsets_;
};

}  // namespace

Column decode_basket(const Interpretation& in, const RawBasket& basket, entry_t lo, entry_t hi, const BasketWhere& where,
                     const std::string& file_path, const ElementCounts& counts) {
  return Decoder(in, basket, lo, hi, where, file_path, counts).run();
}

Column decode_basket(const Interpretation& in, const RawBasket& basket, entry_t lo, entry_t hi,
                     const BasketWhere& where, const std::string& file_path, const ElementCounts& counts,
                     Column&& reuse) {
  return Decoder(in, basket, lo, hi, where, file_path, counts, nullptr, nullptr, &reuse).run();
}

bool decodes_into_slots(const Interpretation& in) noexcept {
  if (in.layout == L::kCounted) return in.item.coding != Item::Coding::kBits && in.item.disk_size > 0;
  return is_numeric_vector(in);
}

bool is_numeric_vector(const Interpretation& in) noexcept {
  return in.layout == L::kStl && in.stl_header && in.stl && in.stl->kind == StlNode::Kind::kSequence && in.stl->inner &&
         in.stl->inner->kind == StlNode::Kind::kNumeric && in.stl->inner->item.coding == Item::Coding::kPlain;
}

void decode_vectors_into(const Interpretation& in, const RawBasket& basket, entry_t lo, entry_t hi,
                         const BasketWhere& where, const std::string& file_path, const JaggedSlot& slot) {
  EVC_ASSERT(decodes_into_slots(in), "direct decoding of numeric vectors and counted arrays only");
  (void)Decoder(in, basket, lo, hi, where, file_path, {}, slot.values, &slot).run();
}

bool decode_vectors_by_stored_offsets(const Interpretation& in, const RawBasket& basket, const JaggedSlot& slot) {
  EVC_ASSERT(is_numeric_vector(in), "numeric vectors only");
  const Item& item = in.stl->inner->item;
  return !basket.stored_offsets.empty() &&
         walk_vectors_by_stored_offsets(item.disk_size, item.dtype == DType::kBool, basket.data.data(),
                                        basket.data.size(), basket.stored_offsets.data(), basket.keylen,
                                        basket.entries, slot.values, slot.items, slot.ends, slot.item_base);
}

void decode_basket_into(const Interpretation& in, const RawBasket& basket, entry_t lo, entry_t hi,
                        const BasketWhere& where, const std::string& file_path, std::byte* dst) {
  EVC_ASSERT(in.layout == L::kFixed && in.item.coding != Item::Coding::kBits, "direct decoding of a fixed layout only");
  (void)Decoder(in, basket, lo, hi, where, file_path, {}, dst).run();
}

}  // namespace evclass::root::detail
