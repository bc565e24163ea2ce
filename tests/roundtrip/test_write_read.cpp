// Files written by evclass read back identically through evclass's reader: every branch kind and
// dtype with every codec, many baskets and clusters, sub-directories, multi-block baskets; and the
// writer's failure paths.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"
#include "evclass/root/writer.hpp"
#include "helpers/temp_dir.hpp"
#include "roundtrip/all_kinds.hpp"

namespace fs = std::filesystem;
using evclass::column::Column;
using evclass::column::DType;
using namespace evclass::root;
using evclass::testing::TempDir;

namespace {


void expect_same_column(const Column& got, const Column& want, const std::string& what) {
  ASSERT_EQ(got.dtype(), want.dtype()) << what;
  ASSERT_EQ(got.entries(), want.entries()) << what;
  ASSERT_EQ(got.offsets(), want.offsets()) << what;
  ASSERT_EQ(got.inner_shape(), want.inner_shape()) << what;
  ASSERT_EQ(got.data().size(), want.data().size()) << what;
  if (!want.data().empty()) {  // an empty column may have no storage at all (memcmp must not see null)
    EXPECT_EQ(0, std::memcmp(got.data().data(), want.data().data(), want.data().size())) << what;
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes the all-kinds tree in batches of the given sizes.
void write_all_kinds(const std::string& path, const std::string& compression, const std::vector<std::int64_t>& batches,
                     const std::string& tree_path = "t", int threads = 0) {
  FileWriter out(path, {.compression = Compression::parse(compression), .threads = threads});
  TreeWriter& t = out.add_tree(tree_path, evclass::testing::all_kinds_specs(), {.basket_size = 2000, .auto_flush = 700});
  std::int64_t first = 0;
  for (const auto n : batches) {
    t.append(evclass::testing::all_kinds_batch(first, n));
    first += n;
  }
  EXPECT_EQ(t.entries(), first);
  out.close();
}

class RoundTripByCodec : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTripByCodec, EveryBranchKindReadsBackIdentically) {
  TempDir dir("roundtrip");
  const std::string path = dir.file("all.root");
  const std::vector<std::int64_t> batches = {1000, 1, 2999};
  write_all_kinds(path, GetParam(), batches);

  const File f = File::open(path);
  const Tree& t = f.tree("t");
  ASSERT_EQ(t.entries(), 4000);
  const auto want = evclass::testing::all_kinds_batch(0, 4000);
  const auto specs = evclass::testing::all_kinds_specs();
  ASSERT_EQ(t.branches().size(), specs.size());
  const std::string tag = Compression::parse(GetParam()).algorithm == Algorithm::kNone ? "none" : "";
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const BranchInfo& info = t.branch(specs[i].name);
    ASSERT_TRUE(info.readable) << specs[i].name << ": " << info.unsupported;
    EXPECT_GT(info.baskets, 1) << specs[i].name;
    expect_same_column(t.read(info), want[i], specs[i].name + " with " + GetParam());
  }
  EXPECT_EQ(t.branch("v_float").type, "vector<float>");
  EXPECT_EQ(t.branch("c_double").type, "double[n]");
  EXPECT_EQ(t.branch("a_int16").type, "int16[2][3]");
  EXPECT_EQ(t.branch("s_bool").type, "bool");
  // Entry ranges cut through baskets.
  expect_same_column(t.read("v_int64", {.start = 995, .stop = 1003}), evclass::testing::all_kinds_batch(995, 8)[
                         std::distance(specs.begin(), std::find_if(specs.begin(), specs.end(),
                                                                   [](const auto& s) { return s.name == "v_int64"; }))],
                     "v_int64 entries 995..1003");
}

INSTANTIATE_TEST_SUITE_P(Codecs, RoundTripByCodec,
                         ::testing::Values("none", "zlib:1", "zlib:9", "lz4:1", "lz4:9", "zstd:1", "zstd:9", "lzma:1",
                                           "lzma:6"),
                         [](const auto& param_info) {
                           std::string s = param_info.param;
                           for (auto& c : s)
                             if (c == ':') c = '_';
                           return s;
                         });

TEST(RoundTrip, TreesInSubDirectoriesAndSeveralTreesPerFile) {
  TempDir dir("roundtrip");
  const std::string path = dir.file("dirs.root");
  {
    FileWriter out(path);
    TreeWriter& a = out.add_tree("top", {BranchSpec::scalar("x", DType::kFloat64)});
    TreeWriter& b = out.add_tree("one/two/deep", {BranchSpec::scalar("y", DType::kInt32)});
    TreeWriter& c = out.add_tree("one/side", {BranchSpec::scalar("z", DType::kUInt8)});
    Column x(DType::kFloat64), y(DType::kInt32), z(DType::kUInt8);
    x.data().resize(8);
    y.data().resize(4);
    z.data().resize(1);
    x.mutable_values<double>()[0] = 2.5;
    y.mutable_values<std::int32_t>()[0] = -7;
    z.mutable_values<std::uint8_t>()[0] = 200;
    a.append(std::vector<Column>{x});
    b.append(std::vector<Column>{y});
    c.append(std::vector<Column>{z});
    out.close();
  }
  const File f = File::open(path);
  EXPECT_EQ(f.tree("top").read("x").values<double>()[0], 2.5);
  EXPECT_EQ(f.tree("one/two/deep").read("y").values<std::int32_t>()[0], -7);
  EXPECT_EQ(f.tree("one/side").read("z").values<std::uint8_t>()[0], 200);
}

TEST(RoundTrip, ABasketLargerThanOneCompressionBlockIsSplitIntoBlocks) {
  // ROOT's compressed blocks hold at most 16 MiB - 1 bytes; one entry of 5M floats needs two.
  TempDir dir("roundtrip");
  const std::string path = dir.file("big.root");
  const std::int64_t width = 5'000'000;
  Column c(DType::kFloat32);
  c.data().resize(static_cast<std::size_t>(width) * 4);
  auto v = c.mutable_values<float>();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 1000) * 0.5f;
  c.set_inner_shape({width});
  {
    FileWriter out(path, {.compression = Compression::parse("zstd:1")});
    out.add_tree("t", {BranchSpec::fixed_array("big", DType::kFloat32, {width})}).append(std::vector<Column>{c});
    out.close();
  }
  const File f = File::open(path);
  expect_same_column(f.tree("t").read("big"), c, "big");
}

