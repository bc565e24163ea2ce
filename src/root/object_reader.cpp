#include "root/object_reader.hpp"

#include <bit>
#include <limits>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::root::detail {

namespace {

constexpr std::uint32_t kByteCountMask = 0x40000000;
constexpr std::uint32_t kNewClassTag = 0xFFFFFFFF;
constexpr std::uint32_t kClassMask = 0x80000000;
constexpr std::int64_t kMapOffset = 2;
constexpr std::uint32_t kIsReferenced = 1u << 4;
constexpr int kStreamedMemberWise = 0x4000;
constexpr int kMaxDepth = 64;  // nesting deeper than any real class hierarchy means corrupt bytes

// Classes a tree cannot be read without: a problem inside them is an error, never skipped.
bool is_essential(std::string_view cls) {
  if (cls == "TBranchRef") return false;
  return cls.starts_with("TBranch") || cls.starts_with("TLeaf") || cls == "TTree" || cls.starts_with("TNtuple") ||
         cls == "TBasket" || cls == "TObjArray" || cls.starts_with("TStreamer");
}

std::size_t basic_size(int basic) {
  using namespace stype;
  switch (basic) {
    case kChar: case kUChar: case kBool: case kLegacyChar: return 1;
    case kShort: case kUShort: return 2;
    case kInt: case kUInt: case kCounter: case kBits: case kFloat: case kDouble32: case kFloat16: return 4;
    case kLong: case kULong: case kLong64: case kULong64: case kDouble: return 8;
    default: return 0;
  }
}

}  // namespace

double read_double32(RBuffer& buf, const FloatRange& r) {
  if (r.factor > 0) return static_cast<double>(buf.u32("Double32_t")) / r.factor + r.xmin;
  if (r.nbits > 0) {
    const std::uint32_t exponent = buf.u8("Double32_t exponent");
    const std::uint32_t mantissa = buf.u16("Double32_t mantissa");
    std::uint32_t bits = exponent << 23;
    bits |= (mantissa & ((1u << (r.nbits + 1)) - 1)) << (23 - r.nbits);
    float f = std::bit_cast<float>(bits);
    if ((1u << (r.nbits + 1)) & mantissa) f = -f;
    return f;
  }
  return buf.f32("Double32_t");
}

float read_float16(RBuffer& buf, const FloatRange& r) {
  if (r.factor > 0) return static_cast<float>(static_cast<double>(buf.u32("Float16_t")) / r.factor + r.xmin);
  FloatRange m = r;
  if (m.nbits == 0) m.nbits = 12;  // ROOT's default mantissa for a Float16_t without range
  m.factor = 0;
  return static_cast<float>(read_double32(buf, m));
}

VersionHeader ObjectReader::read_version() {
  VersionHeader h;
  h.start = buf_.pos();
  const std::uint32_t first = buf_.u32("version header");
  if (first & kByteCountMask) {
    const std::size_t count = first & ~kByteCountMask;
    h.has_count = true;
    h.end = buf_.pos() + count;
    if (count < 2 || h.end > buf_.size())
      buf_.fail_at(fmt::format("object byte count {} runs past the end of its record ({} bytes left)", count,
                               buf_.size() - buf_.pos()),
                   h.start);
    h.version = buf_.i16("class version");
  } else {
    buf_.seek(h.start, "class version");
    h.version = buf_.i16("class version");
  }
  if (h.version & kStreamedMemberWise) {
    h.memberwise = true;
    h.version &= ~kStreamedMemberWise;
  }
  if (h.version <= 0 && h.has_count && h.end - buf_.pos() >= 4) h.checksum = buf_.u32("class checksum");
  return h;
}

void ObjectReader::check_end(const VersionHeader& h, std::string_view class_name) {
  if (!h.has_count || buf_.pos() == h.end) return;
  buf_.fail(fmt::format("object of class {} (version {}) should end at byte {} by its byte count, but its members "
                        "ended at byte {}",
                        class_name, h.version, h.end, buf_.pos()));
}

