#pragma once
// Where a ROOT file's bytes come from. Everything above this layer sees byte ranges only.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace evclass::root::detail {

/// Read-only bytes of a whole file. The file is memory-mapped, so reading a byte range costs
/// nothing until the pages are touched, and memory use is bounded by what is decoded.
class Source {
 public:
  virtual ~Source() = default;
  [[nodiscard]] virtual std::span<const std::byte> bytes() const noexcept = 0;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] std::int64_t size() const noexcept { return static_cast<std::int64_t>(bytes().size()); }

  /// Maps `path`; throws IoError with the OS reason when it cannot be opened.
  static std::shared_ptr<Source> open_file(const std::string& path);
  /// Wraps bytes already in memory (tests, fuzzing); `name` stands in for the path in messages.
  static std::shared_ptr<Source> from_memory(std::vector<std::byte> data, std::string name);

 protected:
  std::string path_;
};

}  // namespace evclass::root::detail
