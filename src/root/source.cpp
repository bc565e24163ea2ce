#include "root/source.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::root::detail {

namespace {

class MappedFile final : public Source {
 public:
  MappedFile(const std::string& path) {
    path_ = path;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      throw IoError(fmt::format("cannot stat '{}': {}", path, std::strerror(err)));
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      throw IoError(fmt::format("'{}' is a directory, not a ROOT file", path));
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        int err = errno;
        ::close(fd);
        throw IoError(fmt::format("cannot map '{}': {}", path, std::strerror(err)));
      }
      data_ = static_cast<const std::byte*>(p);
    }
    ::close(fd);
  }
  ~MappedFile() override {
    if (data_) ::munmap(const_cast<std::byte*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept override { return {data_, size_}; }

 private:
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

class MemoryBytes final : public Source {
 public:
  MemoryBytes(std::vector<std::byte> data, std::string name) : data_(std::move(data)) { path_ = std::move(name); }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept override { return data_; }

 private:
  std::vector<std::byte> data_;
};

}  // namespace

std::shared_ptr<Source> Source::open_file(const std::string& path) { return std::make_shared<MappedFile>(path); }

std::shared_ptr<Source> Source::from_memory(std::vector<std::byte> data, std::string name) {
  return std::make_shared<MemoryBytes>(std::move(data), std::move(name));
}

}  // namespace evclass::root::detail
