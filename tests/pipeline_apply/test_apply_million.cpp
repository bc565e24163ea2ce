// `apply` on 1 000 000 entries writes exactly 1 000 000 scores in the same order.
//
// A file whose entries carry their own index and features derived from it is written with
// evclass's ROOT writer; model files are written BY HAND as JSON (a logistic regression with
// hand-set coefficients, a hand-set standard scaler, expressions for features, a derived variable
// and a selection); apply's friend tree is read back and every score is compared with the closed
// form 1 / (1 + exp(-(b + w·(f(x) - shift) / scale))) computed here in double at that index.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/api/apply.hpp"
#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"
#include "evclass/root/writer.hpp"
#include "helpers/temp_dir.hpp"

namespace fs = std::filesystem;
using evclass::column::Column;
using evclass::column::DType;
using evclass::testing::TempDir;
using json = nlohmann::json;
namespace root = evclass::root;

namespace {

constexpr std::int64_t kEntries = 1'000'000;
constexpr int kThreads = 2;

// ---- The input: every quantity is a deterministic function of the entry index -------------------

float x0_of(std::int64_t i) { return static_cast<float>(3.0 * std::sin(0.001 * static_cast<double>(i))); }
float x1_of(std::int64_t i) { return static_cast<float>(0.5 + 0.25 * std::cos(0.0007 * static_cast<double>(i) + 1.0)); }
float x2_of(std::int64_t i) {
  const auto d = static_cast<double>(i);
  return static_cast<float>(100.0 * std::sin(0.013 * d) * std::cos(0.00011 * d));
}
std::int32_t n_of(std::int64_t i) { return static_cast<std::int32_t>(i % 5) - 1; }  // -1..3
std::int64_t v_len(std::int64_t i) { return (i * 7 + i / 3) % 4; }                  // 0..3 elements
float v_of(std::int64_t i, std::int64_t k) {
  return static_cast<float>(std::cos(0.01 * static_cast<double>(i) + static_cast<double>(k)) * static_cast<double>(k + 1));
}

template <class T>
Column flat(DType dtype, const std::vector<T>& v) {
  Column c(dtype);
  c.data().resize(v.size() * sizeof(T));
  std::copy(v.begin(), v.end(), c.mutable_values<T>().begin());
  return c;
}

// Writes `n` entries in uneven append() batches (none aligned with apply's blocks).
void write_input(const std::string& path, std::int64_t n) {
  root::FileWriter out(path, {.compression = root::Compression::parse("lz4:1"), .threads = kThreads});
  root::TreeWriter& t = out.add_tree(
      "events", {root::BranchSpec::scalar("index", DType::kInt64), root::BranchSpec::scalar("x0", DType::kFloat32),
                 root::BranchSpec::scalar("x1", DType::kFloat32), root::BranchSpec::scalar("x2", DType::kFloat32),
                 root::BranchSpec::vector("v", DType::kFloat32), root::BranchSpec::scalar("n", DType::kInt32)});
  const std::int64_t batches[] = {1, 99'999, 333'333, 4'567, 250'000, 12'345};
  std::int64_t first = 0;
  for (std::size_t b = 0; first < n; ++b) {
    const std::int64_t size = std::min(n - first, b < std::size(batches) ? batches[b] : std::int64_t{300'001});
    std::vector<std::int64_t> index;
    std::vector<float> x0, x1, x2, v;
    std::vector<std::int32_t> nn;
    evclass::column::Offsets off{0};
    for (std::int64_t i = first; i < first + size; ++i) {
      index.push_back(i);
      x0.push_back(x0_of(i));
      x1.push_back(x1_of(i));
      x2.push_back(x2_of(i));
      nn.push_back(n_of(i));
      for (std::int64_t k = 0; k < v_len(i); ++k) v.push_back(v_of(i, k));
      off.push_back(static_cast<std::int64_t>(v.size()));
    }
    Column vc = flat(DType::kFloat32, v);
    vc.mutable_offsets().push_back(off);
    t.append(std::vector<Column>{flat(DType::kInt64, index), flat(DType::kFloat32, x0), flat(DType::kFloat32, x1),
                                 flat(DType::kFloat32, x2), vc, flat(DType::kInt32, nn)});
    first += size;
  }
  ASSERT_EQ(t.entries(), n);
  out.close();
}

// ---- Hand-written model files ------------------------------------------------------------------

json named(const std::string& name, const std::string& expression) { return {{"name", name}, {"expression", expression}}; }

json logistic(const std::vector<double>& coef, double intercept) {
  return {{"type", "logistic_regression"},
          {"version", 1},
          {"n_classes", 2},
          {"n_features", coef.size()},
          {"feature_names", json::array()},
          {"params", json::object()},
          {"coef", json::array({coef})},
          {"intercept", json::array({intercept})},
          {"training", {{"iterations", 0}, {"converged", true}}}};
}

// Model A: features x0, "x1 * 2" (an expression), v[1] (missing below 2 elements -> NaN) and a
// derived variable t that depends on the index; common cut n > 0; hand-set standard scaler.
const std::vector<double> kCoefA = {0.8, -1.2, 0.6, 0.9};
const double kInterceptA = -0.3;
const std::vector<double> kShiftA = {0.1, 1.0, 0.0, 0.5};
const std::vector<double> kScaleA = {2.0, 0.5, 1.5, 0.4};

json model_a(const std::string& name = "lr_hand") {
  return {{"format", "evclass-model"},
          {"version", 1},
          {"name", name},
          {"type", "logistic_regression"},
          {"classes", {"background", "signal"}},
          {"tree", "events"},
          {"missing_index", "nan"},
          {"variables", {named("t", "(index % 1000) * 0.001 + x2 / 100")}},
          {"selection", {named("cut0", "n > 0")}},
          {"features", {named("x0", "x0"), named("x1_times_2", "x1 * 2"), named("v1", "v[1]"), named("t", "t")}},
          {"scaler", {{"kind", "standard"}, {"shift", kShiftA}, {"scale", kScaleA}}},
          {"models", json::array({logistic(kCoefA, kInterceptA)})}};
}

// The closed form of model A at index i, in double. NaN when v has fewer than 2 elements.
double expected_a(std::int64_t i) {
  if (v_len(i) < 2) return std::numeric_limits<double>::quiet_NaN();
  const double t = static_cast<double>(i % 1000) * 0.001 + static_cast<double>(x2_of(i)) / 100.0;
  const double f[4] = {x0_of(i), 2.0 * static_cast<double>(x1_of(i)), v_of(i, 1), t};
  double z = kInterceptA;
  for (int j = 0; j < 4; ++j) z += kCoefA[j] * (f[j] - kShiftA[j]) / kScaleA[j];
  return 1.0 / (1.0 + std::exp(-z));
}

// Model B: other features (so apply makes a second pass), no scaler, the same common cut.
const std::vector<double> kCoefB = {0.05, 0.3, -0.4};
const double kInterceptB = 0.2;

json model_b(const std::string& name = "lr_other") {
  return {{"format", "evclass-model"},
          {"version", 1},
          {"name", name},
          {"type", "logistic_regression"},
          {"classes", {"background", "signal"}},
          {"tree", "events"},
          {"missing_index", "nan"},
          {"variables", json::array()},
          {"selection", {named("cut0", "n > 0")}},
          {"features", {named("x2_10", "x2 / 10"), named("n", "n"), named("nv", "length(v)")}},
          {"scaler", {{"kind", "none"}, {"shift", {0.0, 0.0, 0.0}}, {"scale", {1.0, 1.0, 1.0}}}},
          {"models", json::array({logistic(kCoefB, kInterceptB)})}};
}

double expected_b(std::int64_t i) {
  const double z = kInterceptB + kCoefB[0] * (static_cast<double>(x2_of(i)) / 10.0) + kCoefB[1] * n_of(i) +
                   kCoefB[2] * static_cast<double>(v_len(i));
  return 1.0 / (1.0 + std::exp(-z));
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}
void write_json(const fs::path& path, const json& j) { write_text(path, j.dump(1)); }

std::vector<float> read_floats(const root::Tree& tree, const std::string& branch) {
  const Column c = tree.read(branch, {}, {.threads = kThreads});
  EXPECT_EQ(c.dtype(), DType::kFloat32) << branch;
  const auto v = c.values<float>();
  return {v.begin(), v.end()};
}

std::vector<std::string> branch_names(const root::Tree& tree) {
  std::vector<std::string> out;
  for (const auto& b : tree.branches()) out.push_back(b.name);
  return out;
}

// Compares every score with the closed form; returns the largest relative difference seen.
struct Comparison {
  std::int64_t mismatches = 0;
  std::int64_t nan_count = 0;
  double max_rel = 0.0;
};

template <class Expected>
Comparison compare(const std::vector<float>& got, Expected expected, const std::string& what) {
  Comparison c;
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(got.size()); ++i) {
    const double want = expected(i);
    const double have = got[static_cast<std::size_t>(i)];
    bool ok;
    if (std::isnan(want)) {
      ok = std::isnan(have);
      ++c.nan_count;
    } else {
      const double rel = std::abs(have - want) / std::abs(want);
      ok = std::isfinite(have) && rel <= 1e-6;
      if (std::isfinite(rel)) c.max_rel = std::max(c.max_rel, rel);
    }
    if (!ok && ++c.mismatches <= 5) ADD_FAILURE() << what << " entry " << i << ": score " << have << ", expected " << want;
  }
  return c;
}

// One 1M-entry input shared by the tests of this file (written once: it is the slow part).
class ApplyMillion : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("apply_million");
    input_ = dir_->file("million.root");
    const auto t0 = std::chrono::steady_clock::now();
    write_input(input_, kEntries);
    std::cout << "[ wrote " << kEntries << " entries in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s ]\n";
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static TempDir* dir_;
  static std::string input_;
};
TempDir* ApplyMillion::dir_ = nullptr;
std::string ApplyMillion::input_;

}  // namespace

TEST_F(ApplyMillion, EveryScoreMatchesTheClosedFormAtItsIndex) {
  const fs::path model = dir_->path() / "one" / "lr_hand.json";
  write_json(model, model_a());
  const fs::path out_dir = dir_->path() / "out_one";
  std::ostringstream log;
  const auto t0 = std::chrono::steady_clock::now();
  const auto results = evclass::api::apply({.model = model.string(), .files = {input_}, .out_dir = out_dir.string(),
                                            .tree = "", .threads = kThreads},
                                           log);
  std::cout << "[ apply: " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
            << " s; " << log.str() << " ]\n";

  // What apply reports.
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].entries, kEntries);
  std::int64_t passing = 0;
  for (std::int64_t i = 0; i < kEntries; ++i) passing += n_of(i) > 0;
  EXPECT_EQ(results[0].passing, passing);
  EXPECT_EQ(results[0].output, out_dir / "million_scores.root");

  // What apply wrote.
  const root::File file = root::File::open(results[0].output.string());
  ASSERT_EQ(file.trees().size(), 1u);
  const root::Tree tree = file.tree("scores");
  ASSERT_EQ(tree.entries(), kEntries);
  EXPECT_EQ(branch_names(tree), (std::vector<std::string>{"score_lr_hand", "pass_selection"}));
  const std::vector<float> scores = read_floats(tree, "score_lr_hand");
  ASSERT_EQ(static_cast<std::int64_t>(scores.size()), kEntries);

  const Comparison c = compare(scores, expected_a, "score_lr_hand");
  EXPECT_EQ(c.mismatches, 0);
  std::int64_t want_nan = 0;
  for (std::int64_t i = 0; i < kEntries; ++i) want_nan += v_len(i) < 2;
  EXPECT_EQ(c.nan_count, want_nan);
  EXPECT_GT(want_nan, kEntries / 3);  // the NaN path is really exercised
  std::cout << "[ max relative difference to the closed form: " << c.max_rel << "; NaN scores: " << c.nan_count
            << " ]\n";

  // Scores are spread (not a constant that would hide an ordering mistake).
  double lo = 1.0, hi = 0.0;
  for (float s : scores)
    if (!std::isnan(s)) lo = std::min<double>(lo, s), hi = std::max<double>(hi, s);
  EXPECT_LT(lo, 0.05);
  EXPECT_GT(hi, 0.95);

  // pass_selection is n > 0 at every index (one entry per input entry, failing ones included).
  const Column pass = tree.read("pass_selection");
  ASSERT_EQ(pass.dtype(), DType::kBool);
  ASSERT_EQ(pass.entries(), kEntries);
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < kEntries; ++i)
    if ((pass.value_as_double(static_cast<std::size_t>(i)) != 0.0) != (n_of(i) > 0) && ++wrong <= 5)
      ADD_FAILURE() << "pass_selection at entry " << i;
  EXPECT_EQ(wrong, 0);
}

