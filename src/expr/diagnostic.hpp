#pragma once
// Error messages that point into the expression text with a caret.

#include <cstddef>
#include <string>
#include <string_view>

namespace evclass::expr::detail {

/// "<what>\n  <text>\n  <spaces>^" followed by an optional hint line. The continuation lines
/// start with two spaces so evclass::Error keeps them.
[[nodiscard]] std::string point_at(std::string_view text, std::size_t pos, std::string_view what,
                                   std::string_view hint = {});

}  // namespace evclass::expr::detail
