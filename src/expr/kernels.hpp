#pragma once
// Block kernels: each takes the values of a node's operands for one block and returns the
// node's value. Loops run over whole blocks (or whole lists) with no per-row dispatch.

#include <string_view>

#include "expr/ast.hpp"
#include "expr/value.hpp"

namespace evclass::expr::detail {

// ---- element-wise (elementwise.cpp): lists broadcast with numbers and with lists of equal lengths
[[nodiscard]] Value eval_unary(Op op, const Value& a, const BlockInfo& info);
[[nodiscard]] Value eval_binary(Op op, const Value& a, const Value& b, const BlockInfo& info, std::string_view what);
[[nodiscard]] Value eval_math1(Func f, const Value& a, const BlockInfo& info);
[[nodiscard]] Value eval_math2(Func f, const Value& a, const Value& b, const BlockInfo& info, std::string_view what);
[[nodiscard]] Value eval_where(const Value& c, const Value& a, const Value& b, const BlockInfo& info,
                               std::string_view what);
[[nodiscard]] Value eval_delta_r(const Value& eta1, const Value& phi1, const Value& eta2, const Value& phi2,
                                 const BlockInfo& info);
/// Throws ConfigError naming the first entry where lists `a` and `b` differ in length.
void check_same_lengths(const Value& a, const Value& b, const BlockInfo& info, std::string_view what);
/// A constant or per-row number repeated for every element of the lists described by `offsets`.
[[nodiscard]] std::vector<double> repeat_per_element(const Value& scalar, const BlockOffsets& offsets);

// ---- lists (list_ops.cpp)
[[nodiscard]] Value index_element(const Value& x, const Value& index, double missing);
[[nodiscard]] Value mask_list(const Value& x, const Value& mask, const BlockInfo& info);
[[nodiscard]] Value gather_list(const Value& x, const Value& indices, double missing);
/// length, sum, mean, std, any, all, count, min and max of each row's list.
[[nodiscard]] Value reduce_list(Func f, const Value& x, double missing);
/// sort, sort_desc, argsort, argsort_desc (stable; NaN goes last).
[[nodiscard]] Value sort_list(Func f, const Value& x);
[[nodiscard]] Value take_first(const Value& x, const Value& count);
[[nodiscard]] Value at_or_default(const Value& x, const Value& index, const Value& fallback);
/// Value of x for the object with the rank-th largest key (rank 0: the largest).
[[nodiscard]] Value by_key_rank(const Value& x, const Value& key, const Value& rank, const BlockInfo& info,
                                std::string_view what);
/// c ? a : b where a and b are lists: each row takes its whole list from a or b.
[[nodiscard]] Value choose_lists(const Value& c, const Value& a, const Value& b);

// ---- physics (physics.cpp)
/// Invariant mass of the first `count` objects (all when count is null). pxpypze: inputs are
/// px, py, pz, E instead of pt, eta, phi, E.
[[nodiscard]] Value system_mass(const Value* const v[4], const Value* count, bool pxpypze, const BlockInfo& info,
                                std::string_view what);
/// Transverse momentum of the vector sum of the first `count` objects (pt, phi given).
[[nodiscard]] Value system_pt(const Value& pt, const Value& phi, const Value* count, const BlockInfo& info,
                              std::string_view what);
/// ossf_mass_closest (other == false) or ossf_other_mass (other == true). v: pt, eta, phi, E,
/// charge, flavour.
[[nodiscard]] Value ossf_mass(const Value* const v[6], const Value& target, bool other, const BlockInfo& info,
                              std::string_view what);
[[nodiscard]] Value ossf_min_mass(const Value* const v[6], const BlockInfo& info, std::string_view what);
/// Smallest delta R between objects of two collections, or between distinct objects of one
/// collection when eta2/phi2 are null.
[[nodiscard]] Value min_delta_r(const Value& eta1, const Value& phi1, const Value* eta2, const Value* phi2,
                                const BlockInfo& info, std::string_view what);

}  // namespace evclass::expr::detail
