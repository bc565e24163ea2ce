#include "expr/typecheck.hpp"

#include <algorithm>
#include <string>

#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"
#include "expr/diagnostic.hpp"

namespace evclass::expr::detail {

namespace {

std::string ordinal(std::size_t i) {
  static const char* const kWords[] = {"first", "second", "third", "fourth", "fifth", "sixth", "seventh"};
  return i < 7 ? kWords[i] : "argument " + std::to_string(i + 1);
}
std::string kind_text(NodeType t) { return t.list ? "a list" : "a number"; }

class Checker {
 public:
  Checker(const Program& p, const std::function<std::optional<ColumnKind>(std::string_view)>& lookup,
          const std::vector<std::string>& all_names)
      : p_(p), lookup_(lookup), all_names_(all_names), types_(p.nodes.size()), start_(p.nodes.size()) {}

  std::vector<NodeType> run() {
    visit(p_.root);
    return std::move(types_);
  }

 private:
  [[noreturn]] void fail(int node, const std::string& what, const std::string& hint = {}) const {
    throw ConfigError(point_at(p_.text, start_[static_cast<std::size_t>(node)], what, hint));
  }
  const Node& node(int i) const { return p_.nodes[static_cast<std::size_t>(i)]; }
  NodeType type(int i) const { return types_[static_cast<std::size_t>(i)]; }

  void need_list(const Node& call, std::size_t arg, const std::string& role = {}) {
    const int c = call.children[arg];
    if (!type(c).list)
      fail(c, "function '" + call.name + "' needs a list as its " + ordinal(arg) + " argument" +
                  (role.empty() ? "" : " (" + role + ")") + ", but it is a number");
  }
  void need_number(const Node& call, std::size_t arg, const std::string& role = {}) {
    const int c = call.children[arg];
    if (type(c).list)
      fail(c, "function '" + call.name + "' needs a number as its " + ordinal(arg) + " argument" +
                  (role.empty() ? "" : " (" + role + ")") + ", but it is a list",
           "reduce the list first, e.g. with sum(...), max(...) or x[0]");
  }
  bool any_list(const Node& n) const {
    return std::any_of(n.children.begin(), n.children.end(), [&](int c) { return type(c).list; });
  }

  void visit(int i) {
    const Node& n = node(i);
    std::size_t start = n.pos;
    for (int c : n.children) {
      visit(c);
      start = std::min(start, start_[static_cast<std::size_t>(c)]);
    }
    start_[static_cast<std::size_t>(i)] = start;
    types_[static_cast<std::size_t>(i)] = type_of(i, n);
  }

  NodeType type_of(int i, const Node& n) {
    switch (n.kind) {
      case NodeKind::kNumber: return {false, n.is_bool_literal};
      case NodeKind::kEntry: return {false, false};
      case NodeKind::kColumn: {
        const auto kind = lookup_(n.name);
        if (!kind) {
          const std::string hint = core::did_you_mean(n.name, all_names_);
          throw KeyNotFound(point_at(p_.text, n.pos, "expression uses an unknown column '" + n.name + "'",
                                     hint.empty() ? "no column has a similar name" : hint));
        }
        if (kind->dtype == column::DType::kString)
          fail(i, "column '" + n.name + "' holds strings; expressions compute with numbers only");
        return {kind->is_list, kind->dtype == column::DType::kBool};
      }
      case NodeKind::kUnary: {
        const NodeType a = type(n.children[0]);
        return {a.list, n.op == Op::kNot};
      }
      case NodeKind::kBinary: {
        const bool logical = n.op >= Op::kLt;
        return {any_list(n), logical};
      }
      case NodeKind::kConditional: {
        const NodeType c = type(n.children[0]), a = type(n.children[1]), b = type(n.children[2]);
        if (c.list)
          fail(n.children[0], "the condition of 'c ? a : b' is a list; it needs one value per entry",
               "use where(c, a, b) to choose element by element, or any(...)/all(...) to reduce the list");
        if (a.list != b.list)
          fail(i, "the branches of 'c ? a : b' must both be lists or both be numbers, here one is " + kind_text(a) +
                      " and the other " + kind_text(b));
        return {a.list, a.boolean && b.boolean};
      }
      case NodeKind::kIndex: {
        const NodeType x = type(n.children[0]), k = type(n.children[1]);
        if (!x.list)
          fail(n.children[0], "only a list can be indexed with [...], but this is a number");
        return {k.list, x.boolean};
      }
      case NodeKind::kCall: return call_type(i, n);
    }
    return {};
  }