ObjectPtr ObjectReader::read_any() {
  const std::int64_t beg = buf_.tag_pos();
  const std::size_t beg_pos = buf_.pos();
  const std::uint32_t bcnt = buf_.u32("object byte count or tag");
  std::uint32_t tag = bcnt;
  bool has_count = false;
  std::int64_t start = 0;
  std::size_t end = 0;
  if ((bcnt & kByteCountMask) && bcnt != kNewClassTag) {
    has_count = true;
    end = buf_.pos() + (bcnt & ~kByteCountMask);
    if (end > buf_.size())
      buf_.fail_at(fmt::format("object byte count {} runs past the end of its record", bcnt & ~kByteCountMask), beg_pos);
    start = buf_.tag_pos();
    tag = buf_.u32("object tag");
  }
  if (!(tag & kClassMask)) {
    if (tag == 0) return nullptr;
    auto it = refs_.find(tag);
    if (it != refs_.end())
      if (auto* obj = std::get_if<ObjectPtr>(&it->second)) return reading_.count(obj->get()) ? nullptr : *obj;
    if (has_count) {  // a reference we cannot resolve: skip the bytes it claims
      buf_.seek(end, "object");
      return nullptr;
    }
    buf_.fail_at(fmt::format("object reference tag {} does not point at an object read before", tag), beg_pos);
  }
  std::string class_name;
  if (tag == kNewClassTag) {
    class_name = buf_.cstring("class name", 1024);
    refs_[has_count ? start + kMapOffset : static_cast<std::int64_t>(refs_.size() + 1)] = class_name;
  } else {
    auto it = refs_.find(tag & ~kClassMask);
    const std::string* name = it == refs_.end() ? nullptr : std::get_if<std::string>(&it->second);
    if (!name)
      buf_.fail_at(fmt::format("class reference tag {} does not point at a class name read before", tag & ~kClassMask),
                   beg_pos);
    class_name = *name;
  }
  auto obj = std::make_shared<Object>();
  obj->class_name = class_name;
  obj->where = has_count ? beg + kMapOffset : -1;
  refs_[has_count ? beg + kMapOffset : static_cast<std::int64_t>(refs_.size() + 1)] = obj;
  try {
    reading_.insert(obj.get());
    read_class(class_name, *obj);
    reading_.erase(obj.get());
  } catch (const Error&) {
    reading_.erase(obj.get());
    if (!has_count || is_essential(class_name)) throw;
    obj->opaque = true;  // a side object (user info, index, ...) we cannot interpret: skip it
    buf_.seek(end, "object");
    return obj;
  }
  if (has_count && buf_.pos() != end) {
    if (is_essential(class_name))
      buf_.fail(fmt::format("object of class {} should end at byte {} by its byte count, but its members ended at "
                            "byte {}",
                            class_name, end, buf_.pos()));
    obj->opaque = true;
    buf_.seek(end, "object");
  }
  return obj;
}

ObjectPtr ObjectReader::read_embedded(std::string_view class_name) {
  auto obj = std::make_shared<Object>();
  obj->class_name = std::string(class_name);
  read_class(class_name, *obj);
  return obj;
}

void ObjectReader::read_class(std::string_view class_name, Object& into) {
  if (++depth_ > kMaxDepth) {
    depth_ = 0;
    buf_.fail(fmt::format("objects nested more than {} deep while reading class {}", kMaxDepth, class_name));
  }
  struct DepthGuard {
    int& d;
    ~DepthGuard() { --d; }
  } guard{depth_};
  if (read_builtin(class_name, into)) return;
  RBuffer::Scope scope(buf_, fmt::format("an object of class {}", class_name));
  const VersionHeader h = read_version();
  into.version = h.version;
  const StreamerInfo* info = nullptr;
  if (registry_) {
    if (h.checksum) info = registry_->find_by_checksum(class_name, h.checksum);
    if (!info) info = registry_->find(class_name, h.version);
  }
  if (!info) {
    if (h.has_count && !is_essential(class_name)) {
      into.opaque = true;
      buf_.seek(h.end, "object");
      return;
    }
    throw Unsupported(fmt::format("the file has no streamer info for class {} version {}, so it cannot be read "
                                  "(at {} in {})",
                                  class_name, h.version, buf_.describe_pos(h.start), buf_.origin().file_path));
  }
  read_members(*info, into);
  check_end(h, class_name);
}