TEST(RoundTrip, AnEmptyTreeHasNoEntriesAndItsBranches) {
  TempDir dir("roundtrip");
  const std::string path = dir.file("empty.root");
  {
    FileWriter out(path);
    out.add_tree("t", {BranchSpec::scalar("x", DType::kFloat32), BranchSpec::vector("v", DType::kInt32)});
    out.close();
  }
  const File f = File::open(path);
  EXPECT_EQ(f.tree("t").entries(), 0);
  EXPECT_EQ(f.tree("t").read("v").entries(), 0);
}

TEST(WriterDeterminism, TheSameDataGivesTheSameBytesWhateverTheThreadCount) {
  // Same file name in two directories: the name is part of the file's own record.
  TempDir one("roundtrip"), two("roundtrip");
  ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  write_all_kinds(one.file("same.root"), "zstd:5", {1500, 500}, "t", 1);
  write_all_kinds(two.file("same.root"), "zstd:5", {1500, 500}, "t", 2);
  ::unsetenv("SOURCE_DATE_EPOCH");
  const std::string a = slurp(one.file("same.root")), b = slurp(two.file("same.root"));
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "files written with 1 and 2 threads differ";
}

TEST(WriterErrors, AFileIsOnlyCreatedByClose) {
  TempDir dir("roundtrip");
  const std::string path = dir.file("never.root");
  {
    FileWriter out(path);
    out.add_tree("t", {BranchSpec::scalar("x", DType::kFloat32)});
  }
  EXPECT_FALSE(fs::exists(path));
  for (const auto& e : fs::directory_iterator(fs::path(path).parent_path()))
    ADD_FAILURE() << "left behind: " << e.path();
}

