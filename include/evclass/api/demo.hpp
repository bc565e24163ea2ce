#pragma once
// `evclass demo`: the README's main job on built-in data. Generates the Z' samples, trains the
// reference analysis's config (examples/zprime.toml, built in), evaluates it, applies the model to
// the independent application files, and prints the summary.

#include <iosfwd>
#include <string>

namespace evclass::api {

struct DemoOptions {
  std::string out_dir = "evclass-demo";
  long long events = 100000;  ///< candidates per generated file
  int threads = 0;
};

/// Returns the process exit status.
int demo(const DemoOptions& options, std::ostream& out);

}  // namespace evclass::api
