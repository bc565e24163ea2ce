// Every real ROOT file of ../shared/data/root, read through the library API, must reproduce the
// statistics JSROOT computed (FILE.ref.json): tree entries, and per branch the entry count, number
// of values, sum in entry order, min, max and first five values; leaf-lists per leaf too.
// Branches the reference marks unreliable or skipped are checked by other tests
// (test_uproot_asserted.cpp, test_hand_decoded.cpp).

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "evclass/column/summary.hpp"
#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"
#include "helpers/shared_data.hpp"

namespace {

using nlohmann::json;
using evclass::column::Summary;

// JSON has no NaN: the references write null for it.
bool close(const json& ref, double v) {
  if (ref.is_null()) return std::isnan(v);
  const double r = ref.get<double>();
  return std::abs(r - v) <= 1e-9 * std::max({1.0, std::abs(r), std::abs(v)});
}

void expect_numbers(const json& ref, const Summary& s, const std::string& where) {
  EXPECT_EQ(ref["nValues"].get<std::size_t>(), s.n_values) << where;
  EXPECT_TRUE(close(ref["sum"], s.sum)) << where << ": sum " << s.sum << " != " << ref["sum"];
  if (ref["min"].is_null() && s.n_values == 0) {
    EXPECT_FALSE(s.min.has_value()) << where;
  } else {
    ASSERT_TRUE(s.min && s.max) << where;
    EXPECT_TRUE(close(ref["min"], *s.min)) << where << ": min " << *s.min << " != " << ref["min"];
    EXPECT_TRUE(close(ref["max"], *s.max)) << where << ": max " << *s.max << " != " << ref["max"];
  }
  ASSERT_EQ(ref["first5"].size(), s.first5.size()) << where;
  for (std::size_t i = 0; i < s.first5.size(); ++i)
    EXPECT_TRUE(close(ref["first5"][i], s.first5[i])) << where << ": first5[" << i << "]";
}

// Reference errors (see known_reference_errors.txt): JSROOT is wrong there, bytes prove it.
bool known_reference_error(const std::string& file, const std::string& where) {
  return file == "roottest-Event3a.root" && where == "T/fTracks.fBits";
}

class RefStats : public ::testing::TestWithParam<std::string> {};

TEST_P(RefStats, LibraryReadsMatchTheJsrootReference) {
  EVC_REQUIRE_SHARED_DATA(dir);
  const auto path = dir / GetParam();
  std::ifstream in(path.string() + ".ref.json");
  ASSERT_TRUE(in) << "missing reference for " << path;
  const json ref = json::parse(in);
  const auto file = evclass::root::File::open(path.string());

  std::size_t compared = 0, comparable = 0;
  for (const auto& rt : ref["trees"]) {
    const auto tree = file.tree(rt["path"].get<std::string>(), rt["cycle"].get<int>());
    EXPECT_EQ(tree.entries(), rt["entries"].get<evclass::entry_t>()) << rt["path"];
    for (const auto& rb : rt["branches"]) {
      if (rb.contains("skipped") || !rb.value("reliable", true)) continue;
      ++comparable;
      const std::string name = rb["name"];
      const std::string where = rt["path"].get<std::string>() + "/" + name;
      if (known_reference_error(GetParam(), where)) continue;
      SCOPED_TRACE(where);
      ++compared;
      const auto& info = tree.branch(name);
      ASSERT_TRUE(info.readable) << info.unsupported;
      if (rb.contains("leaves")) {
        std::vector<evclass::column::Column> cols;
        for (const auto& rl : rb["leaves"]) cols.push_back(tree.read(name + "." + rl["name"].get<std::string>()));
        std::vector<const evclass::column::Column*> ptrs;
        for (const auto& c : cols) ptrs.push_back(&c);
        const Summary all = evclass::column::summarize_interleaved(ptrs);
        EXPECT_EQ(all.entries, rb["entries"].get<evclass::entry_t>());
        expect_numbers(rb, all, where);
        for (std::size_t i = 0; i < cols.size(); ++i)
          expect_numbers(rb["leaves"][i], evclass::column::summarize(cols[i]), where + "." + rb["leaves"][i]["name"].get<std::string>());
        continue;
      }
      const Summary s = evclass::column::summarize(tree.read(name));
      EXPECT_EQ(s.entries, rb["entries"].get<evclass::entry_t>());
      if (rb.contains("nStrings")) {
        ASSERT_TRUE(s.is_string);
        EXPECT_EQ(s.n_values, rb["nStrings"].get<std::size_t>());
        EXPECT_EQ(s.first5_strings, rb["first5"].get<std::vector<std::string>>());
      } else {
        expect_numbers(rb, s, where);
      }
    }
  }
  EXPECT_GE(compared + 1, comparable);  // at most the one known reference error is left out
}

std::vector<std::string> file_names() {
  std::vector<std::string> out;
  for (const auto& p : evclass::testing::shared_root_files()) out.push_back(p.filename().string());
  if (out.empty()) out.push_back("(no shared data)");
  return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (auto& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(SharedFiles, RefStats, ::testing::ValuesIn(file_names()), test_name);

}  // namespace
