#pragma once
// `evclass generate`: writes the built-in physics-like samples.

#include <iosfwd>
#include <string>

#include "evclass/generate/generators.hpp"

namespace evclass::api {

/// Runs a generator and prints what it wrote to `out`. Returns the process exit status.
int generate(const std::string& analysis, const generate::Options& options, std::ostream& out);

}  // namespace evclass::api
