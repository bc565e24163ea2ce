#pragma once
// A temporary analysis folder with a few empty sample files, and helpers to parse config text
// against it and to capture the ConfigError message.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "evclass/api/config.hpp"
#include "evclass/core/error.hpp"
#include "helpers/temp_dir.hpp"

namespace evclass::api::testing {

class ConfigFolder : public ::testing::Test {
 protected:
  ConfigFolder() : dir_("config") {
    for (const char* f : {"samples/zprime/signal_train_1.root", "samples/zprime/signal_train_2.root",
                          "samples/zprime/background_train.root", "samples/zprime/.hidden.root",
                          "bench/zprime16_100k.csv", "hzz/mc_ggH.root", "hzz/mc_ZZ.root", "hzz/data_A.root"})
      touch(f);
  }

  void touch(const std::string& relative, const std::string& content = "") const {
    const auto path = dir_.path() / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << content;
  }

  [[nodiscard]] const std::filesystem::path& base() const { return dir_.path(); }

  [[nodiscard]] Config parse(const std::string& text) const { return parse_config(text, "test.toml", base()); }

  /// The ConfigError message of parsing `text`, or a failure if it parses.
  [[nodiscard]] std::string error_of(const std::string& text) const {
    try {
      (void)parse(text);
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected a ConfigError for:\n" << text;
    return "";
  }

  /// Replaces the first `from` in `text` (which must contain it) by `to`.
  static void replace_once(std::string& text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  }

  /// Two samples, features and a model: the smallest valid config, to which tests add lines.
  static std::string minimal(const std::string& extra_sample_keys = "", const std::string& tail = "") {
    return "[[sample]]\n"
           "name = \"sig\"\n"
           "files = [\"samples/zprime/signal_train_*.root\"]\n"
           "class = \"signal\"\n" +
           extra_sample_keys +
           "\n[[sample]]\n"
           "name = \"bkg\"\n"
           "files = \"samples/zprime/background_train.root\"\n"
           "class = \"background\"\n"
           "\n[features]\n"
           "use = [\"a\", \"b\"]\n"
           "\n[[model]]\n"
           "type = \"logistic_regression\"\n" +
           tail;
  }

 private:
  evclass::testing::TempDir dir_;
};

}  // namespace evclass::api::testing
