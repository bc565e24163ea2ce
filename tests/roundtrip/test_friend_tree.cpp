// Friend trees: one entry per input entry, in the input's order, whatever the batching.

#include <gtest/gtest.h>

#include <filesystem>

#include "evclass/api/friend_tree.hpp"
#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"
#include "evclass/root/writer.hpp"
#include "helpers/shared_data.hpp"
#include "helpers/temp_dir.hpp"

namespace fs = std::filesystem;
using evclass::column::Column;
using evclass::column::DType;
using namespace evclass::root;
using evclass::testing::TempDir;

namespace {


Column doubles(const std::vector<double>& v) {
  Column c(DType::kFloat64);
  c.data().resize(v.size() * 8);
  std::copy(v.begin(), v.end(), c.mutable_values<double>().begin());
  return c;
}

Column floats(const std::vector<float>& v) {
  Column c(DType::kFloat32);
  c.data().resize(v.size() * 4);
  std::copy(v.begin(), v.end(), c.mutable_values<float>().begin());
  return c;
}

// An input tree with x = entry * 0.5 and a vector "jets" of entry % 4 items, in uneven batches.
std::string write_input(const TempDir& dir, std::int64_t n) {
  const std::string path = dir.file("input.root");
  FileWriter out(path);
  TreeWriter& t = out.add_tree("events", {BranchSpec::scalar("x", DType::kFloat64), BranchSpec::vector("jets", DType::kFloat32)});
  for (std::int64_t first = 0; first < n;) {
    const std::int64_t size = std::min<std::int64_t>(n - first, 1777);
    std::vector<double> x;
    std::vector<float> jets;
    evclass::column::Offsets off{0};
    for (std::int64_t e = first; e < first + size; ++e) {
      x.push_back(static_cast<double>(e) * 0.5);
      for (std::int64_t k = 0; k < e % 4; ++k) jets.push_back(static_cast<float>(k));
      off.push_back(static_cast<std::int64_t>(jets.size()));
    }
    Column j = floats(jets);
    j.mutable_offsets().push_back(off);
    t.append(std::vector<Column>{doubles(x), j});
    first += size;
  }
  out.close();
  return path;
}

TEST(FriendTree, HasOneEntryPerInputEntryInTheSameOrder) {
  TempDir dir("friend");
  const std::int64_t n = 10000;
  const std::string input = write_input(dir, n);
  // Scores computed from the input, written in batches of another size than the input's.
  {
    const File in = File::open(input);
    const Column x = in.tree("events").read("x");
    const Column jets = in.tree("events").read("jets");
    evclass::api::FriendTreeWriter w(input, "events", dir.file("scores.root"), "scores",
                                     {BranchSpec::scalar("score", DType::kFloat32)});
    EXPECT_EQ(w.expected_entries(), n);
    for (std::int64_t first = 0; first < n; first += 3333) {
      std::vector<float> s;
      for (std::int64_t e = first; e < std::min(n, first + 3333); ++e) {
        const auto [b, end] = jets.entry_value_range(e);
        s.push_back(static_cast<float>(2 * x.values<double>()[static_cast<std::size_t>(e)] + static_cast<double>(end - b)));
      }
      w.append(std::vector<Column>{floats(s)});
    }
    w.close();
  }
  const File in = File::open(input), fr = File::open(dir.file("scores.root"));
  ASSERT_EQ(fr.tree("scores").entries(), in.tree("events").entries());
  const Column score_column = fr.tree("scores").read("score");
  const auto score = score_column.values<float>();
  for (std::int64_t e = 0; e < n; ++e)
    ASSERT_EQ(score[static_cast<std::size_t>(e)], static_cast<float>(static_cast<double>(e) + static_cast<double>(e % 4)))
        << "entry " << e;
}

TEST(FriendTree, TooFewEntriesLeaveNoFileAndTooManyAreRefused) {
  TempDir dir("friend");
  const std::string input = write_input(dir, 100);
  {
    evclass::api::FriendTreeWriter w(input, "events", dir.file("short.root"), "scores",
                                     {BranchSpec::scalar("score", DType::kFloat32)});
    w.append(std::vector<Column>{floats(std::vector<float>(99, 1.0f))});
    try {
      w.close();
      FAIL() << "no error";
    } catch (const evclass::Error& e) {
      EXPECT_NE(std::string(e.what()).find("99 entries"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("has 100"), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(dir.file("short.root")));
  evclass::api::FriendTreeWriter w(input, "events", dir.file("long.root"), "scores",
                                   {BranchSpec::scalar("score", DType::kFloat32)});
  EXPECT_THROW(w.append(std::vector<Column>{floats(std::vector<float>(101, 1.0f))}), evclass::Error);
}

TEST(FriendTree, PairsWithATreeWrittenByRoot) {
  const auto data = evclass::testing::shared_root_data();
  if (!data) GTEST_SKIP() << "../shared/data/root is absent";
  TempDir dir("friend");
  const std::string input = (*data / "uproot-HZZ-zstd.root").string();
  const File in = File::open(input);
  const Column n_muon = in.tree("events").read("NMuon");
  std::vector<float> s;
  for (const auto v : n_muon.values<std::int32_t>()) s.push_back(static_cast<float>(v) * 10.0f);
  evclass::api::FriendTreeWriter w(input, "events", dir.file("hzz_scores.root"), "scores",
                                   {BranchSpec::scalar("score", DType::kFloat32)});
  w.append(std::vector<Column>{floats(s)});
  w.close();
  const Column score_column = File::open(dir.file("hzz_scores.root")).tree("scores").read("score");
  const auto score = score_column.values<float>();
  ASSERT_EQ(score.size(), n_muon.values<std::int32_t>().size());
  for (std::size_t e = 0; e < score.size(); ++e) ASSERT_EQ(score[e], 10.0f * static_cast<float>(n_muon.values<std::int32_t>()[e]));
}

}  // namespace
