#pragma once
// Base64 (RFC 4648, with padding) for binary arrays inside JSON files: a tree model's node arrays
// are stored as little-endian bytes in base64, which keeps floats exact and files small.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evclass::core {

[[nodiscard]] std::string base64_encode(const std::uint8_t* data, std::size_t size);
/// The bytes of `text`, or nothing if it is not valid padded base64.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace evclass::core
