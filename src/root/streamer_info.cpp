#include "root/streamer_info.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <numbers>

namespace evclass::root::detail {

namespace {

std::string squeeze_lower(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ROOT accepts pi, 2pi, 2*pi, twopi, pi/2, pi/4 (optionally negative) besides plain numbers.
double parse_bound(std::string_view text) {
  const std::string s = squeeze_lower(text);
  if (s.find("pi") != std::string::npos) {
    double v = std::numbers::pi;
    if (s.find("2pi") != std::string::npos || s.find("2*pi") != std::string::npos || s.find("twopi") != std::string::npos)
      v = 2 * std::numbers::pi;
    else if (s.find("pi/2") != std::string::npos)
      v = std::numbers::pi / 2;
    else if (s.find("pi/4") != std::string::npos)
      v = std::numbers::pi / 4;
    return s.find('-') != std::string::npos ? -v : v;
  }
  return std::strtod(s.c_str(), nullptr);
}

}  // namespace

FloatRange parse_float_range(std::string_view title) {
  FloatRange r;
  auto left = title.find('[');
  if (left == std::string_view::npos) return r;
  auto right = title.find(']', left);
  if (right == std::string_view::npos) return r;
  auto comma = title.find(',', left);
  if (comma == std::string_view::npos || comma > right) {
    // The first bracket was a dimension; the range is in the next one.
    left = title.find('[', right);
    if (left == std::string_view::npos) return r;
    right = title.find(']', left);
    if (right == std::string_view::npos) return r;
    comma = title.find(',', left);
    if (comma == std::string_view::npos || comma > right) return r;
  }
  auto comma2 = title.find(',', comma + 1);
  if (comma2 != std::string_view::npos && comma2 > right) comma2 = std::string_view::npos;
  int nbits = 32;
  std::string_view max_text = title.substr(comma + 1, right - comma - 1);
  if (comma2 != std::string_view::npos) {
    std::string bits(title.substr(comma2 + 1, right - comma2 - 1));
    nbits = std::atoi(bits.c_str());
    if (nbits < 2 || nbits > 32) nbits = 32;
    max_text = title.substr(comma + 1, comma2 - comma - 1);
  }
  r.xmin = parse_bound(title.substr(left + 1, comma - left - 1));
  r.xmax = parse_bound(max_text);
  const double bigint = nbits < 32 ? static_cast<double>(1u << nbits) : static_cast<double>(0xffffffffu);
  if (r.xmin < r.xmax) {
    r.factor = bigint / (r.xmax - r.xmin);
    r.nbits = nbits;
  } else if (nbits < 15) {
    // "[0,0,nbits]": no range, but only nbits of mantissa are kept.
    r.nbits = nbits;
    r.xmin = nbits + 0.1;
  }
  return r;
}

namespace {

constexpr std::int64_t kHasRange = 1 << 6;  // TStreamerElement status bit: title holds a range

StreamerElement element_from(const Object& o) {
  StreamerElement e;
  e.element_class = o.class_name;
  e.name = o.get_string("fName");
  e.title = o.get_string("fTitle");
  e.type_name = o.get_string("fTypeName");
  e.type = static_cast<int>(o.get_int("fType"));
  e.size = static_cast<int>(o.get_int("fSize"));
  e.array_length = static_cast<int>(o.get_int("fArrayLength"));
  e.array_dim = static_cast<int>(o.get_int("fArrayDim"));
  auto maxi = o.get_ints("fMaxIndex");
  for (std::size_t i = 0; i < 5 && i < maxi.size(); ++i) e.max_index[i] = static_cast<int>(maxi[i]);
  e.base_version = static_cast<int>(o.get_int("fBaseVersion", -1));
  e.count_name = o.get_string("fCountName");
  e.count_class = o.get_string("fCountClass");
  e.stl_type = static_cast<int>(o.get_int("fSTLtype"));
  e.ctype = static_cast<int>(o.get_int("fCtype"));
  const int basic = e.type % 20;
  if ((e.type < stype::kObject) && (basic == stype::kDouble32 || basic == stype::kFloat16)) {
    if (o.find("fFactor")) {
      // TStreamerElement v3 stored the range itself instead of deriving it from the title.
      e.range.xmin = o.get_double("fXmin");
      e.range.xmax = o.get_double("fXmax");
      e.range.factor = o.get_double("fFactor");
      if (e.range.factor == 0 && e.range.xmin > 0) e.range.nbits = static_cast<int>(e.range.xmin);
    } else if (o.get_int("element_version") <= 3 || (o.get_int("fBits") & kHasRange)) {
      e.range = parse_float_range(e.title);
    }
  }
  return e;
}

}  // namespace

void StreamerRegistry::add_from_list(const Object& list) {
  for (const auto& item : list.items) {
    if (!item || item->class_name != "TStreamerInfo") continue;
    StreamerInfo info;
    info.class_name = item->get_string("fName");
    info.class_version = static_cast<int>(item->get_int("fClassVersion"));
    info.checksum = static_cast<std::uint32_t>(item->get_int("fCheckSum"));
    if (auto elements = item->get_object("fElements"))
      for (const auto& e : elements->items)
        if (e) info.elements.push_back(element_from(*e));
    add(std::move(info));
  }
}

void StreamerRegistry::add(StreamerInfo info) {
  auto& versions = infos_[info.class_name];
  for (const auto& v : versions)
    if (v.class_version == info.class_version && v.checksum == info.checksum) return;
  versions.push_back(std::move(info));
}

namespace {

StreamerElement element(std::string element_class, std::string name, int type, std::string type_name) {
  StreamerElement e;
  e.element_class = std::move(element_class);
  e.name = std::move(name);
  e.type = type;
  e.type_name = std::move(type_name);
  return e;
}

StreamerInfo leaf_class(const char* name, int basic, const char* type_name) {
  StreamerInfo info{name, 1, 0, {}};
  info.elements.push_back(element("TStreamerBase", "TLeaf", stype::kBase, "BASE"));
  info.elements.push_back(element("TStreamerBasicType", "fMinimum", basic, type_name));
  info.elements.push_back(element("TStreamerBasicType", "fMaximum", basic, type_name));
  return info;
}

}  // namespace

void StreamerRegistry::add_builtin_fallbacks() {
  // TLeaf version 2 and its subclasses version 1, unchanged since ROOT 3.
  StreamerInfo leaf{"TLeaf", 2, 0, {}};
  leaf.elements.push_back(element("TStreamerBase", "TNamed", stype::kBase, "BASE"));
  leaf.elements.push_back(element("TStreamerBasicType", "fLen", stype::kInt, "Int_t"));
  leaf.elements.push_back(element("TStreamerBasicType", "fLenType", stype::kInt, "Int_t"));
  leaf.elements.push_back(element("TStreamerBasicType", "fOffset", stype::kInt, "Int_t"));
  leaf.elements.push_back(element("TStreamerBasicType", "fIsRange", stype::kBool, "Bool_t"));
  leaf.elements.push_back(element("TStreamerBasicType", "fIsUnsigned", stype::kBool, "Bool_t"));
  leaf.elements.push_back(element("TStreamerObjectPointer", "fLeafCount", stype::kObjectP, "TLeaf*"));
  std::vector<StreamerInfo> builtins = {
      leaf,
      leaf_class("TLeafB", stype::kChar, "Char_t"),
      leaf_class("TLeafS", stype::kShort, "Short_t"),
      leaf_class("TLeafI", stype::kInt, "Int_t"),
      leaf_class("TLeafL", stype::kLong64, "Long64_t"),
      leaf_class("TLeafG", stype::kLong, "Long_t"),
      leaf_class("TLeafF", stype::kFloat, "Float_t"),
      leaf_class("TLeafD", stype::kDouble, "Double_t"),
      leaf_class("TLeafO", stype::kBool, "Bool_t"),
      leaf_class("TLeafC", stype::kInt, "Int_t"),
  };
  StreamerInfo element_leaf{"TLeafElement", 1, 0, {}};
  element_leaf.elements.push_back(element("TStreamerBase", "TLeaf", stype::kBase, "BASE"));
  element_leaf.elements.push_back(element("TStreamerBasicType", "fID", stype::kInt, "Int_t"));
  element_leaf.elements.push_back(element("TStreamerBasicType", "fType", stype::kInt, "Int_t"));
  builtins.push_back(element_leaf);
  for (auto& b : builtins)
    if (!find(b.class_name, b.class_version)) add(std::move(b));
}

const StreamerInfo* StreamerRegistry::find(std::string_view class_name, int version) const {
  auto it = infos_.find(class_name);
  if (it == infos_.end()) return nullptr;
  for (const auto& v : it->second)
    if (v.class_version == version) return &v;
  return nullptr;
}

const StreamerInfo* StreamerRegistry::find_by_checksum(std::string_view class_name, std::uint32_t checksum) const {
  auto it = infos_.find(class_name);
  if (it == infos_.end()) return nullptr;
  for (const auto& v : it->second)
    if (v.checksum == checksum) return &v;
  return nullptr;
}

const StreamerInfo* StreamerRegistry::find_latest(std::string_view class_name) const {
  auto it = infos_.find(class_name);
  if (it == infos_.end() || it->second.empty()) return nullptr;
  return &*std::max_element(it->second.begin(), it->second.end(),
                            [](const auto& a, const auto& b) { return a.class_version < b.class_version; });
}

}  // namespace evclass::root::detail
