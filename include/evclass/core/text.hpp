#pragma once
// Small text helpers shared by error messages.

#include <string>
#include <string_view>
#include <vector>

namespace evclass::core {

/// Levenshtein edit distance, used to suggest the closest name.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// Up to `max_count` candidates closest to `name` (case-insensitive edit distance, substring
/// matches first), for "did you mean ..." messages.
[[nodiscard]] std::vector<std::string> closest_names(std::string_view name,
                                                     const std::vector<std::string>& candidates,
                                                     std::size_t max_count = 3);

/// "did you mean 'a', 'b' or 'c'?" or "" when there is no candidate.
[[nodiscard]] std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace evclass::core
