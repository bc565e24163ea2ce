// Lists: broadcasting, indexing, masks, gathers, reductions, sorting and ranking, each against a
// plain loop written here.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "evclass/core/error.hpp"
#include "table.hpp"

namespace evclass::expr::test {
namespace {

using Lists = std::vector<std::vector<double>>;
const double kNaN = std::nan("");

struct RandomEvents {
  Lists pt, eta;
  std::vector<double> n;
  Table table;
  explicit RandomEvents(std::size_t rows, std::uint64_t seed = 11) {
    std::mt19937_64 rng(seed);
    pt = random_lists(rng, rows, 6, 5, 100);
    eta = like(rng, pt, -2.5, 2.5);
    for (const auto& l : pt) n.push_back(static_cast<double>(l.size()));
    table.add("pt", jagged(pt));
    table.add("eta", jagged<float>(eta));
    table.add("n", flat<std::int32_t>(n));
  }
};

TEST(ExprLists, ReductionsMatchPlainLoops) {
  RandomEvents ev(3000);
  const auto len = numbers(ev.table.eval("length(pt)", 3000));
  const auto len2 = numbers(ev.table.eval("len(pt)", 3000));
  const auto sum = numbers(ev.table.eval("sum(pt)", 3000));
  const auto mean = numbers(ev.table.eval("mean(pt)", 3000));
  const auto sd = numbers(ev.table.eval("std(pt)", 3000));
  const auto mn = numbers(ev.table.eval("min(pt)", 3000));
  const auto mx = numbers(ev.table.eval("max(pt)", 3000));
  const auto cnt = numbers(ev.table.eval("count(pt > 50)", 3000));
  const auto any = numbers(ev.table.eval("any(pt > 90)", 3000));
  const auto all = numbers(ev.table.eval("all(pt > 20)", 3000));
  for (std::size_t r = 0; r < ev.pt.size(); ++r) {
    const auto& l = ev.pt[r];
    double s = 0, c = 0, s2 = 0;
    bool a = false, every = true;
    for (double v : l) {
      s += v;
      c += v > 50;
      a = a || v > 90;
      every = every && v > 20;
    }
    EXPECT_EQ(len[r], static_cast<double>(l.size()));
    EXPECT_EQ(len2[r], static_cast<double>(l.size()));
    EXPECT_NEAR(sum[r], s, 1e-9);
    EXPECT_EQ(cnt[r], c);
    EXPECT_EQ(any[r], a ? 1 : 0);
    EXPECT_EQ(all[r], every ? 1 : 0);
    if (l.empty()) {
      EXPECT_TRUE(std::isnan(mean[r]) && std::isnan(sd[r]) && std::isnan(mn[r]) && std::isnan(mx[r]));
      continue;
    }
    const double m = s / static_cast<double>(l.size());
    for (double v : l) s2 += (v - m) * (v - m);
    EXPECT_NEAR(mean[r], m, 1e-9);
    EXPECT_NEAR(sd[r], std::sqrt(s2 / static_cast<double>(l.size())), 1e-9);
    EXPECT_EQ(mn[r], *std::min_element(l.begin(), l.end()));
    EXPECT_EQ(mx[r], *std::max_element(l.begin(), l.end()));
  }
}

TEST(ExprLists, EmptyListReductionsFollowTheMissingValueOption) {
  Table t;
  t.add("x", jagged({{}, {2, 4}}));
  ParseOptions zero{MissingValue::kZero};
  EXPECT_EQ(numbers(t.eval("max(x)", 2, zero)), (std::vector<double>{0, 4}));
  EXPECT_EQ(numbers(t.eval("mean(x)", 2, zero)), (std::vector<double>{0, 3}));
  EXPECT_EQ(numbers(t.eval("sum(x) + length(x)", 2)), (std::vector<double>{0, 8}));
}

TEST(ExprLists, ArithmeticBroadcastsListsWithNumbersAndListsWithLists) {
  RandomEvents ev(500);
  const auto out = lists(ev.table.eval("pt * cosh(eta) + n", 500));
  ASSERT_EQ(out.size(), ev.pt.size());
  for (std::size_t r = 0; r < out.size(); ++r) {
    ASSERT_EQ(out[r].size(), ev.pt[r].size());
    for (std::size_t i = 0; i < out[r].size(); ++i)
      EXPECT_NEAR(out[r][i], ev.pt[r][i] * std::cosh(static_cast<double>(static_cast<float>(ev.eta[r][i]))) + ev.n[r],
                  1e-9 * out[r][i]);
  }
}

TEST(ExprLists, ListsOfDifferentLengthsAreAnErrorNamingTheEntry) {
  Table t;
  t.add("a", jagged({{1, 2}, {3}, {4, 5}}));
  t.add("b", jagged({{1, 2}, {3}, {4}}));
  try {
    (void)t.eval("a + b", 3, {}, 1, 100);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("entry 102"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'+'"), std::string::npos) << msg;
  }
}

TEST(ExprLists, IndexingCountsFromTheEndAndMissingElementsFollowTheOption) {
  Table t;
  t.add("x", jagged({{10, 20, 30}, {40}, {}}));
  t.add("i", flat({1, -1, 0}));
  EXPECT_TRUE(same(numbers(t.eval("x[1]", 3))[1], kNaN));
  EXPECT_EQ(numbers(t.eval("x[0]", 2)), (std::vector<double>{10, 40}));
  EXPECT_EQ(numbers(t.eval("x[-1]", 2)), (std::vector<double>{30, 40}));
  EXPECT_EQ(numbers(t.eval("x[1]", 3, {MissingValue::kZero})), (std::vector<double>{20, 0, 0}));
  const auto per_entry = numbers(t.eval("x[i]", 3));
  EXPECT_EQ(per_entry[0], 20);
  EXPECT_EQ(per_entry[1], 40);
  EXPECT_TRUE(std::isnan(per_entry[2]));
  EXPECT_EQ(numbers(t.eval("at(x, 2, -1)", 3)), (std::vector<double>{30, -1, -1}));
}

TEST(ExprLists, MaskKeepsElementsWhereTheConditionHolds) {
  RandomEvents ev(800);
  const auto out = lists(ev.table.eval("pt[pt > 40 && abs(eta) < 1.5]", 800));
  const auto nsel = numbers(ev.table.eval("length(pt[eta > 0])", 800));
  for (std::size_t r = 0; r < out.size(); ++r) {
    std::vector<double> want;
    double positive = 0;
    for (std::size_t i = 0; i < ev.pt[r].size(); ++i) {
      const double eta = static_cast<float>(ev.eta[r][i]);
      if (ev.pt[r][i] > 40 && std::fabs(eta) < 1.5) want.push_back(ev.pt[r][i]);
      positive += eta > 0;
    }
    EXPECT_EQ(out[r], want);
    EXPECT_EQ(nsel[r], positive);
  }
}

TEST(ExprLists, SortArgsortAndGatherAgreeWithStdSort) {
  RandomEvents ev(600);
  const auto sorted = lists(ev.table.eval("sort(pt)", 600));
  const auto desc = lists(ev.table.eval("sort_desc(pt)", 600));
  const auto by_eta = lists(ev.table.eval("pt[argsort_desc(eta)]", 600));
  const auto order = lists(ev.table.eval("argsort(pt)", 600));
  for (std::size_t r = 0; r < sorted.size(); ++r) {
    auto want = ev.pt[r];
    std::sort(want.begin(), want.end());
    EXPECT_EQ(sorted[r], want);
    std::reverse(want.begin(), want.end());
    EXPECT_EQ(desc[r], want);
    std::vector<std::size_t> idx(ev.pt[r].size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return ev.eta[r][a] > ev.eta[r][b]; });
    std::vector<double> gathered;
    for (auto k : idx) gathered.push_back(ev.pt[r][k]);
    EXPECT_EQ(by_eta[r], gathered);
    for (std::size_t k = 0; k < order[r].size(); ++k)
      EXPECT_EQ(ev.pt[r][static_cast<std::size_t>(order[r][k])], sorted[r][k]);
  }
}

TEST(ExprLists, TakeKeepsTheFirstElements) {
  Table t;
  t.add("x", jagged({{1, 2, 3}, {4}, {}}));
  EXPECT_EQ(lists(t.eval("take(x, 2)", 3)), (Lists{{1, 2}, {4}, {}}));
  EXPECT_EQ(lists(t.eval("take(sort_desc(x), 1)", 3)), (Lists{{3}, {4}, {}}));
}

TEST(ExprLists, LeadingSubleadingAndNthRankByTheKey) {
  RandomEvents ev(700);
  const auto lead = numbers(ev.table.eval("leading(eta, pt)", 700));
  const auto sub = numbers(ev.table.eval("subleading(eta, pt)", 700));
  const auto third = numbers(ev.table.eval("nth(eta, pt, 2)", 700));
  for (std::size_t r = 0; r < lead.size(); ++r) {
    std::vector<std::size_t> idx(ev.pt[r].size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return ev.pt[r][a] > ev.pt[r][b]; });
    auto eta_at = [&](std::size_t k) {
      return k < idx.size() ? static_cast<double>(static_cast<float>(ev.eta[r][idx[k]])) : kNaN;
    };
    EXPECT_TRUE(same(lead[r], eta_at(0))) << r;
    EXPECT_TRUE(same(sub[r], eta_at(1))) << r;
    EXPECT_TRUE(same(third[r], eta_at(2))) << r;
  }
}

TEST(ExprLists, FixedSizeArraysAreListsOfEqualLength) {
  column::Column arr(column::DType::kFloat64);
  const std::vector<double> v = {1, 2, 3, 4, 5, 6};
  arr.data().append(v.data(), v.size() * sizeof(double));
  arr.set_inner_shape({3});
  Table t;
  t.add("a", std::move(arr));
  EXPECT_EQ(numbers(t.eval("sum(a) + a[2]", 2)), (std::vector<double>{9, 21}));
}

TEST(ExprLists, ConditionalWithListBranchesTakesWholeLists) {
  Table t;
  t.add("a", jagged({{1, 2}, {3}}));
  t.add("b", jagged({{9}, {8, 7}}));
  t.add("c", flat({1, 0}));
  EXPECT_EQ(lists(t.eval("c ? a : b", 2)), (Lists{{1, 2}, {8, 7}}));
  EXPECT_EQ(lists(t.eval("where(a > 1, a, 0)", 2)), (Lists{{0, 2}, {3}}));
}

TEST(ExprLists, TypeErrorsNameTheFunctionAndArgument) {
  Table t;
  t.add("lep_pt", jagged({{1, 2}}));
  t.add("lep_n", flat({2}));
  auto message = [&](const std::string& text) -> std::string {
    try {
      (void)Expression::parse(text).check(t.kinds(), t.names());
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(message("sqrt(lep_pt) ? 1 : 0").find("condition"), std::string::npos);
  EXPECT_NE(message("sum(lep_n)").find("'sum' needs a list as its first argument"), std::string::npos);
  EXPECT_NE(message("take(lep_pt, lep_pt)").find("'take' needs a number as its second argument"),
            std::string::npos);
  EXPECT_NE(message("lep_n[0]").find("only a list can be indexed"), std::string::npos);
  EXPECT_NE(message("max(lep_n)").find("'max' with one argument"), std::string::npos);
  EXPECT_EQ(message("lep_pt > 3 && lep_n"), "no error");
  EXPECT_EQ(Expression::parse("lep_pt > 3 && lep_n").check(t.kinds(), t.names()), ResultType::kBoolList);
  EXPECT_EQ(Expression::parse("lep_pt * 2").check(t.kinds(), t.names()), ResultType::kList);
  EXPECT_EQ(Expression::parse("sum(lep_pt) > 1").check(t.kinds(), t.names()), ResultType::kBool);
  EXPECT_EQ(Expression::parse("sum(lep_pt)").check(t.kinds(), t.names()), ResultType::kNumber);
}

TEST(ExprLists, StringsAndNestedListsAreRejectedNamingTheColumn) {
  column::Column s(column::DType::kString);
  column::Column nested(column::DType::kFloat64);
  nested.mutable_offsets().resize(2);
  nested.mutable_offsets()[0].push_back(0);
  nested.mutable_offsets()[1].push_back(0);
  Table t;
  t.add("label", std::move(s));
  t.add("deep", std::move(nested));
  try {
    (void)t.eval("label == 1", 0);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'label' holds strings"), std::string::npos) << e.what();
  }
  try {
    (void)t.eval("sum(deep)", 0);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'deep' holds lists of lists"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace evclass::expr::test