TEST_F(ApplyMillion, RunFolderWithTwoModelsWritesTwoScoreBranches) {
  const fs::path run = dir_->path() / "run_two";
  write_json(run / "models" / "lr_hand.json", model_a());
  write_json(run / "models" / "lr_other.json", model_b());
  write_text(run / "metrics.json", "{}\n");  // other files of a run folder are not models
  const fs::path out_dir = dir_->path() / "out_two";
  std::ostringstream log;
  const auto results =
      evclass::api::apply({.model = run.string(), .files = {input_}, .out_dir = out_dir.string(), .threads = kThreads}, log);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].entries, kEntries);

  const root::File file = root::File::open(results[0].output.string());
  const root::Tree tree = file.tree("scores");
  ASSERT_EQ(tree.entries(), kEntries);
  auto names = branch_names(tree);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"pass_selection", "score_lr_hand", "score_lr_other"}));

  const auto a = read_floats(tree, "score_lr_hand");
  const auto b = read_floats(tree, "score_lr_other");
  ASSERT_EQ(static_cast<std::int64_t>(a.size()), kEntries);
  ASSERT_EQ(static_cast<std::int64_t>(b.size()), kEntries);
  const Comparison ca = compare(a, expected_a, "score_lr_hand");
  const Comparison cb = compare(b, expected_b, "score_lr_other");
  EXPECT_EQ(ca.mismatches, 0);
  EXPECT_EQ(cb.mismatches, 0);
  EXPECT_EQ(cb.nan_count, 0);
  std::cout << "[ max relative differences: lr_hand " << ca.max_rel << ", lr_other " << cb.max_rel << " ]\n";

  const Column pass = tree.read("pass_selection");
  ASSERT_EQ(pass.entries(), kEntries);
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < kEntries; ++i)
    wrong += (pass.value_as_double(static_cast<std::size_t>(i)) != 0.0) != (n_of(i) > 0);
  EXPECT_EQ(wrong, 0);
}

