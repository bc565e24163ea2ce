#pragma once
// Finds what every node yields (number or list, boolean or not) and rejects ill-typed programs.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/ast.hpp"

namespace evclass::expr::detail {

/// Types of all nodes, indexed like program.nodes. `lookup` gives the kind of a column name;
/// `all_names` feeds the "did you mean" suggestion for unknown names. Throws KeyNotFound for
/// unknown columns and ConfigError (with a caret) for type errors.
[[nodiscard]] std::vector<NodeType> infer_types(const Program& program,
                                                const std::function<std::optional<ColumnKind>(std::string_view)>& lookup,
                                                const std::vector<std::string>& all_names);

}  // namespace evclass::expr::detail
