// Decoding basket bytes built by hand for layouts no shared file has: a leaf-list whose leaf is
// sized by an earlier leaf of the same branch, and counted arrays of fixed-shape items.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cstring>
#include <memory>

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

// TString entries: a length byte and the characters, or 255, an int32 length and the characters.
void tstring(Bytes& b, const std::string& s) {
  if (s.size() < 255) {
    b.data.push_back(static_cast<std::byte>(s.size()));
  } else {
    b.data.push_back(std::byte{255});
    b.i32(static_cast<std::int32_t>(s.size()));
  }
  for (const char c : s) b.data.push_back(static_cast<std::byte>(c));
}

// The strings as TString entries one after the other; their entry offsets (one per entry, then
// the end of the last).
std::vector<std::int32_t> tstrings(Bytes& b, const std::vector<std::string>& strings) {
  std::vector<std::int32_t> offsets;
  for (const auto& s : strings) {
    offsets.push_back(static_cast<std::int32_t>(b.data.size()));
    tstring(b, s);
  }
  offsets.push_back(static_cast<std::int32_t>(b.data.size()));
  return offsets;
}

std::vector<std::string> strings_of(const column::Column& c) {
  std::vector<std::string> out;
  const auto& ends = c.string_offsets();
  for (std::size_t i = 0; i + 1 < ends.size(); ++i)
    out.emplace_back(reinterpret_cast<const char*>(c.data().data()) + ends[i],
                     static_cast<std::size_t>(ends[i + 1] - ends[i]));
  return out;
}

TEST(Decode, TStringEntriesShortLongAndEmptyComeOutAsWritten) {
  BranchModel b;
  b.class_name = "TBranch";
  b.name = "Type";
  b.leaves.push_back(leaf("TLeafC", "Type"));
  const std::vector<std::string> written{"GT", "", std::string(300, 'x'), "TT", std::string(254, 'y'), "G"};
  Bytes bytes;
  const std::vector<std::int32_t> offsets = tstrings(bytes, written);
  const auto n = static_cast<entry_t>(written.size());
  const RawBasket raw = basket(bytes, offsets, n);
  const Interpretation in = interpret(b, StreamerRegistry{}, nullptr);
  ASSERT_EQ(in.layout, Interpretation::Layout::kString);
  EXPECT_EQ(strings_of(decode_basket(in, raw, 0, n, {"t", "Type", 0}, "mem")), written);
  // A range inside the basket.
  EXPECT_EQ(strings_of(decode_basket(in, raw, 2, 5, {"t", "Type", 0}, "mem")),
            (std::vector<std::string>{written[2], written[3], written[4]}));
  // Without stored offsets the entries are found one after the other: the same strings.
  const RawBasket walked = basket(bytes, {}, n);
  EXPECT_EQ(strings_of(decode_basket(in, walked, 0, n, {"t", "Type", 0}, "mem")), written);
}

// Short strings are copied 16 bytes at a time where the basket has 16 bytes left: strings of
// every length around that width, each ending in turn at the basket's very end, with a long one
// between, must come out exactly as written, over every entry range.
TEST(Decode, TStringsOfEveryLengthAroundTheCopyWidthComeOutAsWrittenOverEveryRange) {
  BranchModel b;
  b.class_name = "TBranch";
  b.name = "Type";
  b.leaves.push_back(leaf("TLeafC", "Type"));
  const Interpretation in = interpret(b, StreamerRegistry{}, nullptr);
  for (std::size_t last = 0; last <= 40; ++last) {
    std::vector<std::string> written;
    for (std::size_t len = 0; len <= 40; len += 3)
      written.push_back(std::string(len, static_cast<char>('a' + len % 26)));
    written.push_back(std::string(270, 'L'));
    written.push_back("z");
    written.push_back(std::string(last, 'e'));  // ends at the basket's last byte
    Bytes bytes;
    const std::vector<std::int32_t> offsets = tstrings(bytes, written);
    const auto n = static_cast<entry_t>(written.size());
    // In memory of exactly the basket's size, so that AddressSanitizer sees any read past it.
    const auto exact = std::make_unique<std::byte[]>(bytes.data.size());
    std::memcpy(exact.get(), bytes.data.data(), bytes.data.size());
    RawBasket raw = basket(bytes, offsets, n);
    raw.data = {exact.get(), bytes.data.size()};
    for (entry_t lo = 0; lo < n; lo += 4) {
      const auto got = strings_of(decode_basket(in, raw, lo, n, {"t", "Type", 0}, "mem"));
      EXPECT_EQ(got, std::vector<std::string>(written.begin() + lo, written.end())) << "last " << last << " lo " << lo;
    }
  }
}

