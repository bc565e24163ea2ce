// Math functions and operators on per-entry numbers, against the C++ standard library.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <random>

#include "evclass/core/error.hpp"
#include "table.hpp"

namespace evclass::expr::test {
namespace {

struct MathCase {
  std::string name;
  std::function<double(double)> reference;
  double lo, hi;
};

TEST(ExprFunctions, EveryOneArgumentFunctionMatchesTheStandardLibrary) {
  const std::vector<MathCase> cases = {
      {"abs", [](double x) { return std::fabs(x); }, -5, 5},
      {"sqrt", [](double x) { return std::sqrt(x); }, 0, 100},
      {"exp", [](double x) { return std::exp(x); }, -3, 3},
      {"log", [](double x) { return std::log(x); }, 0.1, 100},
      {"log10", [](double x) { return std::log10(x); }, 0.1, 100},
      {"sin", [](double x) { return std::sin(x); }, -4, 4},
      {"cos", [](double x) { return std::cos(x); }, -4, 4},
      {"tan", [](double x) { return std::tan(x); }, -1, 1},
      {"asin", [](double x) { return std::asin(x); }, -1, 1},
      {"acos", [](double x) { return std::acos(x); }, -1, 1},
      {"atan", [](double x) { return std::atan(x); }, -9, 9},
      {"sinh", [](double x) { return std::sinh(x); }, -3, 3},
      {"cosh", [](double x) { return std::cosh(x); }, -3, 3},
      {"tanh", [](double x) { return std::tanh(x); }, -3, 3},
      {"floor", [](double x) { return std::floor(x); }, -9, 9},
      {"ceil", [](double x) { return std::ceil(x); }, -9, 9},
      {"round", [](double x) { return std::round(x); }, -9, 9},
  };
  std::mt19937_64 rng(7);
  for (const auto& c : cases) {
    std::uniform_real_distribution<double> d(c.lo, c.hi);
    std::vector<double> x(50);
    for (auto& v : x) v = d(rng);
    Table t;
    t.add("x", flat(x));
    const auto out = numbers(t.eval(c.name + "(x)", 50));
    for (std::size_t i = 0; i < x.size(); ++i) EXPECT_DOUBLE_EQ(out[i], c.reference(x[i])) << c.name << "(" << x[i] << ")";
  }
}

TEST(ExprFunctions, TwoArgumentFunctionsMatchTheStandardLibrary) {
  Table t;
  t.add("a", flat({1.5, -2, 3, 0.25}));
  t.add("b", flat({2, 3, -0.5, 4}));
  const auto pow_out = numbers(t.eval("pow(a, b)", 4));
  const auto pow_op = numbers(t.eval("a ** b", 4));
  const auto atan2_out = numbers(t.eval("atan2(a, b)", 4));
  const auto min_out = numbers(t.eval("min(a, b)", 4));
  const auto max_out = numbers(t.eval("max(a, b)", 4));
  const std::vector<double> a = {1.5, -2, 3, 0.25}, b = {2, 3, -0.5, 4};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_DOUBLE_EQ(pow_out[i], std::pow(a[i], b[i]));
    EXPECT_DOUBLE_EQ(pow_op[i], std::pow(a[i], b[i]));
    EXPECT_DOUBLE_EQ(atan2_out[i], std::atan2(a[i], b[i]));
    EXPECT_EQ(min_out[i], std::min(a[i], b[i]));
    EXPECT_EQ(max_out[i], std::max(a[i], b[i]));
  }
}

TEST(ExprFunctions, ComparisonsAndLogicYieldBooleanColumns) {
  Table t;
  t.add("a", flat({1, 2, 3, std::nan("")}));
  const auto c = t.eval("a >= 2 && a != 3", 4);
  EXPECT_EQ(c.dtype(), column::DType::kBool);
  EXPECT_EQ(numbers(c), (std::vector<double>{0, 1, 0, 0}));
  EXPECT_EQ(numbers(t.eval("isnan(a)", 4)), (std::vector<double>{0, 0, 0, 1}));
  EXPECT_EQ(numbers(t.eval("!(a > 1) || a == 3", 4)), (std::vector<double>{1, 0, 1, 1}));
  // Booleans used as numbers are 0/1.
  EXPECT_EQ(numbers(t.eval("(a > 1) + (a > 2)", 4)), (std::vector<double>{0, 1, 2, 0}));
}

TEST(ExprFunctions, WhereAndConditionalChoosePerEntry) {
  Table t;
  t.add("a", flat({-1, 2, -3}));
  EXPECT_EQ(numbers(t.eval("a > 0 ? a : -10 * a", 3)), (std::vector<double>{10, 2, 30}));
  EXPECT_EQ(numbers(t.eval("where(a > 0, 1, a)", 3)), (std::vector<double>{-1, 1, -3}));
}

TEST(ExprFunctions, DeltaPhiWrapsIntoMinusPiToPi) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> d(-3 * std::numbers::pi, 3 * std::numbers::pi);
  std::vector<double> a(200), b(200);
  for (auto& v : a) v = d(rng);
  for (auto& v : b) v = d(rng);
  Table t;
  t.add("a", flat(a));
  t.add("b", flat(b));
  const auto out = numbers(t.eval("delta_phi(a, b)", 200));
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_LE(std::fabs(out[i]), std::numbers::pi + 1e-12);
    // Same angle: the difference is a multiple of 2 pi.
    const double turns = (a[i] - b[i] - out[i]) / (2 * std::numbers::pi);
    EXPECT_NEAR(turns, std::round(turns), 1e-9);
  }
}

