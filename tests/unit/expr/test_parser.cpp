// Parsing: precedence, associativity, literals, and the messages of malformed expressions.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "evclass/core/error.hpp"
#include "table.hpp"

namespace evclass::expr::test {
namespace {

double constant(const std::string& text) {
  Table t;
  return t.eval(text, 1).value_as_double(0);
}

std::string parse_error(const std::string& text) {
  try {
    (void)Expression::parse(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

/// Column (0-based) of the caret in a message: the last line's '^' minus the two-space indent.
std::size_t caret_column(const std::string& message) {
  const auto line = message.rfind('\n', message.find('^'));
  return message.find('^') - line - 1 - 2;
}

TEST(ExprParser, MultiplicationBindsTighterThanAddition) {
  EXPECT_EQ(constant("1 + 2 * 3"), 7);
  EXPECT_EQ(constant("(1 + 2) * 3"), 9);
  EXPECT_EQ(constant("7 - 6 / 3"), 5);
}

TEST(ExprParser, SubtractionAndDivisionAreLeftAssociative) {
  EXPECT_EQ(constant("10 - 4 - 3"), 3);
  EXPECT_EQ(constant("64 / 4 / 2"), 8);
  EXPECT_EQ(constant("17 % 5 % 3"), 2);
}

TEST(ExprParser, PowerIsRightAssociativeAndBindsTighterThanUnaryMinus) {
  EXPECT_EQ(constant("2 ** 3 ** 2"), 512);
  EXPECT_EQ(constant("-2 ** 2"), -4);
  EXPECT_EQ(constant("2 ** -1"), 0.5);
  EXPECT_EQ(constant("(-2) ** 2"), 4);
}

TEST(ExprParser, ComparisonsBindTighterThanEqualityThenAndThenOr) {
  EXPECT_EQ(constant("1 < 2 == 2 < 3"), 1);  // (1<2) == (2<3)
  EXPECT_EQ(constant("true || false && false"), 1);
  EXPECT_EQ(constant("(true || false) && false"), 0);
  EXPECT_EQ(constant("1 + 1 == 2"), 1);
}

TEST(ExprParser, WordOperatorsMeanTheSameAsSymbols) {
  EXPECT_EQ(constant("not (1 > 2) and 3 > 2"), 1);
  // `not` is `!`, so it binds tighter than comparisons (C precedence, unlike Python).
  EXPECT_EQ(constant("not 1 > 2"), 0);
  EXPECT_EQ(constant("false or 2 >= 2"), 1);
  EXPECT_EQ(constant("!0"), 1);
}

TEST(ExprParser, ConditionalIsRightAssociativeAndLowest) {
  EXPECT_EQ(constant("0 ? 1 : 1 ? 2 : 3"), 2);
  EXPECT_EQ(constant("1 + 1 > 1 ? 10 : 20"), 10);
}

TEST(ExprParser, NumbersConstantsAndModulo) {
  EXPECT_EQ(constant("1e3 + 2.5 + .5"), 1003);
  EXPECT_DOUBLE_EQ(constant("pi"), std::numbers::pi);
  EXPECT_EQ(constant("7 % 3"), 1);
  EXPECT_EQ(constant("1.5E-1 * 10"), 1.5);
}

TEST(ExprParser, InputsListsColumnsOnceInOrderWithoutFunctionsOrEntry) {
  const auto e = Expression::parse("sqrt(b.x) + a * b.x + entry + max(c, 1) + pi");
  EXPECT_EQ(e.inputs(), (std::vector<std::string>{"b.x", "a", "c"}));
}

TEST(ExprParser, CaretPointsAtTheUnexpectedToken) {
  const std::string msg = parse_error("lep_pt[0] > 25 &&");
  EXPECT_NE(msg.find("lep_pt[0] > 25 &&"), std::string::npos) << msg;
  EXPECT_EQ(caret_column(msg), 17u) << msg;
  EXPECT_NE(msg.find("expected a number, a name or '('"), std::string::npos) << msg;

  const std::string missing_paren = parse_error("sqrt(a + 1");
  EXPECT_EQ(caret_column(missing_paren), 10u) << missing_paren;
  EXPECT_NE(missing_paren.find("expected ',' or ')'"), std::string::npos) << missing_paren;

  const std::string bad_char = parse_error("a & b");
  EXPECT_EQ(caret_column(bad_char), 2u) << bad_char;
  EXPECT_NE(bad_char.find("&&"), std::string::npos) << bad_char;

  const std::string extra = parse_error("a b");
  EXPECT_EQ(caret_column(extra), 2u) << extra;
}

TEST(ExprParser, UnknownFunctionSuggestsTheClosestName) {
  const std::string msg = parse_error("sqr(x) + 1");
  EXPECT_NE(msg.find("unknown function 'sqr'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("sqrt"), std::string::npos) << msg;
  EXPECT_EQ(caret_column(msg), 0u) << msg;
}

TEST(ExprParser, WrongArgumentCountNamesTheFunction) {
  const std::string msg = parse_error("1 + atan2(y)");
  EXPECT_NE(msg.find("'atan2' takes 2 arguments, got 1"), std::string::npos) << msg;
  EXPECT_EQ(caret_column(msg), 4u) << msg;
}

TEST(ExprParser, EmptyAndDeeplyNestedExpressionsAreRejected) {
  EXPECT_THROW((void)Expression::parse("   "), ConfigError);
  EXPECT_THROW((void)Expression::parse(std::string(1000, '(') + "1" + std::string(1000, ')')), ConfigError);
  std::string long_sum = "a";
  for (int i = 0; i < 5000; ++i) long_sum += "+a";
  EXPECT_THROW((void)Expression::parse(long_sum), ConfigError);
}

TEST(ExprParser, UnknownColumnSuggestsTheClosestColumnNames) {
  Table t;
  t.add("lep_pt", jagged({{1}}));
  t.add("lep_eta", jagged({{1}}));
  try {
    (void)Expression::parse("lep_ptt[0] > 1").check(t.kinds(), t.names());
    FAIL() << "no error";
  } catch (const KeyNotFound& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("unknown column 'lep_ptt'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'lep_pt'"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace evclass::expr::test
