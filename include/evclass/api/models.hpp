#pragma once
// `evclass models [TYPE]`: the model types a config may name, and each type's hyper-parameters
// (name, allowed values, default, meaning) as Markdown, printed from the schemas the configs are
// checked against.

#include <iosfwd>
#include <string>

namespace evclass::api {

/// Without a type: one line per registered model type. With one: its parameter table. Throws
/// ConfigError (with the closest names) for an unknown type. Returns the exit status.
int describe_models(const std::string& type, std::ostream& out);

}  // namespace evclass::api
