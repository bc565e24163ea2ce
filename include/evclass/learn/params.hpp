#pragma once
// Hyper-parameter schemas: each model type declares every parameter once (name, type, default,
// allowed values, doc) and the schema validates configs, fills defaults and documents the model.

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace evclass::learn {

/// The JSON type a hyper-parameter takes.
enum class ParamKind { boolean, integer, number, choice, custom };

/// An interval of allowed numbers, open or closed at each end.
struct NumberRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;
  bool max_open = false;

  [[nodiscard]] static NumberRange any() { return {}; }
  [[nodiscard]] static NumberRange greater_than(double lo) { return {lo, std::numeric_limits<double>::infinity(), true, false}; }
  [[nodiscard]] static NumberRange at_least(double lo) { return {lo, std::numeric_limits<double>::infinity(), false, false}; }
  [[nodiscard]] static NumberRange between(double lo, double hi) { return {lo, hi, false, false}; }

  [[nodiscard]] bool contains(double v) const;
  /// "> 0", ">= 1", "in [0, 1]", ... for error messages and docs.
  [[nodiscard]] std::string describe() const;
};

/// Checks a custom parameter's value: returns "" when it is fine, else why not.
using ParamCheck = std::function<std::string(const nlohmann::json& value)>;

/// One declared hyper-parameter.
struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::number;
  nlohmann::json default_value;          ///< null = unset by default (scikit-learn's None)
  NumberRange range;                     ///< integer and number
  std::vector<std::string> choices;      ///< choice
  std::string allowed;                   ///< custom: what values are allowed, in words
  ParamCheck check;                      ///< custom
  std::string doc;

  /// What values are allowed, in words ("a number > 0", "one of lbfgs, newton", ...).
  [[nodiscard]] std::string describe_allowed() const;
};

/// The hyper-parameters of one model type, in declaration order.
class ParamSchema {
 public:
  explicit ParamSchema(std::string model_type) : model_type_(std::move(model_type)) {}

  ParamSchema& boolean(std::string name, bool default_value, std::string doc);
  ParamSchema& integer(std::string name, std::optional<std::int64_t> default_value, NumberRange range, std::string doc);
  ParamSchema& number(std::string name, std::optional<double> default_value, NumberRange range, std::string doc);
  ParamSchema& choice(std::string name, std::string default_value, std::vector<std::string> choices, std::string doc);
  ParamSchema& custom(std::string name, nlohmann::json default_value, std::string allowed, ParamCheck check,
                      std::string doc);

  [[nodiscard]] const std::string& model_type() const { return model_type_; }
  [[nodiscard]] const std::vector<ParamSpec>& params() const { return params_; }
  [[nodiscard]] std::vector<std::string> names() const;

  /// Validates `params` (a JSON object) and returns it with every declared parameter present
  /// (defaults filled in; integers given for numbers become numbers). Throws ConfigError naming
  /// the model, the key, the value and what is allowed; unknown keys get the closest known name.
  [[nodiscard]] nlohmann::json resolve(const nlohmann::json& params, std::string_view model_name) const;

 private:
  ParamSchema& add(ParamSpec spec);
  std::string model_type_;
  std::vector<ParamSpec> params_;
};

}  // namespace evclass::learn
