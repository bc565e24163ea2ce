#pragma once
// Bounds-checked big-endian reading of ROOT's serialised bytes, with the chain of objects being
// read kept as breadcrumbs so that a corrupt-file error says what, where and in which object.

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace evclass::root::detail {

/// What an outer reader was doing (tree, branch, basket), formatted only when an error is raised.
class OuterContext {
 public:
  virtual ~OuterContext() = default;
  [[nodiscard]] virtual std::vector<std::string> context() const = 0;
};

/// Where a buffer's bytes sit, for error messages and for ROOT's object tags.
struct Origin {
  std::string_view file_path;
  std::int64_t file_offset = 0;   ///< file offset of byte 0 (when the bytes are the file's own)
  bool decompressed = false;      ///< bytes are the decompressed payload of the key at key_offset
  std::int64_t key_offset = -1;   ///< file offset of that key
  std::int64_t displacement = 0;  ///< ROOT counts object tags from the key start: the key length
};

class RBuffer {
 public:
  RBuffer(std::span<const std::byte> data, Origin origin) : data_(data), origin_(origin) {}

  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }
  [[nodiscard]] std::size_t size() const noexcept { return data_.size(); }
  [[nodiscard]] std::size_t remaining() const noexcept { return data_.size() - pos_; }
  [[nodiscard]] const Origin& origin() const noexcept { return origin_; }
  [[nodiscard]] std::span<const std::byte> data() const noexcept { return data_; }
  /// Position as ROOT's object-tag map counts it (from the start of the key).
  [[nodiscard]] std::int64_t tag_pos() const noexcept { return static_cast<std::int64_t>(pos_) + origin_.displacement; }

  void seek(std::size_t pos, std::string_view what) {
    if (pos > data_.size()) fail_size(what, pos - pos_, pos_);
    pos_ = pos;
  }
  void skip(std::size_t n, std::string_view what) { require(n, what); pos_ += n; }
  void require(std::size_t n, std::string_view what) const {
    if (n > remaining()) fail_size(what, n, pos_);
  }

  template <class T>
  T read(std::string_view what = "value") {
    require(sizeof(T), what);
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    if constexpr (sizeof(T) > 1 && std::endian::native == std::endian::little) v = byteswap(v);
    return v;
  }
  std::int8_t i8(std::string_view w = "int8") { return read<std::int8_t>(w); }
  std::uint8_t u8(std::string_view w = "uint8") { return read<std::uint8_t>(w); }
  std::int16_t i16(std::string_view w = "int16") { return read<std::int16_t>(w); }
  std::uint16_t u16(std::string_view w = "uint16") { return read<std::uint16_t>(w); }
  std::int32_t i32(std::string_view w = "int32") { return read<std::int32_t>(w); }
  std::uint32_t u32(std::string_view w = "uint32") { return read<std::uint32_t>(w); }
  std::int64_t i64(std::string_view w = "int64") { return read<std::int64_t>(w); }
  std::uint64_t u64(std::string_view w = "uint64") { return read<std::uint64_t>(w); }
  float f32(std::string_view w = "float") { return std::bit_cast<float>(read<std::uint32_t>(w)); }
  double f64(std::string_view w = "double") { return std::bit_cast<double>(read<std::uint64_t>(w)); }

  std::span<const std::byte> bytes(std::size_t n, std::string_view what) {
    require(n, what);
    auto out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  /// ROOT's TString: one length byte, or 255 followed by a 4-byte length.
  std::string tstring(std::string_view what = "TString");
  /// The same string as a view into the buffer's bytes (no copy).
  std::string_view tstring_view(std::string_view what = "TString");
  /// A NUL-terminated string (class names after a new-class tag).
  std::string cstring(std::string_view what, std::size_t max_length = 4096);

  /// Throws CorruptFile: "<message> at <offset>" followed by the breadcrumbs and the file path.
  [[noreturn]] void fail(std::string_view message) const;
  [[noreturn]] void fail_at(std::string_view message, std::size_t pos) const;
  /// "<where>" description of a position, e.g. "file offset 1234" or
  /// "byte 56 of the decompressed object of the key at file offset 1234".
  [[nodiscard]] std::string describe_pos(std::size_t pos) const;

  /// Names the object being read while it is in scope (breadcrumbs for error messages).
  class Scope {
   public:
    Scope(RBuffer& buf, std::string description) : buf_(buf) {
      buf_.crumbs_.push_back({std::move(description), nullptr, 0, nullptr, buf_.pos_});
    }
    /// "<prefix> <number><suffix>", formatted only if an error is raised (hot loops use this).
    Scope(RBuffer& buf, const char* prefix, std::int64_t number, const char* suffix) : buf_(buf) {
      buf_.crumbs_.push_back({{}, prefix, number, suffix, buf_.pos_});
    }
    ~Scope() { buf_.crumbs_.pop_back(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    RBuffer& buf_;
  };

  /// Breadcrumbs inherited from an outer reader (e.g. TTree 'Events' -> TBranch 'pt' -> basket 3).
  void set_outer_context(std::vector<std::string> context) { outer_ = std::move(context); }
  /// The same, described lazily by `context` (which must outlive the buffer).
  void set_outer_context(const OuterContext* context) { outer_lazy_ = context; }

 private:
  template <class T>
  static T byteswap(T v) noexcept {
    if constexpr (sizeof(T) == 2) return std::bit_cast<T>(__builtin_bswap16(std::bit_cast<std::uint16_t>(v)));
    else if constexpr (sizeof(T) == 4) return std::bit_cast<T>(__builtin_bswap32(std::bit_cast<std::uint32_t>(v)));
    else return std::bit_cast<T>(__builtin_bswap64(std::bit_cast<std::uint64_t>(v)));
  }
  [[noreturn]] void fail_size(std::string_view what, std::size_t wanted, std::size_t at) const;

  struct Crumb {
    std::string description;
    const char* prefix;
    std::int64_t number;
    const char* suffix;
    std::size_t pos;
  };
  std::span<const std::byte> data_;
  std::size_t pos_ = 0;
  Origin origin_;
  std::vector<Crumb> crumbs_;
  std::vector<std::string> outer_;
  const OuterContext* outer_lazy_ = nullptr;
};

/// Builds a CorruptFile message from its parts (used where no RBuffer is at hand).
[[nodiscard]] std::string corrupt_message(std::string_view what, std::string_view where,
                                          const std::vector<std::string>& context, std::string_view file_path);

}  // namespace evclass::root::detail