bool ObjectReader::read_builtin(std::string_view cls, Object& into) {
  if (cls == "TObject") {
    read_tobject(into);
  } else if (cls == "TNamed") {
    read_tnamed(into);
  } else if (cls == "TList" || cls == "THashList") {
    read_collection(into, true);
  } else if (cls == "TObjArray") {
    read_collection(into, false);
  } else if (cls == "TObjString") {
    VersionHeader h = read_version();
    read_tobject(into);
    into.set("fString", buf_.tstring("TObjString"));
    check_end(h, cls);
  } else if (cls.starts_with("TArray") && cls.size() == 7) {
    const char t = cls[6];
    const std::int32_t n = buf_.i32("TArray size");
    const std::size_t width = t == 'C' ? 1 : t == 'S' ? 2 : (t == 'I' || t == 'F') ? 4 : 8;
    if (n < 0 || static_cast<std::size_t>(n) * width > buf_.remaining())
      buf_.fail(fmt::format("{} claims {} elements but only {} bytes are left", cls, n, buf_.remaining()));
    if (t == 'F' || t == 'D') {
      std::vector<double> v(static_cast<std::size_t>(n));
      for (auto& x : v) x = t == 'F' ? buf_.f32() : buf_.f64();
      into.set("fArray", std::move(v));
    } else {
      std::vector<std::int64_t> v(static_cast<std::size_t>(n));
      for (auto& x : v) x = width == 1 ? buf_.i8() : width == 2 ? buf_.i16() : width == 4 ? buf_.i32() : buf_.i64();
      into.set("fArray", std::move(v));
    }
  } else if (cls == "TBasket") {
    read_tbasket(into);
  } else if (cls == "TStreamerInfo") {
    RBuffer::Scope scope(buf_, "a TStreamerInfo");
    VersionHeader h = read_version();
    into.version = h.version;
    read_tnamed(into);
    if (h.version > 1) {
      into.set("fCheckSum", static_cast<std::int64_t>(buf_.u32("fCheckSum")));
      into.set("fClassVersion", static_cast<std::int64_t>(buf_.i32("fClassVersion")));
    }
    into.set("fElements", read_any());
    check_end(h, cls);
  } else if (cls.starts_with("TStreamer")) {
    RBuffer::Scope scope(buf_, fmt::format("a {}", cls));
    VersionHeader h = read_version();
    into.version = h.version;
    VersionHeader inner;
    // TStreamerSTLstring wraps a complete TStreamerSTL (its own header, then the element).
    if (cls == "TStreamerSTLstring") inner = read_version();
    read_streamer_element(into);
    if (cls == "TStreamerBase") {
      if (h.version > 2) into.set("fBaseVersion", static_cast<std::int64_t>(buf_.i32("fBaseVersion")));
    } else if (cls == "TStreamerBasicPointer" || cls == "TStreamerLoop") {
      into.set("fCountVersion", static_cast<std::int64_t>(buf_.i32("fCountVersion")));
      into.set("fCountName", buf_.tstring("fCountName"));
      into.set("fCountClass", buf_.tstring("fCountClass"));
    } else if (cls == "TStreamerSTL" || cls == "TStreamerSTLstring") {
      std::int64_t stl_type = buf_.i32("fSTLtype");
      const std::int64_t ctype = buf_.i32("fCtype");
      const std::string tn = into.get_string("fTypeName");
      // Old ROOT wrote sets as multimaps; ROOT itself corrects this when reading.
      if (stl_type == stl::kMultimap && (tn.starts_with("std::set") || tn.starts_with("set"))) stl_type = stl::kSet;
      if (stl_type == stl::kMultimap && (tn.starts_with("std::multiset") || tn.starts_with("multiset")))
        stl_type = stl::kMultiset;
      into.set("fSTLtype", stl_type);
      into.set("fCtype", ctype);
      if (cls == "TStreamerSTLstring") check_end(inner, "TStreamerSTL");
    }
    check_end(h, cls);
  } else if (cls == "TClonesArray" || cls == "TMap" || cls == "TRefArray" || cls == "TRef" || cls == "TProcessID") {
    // Custom streamers we do not need for trees: skip them whole when their size is known.
    VersionHeader h = read_version();
    if (!h.has_count)
      throw Unsupported(fmt::format("cannot skip an object of class {} without a byte count (at {} in {})", cls,
                                    buf_.describe_pos(h.start), buf_.origin().file_path));
    into.opaque = true;
    buf_.seek(h.end, cls);
  } else {
    return false;
  }
  return true;
}

