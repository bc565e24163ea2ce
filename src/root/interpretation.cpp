#include "root/interpretation.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::root::detail {

using column::DType;

namespace {

Item plain(DType t, std::size_t size) { return Item{t, size, Item::Coding::kPlain, {}}; }

Item double32(const FloatRange& r) {
  return Item{DType::kFloat64, r.factor > 0 ? 4u : (r.nbits > 0 ? 3u : 4u), Item::Coding::kDouble32, r};
}
Item float16(const FloatRange& r) { return Item{DType::kFloat32, r.factor > 0 ? 4u : 3u, Item::Coding::kFloat16, r}; }

/// Item of a basic streamer type code (1..19); nullopt-like {kString} for unknown codes.
bool basic_item(int code, const FloatRange& range, Item& out) {
  using namespace stype;
  switch (code) {
    case kChar: out = plain(DType::kInt8, 1); return true;
    case kShort: out = plain(DType::kInt16, 2); return true;
    case kInt: case kCounter: out = plain(DType::kInt32, 4); return true;
    case kLong: case kLong64: out = plain(DType::kInt64, 8); return true;
    case kFloat: out = plain(DType::kFloat32, 4); return true;
    case kDouble: out = plain(DType::kFloat64, 8); return true;
    case kDouble32: out = double32(range); return true;
    case kLegacyChar: case kUChar: out = plain(DType::kUInt8, 1); return true;
    case kUShort: out = plain(DType::kUInt16, 2); return true;
    case kUInt: out = plain(DType::kUInt32, 4); return true;
    case kBits: out = Item{DType::kUInt32, 4, Item::Coding::kBits, {}}; return true;
    case kULong: case kULong64: out = plain(DType::kUInt64, 8); return true;
    case kBool: out = plain(DType::kBool, 1); return true;
    case kFloat16: out = float16(range); return true;
    default: return false;
  }
}

}  // namespace

bool item_of_leaf(const LeafModel& leaf, Item& out) {
  const std::string& c = leaf.class_name;
  const bool u = leaf.fIsUnsigned;
  if (c == "TLeafB") out = plain(u ? DType::kUInt8 : DType::kInt8, 1);
  else if (c == "TLeafS") out = plain(u ? DType::kUInt16 : DType::kInt16, 2);
  else if (c == "TLeafI") out = plain(u ? DType::kUInt32 : DType::kInt32, 4);
  else if (c == "TLeafL" || c == "TLeafG") out = plain(u ? DType::kUInt64 : DType::kInt64, 8);
  else if (c == "TLeafF") out = plain(DType::kFloat32, 4);
  else if (c == "TLeafD") out = plain(DType::kFloat64, 8);
  else if (c == "TLeafO") out = plain(DType::kBool, 1);
  else if (c == "TLeafF16") out = float16(leaf.range);
  else if (c == "TLeafD32") out = double32(leaf.range);
  else return false;
  return true;
}

