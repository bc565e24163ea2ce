#pragma once
// The streamer-info record: for each (class, version) written in a file, the ordered list of
// its members (streamer elements) with their on-disk types. Generic object reading and the
// interpretation of split branches both work from it.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "root/object.hpp"

namespace evclass::root::detail {

/// ROOT's TVirtualStreamerInfo::EReadWrite type codes (the fType of a streamer element).
namespace stype {
inline constexpr int kBase = 0, kChar = 1, kShort = 2, kInt = 3, kLong = 4, kFloat = 5, kCounter = 6,
                     kCharStar = 7, kDouble = 8, kDouble32 = 9, kLegacyChar = 10, kUChar = 11, kUShort = 12,
                     kUInt = 13, kULong = 14, kBits = 15, kLong64 = 16, kULong64 = 17, kBool = 18, kFloat16 = 19,
                     kOffsetL = 20, kOffsetP = 40, kObject = 61, kAny = 62, kObjectp = 63, kObjectP = 64,
                     kTString = 65, kTObject = 66, kTNamed = 67, kAnyp = 68, kAnyP = 69, kAnyPnoVT = 70,
                     kSTLp = 71, kSTL = 300, kSTLstring = 365, kStreamer = 500, kStreamLoop = 501;
}  // namespace stype

/// ROOT's ESTLType (fSTLtype of TStreamerSTL).
namespace stl {
inline constexpr int kVector = 1, kList = 2, kDeque = 3, kMap = 4, kMultimap = 5, kSet = 6, kMultiset = 7,
                     kBitset = 8, kForwardlist = 9, kUnorderedSet = 10, kUnorderedMultiset = 11,
                     kUnorderedMap = 12, kUnorderedMultimap = 13, kString = 365;
}  // namespace stl

/// Range of a Double32_t / Float16_t, parsed from "[xmin,xmax,nbits]" in a title.
struct FloatRange {
  double xmin = 0;
  double xmax = 0;
  double factor = 0;  ///< > 0: stored as an unsigned integer scaled into [xmin, xmax]
  int nbits = 0;      ///< factor == 0 and nbits > 0: stored as exponent + truncated mantissa
};

/// Parses ROOT's range comment ("[-pi,pi,16]", "[0,0,10]", a leading dimension "[3][0,1,8]").
[[nodiscard]] FloatRange parse_float_range(std::string_view title);

struct StreamerElement {
  std::string element_class;  ///< TStreamerBase, TStreamerBasicType, TStreamerSTL, ...
  std::string name, title, type_name;
  int type = 0;
  int size = 0;
  int array_length = 0;
  int array_dim = 0;
  int max_index[5] = {0, 0, 0, 0, 0};
  int base_version = -1;         ///< TStreamerBase
  std::string count_name;        ///< TStreamerBasicPointer / TStreamerLoop
  std::string count_class;
  int stl_type = 0, ctype = 0;   ///< TStreamerSTL
  FloatRange range;              ///< Double32_t / Float16_t
};

struct StreamerInfo {
  std::string class_name;
  int class_version = 0;
  std::uint32_t checksum = 0;
  std::vector<StreamerElement> elements;
};

class StreamerRegistry {
 public:
  /// Adds built-in descriptions of the leaf classes for files whose writer left them out of the
  /// streamer-info record (some non-ROOT writers do); versions the file describes are kept.
  void add_builtin_fallbacks();
  /// Builds the registry from the deserialised TList of the streamer-info record.
  void add_from_list(const Object& list);
  void add(StreamerInfo info);

  [[nodiscard]] const StreamerInfo* find(std::string_view class_name, int version) const;
  [[nodiscard]] const StreamerInfo* find_by_checksum(std::string_view class_name, std::uint32_t checksum) const;
  /// The highest version known for a class (used for classes whose objects carry no version).
  [[nodiscard]] const StreamerInfo* find_latest(std::string_view class_name) const;
  [[nodiscard]] bool empty() const noexcept { return infos_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return infos_.size(); }
  /// Every description, by class name, versions in the order they were added.
  [[nodiscard]] const std::map<std::string, std::vector<StreamerInfo>, std::less<>>& all() const noexcept {
    return infos_;
  }

 private:
  std::map<std::string, std::vector<StreamerInfo>, std::less<>> infos_;
};

}  // namespace evclass::root::detail
