#include "root/wbuffer.hpp"

#include "evclass/core/error.hpp"

namespace evclass::root::detail {

void WBuffer::tstring(std::string_view s) {
  if (s.size() < 255) {
    u8(static_cast<std::uint8_t>(s.size()));
  } else {
    u8(255);
    i32(static_cast<std::int32_t>(s.size()));
  }
  raw(s);
}

std::size_t WBuffer::begin_object(std::int16_t version) {
  const std::size_t start = pos();
  u32(0);
  i16(version);
  return start;
}

void WBuffer::end_object(std::size_t start) {
  const std::size_t count = pos() - start - 4;
  EVC_ASSERT(count < kByteCountMask, "object too large for a ROOT byte count");
  const std::uint32_t v = static_cast<std::uint32_t>(count) | kByteCountMask;
  for (int i = 0; i < 4; ++i) data_[start + i] = static_cast<char>(v >> (8 * (3 - i)));
}

bool WBuffer::reference(const void* object) {
  const auto it = objects_.find(object);
  if (it == objects_.end()) return false;
  u32(it->second);
  return true;
}

std::size_t WBuffer::begin_pointer(std::string_view class_name, const void* object) {
  const std::size_t start = pos();
  u32(0);  // byte count, patched by end_pointer()
  const auto it = classes_.find(std::string(class_name));
  if (it != classes_.end()) {
    u32(it->second | kClassMask);
  } else {
    classes_.emplace(std::string(class_name), tag_offset(pos()));
    u32(kNewClassTag);
    raw(class_name);
    u8(0);
  }
  objects_.emplace(object, tag_offset(start));
  return start;
}

void WBuffer::patch_i32(std::size_t at, std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  for (int i = 0; i < 4; ++i) data_[at + i] = static_cast<char>(u >> (8 * (3 - i)));
}

void write_tobject(WBuffer& b) {
  constexpr std::uint32_t kObjectBits = 0x03000000;  // kNotDeleted | kIsOnHeap, as ROOT writes them
  b.i16(1);
  b.u32(0);
  b.u32(kObjectBits);
}

void write_tnamed(WBuffer& b, std::string_view name, std::string_view title) {
  const auto at = b.begin_object(1);
  write_tobject(b);
  b.tstring(name);
  b.tstring(title);
  b.end_object(at);
}

}  // namespace evclass::root::detail
