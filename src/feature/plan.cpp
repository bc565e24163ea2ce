#include "evclass/feature/plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::feature {

namespace {

// "config.toml:12:5: feature 'm4l': " — what the user needs to find the expression.
std::string prefix(const Named& n, std::string_view role) {
  std::string out = n.where.empty() ? std::string() : n.where + ": ";
  return out + fmt::format("{} '{}': ", role, n.name);
}

// Re-raises an error of the expression module with the name and place of the expression, keeping
// its kind (ConfigError, KeyNotFound, ...).
template <class Fn>
decltype(auto) with_context(const Named& n, std::string_view role, Fn&& fn) {
  try {
    return fn();
  } catch (const KeyNotFound& e) {
    throw KeyNotFound(prefix(n, role) + e.what());
  } catch (const ConfigError& e) {
    throw ConfigError(prefix(n, role) + e.what());
  }
}

// The value of row i of a one-number-per-entry result as double (booleans are 0/1).
double scalar_at(const column::Column& c, std::size_t i) {
  return c.dtype() == column::DType::kBool ? static_cast<double>(c.values<std::uint8_t>()[i])
                                           : c.values<double>()[i];
}

void require_scalar(const column::Column& c, const Named& n, std::string_view role, entry_t rows) {
  if (c.is_jagged())
    throw ConfigError(prefix(n, role) + fmt::format("'{}' gives a list per event; a {} needs one number per event "
                                                    "(take an element such as x[0] or a reduction such as sum(x), "
                                                    "max(x) or length(x))",
                                                    n.text, role));
  EVC_ASSERT(c.entries() == rows, "an expression gave a wrong number of rows");
}

}  // namespace

Plan::Plan(PlanSpec spec) : spec_(std::move(spec)) {
  const expr::ParseOptions options{spec_.missing};
  const auto compile = [&](const std::vector<Named>& in, std::vector<Compiled>& out, std::string_view role) {
    for (const Named& n : in)
      out.push_back({n, with_context(n, role, [&] { return expr::Expression::parse(n.text, options); })});
  };
  compile(spec_.variables, variables_, "variable");
  compile(spec_.cuts, cuts_, "cut");
  compile(spec_.features, features_, "feature");
  compile(spec_.spectators, spectators_, "spectator");
  weight_.push_back({spec_.weight, with_context(spec_.weight, "weight", [&] {
                       return expr::Expression::parse(spec_.weight.text, options);
                     })});
}

void Plan::check(const expr::KindLookup& lookup, const std::vector<std::string>& names) const {
  std::map<std::string, expr::ColumnKind, std::less<>> derived;
  std::vector<std::string> all = names;
  const expr::KindLookup chained = [&](std::string_view name) -> std::optional<expr::ColumnKind> {
    if (auto it = derived.find(name); it != derived.end()) return it->second;
    return lookup(name);
  };
  for (const auto& v : variables_) {
    const auto type = with_context(v.named, "variable", [&] { return v.expression.check(chained, all); });
    const bool list = type == expr::ResultType::kList || type == expr::ResultType::kBoolList;
    const bool boolean = type == expr::ResultType::kBool || type == expr::ResultType::kBoolList;
    derived[v.named.name] = {boolean ? column::DType::kBool : column::DType::kFloat64, list};
    all.push_back(v.named.name);
  }
  const auto check_scalar = [&](const std::vector<Compiled>& list, std::string_view role) {
    for (const auto& c : list) {
      const auto type = with_context(c.named, role, [&] { return c.expression.check(chained, all); });
      if (type == expr::ResultType::kList || type == expr::ResultType::kBoolList)
        throw ConfigError(prefix(c.named, role) +
                          fmt::format("'{}' gives a {} per event; a {} needs one value per event (take an element "
                                      "such as x[0] or a reduction such as sum(x), max(x), any(x) or length(x))",
                                      c.named.text, expr::result_type_name(type), role));
    }
  };
  check_scalar(cuts_, "cut");
  check_scalar(features_, "feature");
  check_scalar(spectators_, "spectator");
  check_scalar(weight_, "weight");
}

std::vector<std::string> Plan::inputs() const {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen, derived;
  const auto add = [&](const std::vector<Compiled>& list, bool defines) {
    for (const auto& c : list) {
      for (auto& name : c.expression.inputs())
        if (!derived.count(name) && seen.insert(name).second) out.push_back(name);
      if (defines) derived.insert(c.named.name);
    }
  };
  add(variables_, true);
  add(cuts_, false);
  add(features_, false);
  add(spectators_, false);
  add(weight_, false);
  return out;
}

std::vector<std::string> Plan::feature_names() const {
  std::vector<std::string> out;
  for (const auto& f : spec_.features) out.push_back(f.name);
  return out;
}

std::vector<std::string> Plan::spectator_names() const {
  std::vector<std::string> out;
  for (const auto& f : spec_.spectators) out.push_back(f.name);
  return out;
}

Block Plan::compute(const expr::ColumnLookup& lookup, entry_t rows, entry_t first_entry,
                    const core::Context& ctx) const {
  std::map<std::string, column::Column, std::less<>> derived;
  const expr::ColumnLookup chained = [&](std::string_view name) -> const column::Column* {
    if (auto it = derived.find(name); it != derived.end()) return &it->second;
    return lookup(name);
  };
  const auto evaluate = [&](const Compiled& c, std::string_view role) {
    return with_context(c.named, role, [&] { return c.expression.evaluate(chained, rows, first_entry, ctx); });
  };
  for (const auto& v : variables_) derived[v.named.name] = evaluate(v, "variable");

  const auto n = static_cast<std::size_t>(rows);
  Block out;
  out.rows = rows;
  out.pass.assign(n, 1);
  out.cutflow.push_back(rows);
  for (const auto& c : cuts_) {
    const column::Column r = evaluate(c, "cut");
    require_scalar(r, c.named, "cut", rows);
    // A cut that is a number passes where it is non-zero; NaN (a missing value) fails.
    for (std::size_t i = 0; i < n; ++i) {
      const double v = scalar_at(r, i);
      if (!(v != 0.0) || std::isnan(v)) out.pass[i] = 0;
    }
    std::int64_t passing = 0;
    for (const auto p : out.pass) passing += p;
    out.cutflow.push_back(passing);
  }
  out.features.resize(features_.size() * n);
  for (std::size_t j = 0; j < features_.size(); ++j) {
    const column::Column r = evaluate(features_[j], "feature");
    require_scalar(r, features_[j].named, "feature", rows);
    float* dst = out.features.data() + j * n;
    for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(scalar_at(r, i));
  }
  out.spectators.resize(spectators_.size() * n);
  for (std::size_t j = 0; j < spectators_.size(); ++j) {
    const column::Column r = evaluate(spectators_[j], "spectator");
    require_scalar(r, spectators_[j].named, "spectator", rows);
    double* dst = out.spectators.data() + j * n;
    for (std::size_t i = 0; i < n; ++i) dst[i] = scalar_at(r, i);
  }
  const column::Column w = evaluate(weight_.front(), "weight");
  require_scalar(w, spec_.weight, "weight", rows);
  out.weights.resize(n);
  for (std::size_t i = 0; i < n; ++i) out.weights[i] = scalar_at(w, i);
  return out;
}

}  // namespace evclass::feature
