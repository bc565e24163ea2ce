#include "root/compression.hpp"

#include <libdeflate.h>
#include <lz4.h>
#include <lz4hc.h>
#include <lzma.h>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <new>
#include <string>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::root::detail {

namespace {

constexpr std::size_t kHeaderSize = 9;
constexpr std::size_t kLz4ChecksumSize = 8;

Codec codec_from_tag(std::byte a, std::byte b) noexcept {
  const char x = static_cast<char>(a), y = static_cast<char>(b);
  if (x == 'Z' && y == 'L') return Codec::kZlib;
  if (x == 'C' && y == 'S') return Codec::kOldRoot;
  if (x == 'X' && y == 'Z') return Codec::kLzma;
  if (x == 'Z' && y == 'S') return Codec::kZstd;
  if (x == 'L' && y == '4') return Codec::kLz4;
  return Codec::kUnknown;
}

std::uint32_t le24(const std::byte* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16);
}

// libdeflate decompressors are not thread-safe; each thread keeps its own.
libdeflate_decompressor* thread_decompressor() {
  struct Holder {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    ~Holder() { libdeflate_free_decompressor(d); }
  };
  thread_local Holder holder;
  if (!holder.d) throw std::bad_alloc();
  return holder.d;
}

void inflate_block(Codec codec, std::span<const std::byte> in, std::span<std::byte> out, std::size_t block) {
  std::size_t actual = 0;
  libdeflate_result r;
  if (codec == Codec::kZlib)
    r = libdeflate_zlib_decompress(thread_decompressor(), in.data(), in.size(), out.data(), out.size(), &actual);
  else
    r = libdeflate_deflate_decompress(thread_decompressor(), in.data(), in.size(), out.data(), out.size(), &actual);
  if (r == LIBDEFLATE_SUCCESS && actual == out.size()) return;
  if (r == LIBDEFLATE_SUCCESS || r == LIBDEFLATE_SHORT_OUTPUT)
    throw CorruptFile(fmt::format("compressed block {} ({}) inflated to {} bytes, its header says {}", block,
                                  codec_tag(codec), actual, out.size()));
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
    throw CorruptFile(fmt::format("compressed block {} ({}) inflates to more than the {} bytes its header says",
                                  block, codec_tag(codec), out.size()));
  throw CorruptFile(fmt::format("compressed block {} ({}) is not a valid deflate stream", block, codec_tag(codec)));
}

void lz4_block(std::span<const std::byte> in, std::span<std::byte> out, std::size_t block) {
  if (in.size() < kLz4ChecksumSize)
    throw CorruptFile(fmt::format("lz4 block {} is {} bytes, too short for its 8-byte checksum", block, in.size()));
  std::uint64_t expected = 0;
  for (std::size_t i = 0; i < kLz4ChecksumSize; ++i) expected = (expected << 8) | static_cast<std::uint64_t>(in[i]);
  auto body = in.subspan(kLz4ChecksumSize);
  const std::uint64_t actual_sum = XXH64(body.data(), body.size(), 0);
  if (actual_sum != expected)
    throw CorruptFile(fmt::format("lz4 block {} fails its xxhash64 checksum: stored {:016x}, computed {:016x}", block,
                                  expected, actual_sum));
  const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(body.data()), reinterpret_cast<char*>(out.data()),
                                    static_cast<int>(body.size()), static_cast<int>(out.size()));
  if (n < 0) throw CorruptFile(fmt::format("lz4 block {} is not a valid lz4 stream", block));
  if (static_cast<std::size_t>(n) != out.size())
    throw CorruptFile(fmt::format("lz4 block {} decompressed to {} bytes, its header says {}", block, n, out.size()));
}

// ZSTD_decompress would allocate a ~100 kB context on every call; each thread keeps one.
ZSTD_DCtx* thread_zstd_context() {
  struct Holder {
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    ~Holder() { ZSTD_freeDCtx(ctx); }
  };
  thread_local Holder holder;
  if (!holder.ctx) throw std::bad_alloc();
  return holder.ctx;
}

