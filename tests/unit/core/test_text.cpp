// Unit tests of evclass/core/text.hpp: edit distance and "did you mean" suggestions.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evclass/core/text.hpp"

namespace evclass::core {
namespace {

TEST(EditDistance, IdenticalStringsAreZeroApart) {
  EXPECT_EQ(edit_distance("Jet_pt", "Jet_pt"), 0u);
  EXPECT_EQ(edit_distance("", ""), 0u);
}

TEST(EditDistance, EmptyStringIsAsFarAsTheOtherStringIsLong) {
  EXPECT_EQ(edit_distance("", "abcd"), 4u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(EditDistance, CountsOneSubstitutionInsertionOrDeletion) {
  EXPECT_EQ(edit_distance("Jet_pt", "Jet_pX"), 1u);   // substitution
  EXPECT_EQ(edit_distance("Jet_pt", "Jet_ptt"), 1u);  // insertion
  EXPECT_EQ(edit_distance("Jet_pt", "Jetpt"), 1u);    // deletion
}

TEST(EditDistance, MatchesTheClassicTextbookExamples) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
  EXPECT_EQ(edit_distance("intention", "execution"), 5u);
}

TEST(EditDistance, IsSymmetricAndCaseSensitive) {
  EXPECT_EQ(edit_distance("sunday", "saturday"), edit_distance("saturday", "sunday"));
  EXPECT_EQ(edit_distance("sunday", "saturday"), 3u);
  EXPECT_EQ(edit_distance("MET", "met"), 3u);
}

TEST(ClosestNames, RanksTheNearestCandidateFirst) {
  const std::vector<std::string> candidates = {"Muon_eta", "Jet_eta", "Jet_pt", "Electron_pt"};
  const auto best = closest_names("Jet_ptt", candidates);
  ASSERT_FALSE(best.empty());
  EXPECT_EQ(best.front(), "Jet_pt");
}

TEST(ClosestNames, IgnoresCaseWhenComparing) {
  const std::vector<std::string> candidates = {"nJet", "Jet_pt", "MET_phi"};
  const auto best = closest_names("JET_PT", candidates);
  ASSERT_FALSE(best.empty());
  EXPECT_EQ(best.front(), "Jet_pt");
}

TEST(ClosestNames, ReturnsTheOriginalSpellingOfTheCandidate) {
  const auto best = closest_names("met_PT", {"MET_pt"});
  ASSERT_EQ(best.size(), 1u);
  EXPECT_EQ(best[0], "MET_pt");
}

TEST(ClosestNames, SuggestsACandidateThatContainsTheNameEvenWhenFarByEditDistance) {
  // "pt" is 9 edits from "Electron_pt" but is a substring of it.
  const auto best = closest_names("pt", {"Electron_pt", "zzzz"});
  ASSERT_EQ(best.size(), 1u);
  EXPECT_EQ(best[0], "Electron_pt");
}

TEST(ClosestNames, LeavesOutCandidatesThatAreNothingLikeTheName) {
  const auto best = closest_names("Jet_pt", {"HLT_IsoMu24", "PV_npvsGood"});
  EXPECT_TRUE(best.empty());
}

TEST(ClosestNames, ReturnsAtMostMaxCountNames) {
  const std::vector<std::string> candidates = {"x1", "x2", "x3", "x4", "x5"};
  EXPECT_EQ(closest_names("x", candidates, 2).size(), 2u);
  EXPECT_EQ(closest_names("x", candidates).size(), 3u);  // default max_count
}

TEST(ClosestNames, ListsADuplicatedCandidateOnlyOnce) {
  const auto best = closest_names("Jet_pt", {"Jet_pt", "Jet_pt", "Jet_eta"});
  ASSERT_EQ(best.size(), 2u);
  EXPECT_EQ(best[0], "Jet_pt");
  EXPECT_EQ(best[1], "Jet_eta");
}

TEST(ClosestNames, KeepsTheCandidatesOrderAmongEquallyCloseNames) {
  // Both differ from "Jet_pX" by one substitution; the original order must be kept.
  const auto best = closest_names("Jet_pX", {"Jet_pz", "Jet_py"});
  ASSERT_EQ(best.size(), 2u);
  EXPECT_EQ(best[0], "Jet_pz");
  EXPECT_EQ(best[1], "Jet_py");
}

TEST(ClosestNames, NoCandidatesGiveNoSuggestions) { EXPECT_TRUE(closest_names("Jet_pt", {}).empty()); }

TEST(DidYouMean, IsEmptyWhenNothingIsClose) {
  EXPECT_EQ(did_you_mean("Jet_pt", {"HLT_IsoMu24"}), "");
  EXPECT_EQ(did_you_mean("Jet_pt", {}), "");
}

TEST(DidYouMean, QuotesASingleSuggestion) { EXPECT_EQ(did_you_mean("Jet_ptt", {"Jet_pt"}), "did you mean 'Jet_pt'?"); }

TEST(DidYouMean, JoinsTwoSuggestionsWithOr) {
  EXPECT_EQ(did_you_mean("Jet_pX", {"Jet_pz", "Jet_py"}), "did you mean 'Jet_pz' or 'Jet_py'?");
}

TEST(DidYouMean, JoinsThreeSuggestionsWithACommaAndOr) {
  EXPECT_EQ(did_you_mean("Jet_pX", {"Jet_pz", "Jet_py", "Jet_pt", "Jet_pw"}),
            "did you mean 'Jet_pz', 'Jet_py' or 'Jet_pt'?");
}

}  // namespace
}  // namespace evclass::core
