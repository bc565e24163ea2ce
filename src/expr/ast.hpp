#pragma once
// The parsed form of an expression: a flat pool of nodes, children referenced by index.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "evclass/expr/expression.hpp"
#include "expr/functions.hpp"

namespace evclass::expr::detail {

enum class NodeKind : std::uint8_t { kNumber, kColumn, kEntry, kUnary, kBinary, kConditional, kCall, kIndex };

enum class Op : std::uint8_t {
  kNeg, kPlus, kNot,                          // unary
  kPow, kMul, kDiv, kMod, kAdd, kSub,         // arithmetic
  kLt, kLe, kGt, kGe, kEq, kNe,               // comparisons
  kAnd, kOr,                                  // logic
};

/// Spelling of an operator for error messages ("**", "&&", ...).
[[nodiscard]] const char* op_text(Op op) noexcept;

struct Node {
  NodeKind kind = NodeKind::kNumber;
  Op op = Op::kAdd;               // kUnary, kBinary
  Func func = Func::kAbs;         // kCall
  double number = 0;              // kNumber
  bool is_bool_literal = false;   // kNumber from true/false or folded logic: typed boolean
  std::string name;               // kColumn: column name; kCall: function name as written
  std::vector<int> children;
  std::size_t pos = 0;            // offset of the node's first character in the text
};

/// What a node yields per entry, found by the type checker.
struct NodeType {
  bool list = false;
  bool boolean = false;
};

/// An expression ready to run: the node pool (root last) and the options.
struct Program {
  std::string text;
  ParseOptions options;
  std::vector<Node> nodes;
  int root = -1;
};

}  // namespace evclass::expr::detail
