// Unit tests of evclass/column/column.hpp and summary.hpp: layout queries, concat, summaries.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evclass/column/column.hpp"
#include "evclass/column/summary.hpp"

namespace evclass::column {
namespace {

using Range = std::pair<std::size_t, std::size_t>;

template <class T>
Column numeric(const std::vector<T>& values) {
  Column c(DTypeOf<T>::value);
  c.data().append(values.data(), values.size() * sizeof(T));
  return c;
}

template <class T>
Column jagged(const std::vector<T>& values, std::vector<Offsets> levels) {
  Column c = numeric(values);
  c.mutable_offsets() = std::move(levels);
  return c;
}

Column strings(const std::vector<std::string>& items) {
  Column c(DType::kString);
  for (const auto& s : items) {
    c.data().append(s.data(), s.size());
    c.mutable_string_offsets().push_back(c.mutable_string_offsets().back() + static_cast<std::int64_t>(s.size()));
  }
  return c;
}

template <class T>
std::vector<T> values_of(const Column& c) {
  auto v = c.values<T>();
  return {v.begin(), v.end()};
}

std::vector<std::string> strings_of(const Column& c) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < c.size(); ++i) out.emplace_back(c.string_at(i));
  return out;
}

// The reference: ROOT's .ref.json layout sums the flattened values one by one, in order.
double sequential_sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Layout queries

// A buffer moved from is empty and grows again into memory of its own (it must not keep a
// capacity without the memory, and write through a null pointer when resized).
TEST(Buffer, AMovedFromBufferIsEmptyAndGrowsAgain) {
  Buffer a(64);
  std::memset(a.data(), 1, 64);
  Buffer b(std::move(a));
  EXPECT_EQ(b.size(), 64u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the state after a move is the point
  a.resize(32);
  ASSERT_NE(a.data(), nullptr);
  std::memset(a.data(), 2, 32);
  Buffer c;
  c = std::move(b);
  EXPECT_EQ(c.size(), 64u);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  b.append(a.data(), 32);
  EXPECT_EQ(b.size(), 32u);
  EXPECT_EQ(std::to_integer<int>(b.data()[31]), 2);
  EXPECT_EQ(std::to_integer<int>(c.data()[63]), 1);
}

TEST(Column, FlatColumnHasOneValuePerEntry) {
  const Column c = numeric<double>({1.5, 2.5, 3.5, 4.5});
  EXPECT_FALSE(c.is_jagged());
  EXPECT_EQ(c.jagged_depth(), 0u);
  EXPECT_EQ(c.entries(), 4);
  EXPECT_EQ(c.size(), 4u);
  EXPECT_EQ(c.item_width(), 1u);
  EXPECT_EQ(c.entry_value_range(0), (Range{0, 1}));
  EXPECT_EQ(c.entry_value_range(2), (Range{2, 3}));
  EXPECT_EQ(c.entry_value_range(3), (Range{3, 4}));
}

TEST(Column, SizeCountsValuesNotBytes) {
  const Column c = numeric<std::int16_t>({1, 2, 3});
  EXPECT_EQ(c.data().size(), 6u);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.entries(), 3);
}

TEST(Column, ValueAsDoubleConvertsEachDType) {
  EXPECT_EQ(numeric<std::int8_t>({-5, 7}).value_as_double(0), -5.0);
  EXPECT_EQ(numeric<std::uint16_t>({1, 65535}).value_as_double(1), 65535.0);
  EXPECT_EQ(numeric<std::int64_t>({0, -1234567890123}).value_as_double(1), -1234567890123.0);
  EXPECT_EQ(numeric<float>({0.25f, 1.5f}).value_as_double(1), 1.5);
  EXPECT_EQ(numeric<std::uint32_t>({4000000000u}).value_as_double(0), 4000000000.0);
}