  NodeType call_type(int i, const Node& n) {
    const std::size_t argc = n.children.size();
    switch (n.func) {
      case Func::kAbs: case Func::kSqrt: case Func::kExp: case Func::kLog: case Func::kLog10:
      case Func::kSin: case Func::kCos: case Func::kTan: case Func::kAsin: case Func::kAcos:
      case Func::kAtan: case Func::kSinh: case Func::kCosh: case Func::kTanh: case Func::kFloor:
      case Func::kCeil: case Func::kRound:
        return {any_list(n), false};
      case Func::kIsnan: return {any_list(n), true};
      case Func::kPow: case Func::kAtan2: case Func::kDeltaPhi: case Func::kDeltaR:
        return {any_list(n), false};
      case Func::kMin: case Func::kMax:
        if (argc == 1) {
          if (!type(n.children[0]).list)
            fail(n.children[0], "function '" + n.name + "' with one argument is the " +
                                    (n.func == Func::kMin ? "smallest" : "largest") +
                                    " element of a list, but its argument is a number",
                 "compare two values with " + n.name + "(a, b)");
          return {false, false};
        }
        return {any_list(n), false};
      case Func::kWhere:
        return {any_list(n), type(n.children[1]).boolean && type(n.children[2]).boolean};
      case Func::kLength: case Func::kSum: case Func::kMean: case Func::kStd: case Func::kCount:
        need_list(n, 0);
        return {false, false};
      case Func::kAny: case Func::kAll:
        need_list(n, 0);
        return {false, true};
      case Func::kSort: case Func::kSortDesc: case Func::kArgsort: case Func::kArgsortDesc:
        need_list(n, 0);
        return {true, false};
      case Func::kTake:
        need_list(n, 0);
        need_number(n, 1, "how many elements");
        return {true, type(n.children[0]).boolean};
      case Func::kAt:
        need_list(n, 0);
        need_number(n, 1, "the index");
        need_number(n, 2, "the default");
        return {false, type(n.children[0]).boolean && type(n.children[2]).boolean};
      case Func::kLeading: case Func::kSubleading: case Func::kNth:
        need_list(n, 0, "the values");
        need_list(n, 1, "the key to rank by");
        if (argc == 3) need_number(n, 2, "the rank, 0 for the largest key");
        return {false, type(n.children[0]).boolean};
      case Func::kMass: case Func::kMassPxPyPzE:
        for (std::size_t a = 0; a < 4; ++a) need_list(n, a);
        if (argc == 5) need_number(n, 4, "how many objects");
        return {false, false};
      case Func::kSystemPt: {
        // (pt, phi), (pt, phi, k), (pt, eta, phi, E), (pt, eta, phi, E, k)
        const std::size_t lists = argc >= 4 ? 4 : 2;
        for (std::size_t a = 0; a < lists; ++a) need_list(n, a);
        if (argc == 3 || argc == 5) need_number(n, argc - 1, "how many objects");
        return {false, false};
      }
      case Func::kOssfMassClosest: case Func::kOssfOtherMass:
        for (std::size_t a = 0; a < 6; ++a) need_list(n, a);
        need_number(n, 6, "the target mass");
        return {false, false};
      case Func::kOssfMinMass:
        for (std::size_t a = 0; a < 6; ++a) need_list(n, a);
        return {false, false};
      case Func::kMinDeltaR:
        if (argc == 3)
          fail(i, "function 'min_delta_r' takes (eta, phi) of one collection or (eta1, phi1, eta2, phi2) of two, got 3 "
                  "arguments");
        for (std::size_t a = 0; a < argc; ++a) need_list(n, a);
        return {false, false};
    }
    return {};
  }

  const Program& p_;
  const std::function<std::optional<ColumnKind>(std::string_view)>& lookup_;
  const std::vector<std::string>& all_names_;
  std::vector<NodeType> types_;
  std::vector<std::size_t> start_;
};

}  // namespace

std::vector<NodeType> infer_types(const Program& program,
                                  const std::function<std::optional<ColumnKind>(std::string_view)>& lookup,
                                  const std::vector<std::string>& all_names) {
  return Checker(program, lookup, all_names).run();
}

}  // namespace evclass::expr::detail