namespace {

std::int64_t product(const std::vector<std::int64_t>& dims) {
  std::int64_t p = 1;
  for (auto d : dims) p *= d;
  return p;
}

/// Fixed dimensions of one leaf's item: from its title when they agree with fLen, else fLen.
std::vector<std::int64_t> leaf_shape(const LeafModel& leaf) {
  if (leaf.fLen <= 1 && leaf.dims.empty()) return {};
  if (!leaf.dims.empty() && product(leaf.dims) == leaf.fLen) return leaf.dims;
  if (leaf.fLen > 1) return {leaf.fLen};
  return {};
}

std::string member_name(const std::string& branch_name) {
  std::string n = branch_name.substr(branch_name.rfind('.') == std::string::npos ? 0 : branch_name.rfind('.') + 1);
  return n.substr(0, n.find('['));
}

const StreamerElement* find_element(const BranchModel& b, const StreamerRegistry& streamers) {
  const StreamerInfo* info = nullptr;
  if (b.fCheckSum) info = streamers.find_by_checksum(b.fClassName, b.fCheckSum);
  if (!info) info = streamers.find(b.fClassName, b.fClassVersion);
  if (!info) info = streamers.find_latest(b.fClassName);
  if (!info) return nullptr;
  const std::string name = member_name(b.name);
  if (b.fID >= 0 && static_cast<std::size_t>(b.fID) < info->elements.size() && info->elements[b.fID].name == name)
    return &info->elements[b.fID];
  for (const auto& e : info->elements)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::int64_t> element_shape(const StreamerElement* e, const BranchModel& b, std::int64_t fallback) {
  if (e && e->array_dim > 0) {
    std::vector<std::int64_t> dims;
    for (int i = 0; i < e->array_dim && i < 5; ++i) dims.push_back(e->max_index[i]);
    if (product(dims) == e->array_length) return dims;
  }
  auto dims = title_dimensions(b.name);
  if (!dims.empty() && (fallback <= 0 || product(dims) == fallback)) return dims;
  if (fallback > 1) return {fallback};
  return {};
}

std::string strip_std(std::string s) {
  for (std::size_t p; (p = s.find("std::")) != std::string::npos;) s.erase(p, 5);
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

// A class name for display: "std::" dropped, spaces kept only between two words
// ("vector<unsigned int>", as ROOT and JSROOT write it; strip_std() is for matching).
std::string display_type(std::string s) {
  for (std::size_t p; (p = s.find("std::")) != std::string::npos;) s.erase(p, 5);
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != ' ') {
      out += s[i];
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && s[j] == ' ') ++j;
    if (!out.empty() && j < s.size() && word(out.back()) && word(s[j])) out += ' ';
    i = j - 1;
  }
  return out;
}

bool stl_value_item(const std::string& t, Item& out) {
  static const std::pair<const char*, Item> kTypes[] = {
      {"bool", plain(DType::kBool, 1)},           {"Bool_t", plain(DType::kBool, 1)},
      {"char", plain(DType::kInt8, 1)},           {"Char_t", plain(DType::kInt8, 1)},
      {"signedchar", plain(DType::kInt8, 1)},
      {"int8_t", plain(DType::kInt8, 1)},         {"unsignedchar", plain(DType::kUInt8, 1)},
      {"UChar_t", plain(DType::kUInt8, 1)},       {"uint8_t", plain(DType::kUInt8, 1)},
      {"short", plain(DType::kInt16, 2)},         {"Short_t", plain(DType::kInt16, 2)},
      {"int16_t", plain(DType::kInt16, 2)},       {"unsignedshort", plain(DType::kUInt16, 2)},
      {"UShort_t", plain(DType::kUInt16, 2)},     {"uint16_t", plain(DType::kUInt16, 2)},
      {"int", plain(DType::kInt32, 4)},           {"Int_t", plain(DType::kInt32, 4)},
      {"int32_t", plain(DType::kInt32, 4)},       {"unsignedint", plain(DType::kUInt32, 4)},
      {"UInt_t", plain(DType::kUInt32, 4)},       {"uint32_t", plain(DType::kUInt32, 4)},
      {"long", plain(DType::kInt64, 8)},          {"Long_t", plain(DType::kInt64, 8)},
      {"longlong", plain(DType::kInt64, 8)},      {"Long64_t", plain(DType::kInt64, 8)},
      {"int64_t", plain(DType::kInt64, 8)},       {"unsignedlong", plain(DType::kUInt64, 8)},
      {"ULong_t", plain(DType::kUInt64, 8)},      {"unsignedlonglong", plain(DType::kUInt64, 8)},
      {"ULong64_t", plain(DType::kUInt64, 8)},    {"uint64_t", plain(DType::kUInt64, 8)},
      {"float", plain(DType::kFloat32, 4)},       {"Float_t", plain(DType::kFloat32, 4)},
      {"double", plain(DType::kFloat64, 8)},      {"Double_t", plain(DType::kFloat64, 8)},
      // Inside STL containers Double32_t is written as a float (no range applies).
      {"Double32_t", Item{DType::kFloat64, 4, Item::Coding::kDouble32, {}}},
  };
  for (const auto& [name, item] : kTypes)
    if (t == name) {
      out = item;
      return true;
    }
  return false;
}

std::shared_ptr<StlNode> parse_node(const std::string& t) {
  auto node = std::make_shared<StlNode>();
  if (t == "string" || t == "TString") {
    node->kind = StlNode::Kind::kString;
    return node;
  }
  Item item;
  if (stl_value_item(t, item)) {
    node->kind = StlNode::Kind::kNumeric;
    node->item = item;
    return node;
  }
  for (const char* seq : {"vector<", "set<", "list<", "deque<", "multiset<", "unordered_set<", "unordered_multiset<",
                          "ROOT::VecOps::RVec<", "RVec<"}) {
    const std::string prefix = seq;
    if (t.starts_with(prefix) && t.back() == '>') {
      std::string inner = t.substr(prefix.size(), t.size() - prefix.size() - 1);
      // An allocator argument ("vector<int,allocator<int> >") is dropped.
      int depth = 0;
      for (std::size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] == '<') ++depth;
        else if (inner[i] == '>') --depth;
        else if (inner[i] == ',' && depth == 0) {
          inner = inner.substr(0, i);
          break;
        }
      }
      auto child = parse_node(inner);
      if (!child) return nullptr;
      node->kind = StlNode::Kind::kSequence;
      node->inner = child;
      return node;
    }
  }
  return nullptr;
}