void ObjectReader::read_tobject(Object& into) {
  const VersionHeader h = read_version();
  into.set("fUniqueID", static_cast<std::int64_t>(buf_.u32("TObject fUniqueID")));
  const std::uint32_t bits = buf_.u32("TObject fBits");
  into.set("fBits", static_cast<std::int64_t>(bits));
  if (bits & kIsReferenced) buf_.u16("TObject pidf");
  check_end(h, "TObject");
}

void ObjectReader::read_tnamed(Object& into) {
  const VersionHeader h = read_version();
  read_tobject(into);
  into.set("fName", buf_.tstring("TNamed fName"));
  into.set("fTitle", buf_.tstring("TNamed fTitle"));
  check_end(h, "TNamed");
}

void ObjectReader::read_collection(Object& into, bool is_list) {
  RBuffer::Scope scope(buf_, is_list ? "a TList" : "a TObjArray");
  const VersionHeader h = read_version();
  into.version = h.version;
  if (h.version > (is_list ? 3 : 2)) read_tobject(into);
  if (is_list || h.version > 1) into.set("fName", buf_.tstring("collection name"));
  const std::int32_t n = buf_.i32("number of objects");
  if (!is_list) buf_.i32("fLowerBound");
  // Every element takes at least 4 bytes, so a count beyond that is corrupt (and must not
  // make us reserve memory for it).
  if (n < 0 || static_cast<std::size_t>(n) > buf_.remaining() / 4)
    buf_.fail(fmt::format("collection claims {} objects but only {} bytes are left", n, buf_.remaining()));
  into.items.reserve(static_cast<std::size_t>(n));
  for (std::int32_t i = 0; i < n; ++i) {
    into.items.push_back(read_any());
    if (is_list) {
      std::size_t nch = buf_.u8("list option length");
      if (nch == 255) {
        const std::int32_t big = buf_.i32("list option length");
        if (big < 0) buf_.fail("negative list option length");
        nch = static_cast<std::size_t>(big);
      }
      buf_.skip(nch, "list option");
    }
  }
  check_end(h, is_list ? "TList" : "TObjArray");
}

