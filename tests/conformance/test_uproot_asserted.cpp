// Values asserted by other readers' own test suites for the shared files, where the JSROOT
// reference is unreliable or skips the branch. Each block cites the test it comes from.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>

#include "evclass/column/column.hpp"
#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"
#include "helpers/shared_data.hpp"

namespace {

using evclass::column::Column;
using evclass::column::DType;

// Values of entry e of a jagged column (one offset level), as doubles.
std::vector<double> entry_values(const Column& c, evclass::entry_t e) {
  auto [first, last] = c.entry_value_range(e);
  std::vector<double> out;
  for (auto i = first; i < last; ++i) out.push_back(c.value_as_double(i));
  return out;
}

std::vector<std::string> entry_strings(const Column& c, evclass::entry_t e) {
  auto [first, last] = c.entry_value_range(e);
  std::vector<std::string> out;
  for (auto i = first; i < last; ++i) out.emplace_back(c.string_at(i));
  return out;
}

// Strings of list `j` of entry `e` of a doubly jagged string column.
std::vector<std::string> inner_strings(const Column& c, evclass::entry_t e, std::size_t j) {
  const auto& outer = c.offsets()[0];
  const auto& inner = c.offsets()[1];
  const auto list = static_cast<std::size_t>(outer[static_cast<std::size_t>(e)]) + j;
  std::vector<std::string> out;
  for (auto i = inner[list]; i < inner[list + 1]; ++i) out.emplace_back(c.string_at(static_cast<std::size_t>(i)));
  return out;
}

// uproot5 tests/test_0023_more_interpretations_1.py::test_double32_float16 asserts these values
// for uproot-double32-float16.root (same in uproot4). uproot divides by 2^32 where ROOT divides
// by 0xffffffff for 32-bit ranges, and computes Float16 in float32 arithmetic where ROOT uses
// double then rounds: both differ from ROOT's formula by at most 2.7e-9 (Double32) and 4.2e-7
// (Float16), so the comparison is absolute with those margins. (array_30 and array_10 hold the
// same value three times per entry; it is listed once.)
const std::map<std::string, std::vector<double>> kDouble32Float16 = {
    {"double32_32", {-1.9999999994342215, -1.4999999998277052, -1.000000000221189, -0.5000000006146728, -0.10000000329688152, -1.008156669257687e-09, 0.10000000128056863, 0.49999999859835986, 0.999999998204876, 2.0000000003771863, 2.9999999995902185, 3.9999999988032506, 4.999999998016284, 5.999999997229316, 6.999999996442349, 7.999999998614659, 8.99999999782769}},
    {"double32_30", {-2.0000000023934987, -1.5000000057462601, -0.9999999972619116, -0.5000000006146728, -0.10000000329688152, -3.967433936935549e-09, 0.10000000719912361, 0.5000000045169148, 1.0000000011641537, 1.9999999944586309, 2.9999999995902185, 4.000000004721806, 4.999999998016284, 6.00000000314787, 6.999999996442349, 8.000000001573937, 8.999999994868414}},
    {"double32_20", {-2.0000006771087646, -1.5000011539459228, -1.0000016307830808, -0.5000021076202392, -0.10000248908996578, -2.5844573974254104e-06, 0.09999732017517093, 0.49999693870544437, 0.9999964618682866, 1.9999955081939698, 2.9999945545196534, 4.000005722045899, 5.000004768371583, 6.0000038146972665, 7.00000286102295, 8.000001907348633, 9.000000953674316}},
    {"double32_10", {-2.0025097656249997, -1.5060253906249998, -0.99712890625, -0.5006445312499999, -0.10345703124999961, -0.004160156249999769, 0.09513671875000007, 0.5047363281250004, 1.0012207031250004, 1.9941894531250002, 2.9995703125000004, 4.004951171875001, 4.997919921875001, 6.00330078125, 6.996269531250001, 8.001650390625002, 8.994619140625002}},
    {"double32_5", {-1.915625, -1.5184374999999999, -1.1212499999999999, -0.3268749999999998, 0.0703125, 0.0703125, 0.0703125, 0.46750000000000025, 0.8646875000000005, 2.0562500000000004, 2.850625, 4.042187500000001, 4.8365625, 6.028125, 6.822500000000001, 8.014062500000001, 8.8084375}},
    {"double32_3", {-2.71, -1.1212499999999999, -1.1212499999999999, -1.1212499999999999, 0.46750000000000025, 0.46750000000000025, 0.46750000000000025, 0.46750000000000025, 0.46750000000000025, 2.0562500000000004, 3.6450000000000005, 3.6450000000000005, 5.233750000000001, 5.233750000000001, 6.822500000000001, 8.411249999999999, 8.411249999999999}},
    {"float16_16", {-1.9999885559082031, -1.5000133514404297, -1.0000380277633667, -0.5000627040863037, -0.09996604919433594, -8.749961853027344e-05, 0.09998512268066406, 0.5000817775726318, 1.0000569820404053, 2.0000076293945312, 2.999958038330078, 3.999908924102783, 5.000053405761719, 6.000003814697266, 6.9999542236328125, 7.999904632568359, 9.000049591064453}},
    {"float16_10", {-2.002509832382202, -1.5060254335403442, -0.997128963470459, -0.5006444454193115, -0.10345697402954102, -0.004160165786743164, 0.09513664245605469, 0.5047361850738525, 1.001220703125, 1.9941892623901367, 2.999570369720459, 4.004951000213623, 4.997920036315918, 6.003300666809082, 6.996269226074219, 8.0016508102417, 8.994619369506836}},
    {"float16_5", {-1.9156250953674316, -1.5184375047683716, -1.121250033378601, -0.3268749713897705, 0.0703125, 0.0703125, 0.0703125, 0.4674999713897705, 0.864687442779541, 2.0562500953674316, 2.8506250381469727, 4.042187690734863, 4.836562633514404, 6.028124809265137, 6.822500228881836, 8.014062881469727, 8.80843734741211}},
    {"float16_3", {-2.7100000381469727, -1.121250033378601, -1.121250033378601, -1.121250033378601, 0.4674999713897705, 0.4674999713897705, 0.4674999713897705, 0.4674999713897705, 0.4674999713897705, 2.0562500953674316, 3.6449999809265137, 3.6449999809265137, 5.233749866485596, 5.233749866485596, 6.822500228881836, 8.411250114440918, 8.411250114440918}},
    {"array_30", {-2.0000000023934987, -1.5000000057462601, -0.9999999972619116, -0.5000000006146728, -0.10000000329688152, -3.967433936935549e-09, 0.10000000719912361, 0.5000000045169148, 1.0000000011641537, 1.9999999944586309, 2.9999999995902185, 4.000000004721806, 4.999999998016284, 6.00000000314787, 6.999999996442349, 8.000000001573937, 8.999999994868414}},
    {"array_10", {-2.002509832382202, -1.5060254335403442, -0.997128963470459, -0.5006444454193115, -0.10345697402954102, -0.004160165786743164, 0.09513664245605469, 0.5047361850738525, 1.001220703125, 1.9941892623901367, 2.999570369720459, 4.004951000213623, 4.997920036315918, 6.003300666809082, 6.996269226074219, 8.0016508102417, 8.994619369506836}},
};

TEST(UprootAsserted, Double32AndFloat16LeavesDecodeTheirRanges) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto file = evclass::root::File::open((dir / "uproot-double32-float16.root").string());
  const auto tree = file.tree("tree");
  for (const auto& [name, expected] : kDouble32Float16) {
    SCOPED_TRACE(name);
    const Column c = tree.read(name);
    const bool is_float16 = name.starts_with("float16") || name == "array_10";
    const bool is_array = name.starts_with("array");
    EXPECT_EQ(c.dtype(), is_float16 ? DType::kFloat32 : DType::kFloat64);
    ASSERT_EQ(c.entries(), 17);
    ASSERT_EQ(c.size(), expected.size() * (is_array ? 3 : 1));
    const double tolerance = is_float16 ? 1e-6 : 5e-9;
    for (std::size_t e = 0; e < expected.size(); ++e)
      for (std::size_t k = 0; k < (is_array ? 3u : 1u); ++k)
        EXPECT_NEAR(c.value_as_double(e * (is_array ? 3 : 1) + k), expected[e], tolerance) << "entry " << e;
  }
}