std::size_t stl_depth(const StlNode& n) {
  return n.kind == StlNode::Kind::kSequence ? 1 + stl_depth(*n.inner) : 0;
}

bool stl_is_string(const StlNode& n) {
  return n.kind == StlNode::Kind::kString || (n.kind == StlNode::Kind::kSequence && stl_is_string(*n.inner));
}

std::string item_type_name(const Item& item) {
  if (item.coding == Item::Coding::kDouble32) return "Double32_t";
  if (item.coding == Item::Coding::kFloat16) return "Float16_t";
  return std::string(column::dtype_name(item.dtype));
}

std::string dims_suffix(const std::vector<std::int64_t>& dims) {
  std::string s;
  for (auto d : dims) s += fmt::format("[{}]", d);
  return s;
}

[[noreturn]] void unsupported(const BranchModel& b, const std::string& type, const std::string& why) {
  throw Unsupported(fmt::format("branch '{}' of type {} cannot be read: {}", b.name, type, why));
}

Interpretation interpret_plain(const BranchModel& b, const LeafModel* only) {
  if (b.leaves.empty()) unsupported(b, b.class_name, "it has no leaves");
  Interpretation in;
  if (b.leaves.size() > 1) {
    if (!only)
      unsupported(b, "leaf-list '" + b.title + "'",
                  "a leaf-list is read one leaf at a time, as '" + b.name + "." + b.leaves.front()->name + "'");
    bool variable = false;
    std::size_t stride = 0, offset = 0, index = 0;
    for (std::size_t i = 0; i < b.leaves.size(); ++i) {
      const LeafModel& l = *b.leaves[i];
      Item item;
      if (l.count || l.class_name == "TLeafC" || !item_of_leaf(l, item)) {
        variable = true;
        continue;
      }
      if (&l == only) {
        offset = stride;
        index = i;
      }
      stride += item.disk_size * static_cast<std::size_t>(std::max(l.fLen, 1));
    }
    for (std::size_t i = 0; i < b.leaves.size(); ++i)
      if (b.leaves[i].get() == only) index = i;
    if (variable) {
      for (const auto& l : b.leaves) {
        Item item;
        if (l->class_name != "TLeafC" && !item_of_leaf(*l, item))
          unsupported(b, "leaf-list '" + b.title + "'", "leaf '" + l->name + "' has type " + l->class_name);
        if (l->count && std::none_of(b.leaves.begin(), b.leaves.end(),
                                     [&](const auto& o) { return o.get() == l->count; }))
          unsupported(b, "leaf-list '" + b.title + "'",
                      "leaf '" + l->name + "' is sized by a leaf of another branch inside a leaf-list");
        in.leaf_list.push_back(l.get());
      }
      in.layout = Interpretation::Layout::kLeafListVar;
      in.leaf_index = index;
      if (only->class_name != "TLeafC") {
        (void)item_of_leaf(*only, in.item);
        in.inner_shape = leaf_shape(*only);
      }
      return in;
    }
    if (!item_of_leaf(*only, in.item)) unsupported(b, only->class_name, "unknown leaf class");
    in.layout = Interpretation::Layout::kFixed;
    in.inner_shape = leaf_shape(*only);
    in.entry_stride = stride;
    in.entry_offset = offset;
    return in;
  }
  const LeafModel& leaf = *b.leaves.front();
  if (leaf.class_name == "TLeafC") {
    in.layout = Interpretation::Layout::kString;
    return in;
  }
  if (!item_of_leaf(leaf, in.item)) unsupported(b, leaf.class_name, "evclass does not know this leaf class");
  if (leaf.count) {
    in.layout = Interpretation::Layout::kCounted;
    in.inner_shape = leaf_shape(leaf);
    if (leaf.count_branch && leaf.count_branch->leaves.size() == 1) in.size_branch = leaf.count_branch;
    return in;
  }
  in.layout = Interpretation::Layout::kFixed;
  in.inner_shape = leaf_shape(leaf);
  in.entry_stride = in.item.disk_size * static_cast<std::size_t>(product(in.inner_shape));
  return in;
}