TEST_F(ApplyMillion, UnknownFeatureIsKeyNotFoundNamingTheClosestBranch) {
  json j = model_a("typo");
  j["features"][0] = named("idx", "indx * 2");
  const fs::path model = dir_->path() / "typo" / "typo.json";
  write_json(model, j);
  const fs::path out_dir = dir_->path() / "out_typo";
  std::ostringstream log;
  try {
    (void)evclass::api::apply({.model = model.string(), .files = {input_}, .out_dir = out_dir.string(), .threads = kThreads},
                              log);
    FAIL() << "apply accepted a feature over a branch the tree does not have";
  } catch (const evclass::KeyNotFound& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("indx"), std::string::npos) << what;
    EXPECT_NE(what.find("did you mean 'index'"), std::string::npos) << what;
    EXPECT_NE(what.find("million.root"), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(out_dir / "million_scores.root"));
}

// A damaged model file ends in one CorruptFile naming the file, before anything is read or written.
TEST_F(ApplyMillion, CorruptModelFilesAreCorruptFileNeverACrash) {
  struct Case {
    std::string label;
    std::string text;
    std::string mentions;
  };
  std::vector<Case> cases;
  auto add = [&](std::string label, const json& j, std::string mentions) {
    cases.push_back({std::move(label), j.dump(1), std::move(mentions)});
  };
  {
    json j = model_a();
    j["version"] = 2;
    add("file version 2", j, "version");
  }
  {
    json j = model_a();
    j["version"] = "1";
    add("file version as a string", j, "version");
  }
  {
    json j = model_a();
    j["models"][0]["coef"] = json::array({{0.8, -1.2, 0.6}});  // 3 numbers for n_features = 4
    add("coef of the wrong length", j, "coef");
  }
  {
    json j = model_a();
    j["models"][0]["coef"] = json::array({{0.8, -1.2, 0.6, 0.9, 1.0}});
    add("coef too long", j, "coef");
  }
  {
    json j = model_a();
    j["models"][0]["coef"] = json::array({0.8, -1.2, 0.6, 0.9});  // flat instead of [[...]]
    add("coef not a matrix", j, "coef");
  }
  {
    json j = model_a();
    j["models"][0]["coef"] = json::array({{0.8, -1.2, 0.6}});
    j["models"][0]["n_features"] = 3;  // self-consistent model, but the file lists 4 features
    add("model takes 3 features, file lists 4", j, "features");
  }
  {
    json j = model_a();
    j["models"][0]["intercept"] = json::array({-0.3, 0.1});
    add("two intercepts", j, "intercept");
  }
  {
    json j = model_a();
    j["models"][0]["version"] = 7;
    add("logistic version 7", j, "version");
  }
  {
    json j = model_a();
    j["scaler"]["scale"] = {2.0, 0.5, 1.5};
    add("scaler scale of the wrong length", j, "scale");
  }
  {
    json j = model_a();
    j["scaler"]["shift"] = {0.1, 1.0, 0.0};
    j["scaler"]["scale"] = {2.0, 0.5, 1.5};
    add("scaler of 3 for 4 features", j, "scaler");
  }
  {
    json j = model_a();
    j["classes"] = {"signal"};
    add("one class", j, "classes");
  }
  {
    json j = model_a();
    j["models"] = json::array();
    add("no models", j, "models");
  }
  {
    json j = model_a();
    j["models"][0]["type"] = "quantum_forest";
    add("unknown model type", j, "quantum_forest");
  }
  {
    json j = model_a();
    j.erase("features");
    add("no features field", j, "features");
  }
  {
    json j = model_a();
    j["format"] = "something-else";
    add("wrong format", j, "format");
  }
  const std::string good = model_a().dump(1);
  cases.push_back({"truncated JSON", good.substr(0, good.size() / 2), ""});
  cases.push_back({"empty file", "", ""});
  cases.push_back({"not JSON", "\x01\x02garbage", ""});
  cases.push_back({"a JSON array", "[1, 2, 3]", ""});

  for (std::size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(cases[k].label);
    const fs::path model = dir_->path() / "corrupt" / ("model_" + std::to_string(k) + ".json");
    write_text(model, cases[k].text);
    const fs::path out_dir = dir_->path() / ("out_corrupt_" + std::to_string(k));
    std::ostringstream log;
    try {
      (void)evclass::api::apply({.model = model.string(), .files = {input_}, .out_dir = out_dir.string(), .threads = kThreads},
                                log);
      ADD_FAILURE() << "apply accepted a corrupt model file";
    } catch (const evclass::CorruptFile& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(model.string()), std::string::npos) << what;
      if (!cases[k].mentions.empty()) {
        EXPECT_NE(what.find(cases[k].mentions), std::string::npos) << what;
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a CorruptFile: " << e.what();
    }
    EXPECT_FALSE(fs::exists(out_dir / "million_scores.root"));
  }
}


