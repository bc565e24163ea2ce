// Unit tests of src/root/compression.hpp. Every payload is built here with the real codec
// libraries, framed by ROOT's 9-byte block header as ROOT's R__zip writes it.

#include <gtest/gtest.h>
#include <lz4.h>
#include <lzma.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "evclass/core/error.hpp"
#include "root/compression.hpp"

namespace evclass::root::detail {
namespace {

using Bytes = std::vector<std::byte>;

// Test data that compresses but is not trivial: runs of text mixed with pseudo-random bytes.
Bytes sample(std::size_t n, std::uint32_t seed = 12345) {
  Bytes out(n);
  std::uint32_t x = seed;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    const bool noisy = (i / 64) % 3 == 0;
    out[i] = static_cast<std::byte>(noisy ? (x >> 24) : "evclass reads ROOT files "[i % 25]);
  }
  return out;
}

void append(Bytes& to, const Bytes& from) { to.insert(to.end(), from.begin(), from.end()); }

void put_le24(Bytes& out, std::size_t v) {
  if (v >= (std::size_t{1} << 24)) throw std::logic_error("test bug: block size does not fit in 24 bits");
  out.push_back(static_cast<std::byte>(v & 0xff));
  out.push_back(static_cast<std::byte>((v >> 8) & 0xff));
  out.push_back(static_cast<std::byte>((v >> 16) & 0xff));
}

// tag[0..1], method, 3-byte LE compressed size, 3-byte LE uncompressed size, then the body.
Bytes frame(const char* tag, std::uint8_t method, const Bytes& body, std::size_t uncompressed) {
  Bytes out;
  out.push_back(static_cast<std::byte>(tag[0]));
  out.push_back(static_cast<std::byte>(tag[1]));
  out.push_back(static_cast<std::byte>(method));
  put_le24(out, body.size());
  put_le24(out, uncompressed);
  append(out, body);
  return out;
}

Bytes zlib_block(const Bytes& in) {
  uLongf n = compressBound(static_cast<uLong>(in.size()));
  Bytes body(n);
  if (compress2(reinterpret_cast<Bytef*>(body.data()), &n, reinterpret_cast<const Bytef*>(in.data()),
                static_cast<uLong>(in.size()), 6) != Z_OK)
    throw std::runtime_error("compress2 failed");
  body.resize(n);
  return frame("ZL", 8, body, in.size());
}

Bytes raw_deflate_block(const Bytes& in) {
  z_stream s{};
  if (deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2");
  Bytes body(deflateBound(&s, static_cast<uLong>(in.size())));
  s.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = reinterpret_cast<Bytef*>(body.data());
  s.avail_out = static_cast<uInt>(body.size());
  const int r = deflate(&s, Z_FINISH);
  deflateEnd(&s);
  if (r != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  body.resize(s.total_out);
  return frame("CS", 8, body, in.size());
}

Bytes lz4_block(const Bytes& in) {
  Bytes data(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(in.size()))));
  const int n = LZ4_compress_default(reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(data.data()),
                                     static_cast<int>(in.size()), static_cast<int>(data.size()));
  if (n <= 0) throw std::runtime_error("LZ4_compress_default failed");
  data.resize(static_cast<std::size_t>(n));
  const std::uint64_t sum = XXH64(data.data(), data.size(), 0);
  Bytes body;
  for (int shift = 56; shift >= 0; shift -= 8) body.push_back(static_cast<std::byte>((sum >> shift) & 0xff));
  append(body, data);
  return frame("L4", 1, body, in.size());
}

Bytes zstd_block(const Bytes& in) {
  Bytes body(ZSTD_compressBound(in.size()));
  const std::size_t n = ZSTD_compress(body.data(), body.size(), in.data(), in.size(), 3);
  if (ZSTD_isError(n)) throw std::runtime_error("ZSTD_compress failed");
  body.resize(n);
  return frame("ZS", 1, body, in.size());
}

Bytes xz_block(const Bytes& in) {
  Bytes body(lzma_stream_buffer_bound(in.size()));
  std::size_t n = 0;
  if (lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const std::uint8_t*>(in.data()),
                              in.size(), reinterpret_cast<std::uint8_t*>(body.data()), &n, body.size()) != LZMA_OK)
    throw std::runtime_error("lzma_easy_buffer_encode failed");
  body.resize(n);
  return frame("XZ", 0, body, in.size());
}