TEST(ExprFunctions, DeltaRCombinesEtaAndWrappedPhi) {
  Table t;
  t.add("eta1", flat({0.0, 1.0}));
  t.add("phi1", flat({3.0, 0.0}));
  t.add("eta2", flat({0.0, -1.0}));
  t.add("phi2", flat({-3.0, 0.5}));
  const auto out = numbers(t.eval("delta_r(eta1, phi1, eta2, phi2)", 2));
  EXPECT_NEAR(out[0], 2 * std::numbers::pi - 6.0, 1e-12);
  EXPECT_NEAR(out[1], std::sqrt(4.0 + 0.25), 1e-12);
}

TEST(ExprFunctions, EntryIsTheEntryNumberInTheFile) {
  Table t;
  const auto c = t.eval("entry % 10 < 3", 20000, {}, 2, 995);
  ASSERT_EQ(c.entries(), 20000);
  for (entry_t r = 0; r < 20000; ++r) EXPECT_EQ(c.value_as_double(static_cast<std::size_t>(r)), (995 + r) % 10 < 3 ? 1 : 0);
  const auto e = t.eval("entry", 3, {}, 1, 41);
  EXPECT_EQ(numbers(e), (std::vector<double>{41, 42, 43}));
}

TEST(ExprFunctions, ConstantExpressionFillsEveryRow) {
  Table t;
  const auto c = t.eval("2 * pi > 6", 5);
  EXPECT_EQ(c.dtype(), column::DType::kBool);
  EXPECT_EQ(numbers(c), (std::vector<double>(5, 1)));
}

TEST(ExprFunctions, IntegerAndBooleanColumnsAreReadAsNumbers) {
  Table t;
  t.add("n", flat<std::int32_t>({4, -3, 2}));
  t.add("u", flat<std::uint16_t>({65535, 0, 7}));
  t.add("f", flat<float>({0.5, 1.5, 2.5}));
  t.add("ok", flat_bool({1, 0, 1}));
  EXPECT_EQ(numbers(t.eval("n + u + f", 3)), (std::vector<double>{65539.5, -1.5, 11.5}));
  const auto b = t.eval("ok", 3);
  EXPECT_EQ(b.dtype(), column::DType::kBool);
  EXPECT_EQ(numbers(t.eval("ok && n > 0", 3)), (std::vector<double>{1, 0, 1}));
}

}  // namespace
}  // namespace evclass::expr::test