// Three classes: one branch per class, softmax of three hand-set linear functions.
const std::vector<std::vector<double>> kCoefC = {{0.1, -0.5, 0.2}, {-0.05, 0.4, 0.0}, {0.0, 0.1, -0.6}};
const std::vector<double> kInterceptC = {0.3, -0.2, 0.1};

json model_c() {
  // The same variables, selection and features as model B: apply scores both in one pass.
  json j = model_b("multi");
  j["classes"] = {"bkg", "vbf", "ggf"};
  j["models"][0]["n_classes"] = 3;
  j["models"][0]["coef"] = kCoefC;
  j["models"][0]["intercept"] = kInterceptC;
  return j;
}

double expected_c(std::int64_t i, int k) {
  const double f[3] = {static_cast<double>(x2_of(i)) / 10.0, static_cast<double>(n_of(i)),
                       static_cast<double>(v_len(i))};
  double z[3];
  for (int c = 0; c < 3; ++c) {
    z[c] = kInterceptC[c];
    for (int j = 0; j < 3; ++j) z[c] += kCoefC[c][j] * f[j];
  }
  const double top = std::max({z[0], z[1], z[2]});
  double sum = 0.0;
  for (double v : z) sum += std::exp(v - top);
  return std::exp(z[k] - top) / sum;
}

