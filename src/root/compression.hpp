#pragma once
// ROOT's compressed payloads: a sequence of blocks, each with a 9-byte header
//   [0..1] algorithm tag: "ZL" zlib, "CS" old ROOT 3/4 deflate, "XZ" lzma, "ZS" zstd, "L4" lz4
//   [2]    method byte
//   [3..5] compressed size of the block (little-endian, 24 bits, after the header)
//   [6..8] uncompressed size of the block (little-endian, 24 bits)
// "L4" blocks start with an 8-byte big-endian xxhash64 of the lz4 data that follows.
// A payload whose key says it is as long as its object (fNbytes - fKeylen == fObjlen) is stored raw.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace evclass::root::detail {

enum class Codec : std::uint8_t { kNone, kZlib, kOldRoot, kLzma, kZstd, kLz4, kUnknown };

/// "ZL", "CS", "XZ", "ZS", "L4", "none" or "?" (as the .ref.json inventory names them).
[[nodiscard]] std::string_view codec_tag(Codec c) noexcept;
/// ROOT's algorithm name: "zlib", "lzma", "zstd", "lz4", "none".
[[nodiscard]] std::string_view codec_name(Codec c) noexcept;

/// The codec of a payload's first block (kNone when the payload is not compressed).
[[nodiscard]] Codec payload_codec(std::span<const std::byte> payload, std::size_t uncompressed_size) noexcept;

/// Sum of the uncompressed sizes the block headers of `src` claim, checked without
/// decompressing: every block must fit in the payload, and claim no more than its codec can
/// produce from its compressed size. Lets callers allocate only what the bytes can justify.
[[nodiscard]] std::size_t claimed_uncompressed_size(std::span<const std::byte> src);

/// Decompresses `src` into exactly `dst.size()` bytes, checking every block's header, sizes and
/// (for lz4) checksum. Throws CorruptFile with a message naming the block and the problem; the
/// caller adds where the payload came from.
void decompress(std::span<const std::byte> src, std::span<std::byte> dst);

/// Compresses `src` into ROOT's block format (blocks of at most 16 MiB - 1 bytes) with ROOT's
/// algorithm number (1 zlib, 2 lzma, 4 lz4 with its xxhash64, 5 zstd) and level 1..9. Returns
/// false, leaving `out` unspecified, when the result would not be smaller than `src` (ROOT then
/// stores the object raw).
bool compress(std::span<const std::byte> src, int algorithm, int level, std::string& out);

}  // namespace evclass::root::detail