// A column handed in for reuse is emptied first: what it held before does not show in the result.
TEST(Decode, AReusedColumnHoldsOnlyTheNewBasketsEntries) {
  BranchModel b;
  b.class_name = "TBranch";
  b.name = "Type";
  b.leaves.push_back(leaf("TLeafC", "Type"));
  const Interpretation in = interpret(b, StreamerRegistry{}, nullptr);
  const std::vector<std::string> first{"GT", "TT", std::string(20, 'q')}, second{"GG", ""};
  const auto raw_of = [](const std::vector<std::string>& strings, Bytes& bytes) {
    return basket(bytes, tstrings(bytes, strings), static_cast<entry_t>(strings.size()));
  };
  Bytes b1, b2;
  const RawBasket r1 = raw_of(first, b1), r2 = raw_of(second, b2);
  column::Column c = decode_basket(in, r1, 0, 3, {"t", "Type", 0}, "mem");
  ASSERT_EQ(strings_of(c), first);
  c = decode_basket(in, r2, 0, 2, {"t", "Type", 0}, "mem", {}, std::move(c));
  EXPECT_EQ(strings_of(c), second);
  EXPECT_EQ(c.entries(), 2);
  // Even a column of another type, or one left empty by a move.
  column::Column other(column::DType::kFloat64);
  other.data().resize(64);
  EXPECT_EQ(strings_of(decode_basket(in, r1, 1, 3, {"t", "Type", 0}, "mem", {}, std::move(other))),
            (std::vector<std::string>{first[1], first[2]}));
  EXPECT_EQ(strings_of(decode_basket(in, r2, 0, 2, {"t", "Type", 0}, "mem", {}, std::move(other))), second);
}

