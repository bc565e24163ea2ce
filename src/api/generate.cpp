// `evclass generate`: runs a generator and lists the files it wrote.

#include "evclass/api/generate.hpp"

#include <chrono>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace evclass::api {

int generate(const std::string& analysis, const generate::Options& options, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  const generate::Written written = generate::generate(analysis, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& f : written.files) fmt::print(out, "wrote {}\n", f);
  fmt::print(out, "{}: {} entries in {} files, {:.1f} s\n", analysis, written.events, written.files.size(), seconds);
  return 0;
}

}  // namespace evclass::api
