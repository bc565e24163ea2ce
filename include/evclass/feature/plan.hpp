#pragma once
// What an analysis computes from each file's columns: derived variables (in order, each may use
// the ones before), the cuts an event must pass, the features trained on, spectators carried to
// the outputs, and the event weight. A plan is parsed and type-checked once, then applied to
// block after block of columns; it knows nothing of files, samples or models.

#include <cstdint>
#include <string>
#include <vector>

#include "evclass/column/column.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/core/types.hpp"
#include "evclass/expr/expression.hpp"

namespace evclass::feature {

/// An expression with the name it produces and where it was written (for messages).
struct Named {
  std::string name;       ///< column name of the result (a feature name, a variable name)
  std::string text;       ///< the expression
  std::string where;      ///< "config.toml:12:5" or "" (prefixed to error messages)
};

/// The expressions of a plan, as written.
struct PlanSpec {
  std::vector<Named> variables;   ///< derived variables, evaluated in order
  std::vector<Named> cuts;        ///< all must hold (booleans, or numbers: non-zero passes)
  std::vector<Named> features;    ///< one number per event each
  std::vector<Named> spectators;  ///< one number per event each
  Named weight{"weight", "1", ""};
  expr::MissingValue missing = expr::MissingValue::kNaN;
};

/// Everything a plan computes for a block of rows, one value per row (selected or not).
struct Block {
  entry_t rows = 0;
  std::vector<std::uint8_t> pass;            ///< 1 where every cut holds
  std::vector<std::int64_t> cutflow;         ///< rows, then rows passing cuts 1..k in sequence
  std::vector<float> features;               ///< column-major: feature j of row i at [j * rows + i]
  std::vector<double> spectators;            ///< column-major, as features
  std::vector<double> weights;               ///< the weight expression (before normalisation)
};

class Plan {
 public:
  /// Parses every expression; ConfigError (prefixed with where it was written) on a mistake.
  explicit Plan(PlanSpec spec);

  /// Checks every expression against the columns of an input (all of `names`, with their kinds
  /// from `lookup`): unknown names suggest the closest; features, spectators and the weight
  /// must give one number per event, cuts a boolean or a number.
  void check(const expr::KindLookup& lookup, const std::vector<std::string>& names) const;

  /// Input columns the plan reads (not the derived variables it makes), in first-use order.
  [[nodiscard]] std::vector<std::string> inputs() const;

  /// Evaluates the plan over `rows` rows whose first is entry `first_entry` of its file.
  [[nodiscard]] Block compute(const expr::ColumnLookup& lookup, entry_t rows, entry_t first_entry,
                              const core::Context& ctx = {}) const;

  [[nodiscard]] const PlanSpec& spec() const noexcept { return spec_; }
  [[nodiscard]] std::vector<std::string> feature_names() const;
  [[nodiscard]] std::vector<std::string> spectator_names() const;

 private:
  struct Compiled {
    Named named;
    expr::Expression expression;
  };
  PlanSpec spec_;
  std::vector<Compiled> variables_, cuts_, features_, spectators_;
  std::vector<Compiled> weight_;  ///< one element
};

}  // namespace evclass::feature
