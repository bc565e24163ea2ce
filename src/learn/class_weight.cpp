#include "learn/class_weight.hpp"

#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::learn {

std::string check_class_weight_spec(const nlohmann::json& v) {
  const auto positive = [](const nlohmann::json& w) {
    return w.is_number() && w.get<double>() > 0.0 && std::isfinite(w.get<double>());
  };
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>() == "balanced" ? "" : "the only string allowed is \"balanced\"";
  if (v.is_array()) {
    for (const auto& w : v)
      if (!positive(w)) return fmt::format("weight {} is not a number > 0", w.dump());
    return "";
  }
  if (v.is_object()) {
    for (const auto& [key, w] : v.items()) {
      if (key.empty() || key.size() > 6 || key.find_first_not_of("0123456789") != std::string::npos)
        return fmt::format("key '{}' is not a class index (0, 1, ...)", key);
      if (!positive(w)) return fmt::format("weight {} of class {} is not a number > 0", w.dump(), key);
    }
    return "";
  }
  return "expected \"balanced\", an array or a table of weights";
}

std::vector<double> class_multipliers(const nlohmann::json& spec, const TrainData& data, std::string_view type) {
  const auto n_classes = static_cast<std::size_t>(data.n_classes);
  std::vector<double> out(n_classes, 1.0);
  if (spec.is_null()) return out;
  if (spec.is_string()) {
    std::vector<double> counts(n_classes, 0.0);
    for (auto label : data.labels) counts[static_cast<std::size_t>(label)] += 1.0;
    for (std::size_t k = 0; k < n_classes; ++k)
      out[k] = counts[k] > 0 ? static_cast<double>(data.x.rows) / (static_cast<double>(n_classes) * counts[k]) : 1.0;
    return out;
  }
  if (spec.is_array()) {
    if (spec.size() != n_classes)
      throw ConfigError(fmt::format("model '{}': class_weight has {} entries but there are {} classes", type,
                                    spec.size(), n_classes));
    for (std::size_t k = 0; k < n_classes; ++k) out[k] = spec[k].get<double>();
    return out;
  }
  for (const auto& [key, w] : spec.items()) {
    const auto k = std::stoul(key);
    if (k >= n_classes)
      throw ConfigError(fmt::format("model '{}': class_weight names class {} but the classes are 0..{}", type, k,
                                    n_classes - 1));
    out[k] = w.get<double>();
  }
  return out;
}

}  // namespace evclass::learn