void zstd_block(std::span<const std::byte> in, std::span<std::byte> out, std::size_t block) {
  const std::size_t n = ZSTD_decompressDCtx(thread_zstd_context(), out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n))
    throw CorruptFile(fmt::format("zstd block {} cannot be decompressed: {}", block, ZSTD_getErrorName(n)));
  if (n != out.size())
    throw CorruptFile(fmt::format("zstd block {} decompressed to {} bytes, its header says {}", block, n, out.size()));
}

void lzma_block(std::span<const std::byte> in, std::span<std::byte> out, std::size_t block) {
  std::uint64_t memlimit = 256u << 20;  // lzma's decoder never needs more for ROOT's presets
  std::size_t in_pos = 0, out_pos = 0;
  const lzma_ret r = lzma_stream_buffer_decode(&memlimit, 0, nullptr, reinterpret_cast<const std::uint8_t*>(in.data()),
                                               &in_pos, in.size(), reinterpret_cast<std::uint8_t*>(out.data()), &out_pos,
                                               out.size());
  if (r != LZMA_OK)
    throw CorruptFile(fmt::format("xz block {} cannot be decompressed (liblzma error {}){}", block, static_cast<int>(r),
                                  r == LZMA_BUF_ERROR ? ": it holds more or less data than its header says" : ""));
  if (out_pos != out.size())
    throw CorruptFile(fmt::format("xz block {} decompressed to {} bytes, its header says {}", block, out_pos, out.size()));
}

// The largest expansion each codec can achieve (deflate 1032:1, lz4 255:1, zstd about 32768:1
// with RLE blocks); lzma is only bounded by ROOT's 16 MiB block size.
std::size_t max_expansion(Codec c, std::size_t csize) noexcept {
  switch (c) {
    case Codec::kZlib:
    case Codec::kOldRoot: return csize * 1100 + 1024;
    case Codec::kLz4: return csize * 260 + 1024;
    case Codec::kZstd: return csize * 33000 + 1024;
    default: return std::size_t{1} << 24;
  }
}

}  // namespace

std::size_t claimed_uncompressed_size(std::span<const std::byte> src) {
  std::size_t in = 0, total = 0, block = 0;
  while (src.size() - in >= kHeaderSize) {
    const std::byte* h = src.data() + in;
    const Codec codec = codec_from_tag(h[0], h[1]);
    if (codec == Codec::kUnknown)
      throw CorruptFile(fmt::format("compressed block {} has unknown algorithm tag 0x{:02x}{:02x} (expected ZL, CS, XZ, "
                                    "ZS or L4)",
                                    block, static_cast<unsigned>(h[0]), static_cast<unsigned>(h[1])));
    const std::size_t csize = le24(h + 3), usize = le24(h + 6);
    in += kHeaderSize;
    if (csize > src.size() - in)
      throw CorruptFile(fmt::format("compressed block {} says it holds {} bytes but only {} are left in the payload",
                                    block, csize, src.size() - in));
    if (usize > max_expansion(codec, csize))
      throw CorruptFile(fmt::format("compressed block {} claims {} bytes from {} compressed {} bytes, more than the "
                                    "codec can produce",
                                    block, usize, csize, codec_tag(codec)));
    total += usize;
    in += csize;
    ++block;
  }
  return total;
}

std::string_view codec_tag(Codec c) noexcept {
  switch (c) {
    case Codec::kNone: return "none";
    case Codec::kZlib: return "ZL";
    case Codec::kOldRoot: return "CS";
    case Codec::kLzma: return "XZ";
    case Codec::kZstd: return "ZS";
    case Codec::kLz4: return "L4";
    case Codec::kUnknown: break;
  }
  return "?";
}

std::string_view codec_name(Codec c) noexcept {
  switch (c) {
    case Codec::kNone: return "none";
    case Codec::kZlib: return "zlib";
    case Codec::kOldRoot: return "zlib(old)";
    case Codec::kLzma: return "lzma";
    case Codec::kZstd: return "zstd";
    case Codec::kLz4: return "lz4";
    case Codec::kUnknown: break;
  }
  return "unknown";
}

Codec payload_codec(std::span<const std::byte> payload, std::size_t uncompressed_size) noexcept {
  if (payload.size() == uncompressed_size) return Codec::kNone;
  if (payload.size() < 2) return Codec::kUnknown;
  return codec_from_tag(payload[0], payload[1]);
}