void ObjectReader::read_tbasket(Object& into) {
  RBuffer::Scope scope(buf_, "an embedded TBasket");
  // TKey part (no version header of its own).
  into.set("fNbytes", static_cast<std::int64_t>(buf_.i32("fNbytes")));
  const std::int16_t key_version = buf_.i16("TKey version");
  into.set("fObjlen", static_cast<std::int64_t>(buf_.i32("fObjlen")));
  buf_.u32("fDatime");
  into.set("fKeylen", static_cast<std::int64_t>(buf_.i16("fKeylen")));
  buf_.i16("fCycle");
  if (key_version > 1000) {
    into.set("fSeekKey", buf_.i64("fSeekKey"));
    buf_.i64("fSeekPdir");
  } else {
    into.set("fSeekKey", static_cast<std::int64_t>(buf_.i32("fSeekKey")));
    buf_.i32("fSeekPdir");
  }
  buf_.tstring("fClassName");
  buf_.tstring("fName");
  buf_.tstring("fTitle");
  const VersionHeader h = read_version();
  into.version = h.version;
  const std::int32_t buffer_size = buf_.i32("fBufferSize");
  std::int32_t nev_buf_size = buf_.i32("fNevBufSize");
  if (nev_buf_size < 0) {
    if (nev_buf_size == std::numeric_limits<std::int32_t>::min()) buf_.fail("embedded basket has fNevBufSize -2^31");
    nev_buf_size = -nev_buf_size;
    buf_.u8("fIOBits");
  }
  const std::int32_t nev_buf = buf_.i32("fNevBuf");
  const std::int32_t last = buf_.i32("fLast");
  std::int8_t flag = buf_.i8("flag");
  into.set("fBufferSize", static_cast<std::int64_t>(buffer_size));
  into.set("fNevBufSize", static_cast<std::int64_t>(nev_buf_size));
  into.set("fNevBuf", static_cast<std::int64_t>(nev_buf));
  into.set("fLast", static_cast<std::int64_t>(last));
  if (nev_buf < 0 || last < 0) buf_.fail(fmt::format("embedded basket has negative fNevBuf {} or fLast {}", nev_buf, last));
  bool generate_offsets = false;
  if (flag >= 80) {
    generate_offsets = true;
    flag = static_cast<std::int8_t>(flag - 80);
  }
  into.set("flag", static_cast<std::int64_t>(flag));
  if (generate_offsets) into.set("generate_offsets", std::int64_t{1});
  if (!generate_offsets && flag != 0 && flag % 10 != 2) {
    if (nev_buf > 0) {
      const std::int32_t n = buf_.i32("entry offset count");
      if (n < 0 || static_cast<std::size_t>(n) > buf_.remaining() / 4)
        buf_.fail(fmt::format("embedded basket claims {} entry offsets but only {} bytes are left", n, buf_.remaining()));
      std::vector<std::int64_t> offsets(static_cast<std::size_t>(n));
      for (auto& o : offsets) o = buf_.i32("entry offset");
      if (flag > 20 && flag < 40)
        for (auto& o : offsets) o &= ~std::int64_t{0xFF000000};  // kDisplacementMask
      into.set("offsets", std::move(offsets));
    }
    if (flag > 40) {
      const std::int32_t n = buf_.i32("displacement count");
      if (n < 0 || static_cast<std::size_t>(n) > buf_.remaining() / 4) buf_.fail("corrupt displacement array");
      buf_.skip(static_cast<std::size_t>(n) * 4, "displacement array");
    }
  }
  if (flag == 1 || flag > 10) {
    std::size_t n = static_cast<std::size_t>(last);
    if (h.version <= 1) {
      const std::int32_t m = buf_.i32("basket buffer size");
      if (m < 0) buf_.fail("negative basket buffer size");
      n = static_cast<std::size_t>(m);
    }
    auto data = buf_.bytes(n, "embedded basket data");
    into.raw.assign(reinterpret_cast<const char*>(data.data()), data.size());
  }
  check_end(h, "TBasket");
}

