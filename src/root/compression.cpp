#include "root/compression.hpp"

#include <libdeflate.h>
#include <lz4.h>
#include <lzma.h>
#include <xxhash.h>
#include <zstd.h>

#include <memory>

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
