#include "root/streamer_writer.hpp"

#include <vector>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "root/streamer_info.hpp"

namespace evclass::root::detail {

namespace {

// One member of a class description, as a TStreamerElement subclass.
struct ElementDef {
  const char* element_class;  // TStreamerBase, TStreamerBasicType, ...
  const char* name;
  std::string title;
  int type;
  int size;
  const char* type_name;
  int base_version = 0;        // TStreamerBase
  std::uint32_t base_checksum = 0;
  const char* count_name = "";  // TStreamerBasicPointer
  const char* count_class = "";
  int count_version = 0;
  int stl_type = 0, ctype = 0;  // TStreamerSTL
};

struct ClassDef {
  std::string class_name;
  int version;
  std::uint32_t checksum;
  std::vector<ElementDef> elements;
};

// Class versions and checksums are those ROOT 6 writes (they identify the layout to readers).
constexpr std::uint32_t kTObjectSum = 0x901bc02d, kTNamedSum = 0xdfb74a3c, kTAttLineSum = 0x94074549,
                        kTAttFillSum = 0xffd92a92, kTAttMarkerSum = 0x291d8bec, kTBranchSum = 0x10978aac,
                        kTLeafSum = 0x6d1e8152, kTCollectionSum = 0x57e3cb9c, kTSeqCollectionSum = 0xfc6c3bc6;

ElementDef base(const char* name, const char* title, int version, std::uint32_t checksum) {
  // TObject and TNamed bases carry their own type codes.
  const std::string_view n(name);
  const int type = n == "TObject" ? stype::kTObject : n == "TNamed" ? stype::kTNamed : stype::kBase;
  return {"TStreamerBase", name, title, type, 0, "BASE", version, checksum};
}
ElementDef basic(const char* name, const char* title, int type, int size, const char* type_name) {
  return {"TStreamerBasicType", name, title, type, size, type_name};
}
ElementDef tstring(const char* name, const char* title) {
  return {"TStreamerString", name, title, stype::kTString, 24, "TString"};
}
ElementDef object(const char* name, const char* title, const char* type_name, int size) {
  return {"TStreamerObject", name, title, stype::kObject, size, type_name};
}
ElementDef object_any(const char* name, const char* title, const char* type_name, int size) {
  return {"TStreamerObjectAny", name, title, stype::kAny, size, type_name};
}
ElementDef object_pointer(const char* name, const char* title, const char* type_name) {
  return {"TStreamerObjectPointer", name, title, stype::kObjectP, 8, type_name};
}
ElementDef basic_pointer(const char* name, const char* title, int type, const char* type_name, const char* count,
                         const char* count_class, int count_version) {
  ElementDef e{"TStreamerBasicPointer", name, title, stype::kOffsetP + type, 8, type_name};
  e.count_name = count;
  e.count_class = count_class;
  e.count_version = count_version;
  return e;
}

ClassDef leaf_class(const char* name, std::uint32_t checksum, int type, int size, const char* type_name) {
  return {name, 1, checksum,
          {base("TLeaf", "Leaf: description of a Branch data type", 2, kTLeafSum),
           basic("fMinimum", "Minimum value if leaf range is specified", type, size, type_name),
           basic("fMaximum", "Maximum value if leaf range is specified", type, size, type_name)}};
}

std::vector<ClassDef> class_table() {
  using namespace stype;
  std::vector<ClassDef> t;
  t.push_back({"TObject", 1, kTObjectSum,
               {basic("fUniqueID", "object unique identifier", kUInt, 4, "unsigned int"),
                basic("fBits", "bit field status word", kBits, 4, "unsigned int")}});
  t.push_back({"TNamed", 1, kTNamedSum,
               {base("TObject", "Basic ROOT object", 1, kTObjectSum), tstring("fName", "object identifier"),
                tstring("fTitle", "object title")}});
  t.push_back({"TAttLine", 2, kTAttLineSum,
               {basic("fLineColor", "line color", kShort, 2, "short"),
                basic("fLineStyle", "line style", kShort, 2, "short"),
                basic("fLineWidth", "line width", kShort, 2, "short")}});
  t.push_back({"TAttFill", 2, kTAttFillSum,
               {basic("fFillColor", "fill area color", kShort, 2, "short"),
                basic("fFillStyle", "fill area style", kShort, 2, "short")}});
  t.push_back({"TAttMarker", 2, kTAttMarkerSum,
               {basic("fMarkerColor", "Marker color index", kShort, 2, "short"),
                basic("fMarkerStyle", "Marker style", kShort, 2, "short"),
                basic("fMarkerSize", "Marker size", kFloat, 4, "float")}});
  t.push_back({"ROOT::TIOFeatures", 1, 0x1aa12f10, {basic("fIOBits", "", kUChar, 1, "unsigned char")}});
  t.push_back({"TCollection", 3, kTCollectionSum,
               {base("TObject", "Basic ROOT object", 1, kTObjectSum), tstring("fName", "name of the collection"),
                basic("fSize", "number of elements in collection", kInt, 4, "int")}});
  t.push_back({"TSeqCollection", 0, kTSeqCollectionSum,
               {base("TCollection", "Collection abstract base class", 3, kTCollectionSum)}});
  t.push_back({"TList", 5, 0x69c5c3bb, {base("TSeqCollection", "Sequenceable collection ABC", 0, kTSeqCollectionSum)}});
  t.push_back({"TObjArray", 3, 0xa99e6552,
               {base("TSeqCollection", "Sequenceable collection ABC", 0, kTSeqCollectionSum),
                basic("fLowerBound", "Lower bound of the array", kInt, 4, "int"),
                basic("fLast", "Last element in array containing an object", kInt, 4, "int")}});
  t.push_back({"TString", 2, 0x00017419, {}});

  t.push_back({"TTree", 20, 0x7264e07f,
               {base("TNamed", "The basis for a named object (name, title)", 1, kTNamedSum),
                base("TAttLine", "Line attributes", 2, kTAttLineSum),
                base("TAttFill", "Fill area attributes", 2, kTAttFillSum),
                base("TAttMarker", "Marker attributes", 2, kTAttMarkerSum),
                basic("fEntries", "Number of entries", kLong64, 8, "Long64_t"),
                basic("fTotBytes", "Total number of bytes in all branches before compression", kLong64, 8, "Long64_t"),
                basic("fZipBytes", "Total number of bytes in all branches after compression", kLong64, 8, "Long64_t"),
                basic("fSavedBytes", "Number of autosaved bytes", kLong64, 8, "Long64_t"),
                basic("fFlushedBytes", "Number of auto-flushed bytes", kLong64, 8, "Long64_t"),
                basic("fWeight", "Tree weight (see TTree::SetWeight)", kDouble, 8, "double"),
                basic("fTimerInterval", "Timer interval in milliseconds", kInt, 4, "int"),
                basic("fScanField", "Number of runs before prompting in Scan", kInt, 4, "int"),
                basic("fUpdate", "Update frequency for EntryLoop", kInt, 4, "int"),
                basic("fDefaultEntryOffsetLen", "Initial Length of fEntryOffset table in the basket buffers", kInt, 4,
                      "int"),
                basic("fNClusterRange", "Number of Cluster range in addition to the one defined by 'AutoFlush'",
                      kCounter, 4, "int"),
                basic("fMaxEntries", "Maximum number of entries in case of circular buffers", kLong64, 8, "Long64_t"),
                basic("fMaxEntryLoop", "Maximum number of entries to process", kLong64, 8, "Long64_t"),
                basic("fMaxVirtualSize", "Maximum total size of buffers kept in memory", kLong64, 8, "Long64_t"),
                basic("fAutoSave", "Autosave tree when fAutoSave entries written or -fAutoSave (compressed) bytes "
                                   "produced", kLong64, 8, "Long64_t"),
                basic("fAutoFlush", "Auto-flush tree when fAutoFlush entries written or -fAutoFlush (compressed) "
                                    "bytes produced", kLong64, 8, "Long64_t"),
                basic("fEstimate", "Number of entries to estimate histogram limits", kLong64, 8, "Long64_t"),
                basic_pointer("fClusterRangeEnd", "[fNClusterRange] Last entry of a cluster range.", kLong64,
                              "Long64_t*", "fNClusterRange", "TTree", 20),
                basic_pointer("fClusterSize", "[fNClusterRange] Number of entries in each cluster for a given range.",
                              kLong64, "Long64_t*", "fNClusterRange", "TTree", 20),
                object_any("fIOFeatures", "IO features to define for newly-written baskets and branches.",
                           "ROOT::TIOFeatures", 1),
                object("fBranches", "List of Branches", "TObjArray", 64),
                object("fLeaves", "Direct pointers to individual branch leaves", "TObjArray", 64),
                object_pointer("fAliases", "List of aliases for expressions based on the tree branches.", "TList*"),
                object_any("fIndexValues", "Sorted index values", "TArrayD", 24),
                object_any("fIndex", "Index of sorted values", "TArrayI", 24),
                object_pointer("fTreeIndex", "Pointer to the tree Index (if any)", "TVirtualIndex*"),
                object_pointer("fFriends", "pointer to list of friend elements", "TList*"),
                object_pointer("fUserInfo", "pointer to a list of user objects associated to this Tree", "TList*"),
                object_pointer("fBranchRef", "Branch supporting the TRefTable (if any)", "TBranchRef*")}});

  t.push_back({"TBranch", 13, kTBranchSum,
               {base("TNamed", "The basis for a named object (name, title)", 1, kTNamedSum),
                base("TAttFill", "Fill area attributes", 2, kTAttFillSum),
                basic("fCompress", "Compression level and algorithm", kInt, 4, "int"),
                basic("fBasketSize", "Initial Size of  Basket Buffer", kInt, 4, "int"),
                basic("fEntryOffsetLen", "Initial Length of fEntryOffset table in the basket buffers", kInt, 4, "int"),
                basic("fWriteBasket", "Last basket number written", kInt, 4, "int"),
                basic("fEntryNumber", "Current entry number (last one filled in this branch)", kLong64, 8, "Long64_t"),
                object_any("fIOFeatures", "IO features for newly-created baskets.", "ROOT::TIOFeatures", 1),
                basic("fOffset", "Offset of this branch", kInt, 4, "int"),
                basic("fMaxBaskets", "Maximum number of Baskets so far", kCounter, 4, "int"),
                basic("fSplitLevel", "Branch split level", kInt, 4, "int"),
                basic("fEntries", "Number of entries", kLong64, 8, "Long64_t"),
                basic("fFirstEntry", "Number of the first entry in this branch", kLong64, 8, "Long64_t"),
                basic("fTotBytes", "Total number of bytes in all leaves before compression", kLong64, 8, "Long64_t"),
                basic("fZipBytes", "Total number of bytes in all leaves after compression", kLong64, 8, "Long64_t"),
                object("fBranches", "-> List of Branches of this branch", "TObjArray", 64),
                object("fLeaves", "-> List of leaves of this branch", "TObjArray", 64),
                object("fBaskets", "-> List of baskets of this branch", "TObjArray", 64),
                basic_pointer("fBasketBytes", "[fMaxBaskets] Length of baskets on file", kInt, "int*", "fMaxBaskets",
                              "TBranch", 13),
                basic_pointer("fBasketEntry", "[fMaxBaskets] Table of first entry in each basket", kLong64,
                              "Long64_t*", "fMaxBaskets", "TBranch", 13),
                basic_pointer("fBasketSeek", "[fMaxBaskets] Addresses of baskets on file", kLong64, "Long64_t*",
                              "fMaxBaskets", "TBranch", 13),
                tstring("fFileName", "Name of file where buffers are stored (\"\" if in same file as Tree header)")}});

  t.push_back({"TBranchElement", 10, 0xe74f5e63,
               {base("TBranch", "Branch descriptor", 13, kTBranchSum),
                tstring("fClassName", "Class name of referenced object"),
                tstring("fParentName", "Name of parent class"),
                tstring("fClonesName", "Name of class in TClonesArray (if any)"),
                basic("fCheckSum", "CheckSum of class", kUInt, 4, "unsigned int"),
                basic("fClassVersion", "Version number of class", kShort, 2, "short"),
                basic("fID", "element serial number in fInfo", kInt, 4, "int"),
                basic("fType", "branch type", kInt, 4, "int"),
                basic("fStreamerType", "branch streamer type", kInt, 4, "int"),
                basic("fMaximum", "Maximum entries for a TClonesArray or variable array", kInt, 4, "int"),
                object_pointer("fBranchCount", "pointer to primary branchcount branch", "TBranchElement*"),
                object_pointer("fBranchCount2", "pointer to secondary branchcount branch", "TBranchElement*")}});

  t.push_back({"TLeaf", 2, kTLeafSum,
               {base("TNamed", "The basis for a named object (name, title)", 1, kTNamedSum),
                basic("fLen", "Number of fixed length elements", kInt, 4, "int"),
                basic("fLenType", "Number of bytes for this data type", kInt, 4, "int"),
                basic("fOffset", "Offset in ClonesArray object (if one)", kInt, 4, "int"),
                basic("fIsRange", "(=kTRUE if leaf has a range, kFALSE otherwise)", kBool, 1, "bool"),
                basic("fIsUnsigned", "(=kTRUE if unsigned, kFALSE otherwise)", kBool, 1, "bool"),
                object_pointer("fLeafCount", "Pointer to Leaf count if variable length (we do not own the counter)",
                               "TLeaf*")}});
  t.push_back(leaf_class("TLeafO", 0x02ae48d3, kBool, 1, "bool"));
  t.push_back(leaf_class("TLeafB", 0x0f1e4b5e, kChar, 1, "char"));
  t.push_back(leaf_class("TLeafS", 0x150ceecf, kShort, 2, "short"));
  t.push_back(leaf_class("TLeafI", 0x7e6aae19, kInt, 4, "int"));
  t.push_back(leaf_class("TLeafL", 0xde320862, kLong64, 8, "Long64_t"));
  t.push_back(leaf_class("TLeafF", 0x3add9d72, kFloat, 4, "float"));
  t.push_back(leaf_class("TLeafD", 0x118e8776, kDouble, 8, "double"));
  t.push_back({"TLeafElement", 1, 0xa04f8893,
               {base("TLeaf", "Leaf: description of a Branch data type", 2, kTLeafSum),
                basic("fID", "element serial number in fInfo", kInt, 4, "int"),
                basic("fType", "leaf type", kInt, 4, "int")}});

  for (const auto dtype : {column::DType::kBool, column::DType::kInt8, column::DType::kUInt8, column::DType::kInt16,
                           column::DType::kUInt16, column::DType::kInt32, column::DType::kUInt32,
                           column::DType::kInt64, column::DType::kUInt64, column::DType::kFloat32,
                           column::DType::kFloat64}) {
    const VectorClass v = vector_class(dtype);
    ElementDef e{"TStreamerSTL", "This",
                 fmt::format("<{}> Used to call the proper TStreamerInfo case", v.root_type), kStreamer, 24, v.class_name.data()};
    e.stl_type = stl::kVector;
    e.ctype = v.ctype;
    ClassDef c{std::string(v.class_name), 6, stl_class_checksum(v.class_name), {e}};
    t.push_back(std::move(c));
  }
  return t;
}

int element_class_version(std::string_view cls) {
  return cls == "TStreamerBase" || cls == "TStreamerSTL" ? 3 : 2;
}

void write_element(WBuffer& b, const ElementDef& e) {
  const auto at = b.begin_pointer(e.element_class, &e);
  const auto outer = b.begin_object(static_cast<std::int16_t>(element_class_version(e.element_class)));
  const auto inner = b.begin_object(4);  // TStreamerElement
  write_tnamed(b, e.name, e.title);
  b.i32(e.type);
  b.i32(e.size);
  b.i32(0);  // fArrayLength
  b.i32(0);  // fArrayDim
  // fMaxIndex[5]; a base element keeps its base's checksum in the second slot, as ROOT does.
  const std::uint32_t max_index[5] = {0, e.base_checksum, 0, 0, 0};
  for (const std::uint32_t m : max_index) b.u32(m);
  b.tstring(e.type_name);
  b.end_object(inner);
  const std::string_view cls(e.element_class);
  if (cls == "TStreamerBase") {
    b.i32(e.base_version);
  } else if (cls == "TStreamerBasicPointer") {
    b.i32(e.count_version);
    b.tstring(e.count_name);
    b.tstring(e.count_class);
  } else if (cls == "TStreamerSTL") {
    b.i32(e.stl_type);
    b.i32(e.ctype);
  }
  b.end_object(outer);
  b.end_pointer(at);
}

}  // namespace

std::uint32_t stl_class_checksum(std::string_view class_name) noexcept {
  std::uint32_t id = 0;
  for (const char c : class_name) id = id * 3 + static_cast<unsigned char>(c);
  return id;
}

VectorClass vector_class(column::DType dtype) {
  using column::DType;
  switch (dtype) {
    case DType::kBool: return {"vector<bool>", stype::kBool, "Bool_t"};
    case DType::kInt8: return {"vector<char>", stype::kChar, "Char_t"};
    case DType::kUInt8: return {"vector<unsigned char>", stype::kUChar, "UChar_t"};
    case DType::kInt16: return {"vector<short>", stype::kShort, "Short_t"};
    case DType::kUInt16: return {"vector<unsigned short>", stype::kUShort, "UShort_t"};
    case DType::kInt32: return {"vector<int>", stype::kInt, "Int_t"};
    case DType::kUInt32: return {"vector<unsigned int>", stype::kUInt, "UInt_t"};
    case DType::kInt64: return {"vector<Long64_t>", stype::kLong64, "Long64_t"};
    case DType::kUInt64: return {"vector<ULong64_t>", stype::kULong64, "ULong64_t"};
    case DType::kFloat32: return {"vector<float>", stype::kFloat, "Float_t"};
    case DType::kFloat64: return {"vector<double>", stype::kDouble, "Double_t"};
    case DType::kString: break;
  }
  throw Unsupported("std::vector<string> branches cannot be written yet");
}

void write_streamer_info_list(WBuffer& b) {
  static const std::vector<ClassDef> table = class_table();
  const auto list = b.begin_object(5);  // TList
  write_tobject(b);
  b.tstring("");
  b.i32(static_cast<std::int32_t>(table.size()));
  for (const ClassDef& c : table) {
    const auto at = b.begin_pointer("TStreamerInfo", &c);
    const auto info = b.begin_object(9);
    write_tnamed(b, c.class_name, "");
    b.u32(c.checksum);
    b.i32(c.version);
    const auto arr_at = b.begin_pointer("TObjArray", &c.elements);
    const auto arr = b.begin_object(3);
    write_tobject(b);
    b.tstring("");
    b.i32(static_cast<std::int32_t>(c.elements.size()));
    b.i32(0);  // fLowerBound
    for (const ElementDef& e : c.elements) write_element(b, e);
    b.end_object(arr);
    b.end_pointer(arr_at);
    b.end_object(info);
    b.end_pointer(at);
    b.u8(0);  // the list entry's option string
  }
  b.end_object(list);
}

}  // namespace evclass::root::detail