Interpretation interpret_element(const BranchModel& b, const StreamerRegistry& streamers) {
  Interpretation in;
  const int st = b.fStreamerType;
  const StreamerElement* e = find_element(b, streamers);
  const FloatRange range = e ? e->range : FloatRange{};
  using namespace stype;
  using L = Interpretation::Layout;

  if (b.fType == 3 || b.fType == 4) {  // the size of a split collection, one Int_t per entry
    in.layout = L::kFixed;
    in.item = plain(DType::kInt32, 4);
    in.entry_stride = 4;
    return in;
  }
  if (!b.branches.empty()) {
    unsupported(b, b.fClassName.empty() ? b.class_name : b.fClassName,
                "it is a split object whose data live in its sub-branches; read those instead");
  }
  // Members of a split TClonesArray (31) or STL collection (41): the values of every element of
  // the entry, one after the other, without a header.
  if (b.fType == 31 || b.fType == 41) {
    if (st > 0 && st < kOffsetL && basic_item(st, range, in.item)) {
      in.layout = L::kCollectionMember;
      in.size_branch = b.branch_count;
      return in;
    }
    if (st > kOffsetL && st < kOffsetP && basic_item(st - kOffsetL, range, in.item)) {
      in.layout = L::kCollectionMember;
      in.inner_shape = element_shape(e, b, e ? e->array_length : 0);
      in.size_branch = b.branch_count;
      return in;
    }
    if (st > kOffsetP && st < kOffsetP + 20 && basic_item(st - kOffsetP, range, in.item)) {
      if (!b.branch_count2) unsupported(b, "pointer array", "the branch holding its sizes (fBranchCount2) is missing");
      in.layout = L::kCollectionPointerArray;
      in.count_branch = b.branch_count2;
      return in;
    }
    if (b.fType == 41 && (st == kSTL || st == kSTLstring || st == kStreamer)) {
      const std::string type = e ? strip_std(e->type_name) : std::string{};
      auto node = parse_stl_type(type);
      if (!node) unsupported(b, e ? e->type_name : "an STL container", "this container type is not supported yet");
      if (!b.branch_count) unsupported(b, type, "the branch holding the collection sizes (fBranchCount) is missing");
      in.layout = L::kCollectionStl;
      in.stl = node;
      in.count_branch = b.branch_count;
      return in;
    }
    unsupported(b, e ? e->type_name : fmt::format("streamer type {}", st), "this member type of a split collection");
  }
  if (b.fType != 0 && b.fType != -1) unsupported(b, b.fClassName, fmt::format("branch type {}", b.fType));

  if (b.fID < 0) {  // a whole object or container streamed into one branch
    const std::string cls = strip_std(b.fClassName);
    if (cls == "string" || cls == "TString") {
      in.layout = L::kString;
      return in;
    }
    if (auto node = parse_stl_type(cls); node && node->kind == StlNode::Kind::kSequence) {
      in.layout = L::kStl;
      in.stl = node;
      in.stl_header = true;
      return in;
    }
    unsupported(b, b.fClassName, "objects of this class are not split into numeric members");
  }
  if (st > 0 && st < kOffsetL && st != kCharStar) {
    if (!basic_item(st, range, in.item)) unsupported(b, fmt::format("streamer type {}", st), "unknown basic type");
    in.layout = L::kFixed;
    in.entry_stride = in.item.disk_size;
    return in;
  }
  if (st == kCharStar) {
    in.layout = L::kCharStar;
    return in;
  }
  if (st == kOffsetL + kChar) {
    in.layout = L::kCharArray;
    in.char_array_size = static_cast<std::size_t>(e ? e->array_length : product(title_dimensions(b.name)));
    if (in.char_array_size == 0) unsupported(b, "char[]", "its length is unknown");
    return in;
  }
  if (st > kOffsetL && st < kOffsetP) {
    if (!basic_item(st - kOffsetL, range, in.item)) unsupported(b, fmt::format("streamer type {}", st), "unknown basic type");
    in.layout = L::kFixed;
    in.inner_shape = element_shape(e, b, e ? e->array_length : 0);
    in.entry_stride = in.item.disk_size * static_cast<std::size_t>(product(in.inner_shape));
    return in;
  }
  if (st > kOffsetP && st < kOffsetP + 20) {
    if (!basic_item(st - kOffsetP, range, in.item)) unsupported(b, fmt::format("streamer type {}", st), "unknown basic type");
    in.layout = L::kPointerArray;
    return in;
  }
  if (st == kTString) {
    in.layout = L::kString;
    return in;
  }
  if (st == kSTL || st == kSTLstring || st == kStreamer) {
    const std::string type = e ? strip_std(e->type_name) : std::string{};
    if (auto node = parse_stl_type(type)) {
      in.layout = L::kStl;
      in.stl = node;
      in.stl_header = true;
      return in;
    }
    unsupported(b, e ? e->type_name : "an STL container", "this container type is not supported yet");
  }
  unsupported(b, e ? e->type_name : fmt::format("streamer type {}", st),
              "object members (TRef, pointers to objects, histograms) hold no numeric values");
}

}  // namespace