void ObjectReader::read_streamer_element(Object& into) {
  const VersionHeader h = read_version();
  into.set("element_version", static_cast<std::int64_t>(h.version));
  read_tnamed(into);
  std::int64_t type = buf_.i32("fType");
  into.set("fSize", static_cast<std::int64_t>(buf_.i32("fSize")));
  into.set("fArrayLength", static_cast<std::int64_t>(buf_.i32("fArrayLength")));
  into.set("fArrayDim", static_cast<std::int64_t>(buf_.i32("fArrayDim")));
  std::size_t nmax = 5;
  if (h.version == 1) {
    const std::int32_t n = buf_.i32("fMaxIndex size");
    if (n < 0 || n > 64) buf_.fail(fmt::format("streamer element has {} dimensions", n));
    nmax = static_cast<std::size_t>(n);
  }
  std::vector<std::int64_t> max_index(nmax);
  for (auto& m : max_index) m = buf_.i32("fMaxIndex");
  into.set("fMaxIndex", std::move(max_index));
  const std::string type_name = buf_.tstring("fTypeName");
  if (type == stype::kUChar && (type_name == "Bool_t" || type_name == "bool")) type = stype::kBool;
  into.set("fType", type);
  into.set("fTypeName", type_name);
  if (h.version == 3) {
    into.set("fXmin", buf_.f64("fXmin"));
    into.set("fXmax", buf_.f64("fXmax"));
    into.set("fFactor", buf_.f64("fFactor"));
  }
  check_end(h, "TStreamerElement");
}

void ObjectReader::read_members(const StreamerInfo& info, Object& into) {
  for (const auto& e : info.elements) read_element(e, into);
}

Value ObjectReader::read_basic(const StreamerElement& e, int basic) {
  using namespace stype;
  switch (basic) {
    case kChar: return static_cast<std::int64_t>(buf_.i8(e.name));
    case kUChar: case kBool: case kLegacyChar: return static_cast<std::int64_t>(buf_.u8(e.name));
    case kShort: return static_cast<std::int64_t>(buf_.i16(e.name));
    case kUShort: return static_cast<std::int64_t>(buf_.u16(e.name));
    case kInt: case kCounter: return static_cast<std::int64_t>(buf_.i32(e.name));
    case kUInt: case kBits: return static_cast<std::int64_t>(buf_.u32(e.name));
    case kLong: case kLong64: return buf_.i64(e.name);
    case kULong: case kULong64: return static_cast<std::int64_t>(buf_.u64(e.name));
    case kFloat: return static_cast<double>(buf_.f32(e.name));
    case kDouble: return buf_.f64(e.name);
    case kDouble32: return read_double32(buf_, e.range);
    case kFloat16: return static_cast<double>(read_float16(buf_, e.range));
    default: break;
  }
  throw Unsupported(fmt::format("member '{}' has basic type code {} which evclass does not know (at {} in {})", e.name,
                                basic, buf_.describe_pos(buf_.pos()), buf_.origin().file_path));
}

void ObjectReader::read_basic_array(const StreamerElement& e, int basic, std::size_t n, Object& into) {
  const std::size_t width = basic_size(basic);
  if (width == 0)
    throw Unsupported(fmt::format("array member '{}' has basic type code {} which evclass does not know", e.name, basic));
  if (n > buf_.remaining() / width)
    buf_.fail(fmt::format("array member '{}' claims {} elements but only {} bytes are left", e.name, n, buf_.remaining()));
  if (basic == stype::kChar || basic == stype::kUChar) {
    auto b = buf_.bytes(n, e.name);
    into.set(e.name, std::string(reinterpret_cast<const char*>(b.data()), b.size()));
    return;
  }
  if (basic == stype::kFloat || basic == stype::kDouble || basic == stype::kDouble32 || basic == stype::kFloat16) {
    std::vector<double> v(n);
    for (auto& x : v) x = std::get<double>(read_basic(e, basic));
    into.set(e.name, std::move(v));
  } else {
    std::vector<std::int64_t> v(n);
    for (auto& x : v) x = std::get<std::int64_t>(read_basic(e, basic));
    into.set(e.name, std::move(v));
  }
}