TEST(WriterErrors, AColumnOfTheWrongTypeNamesTheBranch) {
  TempDir dir("roundtrip");
  FileWriter out(dir.file("bad.root"));
  TreeWriter& t = out.add_tree("t", {BranchSpec::scalar("x", DType::kFloat32)});
  Column wrong(DType::kFloat64);
  wrong.data().resize(8);
  try {
    t.append(std::vector<Column>{wrong});
    FAIL() << "no error";
  } catch (const evclass::Error& e) {
    EXPECT_NE(std::string(e.what()).find("branch 'x'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("double"), std::string::npos) << e.what();
  }
}

TEST(WriterErrors, ACounterThatDisagreesWithTheArrayIsRejected) {
  TempDir dir("roundtrip");
  FileWriter out(dir.file("bad.root"));
  TreeWriter& t = out.add_tree("t", {BranchSpec::scalar("n", DType::kInt32), BranchSpec::counted("x", DType::kFloat32, "n")});
  Column n(DType::kInt32), x(DType::kFloat32);
  n.data().resize(4);
  n.mutable_values<std::int32_t>()[0] = 3;
  x.data().resize(8);
  x.mutable_offsets().push_back({0, 2});
  EXPECT_THROW(t.append(std::vector<Column>{n, x}), evclass::Error);
}

TEST(WriterErrors, AnUnknownCounterSuggestsTheClosestBranch) {
  TempDir dir("roundtrip");
  FileWriter out(dir.file("bad.root"));
  try {
    out.add_tree("t", {BranchSpec::scalar("nJet", DType::kInt32), BranchSpec::counted("Jet_pt", DType::kFloat32, "nJets")});
    FAIL() << "no error";
  } catch (const evclass::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("nJet"), std::string::npos) << e.what();
  }
}

TEST(CompressionSetting, ParsesRootNamesLevelsAndNumbers) {
  EXPECT_EQ(Compression::parse("zstd").root_setting(), 505);
  EXPECT_EQ(Compression::parse("ZL:6").root_setting(), 106);
  EXPECT_EQ(Compression::parse("lz4:1").root_setting(), 401);
  EXPECT_EQ(Compression::parse("lzma:9").root_setting(), 209);
  EXPECT_EQ(Compression::parse("none").root_setting(), 0);
  EXPECT_EQ(Compression::parse("101").root_setting(), 101);
  EXPECT_EQ(Compression::parse("zlib:0").algorithm, Algorithm::kNone);
  EXPECT_EQ(Compression::parse("lz4:4").to_string(), "lz4:4");
  EXPECT_THROW((void)Compression::parse("gzip"), evclass::ConfigError);
  EXPECT_THROW((void)Compression::parse("zstd:12"), evclass::ConfigError);
  EXPECT_THROW((void)Compression::parse("zstd:x"), evclass::ConfigError);
  EXPECT_THROW((void)Compression::parse("305"), evclass::ConfigError);
}

}  // namespace

