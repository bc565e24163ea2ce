#pragma once
// Constant folding: operations on constants are computed once at parse time.

#include "expr/ast.hpp"

namespace evclass::expr::detail {

/// Replaces every operator, conditional and element-wise math call whose operands are all
/// constants by its value (a conditional with a constant condition by the chosen branch).
void fold_constants(Program& program);

}  // namespace evclass::expr::detail