std::shared_ptr<StlNode> parse_stl_type(std::string_view type_name) { return parse_node(strip_std(std::string(type_name))); }

DType Interpretation::dtype() const noexcept {
  switch (layout) {
    case Layout::kString:
    case Layout::kCharStar:
    case Layout::kCharArray: return DType::kString;
    case Layout::kStl:
    case Layout::kCollectionStl: {
      const StlNode* n = stl.get();
      while (n->kind == StlNode::Kind::kSequence) n = n->inner.get();
      return n->kind == StlNode::Kind::kString ? DType::kString : n->item.dtype;
    }
    case Layout::kLeafListVar:
      return leaf_list[leaf_index]->class_name == "TLeafC" ? DType::kString : item.dtype;
    default: return item.dtype;
  }
}

std::size_t Interpretation::jagged_depth() const noexcept {
  switch (layout) {
    case Layout::kCounted:
    case Layout::kPointerArray:
    case Layout::kCollectionMember: return 1;
    case Layout::kCollectionPointerArray: return 2;
    case Layout::kStl: return stl_depth(*stl);
    case Layout::kCollectionStl: return 1 + stl_depth(*stl);
    case Layout::kLeafListVar: return leaf_list[leaf_index]->count ? 1 : 0;
    default: return 0;
  }
}

