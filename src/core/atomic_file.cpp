#include "evclass/core/atomic_file.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::core {

namespace {
std::atomic<int> counter{0};
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  tmp_ = fmt::format("{}.tmp-{}-{}", path_, static_cast<long>(::getpid()), counter++);
  f_ = std::fopen(tmp_.c_str(), "wb");
  if (!f_) throw IoError(fmt::format("cannot create '{}' (for '{}'): {}", tmp_, path_, std::strerror(errno)));
}

AtomicFile::~AtomicFile() {
  if (f_) std::fclose(f_);
  if (!committed_) std::remove(tmp_.c_str());
}

void AtomicFile::write(const void* data, std::size_t n) {
  if (n && std::fwrite(data, 1, n, f_) != n)
    throw IoError(fmt::format("cannot write '{}': {}", tmp_, std::strerror(errno)));
}

void AtomicFile::write(std::string_view bytes) { write(bytes.data(), bytes.size()); }

void AtomicFile::write_at(std::uint64_t offset, std::string_view bytes) {
  if (std::fflush(f_) != 0) throw IoError(fmt::format("cannot write '{}': {}", tmp_, std::strerror(errno)));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(::fileno(f_), bytes.data() + done, bytes.size() - done,
                               static_cast<off_t>(offset + done));
    if (n <= 0) throw IoError(fmt::format("cannot write '{}': {}", tmp_, std::strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
}

void AtomicFile::commit() {
  if (std::fflush(f_) != 0 || ::fsync(::fileno(f_)) != 0)
    throw IoError(fmt::format("cannot write '{}': {}", tmp_, std::strerror(errno)));
  std::fclose(f_);
  f_ = nullptr;
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
    throw IoError(fmt::format("cannot rename '{}' to '{}': {}", tmp_, path_, std::strerror(errno)));
  committed_ = true;
}

}  // namespace evclass::core