// uproot5 tests/test_0023_more_interpretations_1.py::test_double32: every Double32_t member of
// DemoDouble32 is within 1e-4 of the double it was filled from.
TEST(UprootAsserted, Double32MembersFollowTheDoubleTheyWereFilledFrom) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto tree = evclass::root::File::open((dir / "uproot-demo-double32.root").string()).tree("T");
  const Column d64 = tree.read("fD64");
  for (const char* name : {"fF32", "fI32", "fI30", "fI28"}) {
    const Column c = tree.read(name);
    ASSERT_EQ(c.size(), d64.size());
    double lo = 2, hi = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const double r = c.value_as_double(i) / d64.value_as_double(i);
      lo = std::min(lo, r);
      hi = std::max(hi, r);
    }
    EXPECT_GT(lo, 0.9999) << name;
    EXPECT_LT(hi, 1.0001) << name;
  }
}

// uproot5 tests/test_0031_test_stl_containers.py (one test per branch) and, for the on-disk
// order of sets, tests/test_0610_awkward_form.py::test_awkward_set_string.
TEST(UprootAsserted, StlContainersOfNumbersAndStrings) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto tree = evclass::root::File::open((dir / "uproot-stl_containers.root").string()).tree("tree");
  const std::vector<std::string> words = {"one", "two", "three", "four", "five"};

  const Column set_int = tree.read("set_int32");
  for (evclass::entry_t e = 0; e < 5; ++e) {
    std::vector<double> expected;
    for (int j = 1; j <= e + 1; ++j) expected.push_back(j);
    EXPECT_EQ(entry_values(set_int, e), expected) << "set_int32 entry " << e;
  }
  const Column set_string = tree.read("set_string");
  EXPECT_EQ(entry_strings(set_string, 2), (std::vector<std::string>{"one", "three", "two"}));
  EXPECT_EQ(entry_strings(set_string, 4), (std::vector<std::string>{"five", "four", "one", "three", "two"}));

  for (const char* name : {"vector_string", "vector_tstring"}) {
    const Column c = tree.read(name);
    for (evclass::entry_t e = 0; e < 5; ++e)
      EXPECT_EQ(entry_strings(c, e), std::vector<std::string>(words.begin(), words.begin() + e + 1)) << name;
  }
  for (const char* name : {"vector_vector_string", "vector_vector_tstring"}) {
    const Column c = tree.read(name);
    ASSERT_EQ(c.jagged_depth(), 2u) << name;
    for (evclass::entry_t e = 0; e < 5; ++e)
      for (std::size_t j = 0; j <= static_cast<std::size_t>(e); ++j)
        EXPECT_EQ(inner_strings(c, e, j), std::vector<std::string>(words.begin(), words.begin() + j + 1)) << name;
  }
  const Column vss = tree.read("vector_set_string");
  EXPECT_EQ(inner_strings(vss, 4, 4), (std::vector<std::string>{"five", "four", "one", "three", "two"}));
}

