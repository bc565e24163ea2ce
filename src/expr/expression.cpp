#include "evclass/expr/expression.hpp"

#include <algorithm>
#include <string>

#include "evclass/core/error.hpp"
#include "expr/ast.hpp"
#include "expr/evaluator.hpp"
#include "expr/fold.hpp"
#include "expr/parser.hpp"
#include "expr/typecheck.hpp"

namespace evclass::expr {

namespace detail {

const char* op_text(Op op) noexcept {
  switch (op) {
    case Op::kNeg: return "-";
    case Op::kPlus: return "+";
    case Op::kNot: return "!";
    case Op::kPow: return "**";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kAnd: return "&&";
    case Op::kOr: return "||";
  }
  return "?";
}

namespace {
void collect_inputs(const Program& p, int index, std::vector<std::string>& out) {
  const Node& n = p.nodes[static_cast<std::size_t>(index)];
  if (n.kind == NodeKind::kColumn && std::find(out.begin(), out.end(), n.name) == out.end()) out.push_back(n.name);
  for (int c : n.children) collect_inputs(p, c, out);
}

ResultType to_result(NodeType t) {
  if (t.list) return t.boolean ? ResultType::kBoolList : ResultType::kList;
  return t.boolean ? ResultType::kBool : ResultType::kNumber;
}
}  // namespace

}  // namespace detail

std::string_view result_type_name(ResultType t) noexcept {
  switch (t) {
    case ResultType::kNumber: return "number";
    case ResultType::kBool: return "boolean";
    case ResultType::kList: return "list of numbers";
    case ResultType::kBoolList: return "list of booleans";
  }
  return "?";
}

ColumnKind column_kind(const column::Column& column, std::string_view name) {
  const std::string quoted = "column '" + std::string(name) + "'";
  if (column.is_string())
    throw ConfigError(quoted + " holds strings; expressions compute with numbers only");
  if (column.jagged_depth() > 1)
    throw ConfigError(quoted + " holds lists of lists (" + std::to_string(column.jagged_depth()) +
                      " levels); expressions handle at most one list per entry");
  const auto& shape = column.inner_shape();
  if (column.is_jagged() && column.item_width() != 1)
    throw ConfigError(quoted + " holds a list of fixed-size arrays per entry; expressions handle at most one list per entry");
  if (shape.size() > 1)
    throw ConfigError(quoted + " holds a multi-dimensional array per entry; expressions handle at most one list per entry");
  return {column.dtype(), column.is_jagged() || shape.size() == 1};
}

Expression Expression::parse(std::string_view text, ParseOptions options) {
  auto program = std::make_shared<detail::Program>(detail::parse_program(text, options));
  detail::fold_constants(*program);
  return Expression(std::move(program));
}

const std::string& Expression::text() const noexcept { return program_->text; }

std::vector<std::string> Expression::inputs() const {
  std::vector<std::string> out;
  detail::collect_inputs(*program_, program_->root, out);
  return out;
}

ResultType Expression::check(const KindLookup& lookup, const std::vector<std::string>& all_names) const {
  const auto types = detail::infer_types(*program_, lookup, all_names);
  return detail::to_result(types[static_cast<std::size_t>(program_->root)]);
}

namespace {
/// The columns an expression uses, checked against the rows to evaluate.
struct BoundInputs {
  std::vector<std::string> names;
  std::vector<const column::Column*> columns;
  std::vector<ColumnKind> kinds;
};

BoundInputs bind_inputs(const Expression& e, const ColumnLookup& lookup, entry_t rows) {
  BoundInputs b;
  b.names = e.inputs();
  for (const auto& name : b.names) {
    const column::Column* c = lookup(name);
    if (!c)
      throw KeyNotFound("expression '" + e.text() + "' uses column '" + name + "', which was not provided");
    b.kinds.push_back(column_kind(*c, name));
    if (c->entries() < rows)
      throw ConfigError("expression '" + e.text() + "': column '" + name + "' has " + std::to_string(c->entries()) +
                        " entries, fewer than the " + std::to_string(rows) + " rows to evaluate");
    b.columns.push_back(c);
  }
  return b;
}

KindLookup kind_lookup(const BoundInputs& b) {
  return [&b](std::string_view name) -> std::optional<ColumnKind> {
    for (std::size_t k = 0; k < b.names.size(); ++k)
      if (b.names[k] == name) return b.kinds[k];
    return std::nullopt;
  };
}
}  // namespace

ResultType Expression::result_type(const ColumnLookup& lookup) const {
  const BoundInputs b = bind_inputs(*this, lookup, 0);
  return check(kind_lookup(b), b.names);
}

column::Column Expression::evaluate(const ColumnLookup& lookup, entry_t rows, entry_t first_entry,
                                    const core::Context& ctx) const {
  if (rows < 0) throw ConfigError("expression '" + text() + "': cannot evaluate a negative number of rows");
  const BoundInputs b = bind_inputs(*this, lookup, rows);
  const auto types = detail::infer_types(*program_, kind_lookup(b), b.names);
  return detail::run_program(*program_, types, b.names, b.columns, rows, first_entry, ctx);
}

}  // namespace evclass::expr
