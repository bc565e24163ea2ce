#pragma once
// Recursive-descent parser with C precedence, producing a Program.

#include <string_view>

#include "expr/ast.hpp"

namespace evclass::expr::detail {

/// Parses `text` into a program (not yet type-checked). Throws ConfigError with a caret.
[[nodiscard]] Program parse_program(std::string_view text, const ParseOptions& options);

}  // namespace evclass::expr::detail