TEST(Column, FixedShapeColumnGroupsItemWidthValuesPerEntry) {
  // float[2][3] per entry, 4 entries.
  std::vector<float> v(24);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  Column c = numeric(v);
  c.set_inner_shape({2, 3});
  EXPECT_FALSE(c.is_jagged());
  EXPECT_EQ(c.item_width(), 6u);
  EXPECT_EQ(c.size(), 24u);
  EXPECT_EQ(c.entries(), 4);
  EXPECT_EQ(c.entry_value_range(0), (Range{0, 6}));
  EXPECT_EQ(c.entry_value_range(1), (Range{6, 12}));
  EXPECT_EQ(c.entry_value_range(3), (Range{18, 24}));
}

TEST(Column, ZeroWidthItemsTakeTheirEntryCountFromSetFlatEntries) {
  Column c(DType::kFloat32);
  c.set_inner_shape({0});
  EXPECT_EQ(c.item_width(), 0u);
  EXPECT_EQ(c.entries(), 0);
  c.set_flat_entries(5);
  EXPECT_EQ(c.entries(), 5);
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.entry_value_range(3), (Range{0, 0}));
}

TEST(Column, JaggedColumnCountsEntriesFromItsOffsets) {
  // [[1, 2], [], [3, 4, 5]]
  const Column c = jagged<std::int32_t>({1, 2, 3, 4, 5}, {{0, 2, 2, 5}});
  EXPECT_TRUE(c.is_jagged());
  EXPECT_EQ(c.jagged_depth(), 1u);
  EXPECT_EQ(c.entries(), 3);
  EXPECT_EQ(c.size(), 5u);
  EXPECT_EQ(c.item_width(), 1u);
  EXPECT_EQ(c.entry_value_range(0), (Range{0, 2}));
  EXPECT_EQ(c.entry_value_range(1), (Range{2, 2}));
  EXPECT_EQ(c.entry_value_range(2), (Range{2, 5}));
}

TEST(Column, JaggedColumnOfFixedShapeItemsScalesRangesByTheItemWidth) {
  // x[n][2]: entry 0 has 1 item, entry 1 has 2 items.
  Column c = jagged<double>({1, 2, 3, 4, 5, 6}, {{0, 1, 3}});
  c.set_inner_shape({2});
  EXPECT_EQ(c.entries(), 2);
  EXPECT_EQ(c.item_width(), 2u);
  EXPECT_EQ(c.entry_value_range(0), (Range{0, 2}));
  EXPECT_EQ(c.entry_value_range(1), (Range{2, 6}));
}

TEST(Column, DoublyJaggedColumnFollowsEveryOffsetLevel) {
  // [[[1, 2]], [[], [3, 4, 5]], []]
  const Column c = jagged<float>({1, 2, 3, 4, 5}, {{0, 1, 3, 3}, {0, 2, 2, 5}});
  EXPECT_EQ(c.jagged_depth(), 2u);
  EXPECT_EQ(c.entries(), 3);
  EXPECT_EQ(c.entry_value_range(0), (Range{0, 2}));
  EXPECT_EQ(c.entry_value_range(1), (Range{2, 5}));
  EXPECT_EQ(c.entry_value_range(2), (Range{5, 5}));
}

TEST(Column, StringColumnCountsStringsAndSlicesTheirCharacters) {
  const Column c = strings({"abc", "", "de"});
  EXPECT_TRUE(c.is_string());
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.entries(), 3);
  EXPECT_EQ(c.string_at(0), "abc");
  EXPECT_EQ(c.string_at(1), "");
  EXPECT_EQ(c.string_at(2), "de");
  EXPECT_EQ(c.entry_value_range(2), (Range{2, 3}));
}

TEST(Column, NewStringColumnIsEmpty) {
  const Column c(DType::kString);
  EXPECT_EQ(c.string_offsets(), (Offsets{0}));
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.entries(), 0);
}

TEST(Column, JaggedStringColumnIndexesStringsThroughItsOffsets) {
  // [["a", "bc"], [], ["def"]]
  Column c = strings({"a", "bc", "def"});
  c.mutable_offsets() = {{0, 2, 2, 3}};
  EXPECT_EQ(c.entries(), 3);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.entry_value_range(0), (Range{0, 2}));
  EXPECT_EQ(c.entry_value_range(1), (Range{2, 2}));
  EXPECT_EQ(c.entry_value_range(2), (Range{2, 3}));
}

