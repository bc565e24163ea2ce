// Damaged configs end in a Config or one ConfigError, never in another exception or a crash.

#include <gtest/gtest.h>

#include <functional>
#include <typeinfo>

#include "config_fixture.hpp"

namespace evclass::api::testing {
namespace {

// Parses `text`; fails the test when anything other than ConfigError escapes.
void expect_config_or_config_error(const std::string& text, const std::function<Config(const std::string&)>& parse) {
  try {
    (void)parse(text);
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("test.toml"), std::string::npos) << "message without the file name: " << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected " << typeid(e).name() << ": " << e.what() << "\nfor:\n" << text;
  }
}

TEST_F(ConfigFolder, EveryTruncationOfAValidConfigParsesOrGivesAConfigError) {
  const std::string text = minimal("selection = \"x > 1\"\nweight = \"w\"\n",
                                   "[split]\nmethod = \"kfold\"\nfolds = 4\n[output]\ncompression = \"lz4:3\"\n");
  auto parse_text = [this](const std::string& t) { return parse(t); };
  for (std::size_t n = 0; n <= text.size(); ++n) expect_config_or_config_error(text.substr(0, n), parse_text);
}

TEST_F(ConfigFolder, ReplacingAnyCharacterParsesOrGivesAConfigError) {
  const std::string text = minimal("cross_section_pb = 1.5\nsum_weights = 2\n", "[evaluation]\nthreshold = 0.25\n");
  auto parse_text = [this](const std::string& t) { return parse(t); };
  for (std::size_t i = 0; i < text.size(); ++i)
    for (char c : {'"', '[', ']', '=', '\n', '*', '0', '\0', '\xff'}) {
      std::string damaged = text;
      damaged[i] = c;
      expect_config_or_config_error(damaged, parse_text);
    }
}

}  // namespace
}  // namespace evclass::api::testing
