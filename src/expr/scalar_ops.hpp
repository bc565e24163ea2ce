#pragma once
// The arithmetic of one value, shared by constant folding and the vectorised block kernels.
// Each operator and function is a template on its tag so a kernel loop is compiled per operation
// (no switch inside the loop) and can be auto-vectorised.

#include <cmath>
#include <numbers>
#include <type_traits>

#include "expr/ast.hpp"

namespace evclass::expr::detail {

/// A value counts as true when it is non-zero and not NaN (a missing value fails a cut).
inline bool truthy(double x) noexcept { return x != 0 && x == x; }

/// Wraps an angle difference to [-pi, pi].
inline double wrap_angle(double d) noexcept { return std::remainder(d, 2 * std::numbers::pi); }

inline double delta_r(double eta1, double phi1, double eta2, double phi2) noexcept {
  const double deta = eta1 - eta2;
  const double dphi = wrap_angle(phi1 - phi2);
  return std::sqrt(deta * deta + dphi * dphi);
}

template <Op op>
inline double unary_op(double a) noexcept {
  if constexpr (op == Op::kNeg) return -a;
  else if constexpr (op == Op::kPlus) return a;
  else return truthy(a) ? 0.0 : 1.0;
}

template <Op op>
inline double binary_op(double a, double b) noexcept {
  if constexpr (op == Op::kPow) return std::pow(a, b);
  else if constexpr (op == Op::kMul) return a * b;
  else if constexpr (op == Op::kDiv) return a / b;
  else if constexpr (op == Op::kMod) return std::fmod(a, b);
  else if constexpr (op == Op::kAdd) return a + b;
  else if constexpr (op == Op::kSub) return a - b;
  else if constexpr (op == Op::kLt) return a < b ? 1.0 : 0.0;
  else if constexpr (op == Op::kLe) return a <= b ? 1.0 : 0.0;
  else if constexpr (op == Op::kGt) return a > b ? 1.0 : 0.0;
  else if constexpr (op == Op::kGe) return a >= b ? 1.0 : 0.0;
  else if constexpr (op == Op::kEq) return a == b ? 1.0 : 0.0;
  else if constexpr (op == Op::kNe) return a != b ? 1.0 : 0.0;
  else if constexpr (op == Op::kAnd) return (truthy(a) && truthy(b)) ? 1.0 : 0.0;
  else return (truthy(a) || truthy(b)) ? 1.0 : 0.0;
}

template <Func f>
inline double math1(double a) noexcept {
  if constexpr (f == Func::kAbs) return std::fabs(a);
  else if constexpr (f == Func::kSqrt) return std::sqrt(a);
  else if constexpr (f == Func::kExp) return std::exp(a);
  else if constexpr (f == Func::kLog) return std::log(a);
  else if constexpr (f == Func::kLog10) return std::log10(a);
  else if constexpr (f == Func::kSin) return std::sin(a);
  else if constexpr (f == Func::kCos) return std::cos(a);
  else if constexpr (f == Func::kTan) return std::tan(a);
  else if constexpr (f == Func::kAsin) return std::asin(a);
  else if constexpr (f == Func::kAcos) return std::acos(a);
  else if constexpr (f == Func::kAtan) return std::atan(a);
  else if constexpr (f == Func::kSinh) return std::sinh(a);
  else if constexpr (f == Func::kCosh) return std::cosh(a);
  else if constexpr (f == Func::kTanh) return std::tanh(a);
  else if constexpr (f == Func::kFloor) return std::floor(a);
  else if constexpr (f == Func::kCeil) return std::ceil(a);
  else if constexpr (f == Func::kRound) return std::round(a);
  else return std::isnan(a) ? 1.0 : 0.0;
}

template <Func f>
inline double math2(double a, double b) noexcept {
  if constexpr (f == Func::kPow) return std::pow(a, b);
  else if constexpr (f == Func::kAtan2) return std::atan2(a, b);
  else if constexpr (f == Func::kDeltaPhi) return wrap_angle(a - b);
  // NaN propagates, as numpy's minimum/maximum do.
  else if constexpr (f == Func::kMin) return (a != a || b != b) ? std::nan("") : (b < a ? b : a);
  else return (a != a || b != b) ? std::nan("") : (b > a ? b : a);
}

/// Calls fn(std::integral_constant<Op, op>{}) for a unary operator.
template <class Fn>
decltype(auto) dispatch_unary(Op op, Fn&& fn) {
  switch (op) {
    case Op::kNeg: return fn(std::integral_constant<Op, Op::kNeg>{});
    case Op::kPlus: return fn(std::integral_constant<Op, Op::kPlus>{});
    default: return fn(std::integral_constant<Op, Op::kNot>{});
  }
}

/// Calls fn(std::integral_constant<Op, op>{}) for a binary operator.
template <class Fn>
decltype(auto) dispatch_binary(Op op, Fn&& fn) {
  switch (op) {
    case Op::kPow: return fn(std::integral_constant<Op, Op::kPow>{});
    case Op::kMul: return fn(std::integral_constant<Op, Op::kMul>{});
    case Op::kDiv: return fn(std::integral_constant<Op, Op::kDiv>{});
    case Op::kMod: return fn(std::integral_constant<Op, Op::kMod>{});
    case Op::kAdd: return fn(std::integral_constant<Op, Op::kAdd>{});
    case Op::kSub: return fn(std::integral_constant<Op, Op::kSub>{});
    case Op::kLt: return fn(std::integral_constant<Op, Op::kLt>{});
    case Op::kLe: return fn(std::integral_constant<Op, Op::kLe>{});
    case Op::kGt: return fn(std::integral_constant<Op, Op::kGt>{});
    case Op::kGe: return fn(std::integral_constant<Op, Op::kGe>{});
    case Op::kEq: return fn(std::integral_constant<Op, Op::kEq>{});
    case Op::kNe: return fn(std::integral_constant<Op, Op::kNe>{});
    case Op::kAnd: return fn(std::integral_constant<Op, Op::kAnd>{});
    default: return fn(std::integral_constant<Op, Op::kOr>{});
  }
}

/// True for functions of one number applied element by element.
inline bool is_math1(Func f) noexcept { return f <= Func::kIsnan; }

/// Calls fn(std::integral_constant<Func, f>{}) for a function of one number.
template <class Fn>
decltype(auto) dispatch_math1(Func f, Fn&& fn) {
#define EVC_EXPR_CASE(F) \
  case Func::F: return fn(std::integral_constant<Func, Func::F>{});
  switch (f) {
    EVC_EXPR_CASE(kAbs) EVC_EXPR_CASE(kSqrt) EVC_EXPR_CASE(kExp) EVC_EXPR_CASE(kLog) EVC_EXPR_CASE(kLog10)
    EVC_EXPR_CASE(kSin) EVC_EXPR_CASE(kCos) EVC_EXPR_CASE(kTan) EVC_EXPR_CASE(kAsin) EVC_EXPR_CASE(kAcos)
    EVC_EXPR_CASE(kAtan) EVC_EXPR_CASE(kSinh) EVC_EXPR_CASE(kCosh) EVC_EXPR_CASE(kTanh) EVC_EXPR_CASE(kFloor)
    EVC_EXPR_CASE(kCeil) EVC_EXPR_CASE(kRound)
    default: return fn(std::integral_constant<Func, Func::kIsnan>{});
  }
#undef EVC_EXPR_CASE
}

/// Calls fn(std::integral_constant<Func, f>{}) for pow, atan2, delta_phi, min(a, b), max(a, b).
template <class Fn>
decltype(auto) dispatch_math2(Func f, Fn&& fn) {
  switch (f) {
    case Func::kPow: return fn(std::integral_constant<Func, Func::kPow>{});
    case Func::kAtan2: return fn(std::integral_constant<Func, Func::kAtan2>{});
    case Func::kDeltaPhi: return fn(std::integral_constant<Func, Func::kDeltaPhi>{});
    case Func::kMin: return fn(std::integral_constant<Func, Func::kMin>{});
    default: return fn(std::integral_constant<Func, Func::kMax>{});
  }
}

}  // namespace evclass::expr::detail
