// Unit tests of src/root/rbuffer.hpp: big-endian reads, ROOT strings, and corrupt-file messages
// that say what was expected, where, inside which objects and in which file.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "evclass/core/error.hpp"
#include "root/rbuffer.hpp"

namespace evclass::root::detail {
namespace {

using Bytes = std::vector<std::byte>;

Bytes bytes_of(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

Bytes bytes_of(const std::string& s) {
  Bytes out;
  for (char c : s) out.push_back(static_cast<std::byte>(c));
  return out;
}

void append(Bytes& to, const Bytes& from) { to.insert(to.end(), from.begin(), from.end()); }

RBuffer buffer(const Bytes& b, Origin origin = {}) { return RBuffer(std::span<const std::byte>(b), origin); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---------------------------------------------------------------------------------------------
// Big-endian numbers

TEST(RBuffer, ReadsUnsignedIntegersOfEveryWidthBigEndian) {
  const Bytes b = bytes_of({0xAB,                                             // u8
                            0x12, 0x34,                                       // u16
                            0xDE, 0xAD, 0xBE, 0xEF,                           // u32
                            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}); // u64
  RBuffer buf = buffer(b);
  EXPECT_EQ(buf.u8(), 0xABu);
  EXPECT_EQ(buf.u16(), 0x1234u);
  EXPECT_EQ(buf.u32(), 0xDEADBEEFu);
  EXPECT_EQ(buf.u64(), 0x0102030405060708ull);
  EXPECT_EQ(buf.pos(), 15u);
  EXPECT_EQ(buf.remaining(), 0u);
}

TEST(RBuffer, ReadsSignedIntegersOfEveryWidthBigEndian) {
  const Bytes b = bytes_of({0xFF,                                              // i8  -1
                            0xFF, 0xFE,                                        // i16 -2
                            0x80, 0x00, 0x00, 0x00,                            // i32 min
                            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFD,    // i64 -3
                            0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF});  // i64 max
  RBuffer buf = buffer(b);
  EXPECT_EQ(buf.i8(), -1);
  EXPECT_EQ(buf.i16(), -2);
  EXPECT_EQ(buf.i32(), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(buf.i64(), -3);
  EXPECT_EQ(buf.i64(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(buf.remaining(), 0u);
}

TEST(RBuffer, ReadsIeeeFloatsBigEndian) {
  const Bytes b = bytes_of({0x3F, 0xC0, 0x00, 0x00,                            // 1.5f
                            0xC0, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,    // -2.5
                            0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18});  // pi
  RBuffer buf = buffer(b);
  EXPECT_EQ(buf.f32(), 1.5f);
  EXPECT_EQ(buf.f64(), -2.5);
  EXPECT_EQ(buf.f64(), 3.141592653589793);
}

TEST(RBuffer, GenericReadMatchesTheNamedReaders) {
  const Bytes b = bytes_of({0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00});
  RBuffer buf = buffer(b);
  EXPECT_EQ(buf.read<std::uint32_t>(), 256u);
  EXPECT_EQ(buf.read<std::int32_t>(), 256);
}

TEST(RBuffer, BytesReturnsTheNextBytesAndAdvances) {
  const Bytes b = bytes_of({1, 2, 3, 4, 5});
  RBuffer buf = buffer(b);
  buf.skip(1, "pad");
  const auto s = buf.bytes(3, "block");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.data(), b.data() + 1);
  EXPECT_EQ(buf.pos(), 4u);
  EXPECT_EQ(buf.u8(), 5u);
}

TEST(RBuffer, SeekMovesBackAndForwardWithinTheBuffer) {
  const Bytes b = bytes_of({0x10, 0x20, 0x30});
  RBuffer buf = buffer(b);
  buf.seek(2, "x");
  EXPECT_EQ(buf.u8(), 0x30u);
  buf.seek(0, "x");
  EXPECT_EQ(buf.u8(), 0x10u);
  buf.seek(3, "end");  // the end itself is a valid position
  EXPECT_EQ(buf.remaining(), 0u);
}

TEST(RBuffer, TagPosCountsFromTheKeyStart) {
  const Bytes b(10);
  Origin o;
  o.displacement = 64;
  RBuffer buf = buffer(b, o);
  buf.skip(6, "x");
  EXPECT_EQ(buf.tag_pos(), 70);
}

// ---------------------------------------------------------------------------------------------
// Strings

TEST(RBuffer, ReadsAShortTString) {
  Bytes b = bytes_of({5});
  append(b, bytes_of("hello"));
  append(b, bytes_of({0x42}));
  RBuffer buf = buffer(b);
  EXPECT_EQ(buf.tstring(), "hello");
  EXPECT_EQ(buf.pos(), 6u);
  EXPECT_EQ(buf.u8(), 0x42u);
}

TEST(RBuffer, ReadsAnEmptyTString) {
  const Bytes b = bytes_of({0});
  RBuffer buf = buffer(b);
  EXPECT_EQ(buf.tstring(), "");
  EXPECT_EQ(buf.remaining(), 0u);
}

TEST(RBuffer, ReadsALongTStringWithItsFourByteLength) {
  std::string text(300, ' ');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  Bytes b = bytes_of({255, 0x00, 0x00, 0x01, 0x2C});  // 255, then 300 big-endian
  append(b, bytes_of(text));
  RBuffer buf = buffer(b);
  EXPECT_EQ(buf.tstring(), text);
  EXPECT_EQ(buf.pos(), 305u);
}

TEST(RBuffer, TStringWithANegativeLongLengthIsCorrupt) {
  const Bytes b = bytes_of({255, 0xFF, 0xFF, 0xFF, 0xF0, 'a', 'b'});
  RBuffer buf = buffer(b);
  try {
    (void)buf.tstring("fTitle");
    FAIL() << "no exception";
  } catch (const CorruptFile& e) {
    EXPECT_TRUE(contains(e.what(), "negative length -16 of fTitle")) << e.what();
  }
}

TEST(RBuffer, TStringLongerThanTheBufferIsCorrupt) {
  Bytes b = bytes_of({10});
  append(b, bytes_of("abc"));
  RBuffer buf = buffer(b);
  try {
    (void)buf.tstring("fName");
    FAIL() << "no exception";
  } catch (const CorruptFile& e) {
    EXPECT_TRUE(contains(e.what(), "expected fName (10 bytes) but only 3 bytes are left")) << e.what();
  }
}

TEST(RBuffer, ReadsANulTerminatedCString) {
  Bytes b = bytes_of("TH1F");
  append(b, bytes_of({0}));
  append(b, bytes_of("rest"));
  RBuffer buf = buffer(b);
  EXPECT_EQ(buf.cstring("class name"), "TH1F");
  EXPECT_EQ(buf.pos(), 5u);
}

TEST(RBuffer, CStringWithoutNulIsCorrupt) {
  const Bytes b = bytes_of("TTree");
  RBuffer buf = buffer(b);
  try {
    (void)buf.cstring("class name");
    FAIL() << "no exception";
  } catch (const CorruptFile& e) {
    EXPECT_TRUE(contains(e.what(), "NUL-terminated class name")) << e.what();
  }
  EXPECT_EQ(buf.pos(), 0u);
}

TEST(RBuffer, CStringLongerThanItsLimitIsCorrupt) {
  Bytes b = bytes_of("abcdefgh");
  append(b, bytes_of({0}));
  RBuffer ok = buffer(b);
  EXPECT_EQ(ok.cstring("name", 9), "abcdefgh");
  RBuffer too_long = buffer(b);
  EXPECT_THROW((void)too_long.cstring("name", 8), CorruptFile);
}

// ---------------------------------------------------------------------------------------------
// Error messages

TEST(RBuffer, ReadingPastTheEndNamesTheThingOffsetAndFile) {
  const Bytes b(6);
  Origin o;
  o.file_path = "/data/nano.root";
  o.file_offset = 1000;
  RBuffer buf = buffer(b, o);
  buf.skip(4, "fVersion");
  try {
    (void)buf.i32("fNbytes");
    FAIL() << "no exception";
  } catch (const CorruptFile& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(contains(msg, "expected fNbytes (4 bytes) but only 2 bytes are left")) << msg;
    EXPECT_TRUE(contains(msg, "at file offset 1004")) << msg;
    EXPECT_TRUE(contains(msg, "in file /data/nano.root")) << msg;
    EXPECT_STREQ(e.kind(), "CorruptFile");
  }
  EXPECT_EQ(buf.pos(), 4u);  // a failed read does not move
}

TEST(RBuffer, EveryReaderChecksTheBounds) {
  const Bytes b(1);
  RBuffer buf = buffer(b);
  EXPECT_THROW((void)buf.u16(), CorruptFile);
  EXPECT_THROW((void)buf.i16(), CorruptFile);
  EXPECT_THROW((void)buf.u32(), CorruptFile);
  EXPECT_THROW((void)buf.i32(), CorruptFile);
  EXPECT_THROW((void)buf.u64(), CorruptFile);
  EXPECT_THROW((void)buf.i64(), CorruptFile);
  EXPECT_THROW((void)buf.f32(), CorruptFile);
  EXPECT_THROW((void)buf.f64(), CorruptFile);
  EXPECT_THROW((void)buf.bytes(2, "x"), CorruptFile);
  EXPECT_THROW(buf.skip(2, "x"), CorruptFile);
  EXPECT_THROW(buf.seek(2, "x"), CorruptFile);
  EXPECT_EQ(buf.u8(), 0u);  // the one byte there is still readable
  EXPECT_THROW((void)buf.u8(), CorruptFile);
  EXPECT_THROW((void)buf.i8(), CorruptFile);
  EXPECT_THROW((void)buf.tstring(), CorruptFile);
}

TEST(RBuffer, DefaultNamesDescribeTheValueType) {
  const Bytes b(2);
  RBuffer buf = buffer(b);
  try {
    (void)buf.u64();
    FAIL() << "no exception";
  } catch (const CorruptFile& e) {
    EXPECT_TRUE(contains(e.what(), "expected uint64 (8 bytes) but only 2 bytes are left")) << e.what();
  }
}

TEST(RBuffer, ScopesAddBreadcrumbsInnermostFirst) {
  const Bytes b(8);
  Origin o;
  o.file_path = "f.root";
  o.file_offset = 500;
  RBuffer buf = buffer(b, o);
  RBuffer::Scope outer(buf, "TTree 'Events'");
  buf.skip(2, "x");
  RBuffer::Scope inner(buf, "TBranch 'Jet_pt'");
  buf.skip(4, "x");
  try {
    (void)buf.u32("fEntries");
    FAIL() << "no exception";
  } catch (const CorruptFile& e) {
    const std::string msg = e.what();
    const auto inner_at = msg.find("\n  while reading TBranch 'Jet_pt' (starting at file offset 502)");
    const auto outer_at = msg.find("\n  while reading TTree 'Events' (starting at file offset 500)");
    ASSERT_NE(inner_at, std::string::npos) << msg;
    ASSERT_NE(outer_at, std::string::npos) << msg;
    EXPECT_LT(inner_at, outer_at) << msg;
    EXPECT_TRUE(contains(msg, "at file offset 506")) << msg;
    EXPECT_LT(outer_at, msg.find("\n  in file f.root")) << msg;
  }
}

TEST(RBuffer, BreadcrumbsArePoppedWhenTheirScopesEnd) {
  const Bytes b(4);
  RBuffer buf = buffer(b);
  {
    RBuffer::Scope a(buf, "TKey 'first'");
    {
      RBuffer::Scope c(buf, "TNamed 'nested'");
    }
    try {
      buf.fail("problem one");
    } catch (const CorruptFile& e) {
      EXPECT_TRUE(contains(e.what(), "while reading TKey 'first'")) << e.what();
      EXPECT_FALSE(contains(e.what(), "nested")) << e.what();
    }
  }
  try {
    buf.fail("problem two");
  } catch (const CorruptFile& e) {
    EXPECT_FALSE(contains(e.what(), "while reading")) << e.what();
    EXPECT_TRUE(contains(e.what(), "problem two, at file offset 0")) << e.what();
  }
}

TEST(RBuffer, BreadcrumbsArePoppedWhenAnExceptionLeavesTheScope) {
  const Bytes b(2);
  RBuffer buf = buffer(b);
  try {
    RBuffer::Scope s(buf, "TBasket 7");
    (void)buf.u32("fNbytes");
  } catch (const CorruptFile& e) {
    EXPECT_TRUE(contains(e.what(), "while reading TBasket 7")) << e.what();
  }
  try {
    (void)buf.u32("fNbytes");
    FAIL() << "no exception";
  } catch (const CorruptFile& e) {
    EXPECT_FALSE(contains(e.what(), "TBasket 7")) << e.what();
  }
}

TEST(RBuffer, OuterContextComesAfterTheBuffersOwnBreadcrumbs) {
  const Bytes b(2);
  RBuffer buf = buffer(b);
  buf.set_outer_context({"TTree 'Events'", "TBranch 'pt'"});
  RBuffer::Scope s(buf, "basket 3");
  try {
    buf.fail("bad");
  } catch (const CorruptFile& e) {
    const std::string msg = e.what();
    const auto basket = msg.find("while reading basket 3");
    const auto branch = msg.find("while reading TBranch 'pt'");
    const auto tree = msg.find("while reading TTree 'Events'");
    ASSERT_NE(basket, std::string::npos) << msg;
    ASSERT_NE(branch, std::string::npos) << msg;
    ASSERT_NE(tree, std::string::npos) << msg;
    EXPECT_LT(basket, branch) << msg;
    EXPECT_LT(branch, tree) << msg;
  }
}

TEST(RBuffer, DecompressedBytesAreLocatedInsideTheirKey) {
  const Bytes b(10);
  Origin o;
  o.file_path = "z.root";
  o.file_offset = 0;
  o.decompressed = true;
  o.key_offset = 4321;
  RBuffer buf = buffer(b, o);
  buf.skip(7, "x");
  try {
    (void)buf.u64("fSeekKey");
    FAIL() << "no exception";
  } catch (const CorruptFile& e) {
    EXPECT_TRUE(contains(e.what(), "at byte 7 of the decompressed object of the key at file offset 4321"))
        << e.what();
  }
}

TEST(RBuffer, FailAtReportsTheGivenPosition) {
  const Bytes b(100);
  Origin o;
  o.file_offset = 2000;
  RBuffer buf = buffer(b, o);
  buf.skip(50, "x");
  EXPECT_EQ(buf.describe_pos(10), "file offset 2010");
  try {
    buf.fail_at("byte count runs past the end", 12);
  } catch (const CorruptFile& e) {
    EXPECT_TRUE(contains(e.what(), "byte count runs past the end, at file offset 2012")) << e.what();
  }
}

TEST(CorruptMessage, ListsTheContextInnermostFirstThenTheFile) {
  const std::string msg = corrupt_message("bad header", "file offset 12", {"outer", "inner"}, "/x.root");
  EXPECT_EQ(msg, "bad header, at file offset 12\n  while reading inner\n  while reading outer\n  in file /x.root");
}

}  // namespace
}  // namespace evclass::root::detail
