#pragma once
// Big-endian writing of ROOT's serialised objects: the mirror of RBuffer.
//
// Object framing follows ROOT's TBufferFile:
//   versioned object   [byte count | kByteCountMask][int16 version] members...
//   object pointer     0 (null) | offset of an object written before | a new object:
//                      [byte count | mask][class tag][versioned object]
//   class tag          kNewClassTag then the class name and '\0' the first time, afterwards the
//                      offset of that first tag | kClassMask
// Offsets count from the start of the key (its header included), plus kMapOffset: the buffer
// is created knowing the key length (`displacement`).

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace evclass::root::detail {

class WBuffer {
 public:
  static constexpr std::uint32_t kByteCountMask = 0x40000000;
  static constexpr std::uint32_t kClassMask = 0x80000000;
  static constexpr std::uint32_t kNewClassTag = 0xFFFFFFFF;
  static constexpr std::uint32_t kMapOffset = 2;

  explicit WBuffer(std::int64_t displacement = 0) : displacement_(displacement) {}

  [[nodiscard]] std::size_t pos() const noexcept { return data_.size(); }
  [[nodiscard]] const std::string& bytes() const noexcept { return data_; }
  [[nodiscard]] std::string take() noexcept { return std::move(data_); }
  void reserve(std::size_t n) { data_.reserve(n); }

  template <class T>
  void put(T v) {
    if constexpr (std::is_same_v<T, float>) {
      put(std::bit_cast<std::uint32_t>(v));
    } else if constexpr (std::is_same_v<T, double>) {
      put(std::bit_cast<std::uint64_t>(v));
    } else {
      using U = std::make_unsigned_t<T>;
      U u = static_cast<U>(v);
      char b[sizeof(T)];
      for (std::size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<char>(u >> (8 * (sizeof(T) - 1 - i)));
      data_.append(b, sizeof(T));
    }
  }
  void u8(std::uint8_t v) { data_.push_back(static_cast<char>(v)); }
  void i16(std::int16_t v) { put(v); }
  void i32(std::int32_t v) { put(v); }
  void u32(std::uint32_t v) { put(v); }
  void i64(std::int64_t v) { put(v); }
  void f32(float v) { put(v); }
  void f64(double v) { put(v); }
  void raw(std::string_view bytes) { data_.append(bytes); }
  /// TString: one length byte (255 then an int32 for long strings), then the characters.
  void tstring(std::string_view s);

  /// Starts a versioned object; returns the position to give to end_object().
  [[nodiscard]] std::size_t begin_object(std::int16_t version);
  /// Writes the byte count of the object started at `start`.
  void end_object(std::size_t start);

  /// Writes a null object pointer.
  void null_pointer() { u32(0); }
  /// Writes a reference to an object written earlier in this buffer; false if it was not.
  bool reference(const void* object);
  /// Starts a new object behind a pointer: byte count, class tag; remembers `object` for later
  /// references. Returns the position to give to end_pointer().
  [[nodiscard]] std::size_t begin_pointer(std::string_view class_name, const void* object);
  void end_pointer(std::size_t start) { end_object(start); }

  void patch_i32(std::size_t at, std::int32_t v);

 private:
  [[nodiscard]] std::uint32_t tag_offset(std::size_t at) const noexcept {
    return static_cast<std::uint32_t>(static_cast<std::int64_t>(at) + displacement_ + kMapOffset);
  }

  std::string data_;
  std::int64_t displacement_ = 0;
  std::unordered_map<std::string, std::uint32_t> classes_;   ///< class name -> tag offset
  std::unordered_map<const void*, std::uint32_t> objects_;   ///< object -> tag offset
};

/// TObject as ROOT streams it (version 1, fUniqueID 0, fBits of a heap object) and TNamed
/// (versioned, TObject, name, title): the bases of most objects the writer produces.
void write_tobject(WBuffer& b);
void write_tnamed(WBuffer& b, std::string_view name, std::string_view title);

}  // namespace evclass::root::detail
