// Decoding basket bytes built by hand for layouts no shared file has: a leaf-list whose leaf is
// sized by an earlier leaf of the same branch, and counted arrays of fixed-shape items.

#include <gtest/gtest.h>

#include <bit>
#include <cstring>

#include "evclass/core/error.hpp"
#include "root/decode.hpp"
#include "root/interpretation.hpp"

namespace evclass::root::detail {
namespace {

struct Bytes {
  std::vector<std::byte> data;
  void i32(std::int32_t v) { put(std::bit_cast<std::uint32_t>(v)); }
  void f32(float v) { put(std::bit_cast<std::uint32_t>(v)); }
  void put(std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) data.push_back(static_cast<std::byte>((v >> s) & 0xff));
  }
};

std::unique_ptr<LeafModel> leaf(std::string cls, std::string name, std::int32_t len = 1) {
  auto l = std::make_unique<LeafModel>();
  l->class_name = std::move(cls);
  l->name = name;
  l->title = name;
  l->fLen = len;
  return l;
}

// The basket points into `b`, which outlives it in every test.
RawBasket basket(const Bytes& b, std::vector<std::int32_t> offsets, entry_t entries) {
  RawBasket r;
  r.data = b.data;
  r.offsets = std::move(offsets);
  r.entries = entries;
  return r;
}

TEST(Decode, LeafListLeafSizedByAnEarlierLeafOfTheSameBranch) {
  // Branch "n/I:x[n]/F", three entries: (2; 1.5, 2.5), (0;), (1; 3.0).
  BranchModel b;
  b.class_name = "TBranch";
  b.name = "rec";
  b.title = "n/I:x[n]/F";
  b.leaves.push_back(leaf("TLeafI", "n"));
  b.leaves.push_back(leaf("TLeafF", "x"));
  b.leaves[1]->count = b.leaves[0].get();
  Bytes bytes;
  bytes.i32(2), bytes.f32(1.5f), bytes.f32(2.5f);
  bytes.i32(0);
  bytes.i32(1), bytes.f32(3.0f);
  const RawBasket raw = basket(bytes, {0, 12, 16, 24}, 3);
  const StreamerRegistry none;
  const BasketWhere where{"t", "rec", 0};

  const auto x = decode_basket(interpret(b, none, b.leaves[1].get()), raw, 0, 3, where, "mem");
  ASSERT_EQ(x.entries(), 3);
  EXPECT_EQ(x.offsets().front(), (std::vector<std::int64_t>{0, 2, 2, 3}));
  const auto xv = x.values<float>();
  EXPECT_EQ(std::vector<float>(xv.begin(), xv.end()), (std::vector<float>{1.5f, 2.5f, 3.0f}));

  const auto n = decode_basket(interpret(b, none, b.leaves[0].get()), raw, 0, 3, where, "mem");
  const auto nv = n.values<std::int32_t>();
  EXPECT_EQ(std::vector<std::int32_t>(nv.begin(), nv.end()), (std::vector<std::int32_t>{2, 0, 1}));

  // Reading only the last two entries starts at the second entry's offset.
  const auto tail = decode_basket(interpret(b, none, b.leaves[1].get()), raw, 1, 3, where, "mem");
  EXPECT_EQ(tail.offsets().front(), (std::vector<std::int64_t>{0, 0, 1}));
  EXPECT_EQ(tail.values<float>()[0], 3.0f);
}

TEST(Decode, LeafListCounterLargerThanTheEntryIsACorruptFile) {
  BranchModel b;
  b.class_name = "TBranch";
  b.name = "rec";
  b.leaves.push_back(leaf("TLeafI", "n"));
  b.leaves.push_back(leaf("TLeafF", "x"));
  b.leaves[1]->count = b.leaves[0].get();
  Bytes bytes;
  bytes.i32(1000000), bytes.f32(1.0f);  // claims a million floats in an 8-byte entry
  const RawBasket raw = basket(bytes, {0, 8}, 1);
  try {
    (void)decode_basket(interpret(b, StreamerRegistry{}, b.leaves[1].get()), raw, 0, 1, {"t", "rec", 0}, "mem");
    FAIL() << "expected CorruptFile";
  } catch (const CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find("claims 1000000 values"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("TBranch 'rec'"), std::string::npos) << e.what();
  }
}

TEST(Decode, CountedArrayOfFixedShapeItems) {
  // Leaf "v[n][3]/F": entries of 1 and 2 items of 3 floats.
  BranchModel b;
  b.class_name = "TBranch";
  b.name = "v";
  auto n = leaf("TLeafI", "n");
  b.leaves.push_back(leaf("TLeafF", "v", 3));
  b.leaves[0]->title = "v[n][3]";
  b.leaves[0]->dims = title_dimensions("v[n][3]");
  b.leaves[0]->count = n.get();
  Bytes bytes;
  for (float f : {1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f, 8.f, 9.f}) bytes.f32(f);
  const RawBasket raw = basket(bytes, {0, 12, 36}, 2);
  const auto c = decode_basket(interpret(b, StreamerRegistry{}), raw, 0, 2, {"t", "v", 0}, "mem");
  EXPECT_EQ(c.inner_shape(), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(c.offsets().front(), (std::vector<std::int64_t>{0, 1, 3}));
  EXPECT_EQ(c.size(), 9u);
  EXPECT_EQ(c.values<float>()[8], 9.f);
  EXPECT_EQ(c.entry_value_range(1), (std::pair<std::size_t, std::size_t>{3, 9}));
}

TEST(Decode, EntryBytesThatAreNotWholeItemsAreACorruptFile) {
  BranchModel b;
  b.class_name = "TBranch";
  b.name = "v";
  auto n = leaf("TLeafI", "n");
  b.leaves.push_back(leaf("TLeafD", "v"));
  b.leaves[0]->count = n.get();
  Bytes bytes;
  bytes.i32(7), bytes.i32(7), bytes.i32(7);  // 12 bytes: not a whole number of doubles
  const RawBasket raw = basket(bytes, {0, 12}, 1);
  EXPECT_THROW((void)decode_basket(interpret(b, StreamerRegistry{}), raw, 0, 1, {"t", "v", 0}, "mem"), CorruptFile);
}

column::Column int_column(std::vector<std::int32_t> v) {
  column::Column c(column::DType::kInt32);
  c.data().append(v.data(), v.size() * sizeof(std::int32_t));
  return c;
}

// A vector<int> member of a split std::vector<Track> (fType 41): one byte count and version per
// entry, even when the collection is empty, then each element's vector without a header. (Layout
// checked on KM3NeT and CMS files of the uproot and UnROOT test data, e.g. trks.rec_stages.)
TEST(Decode, VectorMemberOfASplitStlCollection) {
  BranchModel parent;
  parent.class_name = "TBranchElement";
  parent.name = "trks";
  BranchModel b;
  b.class_name = "TBranchElement";
  b.name = "trks.rec_stages";
  b.fType = 41;
  b.branch_count = &parent;
  Interpretation in;
  in.layout = Interpretation::Layout::kCollectionStl;
  in.stl = parse_stl_type("vector<int>");
  in.count_branch = &parent;
  Bytes bytes;
  bytes.put(0x40000000u | 22), bytes.data.push_back(std::byte{0}), bytes.data.push_back(std::byte{9});
  bytes.i32(2), bytes.i32(1), bytes.i32(3);  // element 0: [1, 3]
  bytes.i32(1), bytes.i32(5);                // element 1: [5]
  bytes.put(0x40000000u | 2), bytes.data.push_back(std::byte{0}), bytes.data.push_back(std::byte{9});  // no elements
  const RawBasket raw = basket(bytes, {0, 26, 32}, 2);
  const column::Column sizes = int_column({2, 0});
  const auto c = decode_basket(in, raw, 0, 2, {"t", "trks.rec_stages", 0}, "mem", {&sizes, 0});
  ASSERT_EQ(c.jagged_depth(), 2u);
  EXPECT_EQ(c.offsets()[0], (std::vector<std::int64_t>{0, 2, 2}));
  EXPECT_EQ(c.offsets()[1], (std::vector<std::int64_t>{0, 2, 3}));
  const auto v = c.values<std::int32_t>();
  EXPECT_EQ(std::vector<std::int32_t>(v.begin(), v.end()), (std::vector<std::int32_t>{1, 3, 5}));

  // A size branch claiming more elements than the entry holds is a corrupt file, not a crash.
  const column::Column bad = int_column({3, 0});
  EXPECT_THROW((void)decode_basket(in, raw, 0, 2, {"t", "trks.rec_stages", 0}, "mem", {&bad, 0}), CorruptFile);
}

// ROOT 6.12+ may write baskets of x[n] branches without entry offsets (kGenerateOffsetMap):
// the entries' sizes then come from the counter branch.
TEST(Decode, CountedBasketWithoutOffsetsUsesTheSizeBranch) {
  BranchModel counter;
  counter.class_name = "TBranch";
  counter.name = "nJet";
  BranchModel b;
  b.class_name = "TBranch";
  b.name = "Jet_pt";
  auto n = leaf("TLeafI", "nJet");
  b.leaves.push_back(leaf("TLeafF", "Jet_pt"));
  b.leaves[0]->count = n.get();
  b.leaves[0]->count_branch = &counter;
  counter.leaves.push_back(std::move(n));
  Bytes bytes;
  for (float f : {1.f, 2.f, 3.f}) bytes.f32(f);
  const RawBasket raw = basket(bytes, {}, 3);  // no offsets
  const auto in = interpret(b, StreamerRegistry{});
  ASSERT_EQ(in.size_branch, &counter);
  EXPECT_THROW((void)decode_basket(in, raw, 0, 3, {"t", "Jet_pt", 0}, "mem"), NeedsSizes);
  const column::Column sizes = int_column({2, 0, 1});
  const auto c = decode_basket(in, raw, 1, 3, {"t", "Jet_pt", 0}, "mem", {&sizes, 1});
  EXPECT_EQ(c.offsets().front(), (std::vector<std::int64_t>{0, 0, 1}));
  EXPECT_EQ(c.values<float>()[0], 3.f);
}

}  // namespace
}  // namespace evclass::root::detail
