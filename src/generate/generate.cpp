// Dispatch of `evclass generate ANALYSIS` to the generators.

#include "evclass/generate/generators.hpp"

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"

namespace evclass::generate {

const std::vector<std::string>& analyses() {
  static const std::vector<std::string> names = {"zprime", "hzz4l", "hgg", "pmass"};
  return names;
}

Written generate(std::string_view analysis, const Options& options) {
  if (analysis == "zprime") return generate_zprime(options);
  if (analysis == "hzz4l") return generate_hzz4l(options);
  if (analysis == "hgg") return generate_hgg(options);
  if (analysis == "pmass") return generate_pmass(options);
  throw KeyNotFound(fmt::format("unknown analysis '{}'; {} (the generators are zprime, hzz4l, hgg and pmass)",
                                 analysis, core::did_you_mean(analysis, analyses())));
}

}  // namespace evclass::generate