using BlockMaker = Bytes (*)(const Bytes&);

struct NamedMaker {
  const char* tag;
  BlockMaker make;
  Codec codec;
};

const NamedMaker kMakers[] = {
    {"ZL", zlib_block, Codec::kZlib},     {"CS", raw_deflate_block, Codec::kOldRoot}, {"L4", lz4_block, Codec::kLz4},
    {"ZS", zstd_block, Codec::kZstd},     {"XZ", xz_block, Codec::kLzma},
};

// Sets the 24-bit little-endian uncompressed-size field of the block header at `at`.
void set_usize(Bytes& payload, std::size_t at, std::size_t usize) {
  payload[at + 6] = static_cast<std::byte>(usize & 0xff);
  payload[at + 7] = static_cast<std::byte>((usize >> 8) & 0xff);
  payload[at + 8] = static_cast<std::byte>((usize >> 16) & 0xff);
}

Bytes decompress_to(const Bytes& payload, std::size_t n) {
  Bytes out(n);
  decompress(payload, out);
  return out;
}

// Runs decompress and returns the CorruptFile message ("" and a test failure when none is thrown).
std::string corrupt_message_of(const Bytes& payload, std::size_t n) {
  Bytes out(n);
  try {
    decompress(payload, out);
  } catch (const CorruptFile& e) {
    return e.what();
  }
  ADD_FAILURE() << "decompress accepted the payload";
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---------------------------------------------------------------------------------------------
// Round trips

void expect_round_trip(const NamedMaker& m, std::size_t n) {
  const Bytes original = sample(n);
  const Bytes payload = m.make(original);
  ASSERT_LT(payload.size(), original.size()) << m.tag << ": the sample should compress";
  EXPECT_EQ(static_cast<char>(payload[0]), m.tag[0]);
  EXPECT_EQ(static_cast<char>(payload[1]), m.tag[1]);
  EXPECT_EQ(decompress_to(payload, original.size()), original) << m.tag;
}

TEST(Compression, ZlibBlockRoundTrips) { expect_round_trip(kMakers[0], 10000); }
TEST(Compression, OldRootRawDeflateBlockRoundTrips) { expect_round_trip(kMakers[1], 10000); }
TEST(Compression, Lz4BlockWithChecksumRoundTrips) { expect_round_trip(kMakers[2], 10000); }
TEST(Compression, ZstdBlockRoundTrips) { expect_round_trip(kMakers[3], 10000); }
TEST(Compression, XzBlockRoundTrips) { expect_round_trip(kMakers[4], 10000); }

TEST(Compression, EveryCodecRoundTripsATinyObject) {
  for (const auto& m : kMakers) {
    const Bytes original = sample(3, 7);
    EXPECT_EQ(decompress_to(m.make(original), original.size()), original) << m.tag;
  }
}

TEST(Compression, PayloadOfThreeBlocksOfDifferentCodecsIsJoinedInOrder) {
  const Bytes a = sample(4000, 1), b = sample(2500, 2), c = sample(6001, 3);
  Bytes payload = zlib_block(a);
  append(payload, lz4_block(b));
  append(payload, xz_block(c));
  Bytes expected = a;
  append(expected, b);
  append(expected, c);
  EXPECT_EQ(decompress_to(payload, expected.size()), expected);
}

TEST(Compression, PayloadOfSeveralBlocksOfTheSameCodecIsJoinedInOrder) {
  for (const auto& m : kMakers) {
    Bytes payload, expected;
    for (std::uint32_t k = 0; k < 4; ++k) {
      const Bytes part = sample(1000 + 333 * k, 100 + k);
      append(payload, m.make(part));
      append(expected, part);
    }
    EXPECT_EQ(decompress_to(payload, expected.size()), expected) << m.tag;
  }
}

// ---------------------------------------------------------------------------------------------
// Checksums

TEST(Compression, Lz4BlockWithWrongChecksumIsRejected) {
  Bytes payload = lz4_block(sample(5000));
  payload[9 + 7] ^= std::byte{0x01};  // last byte of the stored big-endian xxhash64
  const std::string msg = corrupt_message_of(payload, 5000);
  EXPECT_TRUE(contains(msg, "checksum")) << msg;
  EXPECT_TRUE(contains(msg, "lz4 block 0")) << msg;
}

TEST(Compression, Lz4BlockWithDamagedDataFailsItsChecksum) {
  Bytes payload = lz4_block(sample(5000));
  payload[payload.size() - 5] ^= std::byte{0x40};  // inside the lz4 data the checksum covers
  const std::string msg = corrupt_message_of(payload, 5000);
  EXPECT_TRUE(contains(msg, "checksum")) << msg;
}

TEST(Compression, Lz4ChecksumIsReadBigEndian) {
  // A little-endian checksum of the same value must not be accepted.
  Bytes payload = lz4_block(sample(2000));
  std::reverse(payload.begin() + 9, payload.begin() + 17);
  const std::string msg = corrupt_message_of(payload, 2000);
  EXPECT_TRUE(contains(msg, "checksum")) << msg;
}

TEST(Compression, Lz4BlockTooShortForItsChecksumIsRejected) {
  const Bytes payload = frame("L4", 1, Bytes(5, std::byte{0}), 100);
  const std::string msg = corrupt_message_of(payload, 100);
  EXPECT_TRUE(contains(msg, "too short for its 8-byte checksum")) << msg;
}

TEST(Compression, ZlibBlockWithWrongAdlerChecksumIsRejected) {
  Bytes payload = zlib_block(sample(5000));
  payload.back() ^= std::byte{0x01};  // the zlib stream ends with its adler32
  const std::string msg = corrupt_message_of(payload, 5000);
  EXPECT_TRUE(contains(msg, "block 0 (ZL)")) << msg;
}

TEST(Compression, XzBlockWithDamagedDataIsRejected) {
  Bytes payload = xz_block(sample(5000));
  payload[payload.size() / 2] ^= std::byte{0x10};
  const std::string msg = corrupt_message_of(payload, 5000);
  EXPECT_TRUE(contains(msg, "xz block 0")) << msg;
}

TEST(Compression, GarbageInsteadOfADeflateStreamIsRejected) {
  const Bytes payload = frame("CS", 8, Bytes(40, std::byte{0xff}), 100);
  const std::string msg = corrupt_message_of(payload, 100);
  EXPECT_TRUE(contains(msg, "not a valid deflate stream")) << msg;
}

// ---------------------------------------------------------------------------------------------
// Sizes in the block headers

TEST(Compression, BlockClaimingMoreBytesThanTheOutputHasRoomForIsRejected) {
  const Bytes original = sample(3000);
  const Bytes payload = zlib_block(original);
  const std::string msg = corrupt_message_of(payload, 2000);
  EXPECT_TRUE(contains(msg, "says it decompresses to 3000 bytes but only 2000")) << msg;
}

TEST(Compression, LaterBlockClaimingMoreThanTheRemainingRoomIsRejected) {
  Bytes payload = zstd_block(sample(1000, 1));
  append(payload, zstd_block(sample(1000, 2)));
  const std::string msg = corrupt_message_of(payload, 1500);
  EXPECT_TRUE(contains(msg, "compressed block 1")) << msg;
  EXPECT_TRUE(contains(msg, "only 500 of the object's 1500 bytes are left")) << msg;
}

TEST(Compression, EveryCodecRejectsABlockThatDecompressesToLessThanItsHeaderSays) {
  for (const auto& m : kMakers) {
    const Bytes original = sample(3000);
    Bytes payload = m.make(original);
    set_usize(payload, 0, original.size() + 10);
    Bytes out(original.size() + 10);
    EXPECT_THROW(decompress(payload, out), CorruptFile) << m.tag;
  }
}

TEST(Compression, EveryCodecRejectsABlockThatDecompressesToMoreThanItsHeaderSays) {
  for (const auto& m : kMakers) {
    const Bytes original = sample(3000);
    Bytes payload = m.make(original);
    set_usize(payload, 0, original.size() - 10);
    Bytes out(original.size() - 10);
    EXPECT_THROW(decompress(payload, out), CorruptFile) << m.tag;
  }
}

TEST(Compression, BlockClaimingZeroUncompressedBytesIsRejected) {
  Bytes payload = zlib_block(sample(100));
  set_usize(payload, 0, 0);
  const std::string msg = corrupt_message_of(payload, 100);
  EXPECT_TRUE(contains(msg, "decompresses to 0 bytes")) << msg;
}

TEST(Compression, TruncatedBlockBodyIsRejected) {
  Bytes payload = zstd_block(sample(4000));
  const std::size_t full = payload.size();
  payload.resize(full - 7);
  const std::string msg = corrupt_message_of(payload, 4000);
  EXPECT_TRUE(contains(msg, "says it holds " + std::to_string(full - 9) + " bytes but only " +
                                std::to_string(full - 16) + " are left"))
      << msg;
}

TEST(Compression, PayloadEndingInsideABlockHeaderIsRejected) {
  Bytes payload = zlib_block(sample(1000, 1));
  const std::size_t first = payload.size();
  append(payload, zlib_block(sample(1000, 2)));
  payload.resize(first + 5);  // the second block's header is cut short
  const std::string msg = corrupt_message_of(payload, 2000);
  EXPECT_TRUE(contains(msg, "in the middle of block 1's header")) << msg;
}

TEST(Compression, EmptyPayloadForANonEmptyObjectIsRejected) {
  EXPECT_THROW((void)decompress_to({}, 10), CorruptFile);
}

TEST(Compression, BlocksLeftOverAfterTheObjectIsFullAreRejected) {
  Bytes payload = lz4_block(sample(1000, 1));
  append(payload, lz4_block(sample(1000, 2)));
  const std::string msg = corrupt_message_of(payload, 1000);
  EXPECT_TRUE(contains(msg, "left over")) << msg;
}

TEST(Compression, UnknownAlgorithmTagIsRejected) {
  Bytes payload = zlib_block(sample(1000));
  payload[0] = std::byte{'Q'};
  payload[1] = std::byte{'Q'};
  const std::string msg = corrupt_message_of(payload, 1000);
  EXPECT_TRUE(contains(msg, "unknown algorithm tag 0x5151")) << msg;
  EXPECT_THROW((void)claimed_uncompressed_size(payload), CorruptFile);
}

TEST(Compression, UnknownTagInALaterBlockIsRejected) {
  Bytes payload = zlib_block(sample(1000, 1));
  const std::size_t second = payload.size();
  append(payload, zlib_block(sample(1000, 2)));
  payload[second] = std::byte{'z'};  // tags are case-sensitive
  const std::string msg = corrupt_message_of(payload, 2000);
  EXPECT_TRUE(contains(msg, "compressed block 1 has unknown algorithm tag")) << msg;
}

// ---------------------------------------------------------------------------------------------
// claimed_uncompressed_size

TEST(ClaimedUncompressedSize, SumsTheSizesOfAllBlocks) {
  Bytes payload = zlib_block(sample(1234, 1));
  append(payload, lz4_block(sample(2345, 2)));
  append(payload, xz_block(sample(3456, 3)));
  append(payload, zstd_block(sample(99, 4)));
  EXPECT_EQ(claimed_uncompressed_size(payload), 1234u + 2345u + 3456u + 99u);
}

TEST(ClaimedUncompressedSize, IsZeroForAnEmptyPayload) { EXPECT_EQ(claimed_uncompressed_size({}), 0u); }

TEST(ClaimedUncompressedSize, RejectsAnImpossibleZlibExpansion) {
  // 16 MB cannot come out of 10 bytes of deflate (at most about 1032:1).
  const Bytes payload = frame("ZL", 8, Bytes(10, std::byte{0}), (std::size_t{1} << 24) - 1);
  try {
    (void)claimed_uncompressed_size(payload);
    FAIL() << "no exception";
  } catch (const CorruptFile& e) {
    EXPECT_TRUE(contains(e.what(), "more than the codec can produce")) << e.what();
  }
}

TEST(ClaimedUncompressedSize, RejectsAnImpossibleLaterBlock) {
  Bytes payload = zlib_block(sample(1000));
  append(payload, frame("L4", 1, Bytes(20, std::byte{0}), 1'000'000));
  EXPECT_THROW((void)claimed_uncompressed_size(payload), CorruptFile);
}

TEST(ClaimedUncompressedSize, AcceptsTheExpansionOfAHighlyCompressibleBlock) {
  const Bytes zeros(1'000'000, std::byte{0});
  for (const auto& m : kMakers) {
    const Bytes payload = m.make(zeros);
    EXPECT_EQ(claimed_uncompressed_size(payload), zeros.size()) << m.tag << " (" << payload.size() << " bytes)";
  }
}

TEST(ClaimedUncompressedSize, RejectsABlockLongerThanThePayload) {
  Bytes payload = zlib_block(sample(1000));
  payload.pop_back();
  EXPECT_THROW((void)claimed_uncompressed_size(payload), CorruptFile);
}

// ---------------------------------------------------------------------------------------------
// payload_codec and names

TEST(PayloadCodec, IsNoneWhenThePayloadIsAsLongAsTheObject) {
  const Bytes raw = zlib_block(sample(100));  // even bytes that look like a zlib block
  EXPECT_EQ(payload_codec(raw, raw.size()), Codec::kNone);
}

TEST(PayloadCodec, NamesTheCodecOfTheFirstBlock) {
  for (const auto& m : kMakers) {
    Bytes payload = m.make(sample(500));
    append(payload, zlib_block(sample(500)));
    EXPECT_EQ(payload_codec(payload, 1000), m.codec) << m.tag;
  }
}

TEST(PayloadCodec, IsUnknownForAnUnknownTagOrAOneBytePayload) {
  const Bytes junk = {std::byte{'A'}, std::byte{'B'}, std::byte{0}};
  EXPECT_EQ(payload_codec(junk, 100), Codec::kUnknown);
  const Bytes one = {std::byte{'Z'}};
  EXPECT_EQ(payload_codec(one, 100), Codec::kUnknown);
}

TEST(CodecNames, TagsAndNamesMatchRootsSpelling) {
  EXPECT_EQ(codec_tag(Codec::kZlib), "ZL");
  EXPECT_EQ(codec_tag(Codec::kOldRoot), "CS");
  EXPECT_EQ(codec_tag(Codec::kLzma), "XZ");
  EXPECT_EQ(codec_tag(Codec::kZstd), "ZS");
  EXPECT_EQ(codec_tag(Codec::kLz4), "L4");
  EXPECT_EQ(codec_tag(Codec::kNone), "none");
  EXPECT_EQ(codec_tag(Codec::kUnknown), "?");
  EXPECT_EQ(codec_name(Codec::kZlib), "zlib");
  EXPECT_EQ(codec_name(Codec::kLzma), "lzma");
  EXPECT_EQ(codec_name(Codec::kZstd), "zstd");
  EXPECT_EQ(codec_name(Codec::kLz4), "lz4");
  EXPECT_EQ(codec_name(Codec::kNone), "none");
}

}  // namespace
}  // namespace evclass::root::detail
