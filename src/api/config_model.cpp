// [[model]]: name, type and hyper-parameters (kept as JSON; the learn module validates them).

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "api/config_sections.hpp"
#include "evclass/core/text.hpp"

namespace evclass::api {

const std::vector<std::string>& model_types() {
  static const std::vector<std::string> types = {"logistic_regression", "gbdt", "random_forest", "adaboost",
                                                 "mlp", "pnn", "naive_bayes", "knn", "svm", "easy_ensemble"};
  return types;
}

namespace detail {

namespace {

nlohmann::json to_json(const toml::node& node, const std::string& path, const std::string& file) {
  switch (node.type()) {
    case toml::node_type::string: return node.as_string()->get();
    case toml::node_type::integer: return node.as_integer()->get();
    case toml::node_type::floating_point: return node.as_floating_point()->get();
    case toml::node_type::boolean: return node.as_boolean()->get();
    case toml::node_type::array: {
      auto out = nlohmann::json::array();
      const auto& array = *node.as_array();
      for (std::size_t i = 0; i < array.size(); ++i)
        out.push_back(to_json(*array.get(i), fmt::format("{}[{}]", path, i), file));
      return out;
    }
    case toml::node_type::table: {
      auto out = nlohmann::json::object();
      for (auto&& [k, v] : *node.as_table()) out[std::string(k.str())] = to_json(v, path + "." + std::string(k.str()), file);
      return out;
    }
    default:
      fail_value(to_position(file, node.source()), path, &node,
                 fmt::format("wrong type: a hyper-parameter is a number, string, boolean, array or table, not {}",
                             describe_type(node)));
  }
}

}  // namespace

ModelConfig parse_model(const TableReader& table) {
  ModelConfig model;
  model.where = table.position();
  auto type = table.get_string("type");
  if (!type) {
    table.fail_missing("type", fmt::format("one of {}", fmt::format("{}", fmt::join(model_types(), ", "))));
  }
  const auto& types = model_types();
  if (std::find(types.begin(), types.end(), *type) == types.end()) {
    std::string problem = fmt::format("unknown model type; choose one of {}", fmt::join(types, ", "));
    if (auto hint = core::did_you_mean(*type, types); !hint.empty()) problem += " (" + hint + ")";
    table.fail_key("type", problem);
  }
  model.type = *type;
  model.name = table.get_string("name").value_or(model.type);
  model.train_at = table.get_number_list("train_at", Range::any()).value_or(std::vector<double>{});
  model.leave_out = table.get_number_list("leave_out", Range::any()).value_or(std::vector<double>{});
  if (!model.train_at.empty() && !model.leave_out.empty())
    table.fail_key("leave_out", "give either train_at (train only at these parameter values) or leave_out, not both");
  for (auto&& [k, v] : table.table()) {
    const std::string key(k.str());
    if (key == "name" || key == "type" || key == "train_at" || key == "leave_out") continue;
    model.params[key] = to_json(v, table.path_of(key), table.file());
    model.param_positions[key] = to_position(table.file(), v.source());
  }
  return model;
}

}  // namespace detail
}  // namespace evclass::api
