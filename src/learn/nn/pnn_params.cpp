// The parameter schema of "pnn" and the options the trainer reads from it.

#include "learn/nn/pnn_params.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"

namespace evclass::learn {

namespace {

std::string check_parameter_names(const nlohmann::json& v) {
  if (!v.is_array() || v.empty()) return "expected a non-empty array of feature names";
  std::set<std::string> seen;
  for (const auto& name : v) {
    if (!name.is_string() || name.get<std::string>().empty()) return fmt::format("{} is not a feature name", name.dump());
    if (!seen.insert(name.get<std::string>()).second) return fmt::format("{} is listed twice", name.dump());
  }
  return "";
}

std::string check_background_value(const nlohmann::json& v) {
  const auto finite = [](const nlohmann::json& x) { return x.is_number() && std::isfinite(x.get<double>()); };
  if (v.is_null() || finite(v)) return "";
  if (!v.is_array() || v.empty()) return "expected a number or an array of numbers (one per parameter)";
  for (const auto& x : v)
    if (!finite(x)) return fmt::format("{} is not a finite number", x.dump());
  return "";
}

}  // namespace

std::string_view to_string(PnnConditioning c) { return c == PnnConditioning::affine ? "affine" : "concat"; }

bool parse_pnn_conditioning(std::string_view text, PnnConditioning& out) {
  for (auto c : {PnnConditioning::concat, PnnConditioning::affine}) {
    if (text == to_string(c)) {
      out = c;
      return true;
    }
  }
  return false;
}

const ParamSchema& pnn_schema() {
  static const ParamSchema schema = [] {
    ParamSchema s(std::string{nn::kPnnType});
    nn::add_mlp_params(s);
    s.custom("parameters", nullptr, "a non-empty array of feature names", check_parameter_names,
             "required: the features that are physics parameters (e.g. [\"mass\"]); predictions are made at the "
             "values these columns hold");
    s.choice("conditioning", "concat", {"concat", "affine"},
             "concat: the parameters are inputs of the first layer; affine: they are not inputs, every hidden "
             "layer's pre-activations z become z * (1 + theta·G) + theta·B before its activation function (FiLM; "
             "G, B start at zero)");
    s.choice("background_parameters", "resample", {"resample", "resample_once", "as_given", "fixed"},
             "background rows' parameter values: drawn from the signal training rows' points (weighted) before "
             "every epoch, or once; kept as in the data; or background_value");
    s.custom("background_value", nullptr, "a number, or an array with one number per parameter",
             check_background_value, "the background's parameter values for background_parameters = \"fixed\"");
    s.boolean("balance_parameter_points", true,
              "give the signal rows of every distinct parameter point the same total weight (the signal's "
              "total is unchanged)");
    return s;
  }();
  return schema;
}

namespace nn {

namespace {

[[noreturn]] void fail(std::string_view parameter, const std::string& why) {
  throw ConfigError(fmt::format("model '{}': hyper-parameter {} {}", kPnnType, parameter, why));
}

BackgroundStrategy parse_background(const std::string& text) {
  if (text == "resample_once") return BackgroundStrategy::resample_once;
  if (text == "as_given") return BackgroundStrategy::as_given;
  if (text == "fixed") return BackgroundStrategy::fixed;
  return BackgroundStrategy::resample;
}

}  // namespace

PnnOptions read_pnn_options(const nlohmann::json& p, const TrainData& data) {
  if (data.n_classes != 2)
    throw ConfigError(fmt::format("model '{}': a parametric network separates signal (label 1) from background "
                                  "(label 0); this run has {} classes (use mlp for multi-class)",
                                  kPnnType, data.n_classes));
  PnnOptions o;
  o.mlp = read_mlp_options(p, data, kPnnType);
  const auto& names = p.at("parameters");
  if (names.is_null())
    fail("parameters", "is required: list the features that are physics parameters, e.g. parameters = [\"mass\"]");
  if (data.feature_names.size() != data.x.cols)
    fail("parameters", "needs the features' names, which this training data does not carry");
  for (const auto& n : names) {
    const std::string name = n.get<std::string>();
    const auto at = std::find(data.feature_names.begin(), data.feature_names.end(), name);
    if (at == data.feature_names.end()) {
      std::string why = fmt::format("lists '{}', which is not a feature", name);
      if (auto hint = core::did_you_mean(name, data.feature_names); !hint.empty()) why += "; " + hint;
      fail("parameters", why + fmt::format(" (features: {})", fmt::join(data.feature_names, ", ")));
    }
    o.parameter_names.push_back(name);
    o.parameter_columns.push_back(static_cast<std::size_t>(at - data.feature_names.begin()));
  }
  const std::size_t n_parameters = o.parameter_columns.size();

  if (!parse_pnn_conditioning(p.at("conditioning").get<std::string>(), o.conditioning))
    fail("conditioning", "is not one of concat, affine");
  if (o.conditioning == PnnConditioning::affine) {
    if (o.mlp.hidden.empty())
      fail("conditioning", "= \"affine\" modulates hidden layers: give hidden_layer_sizes at least one layer");
    if (n_parameters == data.x.cols)
      fail("conditioning", "= \"affine\" takes the parameters out of the inputs, and no other feature is left");
  }

  o.background = parse_background(p.at("background_parameters").get<std::string>());
  const auto& value = p.at("background_value");
  if (o.background == BackgroundStrategy::fixed) {
    if (value.is_null())
      fail("background_value", "is required by background_parameters = \"fixed\" (one number per parameter)");
    const nlohmann::json values = value.is_array() ? value : nlohmann::json::array({value});
    if (values.size() != n_parameters)
      fail("background_value", fmt::format("= {} has {} numbers but there are {} parameters ({})", value.dump(),
                                           values.size(), n_parameters, fmt::join(o.parameter_names, ", ")));
    for (const auto& v : values) o.background_value.push_back(static_cast<float>(v.get<double>()));
  } else if (!value.is_null()) {
    fail("background_value", "is used only with background_parameters = \"fixed\"");
  }
  o.balance = p.at("balance_parameter_points").get<bool>();
  return o;
}

}  // namespace nn
}  // namespace evclass::learn
