#include "evclass/api/models.hpp"

#include <ostream>

#include <fmt/format.h>

#include "evclass/learn/registry.hpp"

namespace evclass::api {

int describe_models(const std::string& type, std::ostream& out) {
  if (type.empty()) {
    out << "| type | what |\n|---|---|\n";
    for (const auto& t : learn::registered_model_types()) out << fmt::format("| `{}` | {} |\n", t.name, t.summary);
    out << "\n`evclass models TYPE` lists a type's hyper-parameters.\n";
    return 0;
  }
  const learn::ModelType& t = learn::find_model_type(type);
  out << fmt::format("### `{}`\n\n{}\n\n| parameter | allowed | default | meaning |\n|---|---|---|---|\n", t.name, t.summary);
  for (const auto& p : t.schema().params()) {
    const std::string def = p.default_value.is_null() ? "unset" : p.default_value.dump();
    out << fmt::format("| `{}` | {} | `{}` | {} |\n", p.name, p.describe_allowed(), def, p.doc);
  }
  return 0;
}

}  // namespace evclass::api
