// Unit tests of Double32_t / Float16_t: the range comment parser (streamer_info.hpp) and the
// decoders (object_reader.hpp). The encoded bytes are built here from ROOT's documented formats
// (TBufferFile::WriteDouble32 / WriteWithNbits) and the expected values computed independently.

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

#include "evclass/core/error.hpp"
#include "root/object_reader.hpp"
#include "root/rbuffer.hpp"
#include "root/streamer_info.hpp"

namespace evclass::root::detail {
namespace {

using Bytes = std::vector<std::byte>;
constexpr double kPi = std::numbers::pi;

Bytes bytes_of(std::initializer_list<unsigned> values) {
  Bytes out;
  for (unsigned v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

Bytes be32(std::uint32_t v) { return bytes_of({v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF}); }

// ROOT's "truncated mantissa" form: 1 byte of biased exponent, then a big-endian uint16 holding
// the top `nbits` mantissa bits, with the sign at bit nbits + 1.
Bytes mantissa_bytes(float x, int nbits) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t exponent = (bits >> 23) & 0xFF;
  std::uint32_t mantissa = (bits & 0x7FFFFF) >> (23 - nbits);
  if (bits >> 31) mantissa |= 1u << (nbits + 1);
  return bytes_of({exponent, mantissa >> 8, mantissa & 0xFF});
}

// x with its significand truncated (toward zero) to `nbits` bits after the binary point.
double truncated(float x, int nbits) {
  if (x == 0) return x;
  int e = 0;
  const double m = std::frexp(std::fabs(static_cast<double>(x)), &e);  // |x| = m * 2^e, m in [0.5, 1)
  const double kept = std::floor(std::ldexp(m, nbits + 1));            // the leading 1 and nbits more
  const double v = std::ldexp(kept, e - nbits - 1);
  return x < 0 ? -v : v;
}

FloatRange scaled(double xmin, double xmax, int nbits) {
  FloatRange r;
  r.xmin = xmin;
  r.xmax = xmax;
  r.nbits = nbits;
  r.factor = (nbits < 32 ? std::ldexp(1.0, nbits) : 4294967295.0) / (xmax - xmin);
  return r;
}

FloatRange mantissa_only(int nbits) {
  FloatRange r;
  r.nbits = nbits;
  return r;
}

double decode_double32(const Bytes& b, const FloatRange& r, std::size_t expect_consumed) {
  RBuffer buf(std::span<const std::byte>(b), Origin{});
  const double v = read_double32(buf, r);
  EXPECT_EQ(buf.pos(), expect_consumed);
  return v;
}

float decode_float16(const Bytes& b, const FloatRange& r, std::size_t expect_consumed) {
  RBuffer buf(std::span<const std::byte>(b), Origin{});
  const float v = read_float16(buf, r);
  EXPECT_EQ(buf.pos(), expect_consumed);
  return v;
}

// ---------------------------------------------------------------------------------------------
// parse_float_range

TEST(ParseFloatRange, PiBoundsWithBitsGiveAScaleFactor) {
  const FloatRange r = parse_float_range("[-pi,pi,16]");
  EXPECT_DOUBLE_EQ(r.xmin, -kPi);
  EXPECT_DOUBLE_EQ(r.xmax, kPi);
  EXPECT_DOUBLE_EQ(r.factor, 65536.0 / (2 * kPi));
  EXPECT_EQ(r.nbits, 16);
}

TEST(ParseFloatRange, MissingBitCountMeans32BitsScaledByTheLargestUint32) {
  const FloatRange r = parse_float_range("[0,1]");
  EXPECT_EQ(r.xmin, 0.0);
  EXPECT_EQ(r.xmax, 1.0);
  EXPECT_EQ(r.nbits, 32);
  EXPECT_DOUBLE_EQ(r.factor, 4294967295.0);
}

TEST(ParseFloatRange, LeadingDimensionIsSkippedForTheSecondBracket) {
  const FloatRange r = parse_float_range("[3][0,1,8]");
  EXPECT_EQ(r.xmin, 0.0);
  EXPECT_EQ(r.xmax, 1.0);
  EXPECT_EQ(r.nbits, 8);
  EXPECT_DOUBLE_EQ(r.factor, 256.0);
}

TEST(ParseFloatRange, RangeAfterCommentTextIsFound) {
  const FloatRange r = parse_float_range("transverse momentum in [GeV] [0, 100, 10]");
  EXPECT_EQ(r.xmin, 0.0);
  EXPECT_EQ(r.xmax, 100.0);
  EXPECT_EQ(r.nbits, 10);
  EXPECT_DOUBLE_EQ(r.factor, 1024.0 / 100.0);
}

TEST(ParseFloatRange, EqualBoundsWithFewBitsMeanMantissaMode) {
  const FloatRange r = parse_float_range("[0,0,10]");
  EXPECT_EQ(r.factor, 0.0);
  EXPECT_EQ(r.nbits, 10);
}

TEST(ParseFloatRange, ReversedBoundsWithFewBitsMeanMantissaMode) {
  const FloatRange r = parse_float_range("[5,1,14]");
  EXPECT_EQ(r.factor, 0.0);
  EXPECT_EQ(r.nbits, 14);
}

TEST(ParseFloatRange, EqualBoundsWithFifteenOrMoreBitsMeanAPlainFloat) {
  for (const char* title : {"[0,0,15]", "[0,0,20]", "[0,0]"}) {
    const FloatRange r = parse_float_range(title);
    EXPECT_EQ(r.factor, 0.0) << title;
    EXPECT_EQ(r.nbits, 0) << title;
  }
}

TEST(ParseFloatRange, BitCountOutsideTwoTo32FallsBackTo32) {
  for (const char* title : {"[0,1,40]", "[0,1,1]", "[0,1,0]", "[0,1,-5]"}) {
    const FloatRange r = parse_float_range(title);
    EXPECT_EQ(r.nbits, 32) << title;
    EXPECT_DOUBLE_EQ(r.factor, 4294967295.0) << title;
  }
}

TEST(ParseFloatRange, TwoBitsIsTheSmallestAcceptedCount) {
  const FloatRange r = parse_float_range("[0,1,2]");
  EXPECT_EQ(r.nbits, 2);
  EXPECT_DOUBLE_EQ(r.factor, 4.0);
}

TEST(ParseFloatRange, UnderstandsRootsNamesForMultiplesOfPi) {
  struct Case {
    const char* title;
    double xmin, xmax;
  };
  const Case cases[] = {
      {"[0,twopi]", 0, 2 * kPi},         {"[0,2pi]", 0, 2 * kPi},         {"[0, 2*pi, 8]", 0, 2 * kPi},
      {"[-pi/2, pi/2, 12]", -kPi / 2, kPi / 2}, {"[pi/4,pi]", kPi / 4, kPi}, {"[-2PI,2Pi]", -2 * kPi, 2 * kPi},
  };
  for (const auto& c : cases) {
    const FloatRange r = parse_float_range(c.title);
    EXPECT_DOUBLE_EQ(r.xmin, c.xmin) << c.title;
    EXPECT_DOUBLE_EQ(r.xmax, c.xmax) << c.title;
    EXPECT_GT(r.factor, 0.0) << c.title;
  }
}

TEST(ParseFloatRange, ParsesPlainNumbersWithExponents) {
  const FloatRange r = parse_float_range("[-1.5e2,2.5e1,12]");
  EXPECT_EQ(r.xmin, -150.0);
  EXPECT_EQ(r.xmax, 25.0);
  EXPECT_DOUBLE_EQ(r.factor, 4096.0 / 175.0);
}

TEST(ParseFloatRange, TitleWithoutARangeGivesAllZero) {
  for (const char* title : {"", "just a comment", "[3]", "[3][4]", "[0,1", "unclosed [", "(0,1,8)"}) {
    const FloatRange r = parse_float_range(title);
    EXPECT_EQ(r.xmin, 0.0) << title;
    EXPECT_EQ(r.xmax, 0.0) << title;
    EXPECT_EQ(r.factor, 0.0) << title;
    EXPECT_EQ(r.nbits, 0) << title;
  }
}

// ---------------------------------------------------------------------------------------------
// read_double32

TEST(ReadDouble32, ScaledModeDividesTheUint32ByTheFactorAndAddsXmin) {
  const FloatRange r = scaled(-kPi, kPi, 16);
  EXPECT_DOUBLE_EQ(decode_double32(be32(40000), r, 4), 40000 * (2 * kPi / 65536) - kPi);
  EXPECT_DOUBLE_EQ(decode_double32(be32(0), r, 4), -kPi);
  EXPECT_DOUBLE_EQ(decode_double32(be32(65536), r, 4), kPi);
}

TEST(ReadDouble32, ScaledModeReadsTheUint32BigEndian) {
  const FloatRange r = scaled(0, 1, 32);
  EXPECT_DOUBLE_EQ(decode_double32(be32(0xFFFFFFFFu), r, 4), 1.0);
  EXPECT_DOUBLE_EQ(decode_double32(bytes_of({0x00, 0x00, 0x00, 0x01}), r, 4), 1.0 / 4294967295.0);
}

TEST(ReadDouble32, MantissaModeDecodesHandWrittenBytes) {
  // 1.5f: exponent 0x7F, fraction .1000000000; -0.75f: exponent 0x7E, same fraction, sign bit 11.
  EXPECT_EQ(decode_double32(bytes_of({0x7F, 0x02, 0x00}), mantissa_only(10), 3), 1.5);
  EXPECT_EQ(decode_double32(bytes_of({0x7E, 0x0A, 0x00}), mantissa_only(10), 3), -0.75);
}

TEST(ReadDouble32, MantissaModeKeepsOnlyTheStoredMantissaBits) {
  const float x = static_cast<float>(kPi);
  const double expected = truncated(x, 10);
  ASSERT_NE(expected, static_cast<double>(x));  // the truncation is visible for pi
  EXPECT_EQ(decode_double32(mantissa_bytes(x, 10), mantissa_only(10), 3), expected);
  EXPECT_EQ(decode_double32(mantissa_bytes(-x, 10), mantissa_only(10), 3), -expected);
}

TEST(ReadDouble32, MantissaModeWorksForEveryBitCountItAllows) {
  const float values[] = {1.5f, -0.75f, 3.14159265f, -2.718281828f, 1e-3f, 12345.678f, -6.02e23f, 0.1f};
  for (int nbits = 2; nbits <= 14; ++nbits)
    for (float x : values)
      EXPECT_EQ(decode_double32(mantissa_bytes(x, nbits), mantissa_only(nbits), 3), truncated(x, nbits))
          << "x=" << x << " nbits=" << nbits;
}

TEST(ReadDouble32, MantissaModeDecodesZero) {
  EXPECT_EQ(decode_double32(bytes_of({0, 0, 0}), mantissa_only(10), 3), 0.0);
}

TEST(ReadDouble32, NoRangeReadsAPlainBigEndianFloat) {
  // 0x40490FDB is pi rounded to float.
  EXPECT_EQ(decode_double32(bytes_of({0x40, 0x49, 0x0F, 0xDB}), FloatRange{}, 4),
            static_cast<double>(static_cast<float>(kPi)));
  EXPECT_EQ(decode_double32(bytes_of({0xC1, 0x20, 0x00, 0x00}), FloatRange{}, 4), -10.0);
}

TEST(ReadDouble32, TruncatedValueIsCorruptFile) {
  const Bytes b = bytes_of({0x7F, 0x02});
  RBuffer buf(std::span<const std::byte>(b), Origin{});
  try {
    (void)read_double32(buf, mantissa_only(10));
    FAIL() << "no exception";
  } catch (const CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find("Double32_t"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------------------------
// read_float16

TEST(ReadFloat16, NoRangeKeepsTwelveMantissaBits) {
  const float x = 0.1f;
  const double expected = truncated(x, 12);
  ASSERT_NE(expected, static_cast<double>(x));
  ASSERT_NE(expected, truncated(x, 10));
  EXPECT_EQ(decode_float16(mantissa_bytes(x, 12), FloatRange{}, 3), static_cast<float>(expected));
  EXPECT_EQ(decode_float16(mantissa_bytes(-x, 12), FloatRange{}, 3), static_cast<float>(-expected));
}

TEST(ReadFloat16, MantissaModeUsesTheRangesBitCount) {
  const float x = 12345.678f;
  EXPECT_EQ(decode_float16(mantissa_bytes(x, 6), mantissa_only(6), 3), static_cast<float>(truncated(x, 6)));
}

TEST(ReadFloat16, ScaledModeReadsAUint32) {
  const FloatRange r = scaled(0, 1, 8);
  EXPECT_EQ(decode_float16(be32(200), r, 4), 0.78125f);  // 200 / 256
  const FloatRange s = scaled(-10, 10, 12);
  EXPECT_FLOAT_EQ(decode_float16(be32(1024), s, 4), 1024 * (20.0f / 4096) - 10);
}

TEST(ReadFloat16, DecodesWhatParseFloatRangeDescribes) {
  // End to end: "[0,0,8]" selects 8-bit mantissa mode.
  const FloatRange r = parse_float_range("[0,0,8]");
  const float x = -7.3f;
  EXPECT_EQ(decode_float16(mantissa_bytes(x, 8), r, 3), static_cast<float>(truncated(x, 8)));
}

}  // namespace
}  // namespace evclass::root::detail