TEST(Decode, TStringEntryLongerThanItsOffsetsAllowIsACorruptFileNamingTheEntry) {
  BranchModel b;
  b.class_name = "TBranch";
  b.name = "Type";
  b.leaves.push_back(leaf("TLeafC", "Type"));
  // Entry 1 claims 5 characters but the offsets give it 3 bytes (length byte and 2 characters);
  // entry 2's 2 characters and then its length byte: every case must be told apart from "ab".
  Bytes bytes;
  tstring(bytes, "GT");
  bytes.data.push_back(std::byte{5});
  bytes.data.push_back(std::byte{'a'});
  bytes.data.push_back(std::byte{'b'});
  tstring(bytes, "TT");
  const RawBasket raw = basket(bytes, {0, 3, 6, 9}, 3);
  const Interpretation in = interpret(b, StreamerRegistry{}, nullptr);
  try {
    (void)decode_basket(in, raw, 0, 3, {"t", "Type", 0}, "mem");
    FAIL() << "expected CorruptFile";
  } catch (const CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find("entry 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("TBranch 'Type'"), std::string::npos) << e.what();
  }
  // One character short of its end: also refused, never read as a shorter string.
  Bytes shorter;
  tstring(shorter, "GT");
  shorter.data.push_back(std::byte{1});
  shorter.data.push_back(std::byte{'a'});
  shorter.data.push_back(std::byte{'b'});
  EXPECT_THROW((void)decode_basket(in, basket(shorter, {0, 3, 6}, 2), 0, 2, {"t", "Type", 0}, "mem"), CorruptFile);
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

// Whole baskets of std::vector<T> decode straight into their slot of the final column. The slot
// sits between guard bytes in a larger buffer, as baskets' slots sit side by side in a column
// other threads are filling: every value must land in place and nothing outside the slot may be
// written, whatever the lengths of the entries (short ones are copied as fixed 32-byte chunks).
struct VectorBasket {
  Bytes bytes;
  std::vector<double> values;
  std::vector<std::int64_t> ends;
};

template <typename T>
VectorBasket vector_basket(const std::vector<std::size_t>& lengths) {
  VectorBasket v;
  std::size_t next = 1;
  for (std::size_t n : lengths) {
    const auto payload = static_cast<std::uint32_t>(6 + n * sizeof(T));
    v.bytes.put(0x40000000u | payload);
    v.bytes.data.push_back(std::byte{0}), v.bytes.data.push_back(std::byte{9});
    v.bytes.put(static_cast<std::uint32_t>(n));
    for (std::size_t i = 0; i < n; ++i, ++next) {
      const T x = static_cast<T>(std::is_floating_point_v<T> ? 0.5 * static_cast<double>(next) : static_cast<double>(next % 100));
      std::array<std::byte, sizeof(T)> raw;
      std::memcpy(raw.data(), &x, sizeof(T));
      for (std::size_t k = sizeof(T); k-- > 0;) v.bytes.data.push_back(raw[k]);  // big-endian
      v.values.push_back(static_cast<double>(x));
    }
    v.ends.push_back(static_cast<std::int64_t>(v.values.size()));
  }
  return v;
}

template <typename T>
void check_vector_slot(const std::string& type) {
  Interpretation in;
  in.layout = Interpretation::Layout::kStl;
  in.stl = parse_stl_type("vector<" + type + ">");
  in.stl_header = true;
  ASSERT_TRUE(is_numeric_vector(in)) << type;
  // Lengths around the 32-byte chunk (for every width), empty entries, and a long last entry.
  const std::vector<std::size_t> lengths{0, 1, 3, 32 / sizeof(T), 32 / sizeof(T) + 1, 0, 2, 7, 1, 0, 5, 40, 1, 2};
  const VectorBasket v = vector_basket<T>(lengths);
  const RawBasket raw = basket(v.bytes, {}, static_cast<entry_t>(lengths.size()));
  const std::size_t items = v.values.size();
  constexpr std::size_t kGuard = 64;
  std::vector<std::byte> memory(kGuard + items * sizeof(T) + kGuard, std::byte{0xa5});
  std::vector<std::int64_t> ends(lengths.size() + 2, -7);
  JaggedSlot slot{memory.data() + kGuard, ends.data() + 1, 1000, static_cast<std::int64_t>(items)};
  decode_vectors_into(in, raw, 0, static_cast<entry_t>(lengths.size()), {"t", "v", 0}, "mem", slot);
  for (std::size_t i = 0; i < items; ++i) {
    T got;
    std::memcpy(&got, memory.data() + kGuard + i * sizeof(T), sizeof(T));
    ASSERT_EQ(static_cast<double>(got), v.values[i]) << type << " value " << i;
  }
  for (std::size_t i = 0; i < kGuard; ++i) {
    ASSERT_EQ(memory[i], std::byte{0xa5}) << type << ": byte before the slot written";
    ASSERT_EQ(memory[kGuard + items * sizeof(T) + i], std::byte{0xa5}) << type << ": byte after the slot written";
  }
  EXPECT_EQ(ends.front(), -7);
  EXPECT_EQ(ends.back(), -7);
  for (std::size_t e = 0; e < lengths.size(); ++e) EXPECT_EQ(ends[e + 1], 1000 + v.ends[e]) << type << " entry " << e;

  // A basket whose entries hold more values than its size announced is corrupt, and the slot's
  // neighbours stay untouched.
  std::fill(memory.begin(), memory.end(), std::byte{0xa5});
  JaggedSlot small = slot;
  small.items = static_cast<std::int64_t>(items) - 3;
  memory.resize(kGuard + static_cast<std::size_t>(small.items) * sizeof(T) + kGuard, std::byte{0xa5});
  small.values = memory.data() + kGuard;
  try {
    decode_vectors_into(in, raw, 0, static_cast<entry_t>(lengths.size()), {"t", "v", 0}, "mem", small);
    ADD_FAILURE() << type << ": an overfull basket was accepted";
  } catch (const CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find("announces"), std::string::npos) << e.what();
  }
  for (std::size_t i = 0; i < kGuard; ++i)
    ASSERT_EQ(memory[kGuard + static_cast<std::size_t>(small.items) * sizeof(T) + i], std::byte{0xa5})
        << type << ": an overfull basket wrote past its slot";
}

TEST(Decode, VectorBasketsDecodeIntoTheirSlotAndNowhereElse) {
  check_vector_slot<std::int8_t>("char");
  check_vector_slot<std::int16_t>("short");
  check_vector_slot<std::int32_t>("int");
  check_vector_slot<float>("float");
  check_vector_slot<std::int64_t>("long");
  check_vector_slot<double>("double");
}

TEST(Decode, VectorBasketWithABrokenHeaderIsACorruptFile) {
  Interpretation in;
  in.layout = Interpretation::Layout::kStl;
  in.stl = parse_stl_type("vector<float>");
  in.stl_header = true;
  VectorBasket v = vector_basket<float>({2, 3, 1});
  v.bytes.data[10 + 8 + 3] = std::byte{4};  // entry 1's byte count no longer matches its 3 floats
  const RawBasket raw = basket(v.bytes, {}, 3);
  std::vector<std::byte> memory(6 * sizeof(float));
  std::vector<std::int64_t> ends(3);
  JaggedSlot slot{memory.data(), ends.data(), 0, 6};
  EXPECT_THROW(decode_vectors_into(in, raw, 0, 3, {"t", "v", 0}, "mem", slot), CorruptFile);
}

// Whole baskets of counted arrays (x[n], x[n][3]) decode into their slot straight from the
// basket's stored entry offsets, which are checked while they are used (AVX2, eight entries at a
// time, and a portable loop): every value and end offset must land in place, nothing outside the
// slot may be written, and any offset that read_basket() would refuse must be refused here too.
struct CountedBasket {
  Bytes values;                    // big-endian items
  Bytes stored;                    // big-endian entry starts, counted from the key start
  std::vector<std::int64_t> ends;  // expected item ends
  std::vector<float> expected;
};

constexpr std::int32_t kKeylen = 77;

CountedBasket counted_basket(const std::vector<std::size_t>& lengths, std::size_t per_item) {
  CountedBasket c;
  std::int64_t items = 0;
  float next = 0.5f;
  for (std::size_t n : lengths) {
    c.stored.i32(kKeylen + static_cast<std::int32_t>(c.values.data.size()));
    for (std::size_t i = 0; i < n * per_item; ++i, next += 1.f) {
      c.values.f32(next);
      c.expected.push_back(next);
    }
    items += static_cast<std::int64_t>(n);
    c.ends.push_back(items);
  }
  return c;
}

RawBasket stored_basket(const CountedBasket& c, entry_t entries) {
  RawBasket r;
  r.data = c.values.data;
  r.stored_offsets = c.stored.data;
  r.keylen = kKeylen;
  r.entries = entries;
  return r;
}

std::string fmt_title(std::int32_t per_item) { return "v[n][" + std::to_string(per_item) + "]"; }

Interpretation counted_floats(BranchModel& b, LeafModel& n, std::int32_t per_item) {
  b.class_name = "TBranch";
  b.name = "v";
  b.leaves.push_back(leaf("TLeafF", "v", per_item));
  b.leaves[0]->title = per_item > 1 ? fmt_title(per_item) : "v[n]";
  b.leaves[0]->dims = title_dimensions(b.leaves[0]->title);
  b.leaves[0]->count = &n;
  return interpret(b, StreamerRegistry{});
}

void check_counted_slot(std::int32_t per_item, bool portable) {
  use_portable_kernels(portable);
  BranchModel b;
  auto n = leaf("TLeafI", "n");
  const Interpretation in = counted_floats(b, *n, per_item);
  ASSERT_TRUE(decodes_into_slots(in));
  // 21 entries: two whole steps of eight after entry 0, then a tail; empty entries included.
  const std::vector<std::size_t> lengths{2, 0, 1, 3, 0, 0, 5, 1, 1, 2, 9, 0, 1, 4, 2, 0, 0, 3, 1, 7, 1};
  const CountedBasket c = counted_basket(lengths, static_cast<std::size_t>(per_item));
  const auto entries = static_cast<entry_t>(lengths.size());
  const RawBasket raw = stored_basket(c, entries);
  const std::size_t values = c.expected.size();
  constexpr std::size_t kGuard = 16;
  std::vector<float> memory(kGuard + values + kGuard, -1.f);
  std::vector<std::int64_t> ends(lengths.size() + 2, -7);
  JaggedSlot slot{reinterpret_cast<std::byte*>(memory.data() + kGuard), ends.data() + 1, 1000, c.ends.back()};
  decode_vectors_into(in, raw, 0, entries, {"t", "v", 0}, "mem", slot);
  for (std::size_t i = 0; i < values; ++i) ASSERT_EQ(memory[kGuard + i], c.expected[i]) << "value " << i;
  for (std::size_t i = 0; i < kGuard; ++i) {
    ASSERT_EQ(memory[i], -1.f) << "before the slot";
    ASSERT_EQ(memory[kGuard + values + i], -1.f) << "after the slot";
  }
  EXPECT_EQ(ends.front(), -7);
  EXPECT_EQ(ends.back(), -7);
  for (std::size_t e = 0; e < lengths.size(); ++e) EXPECT_EQ(ends[e + 1], 1000 + c.ends[e]) << "entry " << e;

  // Damage one stored start at a time, at every entry (inside the eight-wide steps and in the
  // tail): below the previous start, past the data, in the middle of an item, negative.
  const auto set_start = [](CountedBasket& d, std::size_t e, std::int64_t v) {
    const auto u = static_cast<std::uint32_t>(static_cast<std::int32_t>(v));
    for (int k = 0; k < 4; ++k) d.stored.data[4 * e + k] = static_cast<std::byte>((u >> (24 - 8 * k)) & 0xff);
  };
  const auto start_of = [&](std::size_t e) { return kKeylen + (e ? c.ends[e - 1] : 0) * 4 * per_item; };
  const std::int64_t size = static_cast<std::int64_t>(c.values.data.size());
  for (std::size_t e = 0; e < lengths.size(); ++e) {
    std::vector<std::int64_t> bad_starts{kKeylen + size + 4, kKeylen - 8, std::int64_t{-2147483647} - 1,
                                         start_of(e) + 1};
    if (e > 0) bad_starts.push_back(start_of(e - 1) - 4);
    for (const std::int64_t v : bad_starts) {
      if (e > 0 && v == start_of(e)) continue;
      CountedBasket d = c;
      set_start(d, e, v);
      const RawBasket broken = stored_basket(d, entries);
      std::fill(memory.begin(), memory.end(), -1.f);
      EXPECT_THROW(decode_vectors_into(in, broken, 0, entries, {"t", "v", 0}, "mem", slot), CorruptFile)
          << "entry " << e << " starting at " << v << (portable ? " (portable)" : "");
      for (std::size_t i = 0; i < kGuard; ++i) ASSERT_EQ(memory[kGuard + values + i], -1.f) << "after the slot";
    }
  }
  // A size (fLast) that announces other than the items the offsets give.
  JaggedSlot wrong = slot;
  wrong.items -= 1;
  EXPECT_THROW(decode_vectors_into(in, raw, 0, entries, {"t", "v", 0}, "mem", wrong), CorruptFile);
  use_portable_kernels(false);
}

TEST(Decode, CountedBasketsDecodeIntoTheirSlotFromTheStoredOffsets) {
  for (const bool portable : {false, true}) {
    check_counted_slot(1, portable);  // x[n] of 4-byte floats: the shift-and-mask path
    check_counted_slot(3, portable);  // x[n][3]: 12-byte items, the dividing path
  }
}

// The portable vector walk, on a machine whose CPU would otherwise take the AVX2 one.
TEST(Decode, VectorBasketsDecodeIntoTheirSlotWithThePortableWalk) {
  use_portable_kernels(true);
  check_vector_slot<std::int8_t>("char");
  check_vector_slot<std::int16_t>("short");
  check_vector_slot<float>("float");
  check_vector_slot<double>("double");
  use_portable_kernels(false);
}

// Whole baskets of std::vector<T> decode first by their stored entry offsets (AVX2: eight
// entries per step and a gather of their headers; portable: one entry at a time). Each entry is
// placed by its offset and checked against its header, so a good basket must decode exactly, and
// any disagreement in an offset or a header must be refused with nothing written outside the
// slot; decode_vectors_into() then falls back to walking the headers, which gives the right
// values where only an offset was wrong and a CorruptFile where a header was.
struct StoredVectorBasket {
  VectorBasket v;
  Bytes stored;                        // big-endian entry starts, counted from the key start
  std::vector<std::size_t> value_at;   // byte of each value in the data
};

template <typename T>
StoredVectorBasket stored_vector_basket(const std::vector<std::size_t>& lengths) {
  StoredVectorBasket s;
  s.v = vector_basket<T>(lengths);
  std::size_t at = 0;
  for (std::size_t n : lengths) {
    s.stored.i32(kKeylen + static_cast<std::int32_t>(at));
    for (std::size_t i = 0; i < n; ++i) s.value_at.push_back(at + 10 + i * sizeof(T));
    at += 10 + n * sizeof(T);
  }
  return s;
}

RawBasket with_stored(const StoredVectorBasket& s, entry_t entries) {
  RawBasket r = basket(s.v.bytes, {}, entries);
  r.stored_offsets = s.stored.data;
  r.keylen = kKeylen;
  return r;
}

Interpretation vector_of(const std::string& type) {
  Interpretation in;
  in.layout = Interpretation::Layout::kStl;
  in.stl = parse_stl_type("vector<" + type + ">");
  in.stl_header = true;
  return in;
}

template <typename T>
struct SlotMemory {
  static constexpr std::size_t kGuard = 64;
  std::vector<std::byte> memory;
  std::vector<std::int64_t> ends;
  JaggedSlot slot;
  SlotMemory(std::size_t items, std::size_t entries)
      : memory(kGuard + items * sizeof(T) + kGuard, std::byte{0xa5}), ends(entries + 2, -7) {
    slot = JaggedSlot{memory.data() + kGuard, ends.data() + 1, 1000, static_cast<std::int64_t>(items)};
  }
  void expect_guards(const std::string& what) const {
    const std::size_t items = static_cast<std::size_t>(slot.items);
    for (std::size_t i = 0; i < kGuard; ++i) {
      ASSERT_EQ(memory[i], std::byte{0xa5}) << what << ": byte before the slot written";
      ASSERT_EQ(memory[kGuard + items * sizeof(T) + i], std::byte{0xa5}) << what << ": byte after the slot written";
    }
    ASSERT_EQ(ends.front(), -7) << what;
    ASSERT_EQ(ends.back(), -7) << what;
  }
  void expect_values(const VectorBasket& v, const std::string& what) const {
    for (std::size_t i = 0; i < v.values.size(); ++i) {
      T got;
      std::memcpy(&got, memory.data() + kGuard + i * sizeof(T), sizeof(T));
      ASSERT_EQ(static_cast<double>(got), v.values[i]) << what << " value " << i;
    }
    for (std::size_t e = 0; e < v.ends.size(); ++e) ASSERT_EQ(ends[e + 1], 1000 + v.ends[e]) << what << " entry " << e;
  }
};

template <typename T>
void check_stored_vectors(const std::string& type, bool portable) {
  use_portable_kernels(portable);
  const std::string what = type + (portable ? " (portable)" : " (AVX2 where present)");
  const Interpretation in = vector_of(type);
  ASSERT_TRUE(is_numeric_vector(in)) << type;
  // Lengths around the 32-byte chunk for every width, empty entries, long ones, over several
  // eight-entry steps and a tail.
  std::vector<std::size_t> lengths;
  for (std::size_t k = 0; k < 3; ++k)
    for (std::size_t n : std::initializer_list<std::size_t>{0, 1, 3, 32 / sizeof(T), 32 / sizeof(T) + 1, 0, 2, 7, 1, 0, 5, 40, 1})
      lengths.push_back(n + k);
  lengths.push_back(2);
  StoredVectorBasket s = stored_vector_basket<T>(lengths);
  const auto entries = static_cast<entry_t>(lengths.size());
  const std::size_t items = s.v.values.size();
  if constexpr (std::is_same_v<T, bool>) {
    // Any non-zero byte is true: the decoded bools are exactly 0 or 1.
    for (std::size_t i = 0; i < items; ++i)
      if (s.v.values[i] != 0) s.v.bytes.data[s.value_at[i]] = std::byte{static_cast<unsigned char>(i % 2 ? 0x02 : 0xff)};
  }
  const bool expect_stored = !(portable && std::is_same_v<T, bool>);
  {
    SlotMemory<T> m(items, lengths.size());
    EXPECT_EQ(decode_vectors_by_stored_offsets(in, with_stored(s, entries), m.slot), expect_stored) << what;
    m.expect_guards(what);
    if (expect_stored) m.expect_values(s.v, what);
  }
  for (std::size_t e = 0; e < lengths.size(); ++e) {
    // An entry's stored start moved (by a byte, by a value, far away).
    for (std::int32_t shift : {1, -1, static_cast<std::int32_t>(sizeof(T)), -static_cast<std::int32_t>(sizeof(T)),
                               1 << 30}) {
      StoredVectorBasket bad = s;
      const std::int32_t old = std::bit_cast<std::int32_t>(
          std::uint32_t(bad.stored.data[4 * e]) << 24 | std::uint32_t(bad.stored.data[4 * e + 1]) << 16 |
          std::uint32_t(bad.stored.data[4 * e + 2]) << 8 | std::uint32_t(bad.stored.data[4 * e + 3]));
      Bytes moved;
      moved.i32(old + shift);
      std::copy(moved.data.begin(), moved.data.end(), bad.stored.data.begin() + static_cast<std::ptrdiff_t>(4 * e));
      const std::string case_name = fmt::format("{}: entry {} start moved by {}", what, e, shift);
      SlotMemory<T> m(items, lengths.size());
      EXPECT_FALSE(decode_vectors_by_stored_offsets(in, with_stored(bad, entries), m.slot)) << case_name;
      m.expect_guards(case_name);
      SlotMemory<T> walked(items, lengths.size());
      decode_vectors_into(in, with_stored(bad, entries), 0, entries, {"t", "v", 0}, "mem", walked.slot);
      walked.expect_values(s.v, case_name + ", walked by the headers");
    }
    // An entry's byte count or value count changed.
    for (std::size_t field : {3u, 9u}) {
      StoredVectorBasket bad = s;
      std::size_t begin = 0;
      for (std::size_t k = 0; k < e; ++k) begin += 10 + lengths[k] * sizeof(T);
      bad.v.bytes.data[begin + field] ^= std::byte{1};
      const std::string case_name = fmt::format("{}: entry {} header byte {} changed", what, e, field);
      SlotMemory<T> m(items, lengths.size());
      EXPECT_FALSE(decode_vectors_by_stored_offsets(in, with_stored(bad, entries), m.slot)) << case_name;
      m.expect_guards(case_name);
      EXPECT_THROW(decode_vectors_into(in, with_stored(bad, entries), 0, entries, {"t", "v", 0}, "mem", m.slot),
                   CorruptFile)
          << case_name;
      m.expect_guards(case_name);
    }
  }
  use_portable_kernels(false);
}

// An entry whose stored end lies before its start, with headers forged to agree with the
// wrapped-around sizes: entry 1 "ends" 6 bytes into its own header (its value count reads
// 2^32 - 6, its byte count 0x40000000), and entry 2 starts there, its header made of entry 1's
// bytes (byte count 0x4000FFFF, 65529 values). Every size check passes but the one that an end
// never precedes its start; without it the copy would run 4 GiB past the slot.
TEST(Decode, StoredOffsetsThatRunBackwardsAreRefusedEvenWhereTheHeadersAgree) {
  const Interpretation in = vector_of("char");
  Bytes data, stored;
  const auto entry = [&](std::size_t n) {  // a plain entry of n chars
    stored.i32(kKeylen + static_cast<std::int32_t>(data.data.size()));
    data.put(0x40000000u | static_cast<std::uint32_t>(6 + n));
    data.data.push_back(std::byte{0}), data.data.push_back(std::byte{9});
    data.put(static_cast<std::uint32_t>(n));
    for (std::size_t i = 0; i < n; ++i) data.data.push_back(std::byte{7});
  };
  entry(8);
  const auto forged = static_cast<std::int32_t>(data.data.size());
  stored.i32(kKeylen + forged);      // entry 1
  stored.i32(kKeylen + forged + 4);  // entry 2, inside entry 1's header
  data.put(0x40000000u);             // entry 1: byte count 0 (+ 6 = its wrapped size)
  data.data.push_back(std::byte{0x40}), data.data.push_back(std::byte{0x00});  // entry 2's count, high half
  data.put(0xFFFFFFFAu);             // entry 1: 2^32 - 6 values; bytes 2-3 end entry 2's count
  data.put(65529u);                  // entry 2: value count
  for (std::size_t i = 0; i < 65529; ++i) data.data.push_back(std::byte{1});  // entry 2's values
  for (std::size_t k = 0; k < 9; ++k) entry(k);  // enough entries for the eight-wide steps
  const auto entries = static_cast<entry_t>(stored.data.size() / 4);
  ASSERT_GE(data.data.size(), 10 * static_cast<std::size_t>(entries));
  const std::size_t items = data.data.size() - 10 * static_cast<std::size_t>(entries);
  RawBasket raw = basket(data, {}, entries);
  raw.stored_offsets = stored.data;
  raw.keylen = kKeylen;
  for (bool portable : {false, true}) {
    use_portable_kernels(portable);
    SlotMemory<std::int8_t> m(items, static_cast<std::size_t>(entries));
    EXPECT_FALSE(decode_vectors_by_stored_offsets(in, raw, m.slot)) << "portable " << portable;
    m.expect_guards("backwards offsets");
    // The header walk stops at entry 1 (its version reads as a member-wise stream).
    EXPECT_THROW(decode_vectors_into(in, raw, 0, entries, {"t", "v", 0}, "mem", m.slot), evclass::Error);
    m.expect_guards("backwards offsets, walked");
  }
  use_portable_kernels(false);
}

TEST(Decode, VectorBasketsDecodeFromTheirStoredOffsets) {
  for (bool portable : {false, true}) {
    check_stored_vectors<std::int8_t>("char", portable);
    check_stored_vectors<std::int16_t>("short", portable);
    check_stored_vectors<std::int32_t>("int", portable);
    check_stored_vectors<float>("float", portable);
    check_stored_vectors<std::int64_t>("long", portable);
    check_stored_vectors<double>("double", portable);
    check_stored_vectors<bool>("bool", portable);
  }
}

}  // namespace
}  // namespace evclass::root::detail
