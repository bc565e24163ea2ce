// CSV reading: values, quoting, line ends, block boundaries, threads and error messages. The
// expected values are written by the tests themselves (numbers formatted with printf-style
// conversions and read back), never taken from the reader.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "evclass/column/csv.hpp"
#include "evclass/core/error.hpp"
#include "helpers/temp_dir.hpp"

using evclass::column::CsvReadOptions;
using evclass::column::DType;
using evclass::column::read_csv;
using evclass::column::read_csv_header;
using evclass::testing::TempDir;

namespace {

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const evclass::Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Csv, ReadsEveryRowOfManyBlocksWithAnyThreadCountIdentically) {
  TempDir dir("csv");
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1e3, 1e3);
  std::string text = "a,b,label\n";
  std::vector<double> a, b;
  std::vector<std::int64_t> label;
  for (int i = 0; i < 20000; ++i) {
    a.push_back(u(rng));
    b.push_back(u(rng) * 1e-5);
    label.push_back(i % 3);
    text += fmt::format("{},{:.17g},{}\n", a.back(), b.back(), label.back());
  }
  const std::string path = write(dir, "many.csv", text);
  for (const int threads : {1, 2}) {
    for (const std::size_t block : {std::size_t{97}, std::size_t{4096}, std::size_t{1} << 24}) {
      CsvReadOptions o;
      o.threads = threads;
      o.block_bytes = block;
      o.dtypes["label"] = DType::kInt64;
      const auto t = read_csv(path, o);
      ASSERT_EQ(t.rows(), a.size());
      const auto va = t.at("a").values<double>(), vb = t.at("b").values<double>();
      const auto vl = t.at("label").values<std::int64_t>();
      for (std::size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(va[i], a[i]) << "row " << i << " block " << block;
        ASSERT_EQ(vb[i], b[i]) << "row " << i;
        ASSERT_EQ(vl[i], label[i]) << "row " << i;
      }
    }
  }
}

TEST(Csv, QuotesCrlfBomSpacesNanInfAndBlankEndLinesAreUnderstood) {
  TempDir dir("csv");
  const std::string path = write(dir, "odd.csv",
                                 "\xEF\xBB\xBF" "x;\"y;z\";w\r\n"
                                 " 1.5 ;\"2\";nan\r\n"
                                 "+3;\"4\";-inf\r\n"
                                 "5;;inf\r\n"
                                 "\r\n\n");
  EXPECT_EQ(read_csv_header(path), (std::vector<std::string>{"x", "y;z", "w"}));
  const auto t = read_csv(path);
  ASSERT_EQ(t.rows(), 3u);
  const auto x = t.at("x").values<double>(), y = t.at("y;z").values<double>(), w = t.at("w").values<double>();
  EXPECT_EQ(x[0], 1.5);
  EXPECT_EQ(x[1], 3.0);
  EXPECT_EQ(y[1], 4.0);
  EXPECT_TRUE(std::isnan(y[2]));  // an empty field of a floating-point column
  EXPECT_TRUE(std::isnan(w[0]));
  EXPECT_EQ(w[1], -INFINITY);
  EXPECT_EQ(w[2], INFINITY);
}

TEST(Csv, KeepsOnlyTheRequestedColumnsInTheRequestedOrderAndTypes) {
  TempDir dir("csv");
  const std::string path = write(dir, "sel.csv", "p,q,r\n1,2,3\n4,5,6");  // no final newline
  CsvReadOptions o;
  o.columns = {"r", "p"};
  o.dtypes["r"] = DType::kInt32;
  o.default_dtype = DType::kFloat32;
  const auto t = read_csv(path, o);
  EXPECT_EQ(t.names(), (std::vector<std::string>{"r", "p"}));
  EXPECT_EQ(t.at("r").dtype(), DType::kInt32);
  EXPECT_EQ(t.at("r").values<std::int32_t>()[1], 6);
  EXPECT_EQ(t.at("p").values<float>()[1], 4.0f);
  o.max_rows = 1;
  EXPECT_EQ(read_csv(path, o).rows(), 1u);
}

TEST(Csv, ErrorsNameTheFileLineColumnAndWhatWasFound) {
  TempDir dir("csv");
  const std::string bad = write(dir, "bad.csv", "a,weight\n1,2\n3,4\n5,abc\n");
  EXPECT_NE(message_of([&] { (void)read_csv(bad); }).find("bad.csv line 4: column 'weight' (field 2): expected a number, found 'abc'"),
            std::string::npos)
      << message_of([&] { (void)read_csv(bad); });
  CsvReadOptions small;
  small.block_bytes = 5;  // the bad line is found in a later block: the line number still counts from the top
  EXPECT_NE(message_of([&] { (void)read_csv(bad, small); }).find("line 4"), std::string::npos);
  const std::string short_line = write(dir, "short.csv", "a,b,c\n1,2,3\n4,5\n");
  EXPECT_NE(message_of([&] { (void)read_csv(short_line); }).find("line 3: has 2 fields but the header names 3"),
            std::string::npos);
  CsvReadOptions want;
  want.columns = {"wieght"};
  EXPECT_NE(message_of([&] { (void)read_csv(bad, want); }).find("did you mean 'weight'"), std::string::npos);
  CsvReadOptions ints;
  ints.dtypes["a"] = DType::kInt32;
  const std::string empty_int = write(dir, "ei.csv", "a\n1\n\n2\n \n");
  EXPECT_EQ(read_csv(empty_int, ints).rows(), 2u);  // blank lines are skipped, not empty integers
  const std::string big_int = write(dir, "bi.csv", "a\n1\n99999999999\n");
  EXPECT_NE(message_of([&] { (void)read_csv(big_int, ints); }).find("expected a 32-bit integer"), std::string::npos);
  EXPECT_NE(message_of([&] { (void)read_csv(dir.file("missing.csv")); }).find("cannot open"), std::string::npos);
  const std::string empty = write(dir, "empty.csv", "");
  EXPECT_NE(message_of([&] { (void)read_csv(empty); }).find("no header"), std::string::npos);
}

}  // namespace