// Maps are not read yet: the error must name the branch and its type (never a wrong value).
TEST(UprootAsserted, MapBranchesAreReportedUnsupported) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto tree = evclass::root::File::open((dir / "uproot-stl_containers.root").string()).tree("tree");
  EXPECT_FALSE(tree.branch("map_int32_int16").readable);
  try {
    (void)tree.read("map_int32_int16");
    FAIL() << "reading a map should throw Unsupported";
  } catch (const evclass::Unsupported& e) {
    EXPECT_NE(std::string(e.what()).find("map_int32_int16"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("map<int,short>"), std::string::npos) << e.what();
  }
}

// uproot5 tests/test_0033_more_interpretations_2.py::test_leaflist_numpy:
// [(1.1, 1, 97), (2.2, 2, 98), (3.3, 3, 99), (4.0, 4, 100), (5.5, 5, 101)], types double/int32/int8.
TEST(UprootAsserted, LeafListLeavesReadByName) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto tree = evclass::root::File::open((dir / "uproot-leaflist.root").string()).tree("tree");
  const Column x = tree.read("leaflist.x"), y = tree.read("leaflist.y"), z = tree.read("leaflist.z");
  EXPECT_EQ(x.dtype(), DType::kFloat64);
  EXPECT_EQ(y.dtype(), DType::kInt32);
  EXPECT_EQ(z.dtype(), DType::kInt8);
  const double xs[] = {1.1, 2.2, 3.3, 4.0, 5.5};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(x.values<double>()[i], xs[i]);
    EXPECT_EQ(y.values<std::int32_t>()[i], static_cast<int>(i) + 1);
    EXPECT_EQ(z.values<std::int8_t>()[i], 97 + static_cast<int>(i));
  }
}