TEST(Column, AppendShiftsTheAppendedOffsets) {
  Column a = jagged<std::int32_t>({1, 2, 3}, {{0, 2, 3}});
  const Column b = jagged<std::int32_t>({4, 5, 6, 7}, {{0, 1, 1, 4}});
  a.append(b);
  EXPECT_EQ(a.entries(), 5);
  EXPECT_EQ(a.offsets()[0], (Offsets{0, 2, 3, 4, 4, 7}));
  EXPECT_EQ(values_of<std::int32_t>(a), (std::vector<std::int32_t>{1, 2, 3, 4, 5, 6, 7}));
}

TEST(Column, AppendOfStringsShiftsTheStringOffsets) {
  Column a = strings({"ab", "c"});
  a.append(strings({"def", ""}));
  EXPECT_EQ(a.string_offsets(), (Offsets{0, 2, 3, 6, 6}));
  EXPECT_EQ(strings_of(a), (std::vector<std::string>{"ab", "c", "def", ""}));
}

TEST(Column, AppendKeepsTheEntriesOfBothFlatColumnsWhenOnlyTheSecondHasAnExplicitCount) {
  // concat() of flat columns records its entry count explicitly; appending such a column to a
  // plain one must still count the plain column's own entries.
  Column a = numeric<double>({1, 2});
  std::vector<Column> pieces;
  pieces.push_back(numeric<double>({3}));
  pieces.push_back(numeric<double>({4, 5}));
  const Column b = concat(std::move(pieces), Column(DType::kFloat64));
  ASSERT_EQ(b.entries(), 3);
  a.append(b);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(a.entries(), 5);
}

// ---------------------------------------------------------------------------------------------
// concat