Interpretation interpret(const BranchModel& branch, const StreamerRegistry& streamers, const LeafModel* leaf) {
  if (branch.class_name == "TBranch") return interpret_plain(branch, leaf);
  if (branch.class_name == "TBranchElement") return interpret_element(branch, streamers);
  if (branch.class_name == "TBranchObject")
    unsupported(branch, branch.fClassName,
                branch.branches.empty() ? "an unsplit object holds no numeric values evclass can read"
                                        : "it is a split object whose data live in its sub-branches; read those");
  unsupported(branch, branch.fClassName.empty() ? branch.class_name : branch.fClassName,
              fmt::format("branches of class {} hold objects, not numbers", branch.class_name));
}

BranchDescription describe(const BranchModel& b, const StreamerRegistry& streamers) {
  BranchDescription d;
  const bool member = b.class_name == "TBranchElement" && b.fID >= 0;
  const std::string prefix = (b.fType == 31 || b.fType == 41) ? "collection-member:" : member ? "member:" : "";
  if (b.class_name == "TBranch" && b.leaves.size() > 1) {
    d.type = b.title;
    d.kind = "leaflist";
    d.readable = true;
    for (const auto& l : b.leaves) {
      try {
        (void)interpret(b, streamers, l.get());
      } catch (const Unsupported& e) {
        d.readable = false;
        d.unsupported = e.what();
      }
    }
    return d;
  }
  try {
    const Interpretation in = interpret(b, streamers);
    d.readable = true;
    using L = Interpretation::Layout;
    switch (in.layout) {
      case L::kFixed:
        d.type = item_type_name(in.item) + dims_suffix(in.inner_shape);
        d.kind = prefix + (in.inner_shape.empty() ? "scalar" : "fixed-array");
        if (b.fType == 3 || b.fType == 4) d.kind = "collection-size";
        break;
      case L::kCounted: {
        const LeafModel& l = *b.leaves.front();
        d.type = item_type_name(in.item) + "[" + l.count->name + "]" + dims_suffix(in.inner_shape);
        d.kind = "var-array";
        break;
      }
      case L::kPointerArray:
        d.type = item_type_name(in.item) + "*";
        d.kind = prefix + "var-array";
        break;
      case L::kCollectionMember:
        d.type = item_type_name(in.item) + dims_suffix(in.inner_shape);
        d.kind = prefix + (in.inner_shape.empty() ? "scalar" : "fixed-array");
        break;
      case L::kCollectionPointerArray:
        d.type = item_type_name(in.item) + "*";
        d.kind = prefix + "var-array";
        break;
      case L::kString:
        d.type = b.class_name == "TBranch" ? "char*" : (b.fStreamerType == stype::kTString ? "TString" : display_type(b.fClassName));
        d.kind = prefix + "string";
        break;
      case L::kCharStar:
        d.type = "char*";
        d.kind = prefix + "string";
        break;
      case L::kCharArray:
        d.type = fmt::format("char[{}]", in.char_array_size);
        d.kind = prefix + "string";
        break;
      case L::kCollectionStl:
      case L::kStl: {
        const StreamerElement* e = member ? find_element(b, streamers) : nullptr;
        d.type = display_type(e ? e->type_name : b.fClassName);
        d.kind = prefix + (in.stl->kind == StlNode::Kind::kString ? "string" : "stl");
        break;
      }
      case L::kLeafListVar: break;
    }
  } catch (const Unsupported& e) {
    d.readable = false;
    d.unsupported = e.what();
    d.type = b.fClassName.empty() ? b.class_name : b.fClassName;
    if (b.fType == 1) d.type = b.name;  // a base class split into its own branch
    if (member) {
      if (const StreamerElement* el = find_element(b, streamers)) d.type = el->type_name;
    }
    d.kind = !b.branches.empty() ? "object(split)" : prefix + "object";
  }
  return d;
}

}  // namespace evclass::root::detail
