// The reader's API on real files: entry ranges, threads, cycles, directories, embedded baskets,
// large-file headers, and the messages for what is missing or unsupported.

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>

#include "evclass/column/column.hpp"
#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"
#include "helpers/shared_data.hpp"

namespace {

using evclass::column::Column;

bool same(const Column& a, const Column& b) {
  return a.dtype() == b.dtype() && a.offsets() == b.offsets() && a.inner_shape() == b.inner_shape() &&
         a.string_offsets() == b.string_offsets() && a.entries() == b.entries() &&
         a.data().size() == b.data().size() &&
         (a.data().size() == 0 || std::memcmp(a.data().data(), b.data().data(), a.data().size()) == 0);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const evclass::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ReaderApi, EntryRangesAcrossBasketBoundariesJoinToTheFullColumn) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto tree = evclass::root::File::open((dir / "uproot-HZZ-zstd.root").string()).tree("events");
  for (const char* name : {"Muon_Px", "NMuon", "Jet_Px", "MET_px"}) {
    const Column full = tree.read(name);
    std::mt19937 rng(7);
    for (int trial = 0; trial < 20; ++trial) {
      evclass::entry_t a = rng() % tree.entries(), b = rng() % tree.entries();
      if (a > b) std::swap(a, b);
      const Column part = tree.read(name, {a, b});
      ASSERT_EQ(part.entries(), b - a) << name;
      for (evclass::entry_t e = a; e < b; ++e) {
        auto [f0, f1] = full.entry_value_range(e);
        auto [p0, p1] = part.entry_value_range(e - a);
        ASSERT_EQ(f1 - f0, p1 - p0) << name << " entry " << e;
        for (std::size_t k = 0; k < f1 - f0; ++k) ASSERT_EQ(full.value_as_double(f0 + k), part.value_as_double(p0 + k));
      }
    }
  }
}

TEST(ReaderApi, ThreadCountsAndBatchReadsGiveIdenticalColumns) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto tree = evclass::root::File::open((dir / "NanoAODv5_sample.root").string()).tree("Events");
  const std::vector<std::string> names = {"nJet", "Jet_pt", "Jet_eta", "Muon_charge", "HLT_IsoMu24", "event", "run"};
  const auto one = tree.read(names, {}, {1});
  const auto two = tree.read(names, {}, {2});
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_TRUE(same(one[i], two[i])) << names[i];
    EXPECT_TRUE(same(one[i], tree.read(names[i]))) << names[i];
  }
  // nJet counts the Jet_pt entries.
  const auto& offsets = one[1].offsets().front();
  for (evclass::entry_t e = 0; e < one[0].entries(); ++e)
    ASSERT_EQ(offsets[static_cast<std::size_t>(e) + 1] - offsets[static_cast<std::size_t>(e)],
              one[0].values<std::uint32_t>()[static_cast<std::size_t>(e)]);
}

TEST(ReaderApi, HighestCycleByDefaultAndAnyCycleOnRequest) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto file = evclass::root::File::open((dir / "tree_cycles_hist.root").string());
  EXPECT_EQ(file.tree("Events").cycle(), 2);
  EXPECT_EQ(file.tree("Events").entries(), 6);
  EXPECT_EQ(file.tree("Events", 1).entries(), 4);
  EXPECT_EQ(file.tree("Events;1").entries(), 4);
  ASSERT_EQ(file.trees().size(), 1u);
  EXPECT_EQ(file.trees().front().cycle, 2);
  EXPECT_NE(message_of([&] { (void)file.tree("Events;7"); }).find("no tree 'Events;7'"), std::string::npos);
}

TEST(ReaderApi, MissingTreesAndBranchesNameTheClosestOnes) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto file = evclass::root::File::open((dir / "NanoAODv5_sample.root").string());
  const std::string t = message_of([&] { (void)file.tree("Event"); });
  EXPECT_NE(t.find("no tree 'Event'"), std::string::npos) << t;
  EXPECT_NE(t.find("did you mean 'Events'"), std::string::npos) << t;
  const auto tree = file.tree("Events");
  const std::string b = message_of([&] { (void)tree.read("Jet_Pt"); });
  EXPECT_NE(b.find("no branch 'Jet_Pt'"), std::string::npos) << b;
  EXPECT_NE(b.find("'Jet_pt'"), std::string::npos) << b;
}

TEST(ReaderApi, UnsupportedBranchesNameThemselvesAndTheirType) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto tree = evclass::root::File::open((dir / "roottest-Event3a.root").string()).tree("T");
  EXPECT_FALSE(tree.branch("fH").readable);
  const std::string m = message_of([&] { (void)tree.read("fH"); });
  EXPECT_NE(m.find("'fH'"), std::string::npos) << m;
  EXPECT_NE(m.find("TH1F"), std::string::npos) << m;
}

TEST(ReaderApi, RntupleOnlyFileListsItsObjectsAndHasNoTrees) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto file = evclass::root::File::open((dir / "ntpl001_staff_rntuple_v1-0-0-0.root").string());
  EXPECT_TRUE(file.trees().empty());
  bool found = false;
  for (const auto& o : file.objects()) found = found || (o.name == "Staff" && o.class_name.find("RNTuple") != std::string::npos);
  EXPECT_TRUE(found);
}

TEST(ReaderApi, LargeFileHeaderAndManyBaskets) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto file = evclass::root::File::open((dir / "uproot-issue412.root").string());
  const auto tree = file.tree("test");
  const Column b1 = tree.read("b1");
  ASSERT_EQ(b1.entries(), 1'000'000);
  const std::int64_t first[] = {75, 50, 243, 232, 179};  // per the JSROOT reference
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(b1.values<std::int64_t>()[i], first[i]);
}

TEST(ReaderApi, BasketsEmbeddedInTheTreeRecord) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto tree = evclass::root::File::open((dir / "atlas13TeV_data_A.4lep.root").string()).tree("mini");
  EXPECT_EQ(tree.branch("lep_pt").baskets, 1);
  const Column lep_n = tree.read("lep_n"), lep_pt = tree.read("lep_pt");
  ASSERT_EQ(lep_pt.entries(), 39);
  for (evclass::entry_t e = 0; e < 39; ++e) {
    auto [a, b] = lep_pt.entry_value_range(e);
    EXPECT_EQ(static_cast<std::int64_t>(b - a), lep_n.values<std::int32_t>()[static_cast<std::size_t>(e)]);
  }
}

TEST(ReaderApi, NotARootFileAndMissingFileAreClearErrors) {
  const auto tmp = std::filesystem::temp_directory_path() / "evclass_not_root.txt";
  std::ofstream(tmp) << "hello, this is text and not a ROOT file\n";
  const std::string m = message_of([&] { (void)evclass::root::File::open(tmp.string()); });
  EXPECT_NE(m.find("not a ROOT file"), std::string::npos) << m;
  EXPECT_NE(m.find(tmp.string()), std::string::npos) << m;
  std::filesystem::remove(tmp);
  try {
    (void)evclass::root::File::open("/nonexistent/evclass.root");
    FAIL();
  } catch (const evclass::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/evclass.root"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos);
  }
}

}  // namespace
