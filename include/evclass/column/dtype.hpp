#pragma once
// The value types a column can hold.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace evclass::column {

enum class DType : std::uint8_t {
  kBool,
  kInt8,
  kUInt8,
  kInt16,
  kUInt16,
  kInt32,
  kUInt32,
  kInt64,
  kUInt64,
  kFloat32,
  kFloat64,
  kString,  ///< each value is a byte string (content + string offsets)
};

/// Bytes per value (for kString: 1, the size of one character).
[[nodiscard]] std::size_t dtype_size(DType t) noexcept;
/// "bool", "int8", ..., "float", "double", "string" (the names used in the .ref.json layout).
[[nodiscard]] std::string_view dtype_name(DType t) noexcept;

template <class T>
struct DTypeOf;
template <> struct DTypeOf<bool> { static constexpr DType value = DType::kBool; };
template <> struct DTypeOf<std::int8_t> { static constexpr DType value = DType::kInt8; };
template <> struct DTypeOf<std::uint8_t> { static constexpr DType value = DType::kUInt8; };
template <> struct DTypeOf<std::int16_t> { static constexpr DType value = DType::kInt16; };
template <> struct DTypeOf<std::uint16_t> { static constexpr DType value = DType::kUInt16; };
template <> struct DTypeOf<std::int32_t> { static constexpr DType value = DType::kInt32; };
template <> struct DTypeOf<std::uint32_t> { static constexpr DType value = DType::kUInt32; };
template <> struct DTypeOf<std::int64_t> { static constexpr DType value = DType::kInt64; };
template <> struct DTypeOf<std::uint64_t> { static constexpr DType value = DType::kUInt64; };
template <> struct DTypeOf<float> { static constexpr DType value = DType::kFloat32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::kFloat64; };

/// Calls fn(T{}) with T the C++ type of a numeric dtype (bool is stored as one byte, uint8).
template <class Fn>
decltype(auto) visit_numeric(DType t, Fn&& fn) {
  switch (t) {
    case DType::kBool: return fn(std::uint8_t{});
    case DType::kInt8: return fn(std::int8_t{});
    case DType::kUInt8: return fn(std::uint8_t{});
    case DType::kInt16: return fn(std::int16_t{});
    case DType::kUInt16: return fn(std::uint16_t{});
    case DType::kInt32: return fn(std::int32_t{});
    case DType::kUInt32: return fn(std::uint32_t{});
    case DType::kInt64: return fn(std::int64_t{});
    case DType::kUInt64: return fn(std::uint64_t{});
    case DType::kFloat32: return fn(float{});
    case DType::kFloat64: return fn(double{});
    case DType::kString: break;
  }
  return fn(std::uint8_t{});
}

}  // namespace evclass::column
