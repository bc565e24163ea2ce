#include "expr/parser.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"
#include "expr/diagnostic.hpp"
#include "expr/lexer.hpp"

namespace evclass::expr::detail {

namespace {

// Deeply nested input ("((((...") must end in an error, not a stack overflow.
constexpr int kMaxDepth = 200;
constexpr std::size_t kMaxNodes = 4000;

class Parser {
 public:
  Parser(std::string_view text, Program& program) : text_(text), tokens_(tokenize(text)), program_(program) {}

  int parse_all() {
    const int root = conditional();
    if (peek().kind != TokenKind::kEnd) fail(peek(), "expected an operator or the end of the expression");
    return root;
  }

 private:
  const Token& peek() const { return tokens_[at_]; }
  const Token& take() { return tokens_[at_ < tokens_.size() - 1 ? at_++ : at_]; }
  bool is_symbol(std::string_view s) const { return peek().kind == TokenKind::kSymbol && peek().text == s; }
  bool is_word(std::string_view s) const { return peek().kind == TokenKind::kName && peek().text == s; }

  [[noreturn]] void fail(const Token& t, std::string_view expected) const {
    std::string found = t.kind == TokenKind::kEnd ? std::string("the end") : "'" + t.text + "'";
    throw ConfigError(point_at(text_, t.pos, "cannot parse expression: " + std::string(expected) + ", found " + found));
  }
  void expect(std::string_view symbol, std::string_view context) {
    if (!is_symbol(symbol)) fail(peek(), "expected '" + std::string(symbol) + "' " + std::string(context));
    take();
  }

  int add(Node n) {
    // Evaluation recurses over the tree: bound its size so long input cannot exhaust the stack.
    if (program_.nodes.size() >= kMaxNodes)
      throw ConfigError(point_at(text_, n.pos, "expression is too long (more than " + std::to_string(kMaxNodes) +
                                                   " operations); split it into several variables"));
    program_.nodes.push_back(std::move(n));
    return static_cast<int>(program_.nodes.size()) - 1;
  }
  int unary_node(Op op, int child, std::size_t pos) {
    Node n;
    n.kind = NodeKind::kUnary;
    n.op = op;
    n.children = {child};
    n.pos = pos;
    return add(std::move(n));
  }
  int binary_node(Op op, int a, int b, std::size_t pos) {
    Node n;
    n.kind = NodeKind::kBinary;
    n.op = op;
    n.children = {a, b};
    n.pos = pos;
    return add(std::move(n));
  }

  struct DepthGuard {
    DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxDepth)
        throw ConfigError(point_at(parser.text_, parser.peek().pos, "expression is nested too deeply (more than " +
                                                                        std::to_string(kMaxDepth) + " levels)"));
    }
    ~DepthGuard() { --parser.depth_; }
    Parser& parser;
  };

