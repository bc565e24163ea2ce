#include "expr/fold.hpp"

#include <algorithm>

#include "expr/scalar_ops.hpp"

namespace evclass::expr::detail {

namespace {

bool all_constant(const Program& p, const Node& n) {
  return std::all_of(n.children.begin(), n.children.end(),
                     [&](int c) { return p.nodes[static_cast<std::size_t>(c)].kind == NodeKind::kNumber; });
}

void make_constant(Node& n, double value, bool boolean) {
  n.kind = NodeKind::kNumber;
  n.number = value;
  n.is_bool_literal = boolean;
  n.children.clear();
}

void fold(Program& p, int index) {
  for (int c : p.nodes[static_cast<std::size_t>(index)].children) fold(p, c);
  Node& n = p.nodes[static_cast<std::size_t>(index)];
  auto arg = [&](std::size_t k) -> const Node& { return p.nodes[static_cast<std::size_t>(n.children[k])]; };
  if (n.kind == NodeKind::kConditional && arg(0).kind == NodeKind::kNumber) {
    const std::size_t pos = n.pos;
    Node chosen = truthy(arg(0).number) ? arg(1) : arg(2);
    n = std::move(chosen);
    n.pos = std::min(n.pos, pos);
    return;
  }
  if (n.children.empty() || !all_constant(p, n)) return;
  switch (n.kind) {
    case NodeKind::kUnary: {
      const double v = dispatch_unary(n.op, [&](auto op) { return unary_op<decltype(op)::value>(arg(0).number); });
      make_constant(n, v, n.op == Op::kNot);
      return;
    }
    case NodeKind::kBinary: {
      const double v = dispatch_binary(
          n.op, [&](auto op) { return binary_op<decltype(op)::value>(arg(0).number, arg(1).number); });
      make_constant(n, v, n.op >= Op::kLt);
      return;
    }
    case NodeKind::kCall: {
      if (is_math1(n.func)) {
        const double v =
            dispatch_math1(n.func, [&](auto f) { return math1<decltype(f)::value>(arg(0).number); });
        make_constant(n, v, n.func == Func::kIsnan);
      } else if ((n.func == Func::kPow || n.func == Func::kAtan2 || n.func == Func::kDeltaPhi ||
                  n.func == Func::kMin || n.func == Func::kMax) &&
                 n.children.size() == 2) {
        const double v = dispatch_math2(
            n.func, [&](auto f) { return math2<decltype(f)::value>(arg(0).number, arg(1).number); });
        make_constant(n, v, false);
      } else if (n.func == Func::kDeltaR) {
        make_constant(n, delta_r(arg(0).number, arg(1).number, arg(2).number, arg(3).number), false);
      } else if (n.func == Func::kWhere) {
        const bool boolean = arg(1).is_bool_literal && arg(2).is_bool_literal;
        make_constant(n, truthy(arg(0).number) ? arg(1).number : arg(2).number, boolean);
      }
      return;
    }
    default: return;
  }
}

}  // namespace

void fold_constants(Program& program) { fold(program, program.root); }

}  // namespace evclass::expr::detail