namespace {

TEST(ReaderChecks, AVectorWhoseSizeDisagreesWithItsBytesIsACorruptFile) {
  TempDir dir("roundtrip");
  const std::string path = dir.file("vec.root");
  {
    FileWriter out(path, {.compression = Compression::parse("none")});
    TreeWriter& t = out.add_tree("t", {BranchSpec::vector("v", DType::kInt32)});
    Column v(DType::kInt32);
    v.data().resize(3 * 4 * 10);
    auto vals = v.mutable_values<std::int32_t>();
    for (std::size_t i = 0; i < vals.size(); ++i) vals[i] = static_cast<std::int32_t>(i);
    evclass::column::Offsets off;
    for (int e = 0; e <= 10; ++e) off.push_back(3 * e);
    v.mutable_offsets().push_back(off);
    t.append(std::vector<Column>{v});
    out.close();
  }
  // The first entry: byte count 2 + 4 + 12 = 18, version 6, three values; claim four instead.
  std::string bytes = slurp(path);
  const std::string header("\x40\x00\x00\x12\x00\x06\x00\x00\x00\x03", 10);
  const auto at = bytes.find(header);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 9] = '\x04';
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  const File f = File::open(path);
  try {
    (void)f.tree("t").read("v");
    FAIL() << "no error";
  } catch (const evclass::CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find("entry 0"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'v'"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

TEST(ReadInto, ReusedColumnsHoldWhatAFreshReadGivesForEveryRangeAndKind) {
  TempDir dir("roundtrip");
  const std::string path = dir.file("reuse.root");
  write_all_kinds(path, "zstd:1", {900, 1300, 400});
  const File f = File::open(path);
  const Tree tree = f.tree("t");
  std::vector<std::string> names;
  for (const auto& b : tree.branches())
    if (b.has_data && b.readable) names.push_back(b.path);
  ASSERT_GT(names.size(), 10u);
  std::vector<Column> reused;
  // Whole tree (vectors decoded into their slots), ranges cutting baskets (joined pieces), an
  // empty range, and the whole tree again: each time identical to a fresh read.
  for (const EntryRange range : {EntryRange{0, -1}, EntryRange{5, 1777}, EntryRange{100, 100}, EntryRange{0, -1}}) {
    tree.read_into(names, reused, range, {.threads = 2});
    const auto fresh = tree.read(names, range, {.threads = 2});
    ASSERT_EQ(reused.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i)
      expect_same_column(reused[i], fresh[i], names[i] + " entries " + std::to_string(range.start) + ".." +
                                                  std::to_string(range.stop));
  }
  // Fewer branches than before, in another order: the reused columns change dtype as needed.
  std::vector<std::string> reversed(names.rbegin(), names.rbegin() + 5);
  tree.read_into(reversed, reused);
  ASSERT_EQ(reused.size(), 5u);
  const auto fresh = tree.read(reversed);
  for (std::size_t i = 0; i < reversed.size(); ++i) expect_same_column(reused[i], fresh[i], reversed[i]);
}

TEST(BranchSelection, ReadsWhatTheNamesReadForEveryRangeAndThreadCount) {
  TempDir dir("roundtrip");
  const std::string path = dir.file("select.root");
  write_all_kinds(path, "lz4", {700, 1100, 300});
  const File f = File::open(path);
  const Tree tree = f.tree("t");
  std::vector<std::string> names;
  for (const auto& b : tree.branches())
    if (b.has_data && b.readable) names.push_back(b.path);
  ASSERT_GT(names.size(), 10u);
  names.push_back(names.front());  // a branch selected twice gives two equal columns
  const evclass::root::BranchSelection selection = tree.select(names);
  ASSERT_EQ(selection.size(), names.size());
  std::vector<Column> reused;
  for (const int threads : {1, 2})
    for (const EntryRange range : {EntryRange{0, -1}, EntryRange{3, 1999}, EntryRange{50, 50}}) {
      const auto by_names = tree.read(names, range, {.threads = threads});
      const auto selected = tree.read(selection, range, {.threads = threads});
      tree.read_into(selection, reused, range, {.threads = threads});
      ASSERT_EQ(selected.size(), names.size());
      ASSERT_EQ(reused.size(), names.size());
      for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string what = names[i] + " entries " + std::to_string(range.start) + ".." +
                                 std::to_string(range.stop) + ", threads " + std::to_string(threads);
        expect_same_column(selected[i], by_names[i], what);
        expect_same_column(reused[i], by_names[i], what);
      }
    }
}

TEST(BranchSelection, AMissingNameIsReportedWhenSelectingAndAForeignSelectionIsRefused) {
  TempDir dir("roundtrip");
  const std::string a = dir.file("a.root"), b = dir.file("b.root");
  write_all_kinds(a, "none", {100});
  write_all_kinds(b, "none", {100});
  const Tree ta = File::open(a).tree("t");
  const Tree tb = File::open(b).tree("t");
  try {
    (void)ta.select({ta.branches().front().path, "no_such_branch"});
    FAIL() << "no error";
  } catch (const evclass::KeyNotFound& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_branch"), std::string::npos) << e.what();
  }
  const auto selection = ta.select({ta.branches().front().path});
  EXPECT_NO_THROW((void)Tree(ta).read(selection));  // a copy of the tree shares its selections
  EXPECT_THROW((void)tb.read(selection), evclass::KeyNotFound);
  EXPECT_THROW((void)ta.read(evclass::root::BranchSelection{}), evclass::KeyNotFound);
}

TEST(ReaderChecks, AVectorEntryWhoseByteCountRunsPastTheBasketIsACorruptFile) {
  TempDir dir("roundtrip");
  const std::string path = dir.file("vec.root");
  {
    FileWriter out(path, {.compression = Compression::parse("none")});
    TreeWriter& t = out.add_tree("t", {BranchSpec::vector("v", DType::kInt32)});
    Column v(DType::kInt32);
    v.data().resize(2 * 4 * 10);
    evclass::column::Offsets off;
    for (int e = 0; e <= 10; ++e) off.push_back(2 * e);
    v.mutable_offsets().push_back(off);
    t.append(std::vector<Column>{v});
    out.close();
  }
  // The last entry's byte count (2 + 4 + 8 = 14) grows to 0x7f00: it would run past the basket.
  std::string bytes = slurp(path);
  const std::string header("\x40\x00\x00\x0e\x00\x06\x00\x00\x00\x02", 10);
  const auto at = bytes.rfind(header);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 2] = '\x7f';
  bytes[at + 3] = '\x00';
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  const File f = File::open(path);
  try {
    (void)f.tree("t").read("v");
    FAIL() << "no error";
  } catch (const evclass::CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find("entry 9"), std::string::npos) << e.what();
  }
}

}  // namespace
