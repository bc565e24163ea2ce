// Unit tests of parse_stl_type (src/root/interpretation.hpp): STL type names as streamer
// elements and branch classes spell them.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "root/interpretation.hpp"

namespace evclass::root::detail {
namespace {

using column::DType;
using Kind = StlNode::Kind;

// Follows `depth` sequence levels and returns the node below them (failing if one is missing).
const StlNode* below(const std::shared_ptr<StlNode>& node, int depth) {
  const StlNode* n = node.get();
  for (int i = 0; i < depth; ++i) {
    if (!n || n->kind != Kind::kSequence || !n->inner) return nullptr;
    n = n->inner.get();
  }
  return n;
}

void expect_sequence_of_numbers(const std::string& type, int depth, DType dtype, std::size_t disk_size) {
  SCOPED_TRACE(type);
  const auto node = parse_stl_type(type);
  ASSERT_NE(node, nullptr);
  const StlNode* leaf = below(node, depth);
  ASSERT_NE(leaf, nullptr) << "fewer than " << depth << " sequence levels";
  EXPECT_EQ(leaf->kind, Kind::kNumeric);
  EXPECT_EQ(leaf->item.dtype, dtype);
  EXPECT_EQ(leaf->item.disk_size, disk_size);
  EXPECT_EQ(leaf->item.coding, Item::Coding::kPlain);
}

TEST(ParseStlType, VectorOfFloat) { expect_sequence_of_numbers("vector<float>", 1, DType::kFloat32, 4); }

TEST(ParseStlType, NestedVectorsWithStdPrefixesAndSpaces) {
  expect_sequence_of_numbers("std::vector<std::vector<double> >", 2, DType::kFloat64, 8);
}

TEST(ParseStlType, VectorOfSetOfInt) { expect_sequence_of_numbers("vector<set<int> >", 2, DType::kInt32, 4); }

TEST(ParseStlType, VectorOfUnsignedIntWithASpaceInTheTypeName) {
  expect_sequence_of_numbers("vector<unsigned int>", 1, DType::kUInt32, 4);
}

TEST(ParseStlType, AllocatorArgumentIsIgnored) {
  expect_sequence_of_numbers("vector<int,allocator<int> >", 1, DType::kInt32, 4);
  expect_sequence_of_numbers("std::vector<float, std::allocator<float> >", 1, DType::kFloat32, 4);
}

TEST(ParseStlType, NestedContainerWithAllocatorKeepsItsInnerSequence) {
  expect_sequence_of_numbers("vector<vector<short>,allocator<vector<short> > >", 2, DType::kInt16, 2);
}

TEST(ParseStlType, OtherSequenceContainers) {
  expect_sequence_of_numbers("list<char>", 1, DType::kInt8, 1);
  expect_sequence_of_numbers("deque<unsigned short>", 1, DType::kUInt16, 2);
  expect_sequence_of_numbers("multiset<Long64_t>", 1, DType::kInt64, 8);
  expect_sequence_of_numbers("unordered_set<unsigned long long>", 1, DType::kUInt64, 8);
  expect_sequence_of_numbers("ROOT::VecOps::RVec<float>", 1, DType::kFloat32, 4);
}

TEST(ParseStlType, RootTypedefsAndFixedWidthNames) {
  expect_sequence_of_numbers("vector<Bool_t>", 1, DType::kBool, 1);
  expect_sequence_of_numbers("vector<UChar_t>", 1, DType::kUInt8, 1);
  expect_sequence_of_numbers("vector<Int_t>", 1, DType::kInt32, 4);
  expect_sequence_of_numbers("vector<ULong64_t>", 1, DType::kUInt64, 8);
  expect_sequence_of_numbers("vector<int16_t>", 1, DType::kInt16, 2);
  expect_sequence_of_numbers("vector<uint8_t>", 1, DType::kUInt8, 1);
}

TEST(ParseStlType, VectorOfDouble32IsStoredAsFourByteFloats) {
  const auto node = parse_stl_type("vector<Double32_t>");
  const StlNode* leaf = below(node, 1);
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->kind, Kind::kNumeric);
  EXPECT_EQ(leaf->item.dtype, DType::kFloat64);
  EXPECT_EQ(leaf->item.disk_size, 4u);
  EXPECT_EQ(leaf->item.coding, Item::Coding::kDouble32);
}

TEST(ParseStlType, SetOfStringIsASequenceOfStrings) {
  const auto node = parse_stl_type("set<string>");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->kind, Kind::kSequence);
  const StlNode* leaf = below(node, 1);
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->kind, Kind::kString);
}

TEST(ParseStlType, VectorOfTStringIsASequenceOfStrings) {
  const auto node = parse_stl_type("vector<TString>");
  const StlNode* leaf = below(node, 1);
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->kind, Kind::kString);
}

TEST(ParseStlType, VectorOfVectorOfStdString) {
  const auto node = parse_stl_type("std::vector<std::vector<std::string> >");
  const StlNode* leaf = below(node, 2);
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->kind, Kind::kString);
}

TEST(ParseStlType, BareNumberAndStringAreNotSequences) {
  const auto number = parse_stl_type("double");
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(number->kind, Kind::kNumeric);
  EXPECT_EQ(number->item.dtype, DType::kFloat64);
  const auto text = parse_stl_type("std::string");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->kind, Kind::kString);
}

TEST(ParseStlType, MapsAreNotSupported) {
  EXPECT_EQ(parse_stl_type("map<int,short>"), nullptr);
  EXPECT_EQ(parse_stl_type("std::map<int, short>"), nullptr);
  EXPECT_EQ(parse_stl_type("vector<map<int,int> >"), nullptr);
  EXPECT_EQ(parse_stl_type("unordered_map<int,float>"), nullptr);
}

TEST(ParseStlType, ContainersOfClassesAreNotSupported) {
  EXPECT_EQ(parse_stl_type("vector<MyClass>"), nullptr);
  EXPECT_EQ(parse_stl_type("vector<vector<TLorentzVector> >"), nullptr);
  EXPECT_EQ(parse_stl_type("set<pair<int,int> >"), nullptr);
}

TEST(ParseStlType, MalformedNamesAreRejected) {
  EXPECT_EQ(parse_stl_type(""), nullptr);
  EXPECT_EQ(parse_stl_type("vector<float"), nullptr);
  EXPECT_EQ(parse_stl_type("vector<>"), nullptr);
  EXPECT_EQ(parse_stl_type("vectorfloat"), nullptr);
}

}  // namespace
}  // namespace evclass::root::detail