void ObjectReader::read_stl_member(const StreamerElement& e, Object& into) {
  if (e.type == stype::kSTLstring || (e.type == stype::kSTL && e.stl_type == stl::kString)) {
    into.set(e.name, buf_.tstring(e.name));
    return;
  }
  const VersionHeader h = read_version();
  if (!h.has_count)
    throw Unsupported(fmt::format("member '{}' of type {} has no byte count, which evclass cannot read (at {} in {})",
                                  e.name, e.type_name, buf_.describe_pos(h.start), buf_.origin().file_path));
  // Metadata classes hold no STL members we use; keep the bytes' place and move on.
  buf_.seek(h.end, e.name);
  into.set(e.name, std::monostate{});
}

void ObjectReader::read_element(const StreamerElement& e, Object& into) {
  using namespace stype;
  const int t = e.type;
  // Old files mark TObject/TNamed bases with their own type codes (kTObject, kTNamed).
  if (t == kBase || e.element_class == "TStreamerBase") {
    if (e.name == "TObject") read_tobject(into);
    else read_class(e.name, into);
    return;
  }
  if (t > 0 && t < kOffsetL && t != kCharStar) {
    into.set(e.name, read_basic(e, t));
    return;
  }
  if (t == kCharStar) {
    const std::int32_t n = buf_.i32(e.name);
    if (n < 0) buf_.fail(fmt::format("member '{}' has negative length {}", e.name, n));
    auto b = buf_.bytes(static_cast<std::size_t>(n), e.name);
    into.set(e.name, std::string(reinterpret_cast<const char*>(b.data()), b.size()));
    return;
  }
  if (t > kOffsetL && t < kOffsetP) {
    read_basic_array(e, t - kOffsetL, static_cast<std::size_t>(std::max(e.array_length, 0)), into);
    return;
  }
  if (t > kOffsetP && t < kOffsetP + 20) {
    const std::uint8_t is_array = buf_.u8("array pointer flag");
    std::int64_t n = is_array ? into.get_int(e.count_name, -1) : 0;
    if (n < 0)
      buf_.fail(fmt::format("array member '{}' is sized by '{}', which was not read before it", e.name, e.count_name));
    read_basic_array(e, t - kOffsetP, static_cast<std::size_t>(n), into);
    return;
  }
  const int base_type = t >= kObject + kOffsetL && t < kSTL ? t - kOffsetL : t;
  const std::size_t repeat = (t != base_type || e.array_length > 1) ? static_cast<std::size_t>(std::max(e.array_length, 1)) : 1;
  std::string cls = e.type_name;
  while (!cls.empty() && (cls.back() == '*' || cls.back() == ' ')) cls.pop_back();
  auto read_one = [&]() -> Value {
    switch (base_type) {
      case kObject: case kAny: return read_embedded(cls);
      case kObjectp: case kObjectP: case kAnyp: case kAnyP: return read_any();
      case kTString: return buf_.tstring(e.name);
      case kTObject: { auto o = std::make_shared<Object>(); o->class_name = "TObject"; read_tobject(*o); return o; }
      case kTNamed: { auto o = std::make_shared<Object>(); o->class_name = "TNamed"; read_tnamed(*o); return o; }
      default: break;
    }
    throw Unsupported(fmt::format("member '{}' of type {} (streamer type {}) is not supported (at {} in {})", e.name,
                                  e.type_name, t, buf_.describe_pos(buf_.pos()), buf_.origin().file_path));
  };
  if (base_type == kSTL || base_type == kSTLstring || base_type == kStreamer || (t >= kSTL && t < kStreamer)) {
    read_stl_member(e, into);
    return;
  }
  if (repeat == 1) {
    into.set(e.name, read_one());
    return;
  }
  std::vector<ObjectPtr> objects;
  for (std::size_t i = 0; i < repeat; ++i) {
    Value v = read_one();
    if (auto* o = std::get_if<ObjectPtr>(&v)) objects.push_back(*o);
  }
  into.set(e.name, std::move(objects));
}

}  // namespace evclass::root::detail