  // conditional := or ('?' conditional ':' conditional)?
  int conditional() {
    DepthGuard guard(*this);
    const int cond = logical_or();
    if (!is_symbol("?")) return cond;
    const std::size_t pos = take().pos;
    const int a = conditional();
    expect(":", "after the first branch of the conditional 'c ? a : b'");
    const int b = conditional();
    Node n;
    n.kind = NodeKind::kConditional;
    n.children = {cond, a, b};
    n.pos = pos;
    return add(std::move(n));
  }
  int logical_or() {
    int a = logical_and();
    while (is_symbol("||") || is_word("or")) {
      const std::size_t pos = take().pos;
      a = binary_node(Op::kOr, a, logical_and(), pos);
    }
    return a;
  }
  int logical_and() {
    int a = equality();
    while (is_symbol("&&") || is_word("and")) {
      const std::size_t pos = take().pos;
      a = binary_node(Op::kAnd, a, equality(), pos);
    }
    return a;
  }
  int equality() {
    int a = relational();
    while (is_symbol("==") || is_symbol("!=")) {
      const Token& t = take();
      a = binary_node(t.text == "==" ? Op::kEq : Op::kNe, a, relational(), t.pos);
    }
    return a;
  }
  int relational() {
    int a = additive();
    while (is_symbol("<") || is_symbol("<=") || is_symbol(">") || is_symbol(">=")) {
      const Token& t = take();
      const Op op = t.text == "<" ? Op::kLt : t.text == "<=" ? Op::kLe : t.text == ">" ? Op::kGt : Op::kGe;
      a = binary_node(op, a, additive(), t.pos);
    }
    return a;
  }
  int additive() {
    int a = multiplicative();
    while (is_symbol("+") || is_symbol("-")) {
      const Token& t = take();
      a = binary_node(t.text == "+" ? Op::kAdd : Op::kSub, a, multiplicative(), t.pos);
    }
    return a;
  }
  int multiplicative() {
    int a = unary();
    while (is_symbol("*") || is_symbol("/") || is_symbol("%")) {
      const Token& t = take();
      const Op op = t.text == "*" ? Op::kMul : t.text == "/" ? Op::kDiv : Op::kMod;
      a = binary_node(op, a, unary(), t.pos);
    }
    return a;
  }
  // unary := ('-' | '+' | '!' | 'not') unary | power       (so -2**2 == -(2**2), as in Python)
  int unary() {
    DepthGuard guard(*this);
    if (is_symbol("-") || is_symbol("+") || is_symbol("!") || is_word("not")) {
      const Token& t = take();
      const Op op = t.text == "-" ? Op::kNeg : t.text == "+" ? Op::kPlus : Op::kNot;
      return unary_node(op, unary(), t.pos);
    }
    return power();
  }
  // power := postfix ('**' unary)?      right associative: 2**3**2 == 2**(3**2)
  int power() {
    const int base = postfix();
    if (!is_symbol("**")) return base;
    const std::size_t pos = take().pos;
    return binary_node(Op::kPow, base, unary(), pos);
  }
  // postfix := primary ('[' conditional ']')*
  int postfix() {
    int a = primary();
    while (is_symbol("[")) {
      const std::size_t pos = take().pos;
      const int index = conditional();
      expect("]", "to close the index '['");
      Node n;
      n.kind = NodeKind::kIndex;
      n.children = {a, index};
      n.pos = pos;
      a = add(std::move(n));
    }
    return a;
  }
  int primary() {
    DepthGuard guard(*this);
    const Token& t = peek();
    if (t.kind == TokenKind::kNumber) {
      take();
      Node n;
      n.number = t.number;
      n.pos = t.pos;
      return add(std::move(n));
    }
    if (is_symbol("(")) {
      take();
      const int inner = conditional();
      expect(")", "to close '('");
      return inner;
    }
    if (t.kind == TokenKind::kName) {
      if (t.text == "and" || t.text == "or" || t.text == "not") fail(t, "expected a number, a name or '('");
      take();
      if (is_symbol("(")) return call(t);
      Node n;
      n.pos = t.pos;
      if (t.text == "true" || t.text == "false") {
        n.number = t.text == "true" ? 1 : 0;
        n.is_bool_literal = true;
      } else if (t.text == "pi") {
        n.number = std::numbers::pi;
      } else if (t.text == "entry") {
        n.kind = NodeKind::kEntry;
      } else {
        n.kind = NodeKind::kColumn;
        n.name = t.text;
      }
      return add(std::move(n));
    }
    fail(t, "expected a number, a name or '('");
  }
  int call(const Token& name) {
    const auto info = find_function(name.text);
    if (!info) {
      const std::string hint = core::did_you_mean(name.text, function_names());
      throw ConfigError(point_at(text_, name.pos, "expression calls an unknown function '" + name.text + "'",
                                 hint.empty() ? "see docs/expressions.md for the functions" : hint));
    }
    take();  // '('
    Node n;
    n.kind = NodeKind::kCall;
    n.func = info->func;
    n.name = name.text;
    n.pos = name.pos;
    if (!is_symbol(")")) {
      while (true) {
        n.children.push_back(conditional());
        if (is_symbol(",")) {
          take();
          continue;
        }
        if (!is_symbol(")")) fail(peek(), "expected ',' or ')' in the arguments of '" + name.text + "'");
        break;
      }
    }
    take();  // ')'
    const int count = static_cast<int>(n.children.size());
    if (count < info->min_args || count > info->max_args) {
      std::string wanted = info->min_args == info->max_args
                               ? std::to_string(info->min_args)
                               : std::to_string(info->min_args) + " to " + std::to_string(info->max_args);
      throw ConfigError(point_at(text_, name.pos,
                                 "function '" + name.text + "' takes " + wanted + " argument" +
                                     (info->max_args == 1 ? "" : "s") + ", got " + std::to_string(count)));
    }
    return add(std::move(n));
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t at_ = 0;
  int depth_ = 0;
  Program& program_;
};

}  // namespace

Program parse_program(std::string_view text, const ParseOptions& options) {
  Program program;
  program.text = std::string(text);
  program.options = options;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw ConfigError("expression is empty: write a formula such as \"lep_pt[0] > 25\"");
  Parser parser(program.text, program);
  program.root = parser.parse_all();
  return program;
}

}  // namespace evclass::expr::detail
