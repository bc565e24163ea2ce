#include "expr/functions.hpp"

#include <array>
#include <string>
#include <vector>

#include "evclass/expr/expression.hpp"

namespace evclass::expr::detail {

namespace {
constexpr std::array kFunctions = {
    FuncInfo{"abs", Func::kAbs, 1, 1},          FuncInfo{"sqrt", Func::kSqrt, 1, 1},
    FuncInfo{"exp", Func::kExp, 1, 1},          FuncInfo{"log", Func::kLog, 1, 1},
    FuncInfo{"log10", Func::kLog10, 1, 1},      FuncInfo{"sin", Func::kSin, 1, 1},
    FuncInfo{"cos", Func::kCos, 1, 1},          FuncInfo{"tan", Func::kTan, 1, 1},
    FuncInfo{"asin", Func::kAsin, 1, 1},        FuncInfo{"acos", Func::kAcos, 1, 1},
    FuncInfo{"atan", Func::kAtan, 1, 1},        FuncInfo{"sinh", Func::kSinh, 1, 1},
    FuncInfo{"cosh", Func::kCosh, 1, 1},        FuncInfo{"tanh", Func::kTanh, 1, 1},
    FuncInfo{"floor", Func::kFloor, 1, 1},      FuncInfo{"ceil", Func::kCeil, 1, 1},
    FuncInfo{"round", Func::kRound, 1, 1},      FuncInfo{"isnan", Func::kIsnan, 1, 1},
    FuncInfo{"pow", Func::kPow, 2, 2},          FuncInfo{"atan2", Func::kAtan2, 2, 2},
    FuncInfo{"min", Func::kMin, 1, 2},          FuncInfo{"max", Func::kMax, 1, 2},
    FuncInfo{"where", Func::kWhere, 3, 3},      FuncInfo{"delta_phi", Func::kDeltaPhi, 2, 2},
    FuncInfo{"delta_r", Func::kDeltaR, 4, 4},   FuncInfo{"length", Func::kLength, 1, 1},
    FuncInfo{"len", Func::kLength, 1, 1},       FuncInfo{"sum", Func::kSum, 1, 1},
    FuncInfo{"mean", Func::kMean, 1, 1},        FuncInfo{"std", Func::kStd, 1, 1},
    FuncInfo{"any", Func::kAny, 1, 1},          FuncInfo{"all", Func::kAll, 1, 1},
    FuncInfo{"count", Func::kCount, 1, 1},      FuncInfo{"sort", Func::kSort, 1, 1},
    FuncInfo{"sort_desc", Func::kSortDesc, 1, 1}, FuncInfo{"argsort", Func::kArgsort, 1, 1},
    FuncInfo{"argsort_desc", Func::kArgsortDesc, 1, 1}, FuncInfo{"take", Func::kTake, 2, 2},
    FuncInfo{"at", Func::kAt, 3, 3},            FuncInfo{"leading", Func::kLeading, 2, 2},
    FuncInfo{"subleading", Func::kSubleading, 2, 2}, FuncInfo{"nth", Func::kNth, 3, 3},
    FuncInfo{"mass", Func::kMass, 4, 5},        FuncInfo{"mass_pxpypze", Func::kMassPxPyPzE, 4, 5},
    FuncInfo{"system_pt", Func::kSystemPt, 2, 5}, FuncInfo{"sum_pt", Func::kSystemPt, 2, 5},
    FuncInfo{"ossf_mass_closest", Func::kOssfMassClosest, 7, 7},
    FuncInfo{"ossf_other_mass", Func::kOssfOtherMass, 7, 7},
    FuncInfo{"ossf_min_mass", Func::kOssfMinMass, 6, 6},
    FuncInfo{"min_delta_r", Func::kMinDeltaR, 2, 4},
};
}  // namespace

std::optional<FuncInfo> find_function(std::string_view name) {
  for (const auto& f : kFunctions)
    if (f.name == name) return f;
  return std::nullopt;
}

}  // namespace evclass::expr::detail

namespace evclass::expr {

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& f : detail::kFunctions) out.emplace_back(f.name);
    return out;
  }();
  return names;
}

}  // namespace evclass::expr