// Several models (binary and three-class, sharing a pass or not) over two files in one call; the
// second file has more entries than apply reads at a time (2^20), so its scores span two blocks.
TEST_F(ApplyMillion, SeveralModelsSeveralFilesAcrossReadBlocks) {
  const std::int64_t big_entries = (std::int64_t{1} << 20) + 4321;
  const std::string big = dir_->file("bigger.root");
  write_input(big, big_entries);
  const fs::path run = dir_->path() / "run_three";
  write_json(run / "models" / "lr_hand.json", model_a());
  write_json(run / "models" / "lr_other.json", model_b());
  write_json(run / "models" / "multi.json", model_c());
  const fs::path out_dir = dir_->path() / "out_three";
  std::ostringstream log;
  const auto results = evclass::api::apply(
      {.model = run.string(), .files = {input_, big}, .out_dir = out_dir.string(), .threads = kThreads}, log);
  ASSERT_EQ(results.size(), 2u);
  const std::int64_t counts[2] = {kEntries, big_entries};
  for (int f = 0; f < 2; ++f) {
    SCOPED_TRACE(results[f].input);
    EXPECT_EQ(results[f].entries, counts[f]);
    const root::File file = root::File::open(results[f].output.string());
    const root::Tree tree = file.tree("scores");
    ASSERT_EQ(tree.entries(), counts[f]);
    auto names = branch_names(tree);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"pass_selection", "score_lr_hand", "score_lr_other", "score_multi_bkg",
                                               "score_multi_ggf", "score_multi_vbf"}));
    EXPECT_EQ(compare(read_floats(tree, "score_lr_hand"), expected_a, "score_lr_hand").mismatches, 0);
    EXPECT_EQ(compare(read_floats(tree, "score_lr_other"), expected_b, "score_lr_other").mismatches, 0);
    const char* classes[3] = {"bkg", "vbf", "ggf"};
    for (int k = 0; k < 3; ++k) {
      const std::string branch = std::string("score_multi_") + classes[k];
      const auto got = read_floats(tree, branch);
      ASSERT_EQ(static_cast<std::int64_t>(got.size()), counts[f]);
      const Comparison c = compare(got, [k](std::int64_t i) { return expected_c(i, k); }, branch);
      EXPECT_EQ(c.mismatches, 0);
      EXPECT_EQ(c.nan_count, 0);
    }
    const Column pass = tree.read("pass_selection");
    ASSERT_EQ(pass.entries(), counts[f]);
    std::int64_t wrong = 0;
    for (std::int64_t i = 0; i < counts[f]; ++i)
      wrong += (pass.value_as_double(static_cast<std::size_t>(i)) != 0.0) != (n_of(i) > 0);
    EXPECT_EQ(wrong, 0);
  }
}