TEST(Concat, JaggedPiecesGetCombinedOffsetsAndValues) {
  std::vector<Column> pieces;
  pieces.push_back(jagged<float>({1, 2, 3}, {{0, 2, 3}}));        // [[1,2],[3]]
  pieces.push_back(jagged<float>({}, {{0, 0}}));                  // [[]]
  pieces.push_back(jagged<float>({4, 5, 6, 7}, {{0, 1, 1, 4}}));  // [[4],[],[5,6,7]]
  const Column prototype = jagged<float>({}, {{0}});
  const Column c = concat(std::move(pieces), prototype);
  EXPECT_EQ(c.dtype(), DType::kFloat32);
  EXPECT_EQ(c.entries(), 6);
  ASSERT_EQ(c.jagged_depth(), 1u);
  EXPECT_EQ(c.offsets()[0], (Offsets{0, 2, 3, 3, 4, 4, 7}));
  EXPECT_EQ(values_of<float>(c), (std::vector<float>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(c.entry_value_range(5), (Range{4, 7}));
}

TEST(Concat, DoublyJaggedPiecesShiftEveryLevel) {
  std::vector<Column> pieces;
  pieces.push_back(jagged<std::int64_t>({1, 2}, {{0, 1}, {0, 2}}));           // [[[1,2]]]
  pieces.push_back(jagged<std::int64_t>({3, 4, 5}, {{0, 2}, {0, 1, 3}}));     // [[[3],[4,5]]]
  const Column c = concat(std::move(pieces), jagged<std::int64_t>({}, {{0}, {0}}));
  EXPECT_EQ(c.entries(), 2);
  ASSERT_EQ(c.jagged_depth(), 2u);
  EXPECT_EQ(c.offsets()[0], (Offsets{0, 1, 3}));
  EXPECT_EQ(c.offsets()[1], (Offsets{0, 2, 3, 5}));
  EXPECT_EQ(values_of<std::int64_t>(c), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(c.entry_value_range(1), (Range{2, 5}));
}

TEST(Concat, FlatPiecesAddTheirEntries) {
  std::vector<Column> pieces;
  pieces.push_back(numeric<std::int16_t>({1, 2}));
  pieces.push_back(numeric<std::int16_t>({3, 4, 5}));
  const Column c = concat(std::move(pieces), Column(DType::kInt16));
  EXPECT_EQ(c.entries(), 5);
  EXPECT_EQ(values_of<std::int16_t>(c), (std::vector<std::int16_t>{1, 2, 3, 4, 5}));
}

TEST(Concat, FixedShapePiecesKeepThePrototypesShape) {
  std::vector<Column> pieces;
  pieces.push_back(numeric<double>({1, 2, 3, 4}));
  pieces.push_back(numeric<double>({5, 6}));
  for (auto& p : pieces) p.set_inner_shape({2});
  Column prototype(DType::kFloat64);
  prototype.set_inner_shape({2});
  const Column c = concat(std::move(pieces), prototype);
  EXPECT_EQ(c.inner_shape(), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(c.entries(), 3);
  EXPECT_EQ(c.entry_value_range(2), (Range{4, 6}));
}

TEST(Concat, ZeroWidthPiecesKeepTheirExplicitEntryCounts) {
  std::vector<Column> pieces(2, Column(DType::kInt32));
  pieces[0].set_inner_shape({0});
  pieces[0].set_flat_entries(3);
  pieces[1].set_inner_shape({0});
  pieces[1].set_flat_entries(4);
  Column prototype(DType::kInt32);
  prototype.set_inner_shape({0});
  const Column c = concat(std::move(pieces), prototype);
  EXPECT_EQ(c.entries(), 7);
  EXPECT_EQ(c.size(), 0u);
}

TEST(Concat, StringPiecesGetCombinedStringOffsets) {
  std::vector<Column> pieces;
  pieces.push_back(strings({"ab", "c"}));
  pieces.push_back(strings({}));
  pieces.push_back(strings({"", "def"}));
  const Column c = concat(std::move(pieces), Column(DType::kString));
  EXPECT_EQ(c.entries(), 4);
  EXPECT_EQ(c.string_offsets(), (Offsets{0, 2, 3, 3, 6}));
  EXPECT_EQ(strings_of(c), (std::vector<std::string>{"ab", "c", "", "def"}));
}

TEST(Concat, JaggedStringPiecesShiftBothOffsetKinds) {
  std::vector<Column> pieces;
  pieces.push_back(strings({"a", "bc"}));
  pieces.back().mutable_offsets() = {{0, 2}};  // [["a","bc"]]
  pieces.push_back(strings({"d"}));
  pieces.back().mutable_offsets() = {{0, 0, 1}};  // [[],["d"]]
  Column prototype(DType::kString);
  prototype.mutable_offsets() = {{0}};
  const Column c = concat(std::move(pieces), prototype);
  EXPECT_EQ(c.entries(), 3);
  EXPECT_EQ(c.offsets()[0], (Offsets{0, 2, 2, 3}));
  EXPECT_EQ(c.string_offsets(), (Offsets{0, 1, 3, 4}));
  EXPECT_EQ(strings_of(c), (std::vector<std::string>{"a", "bc", "d"}));
}

TEST(Concat, NoPiecesGiveAnEmptyColumnShapedLikeThePrototype) {
  Column prototype = jagged<double>({}, {{0}});
  prototype.set_inner_shape({3});
  const Column c = concat({}, prototype);
  EXPECT_EQ(c.dtype(), DType::kFloat64);
  EXPECT_EQ(c.entries(), 0);
  EXPECT_EQ(c.jagged_depth(), 1u);
  EXPECT_EQ(c.inner_shape(), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(c.size(), 0u);
}

TEST(Concat, OnePieceIsReturnedAsItIs) {
  std::vector<Column> pieces;
  pieces.push_back(jagged<std::uint8_t>({7, 8, 9}, {{0, 3}}));
  const Column c = concat(std::move(pieces), jagged<std::uint8_t>({}, {{0}}));
  EXPECT_EQ(c.entries(), 1);
  EXPECT_EQ(c.offsets()[0], (Offsets{0, 3}));
  EXPECT_EQ(values_of<std::uint8_t>(c), (std::vector<std::uint8_t>{7, 8, 9}));
}

// ---------------------------------------------------------------------------------------------
// summarize

TEST(Summarize, FlatColumnGivesCountSumMinMaxAndFirstFive) {
  const std::vector<double> v = {3, -1, 2.5, 7, 0, 10};
  const Summary s = summarize(numeric(v));
  EXPECT_EQ(s.entries, 6);
  EXPECT_FALSE(s.is_string);
  EXPECT_EQ(s.n_values, 6u);
  EXPECT_EQ(s.sum, 21.5);
  ASSERT_TRUE(s.min && s.max);
  EXPECT_EQ(*s.min, -1);
  EXPECT_EQ(*s.max, 10);
  EXPECT_EQ(s.first5, (std::vector<double>{3, -1, 2.5, 7, 0}));
  EXPECT_TRUE(s.first5_strings.empty());
}

TEST(Summarize, SumsTheValuesOneByOneInEntryOrder) {
  // With these values the result depends on the order of the additions.
  const std::vector<double> v = {1e16, 1.0, -1e16, 1.0, 1.0};
  ASSERT_NE(sequential_sum(v), 3.0);  // an exact or reordered sum would differ
  const Summary s = summarize(numeric(v));
  EXPECT_EQ(s.sum, sequential_sum(v));
}

TEST(Summarize, MaxOfAllNegativeValuesIsNegative) {
  const Summary s = summarize(numeric<std::int32_t>({-7, -3, -12}));
  ASSERT_TRUE(s.min && s.max);
  EXPECT_EQ(*s.min, -12);
  EXPECT_EQ(*s.max, -3);
}

TEST(Summarize, EmptyColumnHasNoMinOrMax) {
  const Summary s = summarize(Column(DType::kFloat32));
  EXPECT_EQ(s.entries, 0);
  EXPECT_EQ(s.n_values, 0u);
  EXPECT_EQ(s.sum, 0);
  EXPECT_FALSE(s.min.has_value());
  EXPECT_FALSE(s.max.has_value());
  EXPECT_TRUE(s.first5.empty());
}

TEST(Summarize, JaggedColumnFlattensItsValuesInOrder) {
  const Summary s = summarize(jagged<std::uint16_t>({5, 4, 3, 2, 1, 65535}, {{0, 2, 2, 6}}));
  EXPECT_EQ(s.entries, 3);
  EXPECT_EQ(s.n_values, 6u);
  EXPECT_EQ(s.sum, 65550.0);
  EXPECT_EQ(*s.min, 1);
  EXPECT_EQ(*s.max, 65535);
  EXPECT_EQ(s.first5, (std::vector<double>{5, 4, 3, 2, 1}));
}

TEST(Summarize, ReadsEachDTypeWithItsOwnWidthAndSign) {
  const Summary i8 = summarize(numeric<std::int8_t>({-128, 127}));
  EXPECT_EQ(i8.first5, (std::vector<double>{-128, 127}));
  const Summary u8 = summarize(numeric<std::uint8_t>({255, 1}));
  EXPECT_EQ(u8.first5, (std::vector<double>{255, 1}));
  const Summary u64 = summarize(numeric<std::uint64_t>({std::uint64_t{1} << 40}));
  EXPECT_EQ(u64.sum, 1099511627776.0);
  const Summary f = summarize(numeric<float>({0.1f}));
  EXPECT_EQ(f.sum, static_cast<double>(0.1f));
}

TEST(Summarize, StringColumnCountsStringsAndKeepsTheFirstFive) {
  const Summary s = summarize(strings({"a", "bb", "", "ccc", "d", "e"}));
  EXPECT_TRUE(s.is_string);
  EXPECT_EQ(s.entries, 6);
  EXPECT_EQ(s.n_values, 6u);
  EXPECT_EQ(s.first5_strings, (std::vector<std::string>{"a", "bb", "", "ccc", "d"}));
  EXPECT_TRUE(s.first5.empty());
  EXPECT_FALSE(s.min.has_value());
  EXPECT_EQ(s.sum, 0);
}

// ---------------------------------------------------------------------------------------------
// summarize_interleaved

TEST(SummarizeInterleaved, TakesEachEntryOfEveryColumnBeforeTheNextEntry) {
  const Column a = numeric<std::int32_t>({1, 2, 3});
  const Column b = numeric<float>({10, 20, 30});
  const Summary s = summarize_interleaved({&a, &b});
  EXPECT_EQ(s.entries, 3);
  EXPECT_EQ(s.n_values, 6u);
  EXPECT_EQ(s.first5, (std::vector<double>{1, 10, 2, 20, 3}));
  EXPECT_EQ(s.sum, 66.0);
  EXPECT_EQ(*s.min, 1);
  EXPECT_EQ(*s.max, 30);
}

TEST(SummarizeInterleaved, SumsInInterleavedOrder) {
  const Column a = numeric<double>({1e16, -1e16});
  const Column b = numeric<double>({1.0, 1.0});
  const std::vector<double> interleaved = {1e16, 1.0, -1e16, 1.0};
  const std::vector<double> column_by_column = {1e16, -1e16, 1.0, 1.0};
  ASSERT_NE(sequential_sum(interleaved), sequential_sum(column_by_column));
  EXPECT_EQ(summarize_interleaved({&a, &b}).sum, sequential_sum(interleaved));
}

TEST(SummarizeInterleaved, TakesAllValuesOfAJaggedOrFixedShapeEntryTogether) {
  const Column a = jagged<std::int32_t>({1, 2, 3}, {{0, 2, 2, 3}});  // [[1,2],[],[3]]
  Column b = numeric<std::int32_t>({10, 11, 20, 21, 30, 31});
  b.set_inner_shape({2});  // [10,11],[20,21],[30,31]
  const Column c = numeric<std::int32_t>({100, 200, 300});
  const Summary s = summarize_interleaved({&a, &b, &c});
  EXPECT_EQ(s.n_values, 12u);
  EXPECT_EQ(s.first5, (std::vector<double>{1, 2, 10, 11, 100}));
  EXPECT_EQ(s.sum, sequential_sum({1, 2, 10, 11, 100, 20, 21, 200, 3, 30, 31, 300}));
}

TEST(SummarizeInterleaved, ShorterColumnsStopContributingAfterTheirLastEntry) {
  const Column a = numeric<double>({1, 2, 3});
  const Column b = numeric<double>({10});
  const Summary s = summarize_interleaved({&a, &b});
  EXPECT_EQ(s.entries, 3);
  EXPECT_EQ(s.n_values, 4u);
  EXPECT_EQ(s.first5, (std::vector<double>{1, 10, 2, 3}));
}

TEST(SummarizeInterleaved, InterleavesStringColumnsStringByString) {
  const Column a = strings({"a1", "a2"});
  const Column b = strings({"b1", "b2"});
  const Summary s = summarize_interleaved({&a, &b});
  EXPECT_EQ(s.entries, 2);
  EXPECT_EQ(s.n_values, 4u);
  EXPECT_EQ(s.first5_strings, (std::vector<std::string>{"a1", "b1", "a2", "b2"}));
}

TEST(SummarizeInterleaved, OneColumnGivesTheSameSummaryAsSummarize) {
  const Column a = jagged<double>({0.5, -2, 8, 1e10, 3}, {{0, 1, 4, 5}});
  const Summary one = summarize(a);
  const Summary inter = summarize_interleaved({&a});
  EXPECT_EQ(inter.entries, one.entries);
  EXPECT_EQ(inter.n_values, one.n_values);
  EXPECT_EQ(inter.sum, one.sum);
  EXPECT_EQ(inter.min, one.min);
  EXPECT_EQ(inter.max, one.max);
  EXPECT_EQ(inter.first5, one.first5);
}

}  // namespace
}  // namespace evclass::column
