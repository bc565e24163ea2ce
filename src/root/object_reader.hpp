#pragma once
// Reads ROOT-serialised objects from a buffer: pointers with class tags and back-references
// (TBuffer::ReadObjectAny), version headers with byte counts, built-in streamers for the few
// classes ROOT streams by hand (TObject, TNamed, TList, TObjArray, TArray*, TBasket,
// TStreamerInfo and its elements), and every other class member by member from the file's
// streamer infos. One reader per serialised record: references are local to it.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "root/object.hpp"
#include "root/rbuffer.hpp"
#include "root/streamer_info.hpp"

namespace evclass::root::detail {

/// A version header: optional byte count, class version, optional checksum.
struct VersionHeader {
  int version = 0;
  bool has_count = false;
  bool memberwise = false;   ///< kStreamedMemberWise bit of STL collections
  std::size_t start = 0;     ///< position of the header
  std::size_t end = 0;       ///< position after the object (when has_count)
  std::uint32_t checksum = 0;
};

class ObjectReader {
 public:
  ObjectReader(RBuffer& buf, const StreamerRegistry* registry) : buf_(buf), registry_(registry) {}

  /// An object pointer: null, a reference to an object read before, or a new object of a
  /// class named inline or referenced.
  ObjectPtr read_any();
  /// An object embedded by value (a member or base), starting with its version header.
  ObjectPtr read_embedded(std::string_view class_name);
  /// Reads the body of `class_name` into `into` (bases merge their members into the same object).
  void read_class(std::string_view class_name, Object& into);

  VersionHeader read_version();
  /// Checks that a byte-counted object ended where its count says.
  void check_end(const VersionHeader& h, std::string_view class_name);

  [[nodiscard]] RBuffer& buffer() noexcept { return buf_; }

 private:
  bool read_builtin(std::string_view class_name, Object& into);
  void read_tobject(Object& into);
  void read_tnamed(Object& into);
  void read_collection(Object& into, bool is_list);
  void read_tbasket(Object& into);
  void read_streamer_element(Object& into);
  void read_members(const StreamerInfo& info, Object& into);
  void read_element(const StreamerElement& e, Object& into);
  void read_basic_array(const StreamerElement& e, int basic, std::size_t n, Object& into);
  Value read_basic(const StreamerElement& e, int basic);
  void read_stl_member(const StreamerElement& e, Object& into);

  using Ref = std::variant<std::string, ObjectPtr>;
  RBuffer& buf_;
  const StreamerRegistry* registry_;
  std::map<std::int64_t, Ref> refs_;
  /// Objects whose members are being read: a reference to one of them (a damaged file, or a
  /// back-pointer to a container) would make a shared_ptr cycle, so it reads as null.
  std::set<const Object*> reading_;
  int depth_ = 0;
};

/// Decodes one Double32_t / Float16_t value as ROOT stores it for the given range.
double read_double32(RBuffer& buf, const FloatRange& r);
float read_float16(RBuffer& buf, const FloatRange& r);

}  // namespace evclass::root::detail
