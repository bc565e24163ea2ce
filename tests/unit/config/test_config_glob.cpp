// The small glob used for sample files, compared with hand-checked cases and with a brute-force
// listing of a folder.

#include <gtest/gtest.h>

#include <fstream>

#include "evclass/api/config.hpp"
#include "evclass/core/error.hpp"
#include "helpers/temp_dir.hpp"

namespace evclass::api {
namespace {

TEST(GlobMatch, StarMatchesAnyRunIncludingAnEmptyOne) {
  EXPECT_TRUE(glob_match("signal_*.root", "signal_.root"));
  EXPECT_TRUE(glob_match("signal_*.root", "signal_train_1.root"));
  EXPECT_FALSE(glob_match("signal_*.root", "signal_train_1.root.bak"));
  EXPECT_TRUE(glob_match("*", "anything"));
  EXPECT_TRUE(glob_match("a*b*c", "abc"));
  EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(glob_match("a*b*c", "axxbyy"));
}

TEST(GlobMatch, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_TRUE(glob_match("run?.csv", "run1.csv"));
  EXPECT_FALSE(glob_match("run?.csv", "run.csv"));
  EXPECT_FALSE(glob_match("run?.csv", "run12.csv"));
}

TEST(GlobMatch, BracketsMatchSetsRangesAndNegations) {
  EXPECT_TRUE(glob_match("f[abc].root", "fb.root"));
  EXPECT_FALSE(glob_match("f[abc].root", "fd.root"));
  EXPECT_TRUE(glob_match("f[0-9].root", "f7.root"));
  EXPECT_FALSE(glob_match("f[0-9].root", "fx.root"));
  EXPECT_TRUE(glob_match("f[!0-9].root", "fx.root"));
  EXPECT_FALSE(glob_match("f[!0-9].root", "f3.root"));
  EXPECT_TRUE(glob_match("f[]].root", "f].root"));
}

TEST(GlobMatch, HiddenFilesNeedALiteralDot) {
  EXPECT_FALSE(glob_match("*.root", ".hidden.root"));
  EXPECT_TRUE(glob_match(".*.root", ".hidden.root"));
}

TEST(GlobMatch, AnUnterminatedBracketIsAConfigError) {
  EXPECT_THROW((void)glob_match("f[ab.root", "fa.root"), ConfigError);
  EXPECT_THROW((void)glob_match("zz[", "a"), ConfigError);
}

TEST(GlobMatch, ManyStarsOnANonMatchingNameFinishQuickly) {
  // A naive recursive matcher needs exponential time here.
  const std::string name(2000, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", name));
}

class GlobFolder : public ::testing::Test {
 protected:
  GlobFolder() : dir_("glob") {
    for (const char* f : {"b_2.root", "a_1.root", "a_10.root", "c.csv", ".a_hidden.root"})
      std::ofstream(dir_.path() / f) << "x";
    std::filesystem::create_directories(dir_.path() / "a_dir.root");
  }
  evclass::testing::TempDir dir_;
};

TEST_F(GlobFolder, ResultsAreTheMatchingRegularFilesSortedByName) {
  const auto files = expand_file_pattern("*.root", dir_.path());
  const std::vector<std::filesystem::path> expected = {dir_.path() / "a_1.root", dir_.path() / "a_10.root",
                                                       dir_.path() / "b_2.root"};
  EXPECT_EQ(files, expected);
}

TEST_F(GlobFolder, AgreesWithABruteForceFilterOfTheFolder) {
  for (const std::string pattern : {"a_*", "?_?.root", "[ab]_*.root", "*.csv", "[!a]*"}) {
    std::vector<std::filesystem::path> expected;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      const auto name = entry.path().filename().string();
      if (!entry.is_regular_file() || name[0] == '.') continue;
      // Independent check, written per pattern by hand.
      bool match = false;
      if (pattern == "a_*") match = name.rfind("a_", 0) == 0;
      if (pattern == "?_?.root") match = name.size() == 8 && name[1] == '_' && name.substr(3) == ".root";
      if (pattern == "[ab]_*.root")
        match = (name[0] == 'a' || name[0] == 'b') && name[1] == '_' && name.ends_with(".root");
      if (pattern == "*.csv") match = name.ends_with(".csv");
      if (pattern == "[!a]*") match = name[0] != 'a';
      if (match) expected.push_back(entry.path());
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(expand_file_pattern(pattern, dir_.path()), expected) << pattern;
  }
}

TEST_F(GlobFolder, APlainNameIsFoundOnlyWhenTheFileExists) {
  EXPECT_EQ(expand_file_pattern("c.csv", dir_.path()).size(), 1u);
  EXPECT_TRUE(expand_file_pattern("missing.csv", dir_.path()).empty());
}

TEST_F(GlobFolder, AnAbsolutePatternIgnoresTheBaseFolder) {
  const auto files = expand_file_pattern((dir_.path() / "b_*.root").string(), "/nonexistent");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0], dir_.path() / "b_2.root");
}

TEST_F(GlobFolder, WildcardsInTheFolderPartAreRejected) {
  EXPECT_THROW((void)expand_file_pattern("a_*/x.root", dir_.path()), ConfigError);
}

TEST_F(GlobFolder, AMissingFolderMatchesNothing) {
  EXPECT_TRUE(expand_file_pattern("nowhere/*.root", dir_.path()).empty());
}

}  // namespace
}  // namespace evclass::api
