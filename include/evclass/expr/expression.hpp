#pragma once
// Expressions over columns: cuts and derived variables written by physicists in a config, e.g.
//   "lep_n == 4 && sum(lep_charge) == 0 && lep_pt[0] > 25"
//   "mass(lep_pt, lep_eta, lep_phi, lep_E) / 1000"
// The language is described in docs/expressions.md. Evaluation runs node by node over blocks of
// rows into flat double arrays (plus offsets for lists), never as a per-row tree walk, and is
// parallel over a fixed block partition so results do not depend on the thread count.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evclass/column/column.hpp"
#include "evclass/column/dtype.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/core/types.hpp"

namespace evclass::expr {

/// Value of x[i] when the list has no element i, and of min/max/mean/std/leading/... of an empty
/// list (sum and length of an empty list are always 0).
enum class MissingValue { kNaN, kZero };

/// Options fixed when an expression is parsed.
struct ParseOptions {
  MissingValue missing = MissingValue::kNaN;
};

/// What a name refers to, for checking an expression before any data is read.
struct ColumnKind {
  column::DType dtype = column::DType::kFloat64;
  bool is_list = false;  ///< one list of numbers per entry (jagged or fixed-size array)
};

/// The kind of value an expression yields per entry.
enum class ResultType {
  kNumber,    ///< one number (column of kFloat64)
  kBool,      ///< one boolean (column of kBool, 0/1)
  kList,      ///< a list of numbers (kFloat64 with one offsets level)
  kBoolList,  ///< a list of booleans (kBool with one offsets level)
};

/// "number", "boolean", "list of numbers" or "list of booleans".
[[nodiscard]] std::string_view result_type_name(ResultType t) noexcept;

/// The kind of a column as expressions see it. Throws ConfigError naming `name` for strings and
/// for layouts deeper than one list per entry (nested lists, multi-dimensional arrays).
[[nodiscard]] ColumnKind column_kind(const column::Column& column, std::string_view name);

/// Names of every function the language knows (for suggestions and documentation).
[[nodiscard]] const std::vector<std::string>& function_names();

/// Finds a column by name during evaluation; nullptr when there is none.
using ColumnLookup = std::function<const column::Column*(std::string_view)>;
/// Finds what a name refers to during checking; nullopt when there is no such column.
using KindLookup = std::function<std::optional<ColumnKind>(std::string_view)>;

namespace detail {
struct Program;
}

/// A parsed expression. Cheap to copy (the parsed program is shared and immutable).
class Expression {
 public:
  /// Parses `text`. Throws ConfigError showing the expression with a caret under the mistake
  /// and saying what was expected; unknown function names get the closest known names.
  static Expression parse(std::string_view text, ParseOptions options = {});

  /// The text the expression was parsed from.
  [[nodiscard]] const std::string& text() const noexcept;

  /// Column names used, in order of first appearance (not functions, not `entry`).
  [[nodiscard]] std::vector<std::string> inputs() const;

  /// Type-checks against the columns that exist. Unknown names throw KeyNotFound suggesting the
  /// closest of `all_names`; a list where a number is needed (and similar) throws ConfigError
  /// naming the function or operator and argument.
  [[nodiscard]] ResultType check(const KindLookup& lookup, const std::vector<std::string>& all_names) const;

  /// Evaluates over `rows` entries (every input column must hold at least `rows` entries).
  /// `first_entry` is the entry number of row 0 in its file (the variable `entry`). Runs over
  /// ctx's threads on a fixed block partition: the result is bit-identical for any thread count.
  /// Throws ConfigError for type errors and for lists of different lengths combined element by
  /// element (naming the entry).
  [[nodiscard]] column::Column evaluate(const ColumnLookup& lookup, entry_t rows, entry_t first_entry,
                                        const core::Context& ctx = {}) const;

  /// The result type when the expression only uses the given columns (convenience over check()).
  [[nodiscard]] ResultType result_type(const ColumnLookup& lookup) const;

 private:
  explicit Expression(std::shared_ptr<const detail::Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const detail::Program> program_;
};

}  // namespace evclass::expr
