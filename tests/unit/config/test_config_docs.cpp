// docs/config.md documents every key the parser accepts, and its complete example parses.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "api/config_sections.hpp"
#include "config_fixture.hpp"

namespace evclass::api::testing {
namespace {

std::string read_docs() {
  std::ifstream in(std::string(EVC_SOURCE_DIR) + "/docs/config.md");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ConfigDocs, EveryKeyOfEveryTableHasARowInTheDocs) {
  const std::string docs = read_docs();
  ASSERT_FALSE(docs.empty()) << "docs/config.md not found under " << EVC_SOURCE_DIR;
  const std::vector<std::pair<std::string, const std::vector<std::string>*>> tables = {
      {"run", &detail::kRunKeys},           {"sample", &detail::kSampleKeys},
      {"selection", &detail::kSelectionKeys}, {"features", &detail::kFeaturesKeys},
      {"weights", &detail::kWeightsKeys},   {"split", &detail::kSplitKeys},
      {"preprocessing", &detail::kPreprocessingKeys}, {"evaluation", &detail::kEvaluationKeys},
      {"output", &detail::kOutputKeys}};
  for (const auto& [table, keys] : tables) {
    // The section of this table runs from its heading to the next "## ".
    auto start = docs.find("## `[" + table + "]`");
    if (start == std::string::npos) start = docs.find("## `[[" + table + "]]`");
    ASSERT_NE(start, std::string::npos) << "no section for [" << table << "]";
    const auto end = docs.find("\n## ", start + 4);
    const std::string section = docs.substr(start, end - start);
    for (const auto& key : *keys)
      EXPECT_NE(section.find("| `" + key + "` |"), std::string::npos) << "[" << table << "] " << key << " is undocumented";
  }
  for (const auto& type : model_types()) EXPECT_NE(docs.find("`" + type + "`"), std::string::npos) << type;
}

class DocsExample : public ConfigFolder {};

TEST_F(DocsExample, TheCompleteExampleParses) {
  const std::string docs = read_docs();
  const auto heading = docs.find("## A complete example");
  ASSERT_NE(heading, std::string::npos);
  const auto begin = docs.find("```toml\n", heading) + 8;
  const auto end = docs.find("```", begin);
  const std::string example = docs.substr(begin, end - begin);
  touch("samples/zprime/reduced_signal_forTraining.root");
  touch("samples/zprime/reduced_background_forTraining.root");
  const auto c = parse(example);
  EXPECT_EQ(c.run.name, "zprime");
  EXPECT_EQ(c.samples.size(), 2u);
  EXPECT_EQ(c.models.size(), 4u);
  EXPECT_EQ(c.features.use.size(), 4u);
  EXPECT_EQ(c.classes, (std::vector<std::string>{"background", "signal"}));
}

}  // namespace
}  // namespace evclass::api::testing
