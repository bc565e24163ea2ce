#pragma once
// Runs a type-checked program over blocks of rows in parallel and assembles the result column.

#include <vector>

#include "evclass/column/column.hpp"
#include "evclass/core/parallel.hpp"
#include "expr/ast.hpp"

namespace evclass::expr::detail {

/// Rows per block: large enough that per-node work amortises, small enough to stay in cache.
inline constexpr std::size_t kBlockRows = 8192;

/// Evaluates `program` (types from infer_types) over `rows` rows. `columns[k]` is the column of
/// the k-th name in `input_names`; column nodes are matched by name.
[[nodiscard]] column::Column run_program(const Program& program, const std::vector<NodeType>& types,
                                         const std::vector<std::string>& input_names,
                                         const std::vector<const column::Column*>& columns, entry_t rows,
                                         entry_t first_entry, const core::Context& ctx);

}  // namespace evclass::expr::detail
