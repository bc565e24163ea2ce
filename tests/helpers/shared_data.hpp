#pragma once
// Where the real ROOT files of ../shared/data/root are, and skipping tests cleanly without them.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace evclass::testing {

/// ../shared/data/root next to the checkout (or $EVC_SHARED_DATA), if present.
inline std::optional<std::filesystem::path> shared_root_data() {
  if (const char* env = std::getenv("EVC_SHARED_DATA")) {
    std::filesystem::path p(env);
    if (std::filesystem::is_directory(p)) return p;
  }
  std::filesystem::path p = std::filesystem::path(EVC_SOURCE_DIR) / ".." / "shared" / "data" / "root";
  if (std::filesystem::is_directory(p)) return std::filesystem::canonical(p);
  return std::nullopt;
}

/// Every .root file of the shared data, sorted.
inline std::vector<std::filesystem::path> shared_root_files() {
  std::vector<std::filesystem::path> out;
  if (auto dir = shared_root_data())
    for (const auto& e : std::filesystem::directory_iterator(*dir))
      if (e.path().extension() == ".root") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace evclass::testing

/// Skips the current test with a clear message when ../shared/data/root is absent.
#define EVC_REQUIRE_SHARED_DATA(dir_var)                                                                   \
  auto dir_var##_opt = ::evclass::testing::shared_root_data();                                           \
  if (!dir_var##_opt)                                                                                     \
    GTEST_SKIP() << "../shared/data/root is not beside this checkout (set EVC_SHARED_DATA to run this test)"; \
  const std::filesystem::path dir_var = *dir_var##_opt
