#pragma once
// The functions of the expression language: names, argument counts and one-line summaries.

#include <cstdint>
#include <optional>
#include <string_view>

namespace evclass::expr::detail {

enum class Func : std::uint8_t {
  // element-wise math (broadcast on lists)
  kAbs, kSqrt, kExp, kLog, kLog10, kSin, kCos, kTan, kAsin, kAcos, kAtan, kSinh, kCosh, kTanh,
  kFloor, kCeil, kRound, kIsnan, kPow, kAtan2, kMin, kMax, kWhere, kDeltaPhi, kDeltaR,
  // reductions (list -> one value per entry)
  kLength, kSum, kMean, kStd, kAny, kAll, kCount,
  // list -> list
  kSort, kSortDesc, kArgsort, kArgsortDesc, kTake,
  // element access
  kAt, kLeading, kSubleading, kNth,
  // physics over a collection per entry
  kMass, kMassPxPyPzE, kSystemPt, kOssfMassClosest, kOssfOtherMass, kOssfMinMass, kMinDeltaR,
};

struct FuncInfo {
  std::string_view name;
  Func func;
  int min_args;
  int max_args;
};

/// The function called `name` (aliases included: len, and, ...), or nullopt.
[[nodiscard]] std::optional<FuncInfo> find_function(std::string_view name);

}  // namespace evclass::expr::detail