// The same uproot values, through a selection made once and read twice: the leaves' own
// interpretations live in the selection, which outlives the tree object it came from.
TEST(UprootAsserted, LeafListLeavesReadThroughASelection) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto file = evclass::root::File::open((dir / "uproot-leaflist.root").string());
  evclass::root::BranchSelection selection;
  std::optional<evclass::root::Tree> copy;
  {
    const auto tree = file.tree("tree");
    selection = tree.select({"leaflist.z", "leaflist.x"});
    copy.emplace(tree);
  }
  ASSERT_EQ(selection.size(), 2u);
  std::vector<Column> columns;
  for (const evclass::root::EntryRange range : {evclass::root::EntryRange{1, 4}, evclass::root::EntryRange{0, -1}}) {
    copy->read_into(selection, columns, range);
    ASSERT_EQ(columns.size(), 2u);
    ASSERT_EQ(columns[0].dtype(), DType::kInt8);
    ASSERT_EQ(columns[1].dtype(), DType::kFloat64);
    const double xs[] = {1.1, 2.2, 3.3, 4.0, 5.5};
    ASSERT_EQ(columns[0].entries(), range.stop < 0 ? 5 : range.stop - range.start);
    for (evclass::entry_t e = 0; e < columns[0].entries(); ++e) {
      const auto i = static_cast<std::size_t>(e + range.start);
      EXPECT_EQ(columns[0].values<std::int8_t>()[static_cast<std::size_t>(e)], 97 + static_cast<int>(i));
      EXPECT_EQ(columns[1].values<double>()[static_cast<std::size_t>(e)], xs[i]);
    }
  }
}

// UnROOT.jl test/compressions.jl, "Uncompressed trees": Jet_pt ≈ [[27.3245, 24.8896, 20.8534], [], [5.3306]].
TEST(UnrootAsserted, UncompressedVectorBranch) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const Column c = evclass::root::File::open((dir / "issue87_uncompressed_a.root").string()).tree("Events").read("Jet_pt");
  ASSERT_EQ(c.entries(), 3);
  const std::vector<std::vector<double>> expected = {{27.3245, 24.8896, 20.8534}, {}, {5.3306}};
  for (evclass::entry_t e = 0; e < 3; ++e) {
    const auto got = entry_values(c, e);
    ASSERT_EQ(got.size(), expected[static_cast<std::size_t>(e)].size());
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[static_cast<std::size_t>(e)][i], 1e-4);
  }
}

// UnROOT.jl test/jagged.jl, "Singly jagged branches": data[1] == [], data[2] == [0.0],
// data[end] == [90.0, 91.0, ..., 98.0].
TEST(UnrootAsserted, LzmaVectorOfDoubles) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const Column c =
      evclass::root::File::open((dir / "tree_with_jagged_array_double.root").string()).tree("t1").read("double_array");
  ASSERT_EQ(c.entries(), 100);
  EXPECT_TRUE(entry_values(c, 0).empty());
  EXPECT_EQ(entry_values(c, 1), std::vector<double>{0.0});
  std::vector<double> last;
  for (int v = 90; v <= 98; ++v) last.push_back(v);
  EXPECT_EQ(entry_values(c, 99), last);
}

// UnROOT.jl test/compressions.jl ("Compressions", same content in other codecs):
// float_array[1:5] ≈ [0.0, 1.0588236, 2.1176472, 3.1764705, 4.2352943] (atol 1e-7), and
// test/lazy.jl: sums of the first blocks of 1000 entries ≈ [528882.3, 1.5877059e6, 2.6465295e6].
TEST(UnrootAsserted, LargeArrayFloats) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto tree = evclass::root::File::open((dir / "tree_with_large_array.root").string()).tree("t1");
  const Column f = tree.read("float_array");
  ASSERT_EQ(f.entries(), 100000);
  const double first[] = {0.0, 1.0588236, 2.1176472, 3.1764705, 4.2352943};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(f.value_as_double(i), first[i], 1e-6);
  const double sums[] = {528882.3, 1.5877059e6, 2.6465295e6};
  for (std::size_t b = 0; b < 3; ++b) {
    double s = 0;
    for (std::size_t i = b * 1000; i < (b + 1) * 1000; ++i) s += f.value_as_double(i);
    EXPECT_NEAR(s, sums[b], sums[b] * 3.5e-4);
  }
}

// uproot5 tests/test_0009_nested_directories.py::test and uproot3 tests/test_tree.py::test_directories:
// keys in order, and one/tree's values.
TEST(UprootAsserted, NestedDirectories) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto file = evclass::root::File::open((dir / "uproot-nesteddirs.root").string());
  std::vector<std::string> keys;
  for (const auto& o : file.objects()) keys.push_back(o.path + ";" + std::to_string(o.cycle));
  EXPECT_EQ(keys, (std::vector<std::string>{"one;1", "one/two;1", "one/two/tree;1", "one/tree;1", "three;1",
                                            "three/tree;1"}));
  const auto tree = file.tree("one/tree");
  const Column one = tree.read("one"), two = tree.read("two"), three = tree.read("three");
  EXPECT_EQ(entry_values(one, 0), std::vector<double>{1});
  EXPECT_EQ(one.values<std::int32_t>()[3], 4);
  EXPECT_EQ(two.values<float>()[2], 3.299999952316284);
  EXPECT_EQ(three.string_at(3), "quatro");
}

}  // namespace