void decompress(std::span<const std::byte> src, std::span<std::byte> dst) {
  std::size_t in = 0, out = 0, block = 0;
  while (out < dst.size()) {
    if (src.size() - in < kHeaderSize)
      throw CorruptFile(fmt::format("compressed payload ends after {} of {} bytes, in the middle of block {}'s header",
                                    in, src.size(), block));
    const std::byte* h = src.data() + in;
    const Codec codec = codec_from_tag(h[0], h[1]);
    if (codec == Codec::kUnknown)
      throw CorruptFile(fmt::format("compressed block {} has unknown algorithm tag 0x{:02x}{:02x} (expected ZL, CS, XZ, "
                                    "ZS or L4)",
                                    block, static_cast<unsigned>(h[0]), static_cast<unsigned>(h[1])));
    const std::size_t csize = le24(h + 3), usize = le24(h + 6);
    in += kHeaderSize;
    if (csize > src.size() - in)
      throw CorruptFile(fmt::format("compressed block {} says it holds {} bytes but only {} are left in the payload",
                                    block, csize, src.size() - in));
    if (usize > dst.size() - out)
      throw CorruptFile(fmt::format("compressed block {} says it decompresses to {} bytes but only {} of the object's "
                                    "{} bytes are left",
                                    block, usize, dst.size() - out, dst.size()));
    if (usize == 0)
      throw CorruptFile(fmt::format("compressed block {} says it decompresses to 0 bytes", block));
    auto bin = src.subspan(in, csize);
    auto bout = dst.subspan(out, usize);
    switch (codec) {
      case Codec::kZlib:
      case Codec::kOldRoot: inflate_block(codec, bin, bout, block); break;
      case Codec::kLz4: lz4_block(bin, bout, block); break;
      case Codec::kZstd: zstd_block(bin, bout, block); break;
      case Codec::kLzma: lzma_block(bin, bout, block); break;
      default: break;
    }
    in += csize;
    out += usize;
    ++block;
  }
  if (in != src.size() && src.size() - in >= kHeaderSize)
    throw CorruptFile(fmt::format("compressed payload has {} bytes left over after its {} blocks", src.size() - in, block));
}

}  // namespace evclass::root::detail

