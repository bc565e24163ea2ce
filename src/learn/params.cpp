#include "evclass/learn/params.hpp"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"

namespace evclass::learn {

bool NumberRange::contains(double v) const {
  if (std::isnan(v)) return false;
  if (min_open ? !(v > min) : !(v >= min)) return false;
  if (max_open ? !(v < max) : !(v <= max)) return false;
  return true;
}

std::string NumberRange::describe() const {
  const bool has_min = std::isfinite(min);
  const bool has_max = std::isfinite(max);
  if (has_min && has_max)
    return fmt::format("in {}{}, {}{}", min_open ? "(" : "[", min, max, max_open ? ")" : "]");
  if (has_min) return fmt::format("{} {}", min_open ? ">" : ">=", min);
  if (has_max) return fmt::format("{} {}", max_open ? "<" : "<=", max);
  return "finite";
}

std::string ParamSpec::describe_allowed() const {
  switch (kind) {
    case ParamKind::boolean: return "true or false";
    case ParamKind::integer: return fmt::format("an integer {}", range.describe());
    case ParamKind::number: return fmt::format("a number {}", range.describe());
    case ParamKind::choice: return fmt::format("one of \"{}\"", fmt::join(choices, "\", \""));
    case ParamKind::custom: return allowed;
  }
  return allowed;
}

ParamSchema& ParamSchema::add(ParamSpec spec) {
  for (const auto& p : params_) EVC_ASSERT(p.name != spec.name, "hyper-parameter declared twice");
  params_.push_back(std::move(spec));
  return *this;
}

ParamSchema& ParamSchema::boolean(std::string name, bool default_value, std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.kind = ParamKind::boolean;
  s.default_value = default_value;
  s.doc = std::move(doc);
  return add(std::move(s));
}

ParamSchema& ParamSchema::integer(std::string name, std::optional<std::int64_t> default_value, NumberRange range,
                                  std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.kind = ParamKind::integer;
  if (default_value) s.default_value = *default_value;
  s.range = range;
  s.doc = std::move(doc);
  return add(std::move(s));
}

ParamSchema& ParamSchema::number(std::string name, std::optional<double> default_value, NumberRange range,
                                 std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.kind = ParamKind::number;
  if (default_value) s.default_value = *default_value;
  s.range = range;
  s.doc = std::move(doc);
  return add(std::move(s));
}

ParamSchema& ParamSchema::choice(std::string name, std::string default_value, std::vector<std::string> choices,
                                 std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.kind = ParamKind::choice;
  s.default_value = std::move(default_value);
  s.choices = std::move(choices);
  s.doc = std::move(doc);
  return add(std::move(s));
}

ParamSchema& ParamSchema::custom(std::string name, nlohmann::json default_value, std::string allowed,
                                 ParamCheck check, std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.kind = ParamKind::custom;
  s.default_value = std::move(default_value);
  s.allowed = std::move(allowed);
  s.check = std::move(check);
  s.doc = std::move(doc);
  return add(std::move(s));
}

std::vector<std::string> ParamSchema::names() const {
  std::vector<std::string> out;
  for (const auto& p : params_) out.push_back(p.name);
  return out;
}

namespace {

/// "" when `value` suits `spec`, else the problem ("has the wrong type", "is out of range").
std::string problem_with(const ParamSpec& spec, const nlohmann::json& value) {
  switch (spec.kind) {
    case ParamKind::boolean:
      return value.is_boolean() ? "" : "has the wrong type";
    case ParamKind::integer:
      if (!value.is_number_integer()) return "has the wrong type";
      return spec.range.contains(static_cast<double>(value.get<std::int64_t>())) ? "" : "is out of range";
    case ParamKind::number:
      if (!value.is_number()) return "has the wrong type";
      return spec.range.contains(value.get<double>()) ? "" : "is out of range";
    case ParamKind::choice: {
      if (!value.is_string()) return "has the wrong type";
      const auto& text = value.get_ref<const std::string&>();
      for (const auto& c : spec.choices)
        if (c == text) return "";
      std::string hint = core::did_you_mean(text, spec.choices);
      return hint.empty() ? "is not allowed" : "is not allowed (" + hint + ")";
    }
    case ParamKind::custom: {
      std::string why = spec.check ? spec.check(value) : std::string();
      return why.empty() ? "" : "is not allowed: " + why;
    }
  }
  return "";
}

}  // namespace

nlohmann::json ParamSchema::resolve(const nlohmann::json& params, std::string_view model_name) const {
  const std::string who = fmt::format("model '{}' ({})", model_name, model_type_);
  if (!params.is_null() && !params.is_object())
    throw ConfigError(fmt::format("{}: hyper-parameters must be a table of key = value, not {}", who, params.dump()));
  nlohmann::json out = nlohmann::json::object();
  if (params.is_object()) {
    for (const auto& [key, value] : params.items()) {
      const ParamSpec* spec = nullptr;
      for (const auto& p : params_)
        if (p.name == key) spec = &p;
      if (spec == nullptr) {
        std::string message = fmt::format("{}: unknown hyper-parameter '{}'", who, key);
        if (auto hint = core::did_you_mean(key, names()); !hint.empty()) message += "; " + hint;
        message += fmt::format("\n  known hyper-parameters: {}", fmt::join(names(), ", "));
        throw ConfigError(message);
      }
      if (auto problem = problem_with(*spec, value); !problem.empty()) {
        throw ConfigError(fmt::format("{}: hyper-parameter {} = {} {}; allowed: {} ({})", who, key, value.dump(),
                                      problem, spec->describe_allowed(), spec->doc));
      }
      // Numbers are stored as doubles whether the config wrote 1 or 1.0, so saved models agree.
      out[key] = spec->kind == ParamKind::number ? nlohmann::json(value.get<double>()) : value;
    }
  }
  for (const auto& p : params_)
    if (!out.contains(p.name)) out[p.name] = p.default_value;
  return out;
}

}  // namespace evclass::learn
