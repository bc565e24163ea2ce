// Branches whose reference statistics are wrong or missing, decoded here by hand from the file's
// bytes (with zlib directly, not with evclass) and compared with what evclass reads.

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <vector>

#include "evclass/root/file.hpp"
#include "helpers/shared_data.hpp"

namespace {

std::vector<unsigned char> slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

std::vector<unsigned char> inflate_raw(const unsigned char* src, std::size_t n, std::size_t out_size) {
  std::vector<unsigned char> out(out_size);
  z_stream z{};
  inflateInit2(&z, -15);  // ROOT 3's "CS" blocks hold a raw deflate stream
  z.next_in = const_cast<unsigned char*>(src);
  z.avail_in = static_cast<uInt>(n);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int r = inflate(&z, Z_FINISH);
  inflateEnd(&z);
  EXPECT_EQ(r, Z_STREAM_END);
  EXPECT_EQ(z.total_out, out_size);
  return out;
}

// roottest-Event3a.root, branch fTracks.fBits (TObject::fBits of each track in a split
// TClonesArray). Its first basket's key is at file offset 17875: fNbytes 163, fKeylen 69,
// fObjlen 14424 (found with `evclass inspect`'s basket listing and checked below). ROOT writes a
// 2-byte process id after fBits whenever bit kIsReferenced (0x10) is set, so the records here are
// 6 bytes long; JSROOT's reference reads 4 bytes per value and is wrong for this branch.
TEST(HandDecoded, Event3aTrackBitsAreSixByteRecords) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto path = dir / "roottest-Event3a.root";
  const auto bytes = slurp(path);
  const std::size_t key = 17875;
  ASSERT_GT(bytes.size(), key + 163);
  ASSERT_EQ(be32(&bytes[key]), 163u);       // fNbytes
  ASSERT_EQ(be32(&bytes[key + 6]), 14424u); // fObjlen
  const std::size_t keylen = (bytes[key + 14] << 8) | bytes[key + 15];
  ASSERT_EQ(keylen, 69u);
  const std::uint32_t last = be32(&bytes[key + keylen - 5]);  // TBasket fLast, just before the flag byte
  const unsigned char* block = &bytes[key + keylen];
  ASSERT_EQ(block[0], 'C');
  ASSERT_EQ(block[1], 'S');
  const std::size_t csize = block[3] | (block[4] << 8) | (block[5] << 16);
  const auto payload = inflate_raw(block + 9, csize, 14424);

  std::vector<std::uint32_t> expected;
  for (std::size_t p = 0; p + 4 <= last - keylen;) {
    const std::uint32_t bits = be32(&payload[p]);
    expected.push_back(bits);
    p += (bits & 0x10) ? 6 : 4;
  }
  // The basket holds the tracks of entries 0-3: fNtrack = 594, 612, 596, 598.
  ASSERT_EQ(expected.size(), 594u + 612 + 596 + 598);

  const auto tree = evclass::root::File::open(path.string()).tree("T");
  const auto column = tree.read("fTracks.fBits", {0, 4});
  ASSERT_EQ(column.entries(), 4);
  const auto& offsets = column.offsets().front();
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{0, 594, 1206, 1802, 2400}));
  const auto values = column.values<std::uint32_t>();
  ASSERT_EQ(values.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(values[i], expected[i]) << "track " << i;
  // Referenced tracks exist in this file, so the 6-byte records were really exercised.
  EXPECT_GT(std::count_if(expected.begin(), expected.end(), [](std::uint32_t b) { return (b & 0x10) != 0; }), 0);
}

}  // namespace