namespace evclass::root::detail {

namespace {

constexpr std::size_t kMaxBlock = 0xffffff;  // ROOT's kMAXZIPBUF: sizes are 24-bit fields

// Compressors are costly to create; each thread keeps one per level.
libdeflate_compressor* thread_deflate(int level) {
  struct Holder {
    libdeflate_compressor* c[13] = {};
    ~Holder() {
      for (auto* p : c)
        if (p) libdeflate_free_compressor(p);
    }
  };
  thread_local Holder h;
  if (!h.c[level]) h.c[level] = libdeflate_alloc_compressor(level);
  if (!h.c[level]) throw std::bad_alloc();
  return h.c[level];
}

ZSTD_CCtx* thread_zstd_cctx() {
  struct Holder {
    ZSTD_CCtx* ctx = ZSTD_createCCtx();
    ~Holder() { ZSTD_freeCCtx(ctx); }
  };
  thread_local Holder h;
  if (!h.ctx) throw std::bad_alloc();
  return h.ctx;
}

void put_header(char* h, const char tag[2], std::uint8_t method, std::size_t csize, std::size_t usize) {
  h[0] = tag[0];
  h[1] = tag[1];
  h[2] = static_cast<char>(method);
  for (int i = 0; i < 3; ++i) {
    h[3 + i] = static_cast<char>((csize >> (8 * i)) & 0xff);
    h[6 + i] = static_cast<char>((usize >> (8 * i)) & 0xff);
  }
}

// Compresses one block into `dst` (capacity `cap`); returns its compressed size, 0 if it did
// not fit.
std::size_t compress_block(const std::byte* src, std::size_t n, int algorithm, int level, char* dst, std::size_t cap) {
  switch (algorithm) {
    case 1:
      return libdeflate_zlib_compress(thread_deflate(level), src, n, dst, cap);
    case 2: {
      // The streaming encoder, as ROOT uses: its block headers carry no size fields, which some
      // readers (JSROOT) require. A dictionary larger than the block gains nothing, so it is cut
      // to the block's size (level 9 would otherwise take ~670 MB per thread).
      lzma_options_lzma opt{};
      if (lzma_lzma_preset(&opt, static_cast<std::uint32_t>(level))) throw std::bad_alloc();
      opt.dict_size = std::clamp<std::uint32_t>(std::bit_ceil(static_cast<std::uint32_t>(n)), LZMA_DICT_SIZE_MIN,
                                                opt.dict_size);
      const lzma_filter filters[] = {{LZMA_FILTER_LZMA2, &opt}, {LZMA_VLI_UNKNOWN, nullptr}};
      lzma_stream strm = LZMA_STREAM_INIT;
      if (lzma_stream_encoder(&strm, filters, LZMA_CHECK_CRC32) != LZMA_OK) throw std::bad_alloc();
      strm.next_in = reinterpret_cast<const std::uint8_t*>(src);
      strm.avail_in = n;
      strm.next_out = reinterpret_cast<std::uint8_t*>(dst);
      strm.avail_out = cap;
      const lzma_ret r = lzma_code(&strm, LZMA_FINISH);
      const std::size_t m = cap - strm.avail_out;
      lzma_end(&strm);
      return r == LZMA_STREAM_END ? m : 0;
    }
    case 4: {
      if (cap <= kLz4ChecksumSize) return 0;
      char* body = dst + kLz4ChecksumSize;
      const int capacity = static_cast<int>(cap - kLz4ChecksumSize);
      // As ROOT does: the fast compressor below level 4, the high-compression one from 4 up.
      const int m = level < 4 ? LZ4_compress_default(reinterpret_cast<const char*>(src), body, static_cast<int>(n),
                                                     capacity)
                              : LZ4_compress_HC(reinterpret_cast<const char*>(src), body, static_cast<int>(n),
                                                capacity, level);
      if (m <= 0) return 0;
      const std::uint64_t sum = XXH64(body, static_cast<std::size_t>(m), 0);
      for (int i = 0; i < 8; ++i) dst[i] = static_cast<char>(sum >> (8 * (7 - i)));
      return static_cast<std::size_t>(m) + kLz4ChecksumSize;
    }
    case 5: {
      const std::size_t m = ZSTD_compressCCtx(thread_zstd_cctx(), dst, cap, src, n, level);
      return ZSTD_isError(m) ? 0 : m;
    }
    default:
      throw Unsupported(fmt::format("compression algorithm {} is not one of ROOT's (1 zlib, 2 lzma, 4 lz4, 5 zstd)",
                                    algorithm));
  }
}

}  // namespace

bool compress(std::span<const std::byte> src, int algorithm, int level, std::string& out) {
  static constexpr char kTags[6][2] = {{'?', '?'}, {'Z', 'L'}, {'X', 'Z'}, {'?', '?'}, {'L', '4'}, {'Z', 'S'}};
  // zlib's method byte is Z_DEFLATED (8); the others carry their library's major version.
  static constexpr std::uint8_t kMethods[6] = {0, 8, 0, 0, 1, 1};
  out.clear();
  if (src.empty()) return false;
  level = std::clamp(level, 1, 9);
  // Stop as soon as the output would not be smaller than the input.
  const std::size_t budget = src.size() - 1;
  for (std::size_t done = 0; done < src.size();) {
    const std::size_t n = std::min(kMaxBlock, src.size() - done);
    const std::size_t at = out.size();
    if (at + kHeaderSize >= budget) return false;
    const std::size_t cap = std::min(budget - at - kHeaderSize, kMaxBlock);
    out.resize(at + kHeaderSize + cap);
    const std::size_t m = compress_block(src.data() + done, n, algorithm, level, out.data() + at + kHeaderSize, cap);
    if (m == 0) return false;
    put_header(out.data() + at, kTags[algorithm], kMethods[algorithm], m, n);
    out.resize(at + kHeaderSize + m);
    done += n;
  }
  return out.size() < src.size();
}

}  // namespace evclass::root::detail
