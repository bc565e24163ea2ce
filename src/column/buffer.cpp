#include "evclass/column/buffer.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <new>

namespace evclass::column {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kCacheLine = 64;
}  // namespace

void* allocate_column_bytes(std::size_t bytes) {
  const bool huge = bytes >= 2 * kHugePage;
  const std::size_t align = huge ? kHugePage : kCacheLine;
  const std::size_t rounded = std::max<std::size_t>(align, (bytes + align - 1) / align * align);
  void* p = std::aligned_alloc(align, rounded);
  if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (huge) ::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: ignored where huge pages are off
#endif
  return p;
}

Buffer::Storage Buffer::allocate(std::size_t bytes) {
  return Storage(static_cast<std::byte*>(allocate_column_bytes(bytes)));
}

}  // namespace evclass::column
