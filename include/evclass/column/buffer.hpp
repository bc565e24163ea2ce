#pragma once
// An owned, growable byte buffer that does not zero memory it is about to overwrite
// (std::vector<std::byte> would memset every column before decoding into it). Large buffers
// are aligned to 2 MiB and offered to the kernel's transparent huge pages: writing a column
// into fresh memory otherwise costs a page fault every 4 KiB, which the read benchmark measured
// at a fifth to a third of the time spent reading zlib-compressed branches.

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <utility>

namespace evclass::column {

/// Memory for column storage: large blocks aligned to 2 MiB and offered to transparent huge
/// pages, small ones cache-line aligned. Release with std::free. Throws std::bad_alloc.
[[nodiscard]] void* allocate_column_bytes(std::size_t bytes);

/// Allocator for the numeric vectors of a column (offsets), which are always filled right after
/// they grow: resize() leaves new elements uninitialised instead of zeroing them first, and
/// large vectors get huge pages (the read benchmark spent a fifth of a jagged read zeroing and
/// faulting in fresh offset pages).
template <class T>
struct ColumnAllocator {
  using value_type = T;
  ColumnAllocator() noexcept = default;
  template <class U>
  ColumnAllocator(const ColumnAllocator<U>&) noexcept {}  // NOLINT: allocators convert implicitly
  [[nodiscard]] T* allocate(std::size_t n) { return static_cast<T*>(allocate_column_bytes(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) noexcept { std::free(p); }
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialise: no zeroing
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <class U>
  friend bool operator==(const ColumnAllocator&, const ColumnAllocator<U>&) noexcept {
    return true;
  }
};

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(std::size_t size) { resize(size); }
  Buffer(const Buffer& other) { *this = other; }
  Buffer& operator=(const Buffer& other) {
    if (this != &other) {
      Buffer copy;
      copy.resize(other.size_);
      if (other.size_) std::memcpy(copy.data_.get(), other.data_.get(), other.size_);
      *this = std::move(copy);
    }
    return *this;
  }
  // A moved-from buffer is empty, with no capacity, and usable again (a defaulted move would
  // leave its sizes behind without the memory).
  Buffer(Buffer&& other) noexcept
      : data_(std::move(other.data_)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    return *this;
  }

  /// Grows or shrinks; existing bytes are kept, new bytes are uninitialised.
  void resize(std::size_t size) {
    if (size > capacity_) {
      std::size_t cap = std::max(size, capacity_ + capacity_ / 2);
      Storage fresh = allocate(cap);
      if (size_) std::memcpy(fresh.get(), data_.get(), size_);
      data_ = std::move(fresh);
      capacity_ = cap;
    }
    size_ = size;
  }
  /// Makes room for `size` bytes in all, keeping the contents and the size.
  void reserve(std::size_t size) {
    const std::size_t kept = size_;
    if (size > capacity_) resize(size);
    size_ = kept;
  }
  void append(const void* src, std::size_t n) {
    std::size_t old = size_;
    resize(size_ + n);
    if (n) std::memcpy(data_.get() + old, src, n);
  }
  void clear() noexcept { size_ = 0; }

  [[nodiscard]] std::byte* data() noexcept { return data_.get(); }
  [[nodiscard]] const std::byte* data() const noexcept { return data_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {data_.get(), size_}; }

 private:
  struct Free {
    void operator()(std::byte* p) const noexcept { std::free(p); }
  };
  using Storage = std::unique_ptr<std::byte, Free>;
  /// Throws std::bad_alloc when the memory is not there.
  static Storage allocate(std::size_t bytes);

  Storage data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace evclass::column