// Fixed in src/api/apply.cpp: models whose outputs map onto one branch ('bdt.v1' and 'bdt_v1')
// used to fail only after the whole input had been read and scored, with the writer's message
// naming neither model file.
TEST_F(ApplyMillion, ModelsWritingTheSameBranchAreRefusedUpFrontNamingBothFiles) {
  const fs::path run = dir_->path() / "run_clash";
  write_json(run / "models" / "bdt.v1.json", model_a("bdt.v1"));
  write_json(run / "models" / "bdt_v1.json", model_b("bdt_v1"));
  const fs::path out_dir = dir_->path() / "out_clash";
  std::ostringstream log;
  try {
    (void)evclass::api::apply({.model = run.string(), .files = {input_}, .out_dir = out_dir.string(), .threads = kThreads},
                              log);
    FAIL() << "apply wrote two branches of one name";
  } catch (const evclass::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find((run / "models" / "bdt.v1.json").string()), std::string::npos) << what;
    EXPECT_NE(what.find((run / "models" / "bdt_v1.json").string()), std::string::npos) << what;
    EXPECT_NE(what.find("score_bdt_v1"), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(out_dir));
}

// Fixed in src/api/apply.cpp: with models whose selections differ (files from different runs in
// one folder), pass_selection used to be the selection of whichever model's features sorted
// first; it is now the AND of every model's selection.
TEST_F(ApplyMillion, PassSelectionIsTheAndOfDifferingSelections) {
  const fs::path run = dir_->path() / "run_mixed";
  json b = model_b();
  b["selection"] = {named("cut0", "n > 1 || x0 < 0"), named("cut1", "x1 < 0.7")};
  write_json(run / "models" / "lr_hand.json", model_a());
  write_json(run / "models" / "lr_other.json", b);
  std::ostringstream log;
  const auto results = evclass::api::apply(
      {.model = run.string(), .files = {input_}, .out_dir = (dir_->path() / "out_mixed").string(), .threads = kThreads},
      log);
  ASSERT_EQ(results.size(), 1u);
  const root::File file = root::File::open(results[0].output.string());
  const Column pass = file.tree("scores").read("pass_selection");
  ASSERT_EQ(pass.entries(), kEntries);
  std::int64_t wrong = 0, passing = 0;
  for (std::int64_t i = 0; i < kEntries; ++i) {
    const bool want = n_of(i) > 0 && (n_of(i) > 1 || x0_of(i) < 0.0f) && x1_of(i) < 0.7f;
    passing += want;
    wrong += (pass.value_as_double(static_cast<std::size_t>(i)) != 0.0) != want;
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(results[0].passing, passing);
  EXPECT_GT(passing, 0);
  EXPECT_LT(passing, 400000);  // tighter than either selection alone
  // The scores do not depend on the selection: every entry keeps its own.
  EXPECT_EQ(compare(read_floats(file.tree("scores"), "score_lr_hand"), expected_a, "score_lr_hand").mismatches, 0);
  EXPECT_EQ(compare(read_floats(file.tree("scores"), "score_lr_other"), expected_b, "score_lr_other").mismatches, 0);
}

// Fixed in src/api/apply.cpp: a model file with a malformed expression is reported (naming the
// file and the feature) before the output folder is created.
TEST_F(ApplyMillion, MalformedExpressionIsConfigErrorBeforeAnyOutput) {
  json j = model_a();
  j["features"][1] = named("x1_times_2", "x1 *");
  const fs::path model = dir_->path() / "badexpr" / "bad.json";
  write_json(model, j);
  const fs::path out_dir = dir_->path() / "out_badexpr";
  std::ostringstream log;
  try {
    (void)evclass::api::apply({.model = model.string(), .files = {input_}, .out_dir = out_dir.string(), .threads = kThreads},
                              log);
    FAIL() << "apply accepted a malformed expression";
  } catch (const evclass::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(model.string()), std::string::npos) << what;
    EXPECT_NE(what.find("x1_times_2"), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(out_dir));
}
