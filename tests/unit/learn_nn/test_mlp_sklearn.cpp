// mlp against scikit-learn's MLPClassifier (run through /usr/bin/python3) on the same rows:
// ../shared/bench's zprime16 (100k rows made by its make_data.py: its split column gives 80k
// training and 20k test rows), standardised here with the training rows' mean and std, and a
// 3-class set. Both sides train a (64, 32) ReLU network with adam for the same fixed number of
// epochs (no early stop) and are compared by test AUC (computed here, by sorting). Skipped with a
// message when python3-sklearn or ../shared/bench is absent. Per-epoch times are printed.

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "evclass/learn/mlp.hpp"
#include "evclass/learn/registry.hpp"
#include "helpers/temp_dir.hpp"
#include "unit/learn/learn_test_data.hpp"

namespace evclass::learn {
namespace {

namespace fs = std::filesystem;

/// Fits every scenario of scenarios.json; writes proba_<name>.bin (float64) and result.json.
constexpr const char* kScript = R"PY(
import json, sys, time, warnings
import numpy as np
from sklearn.neural_network import MLPClassifier
d = sys.argv[1]
out = {}
for s in json.load(open(f"{d}/scenarios.json")):
    n, t, f = s["train_rows"], s["test_rows"], s["features"]
    x = np.fromfile(f"{d}/{s['name']}_train_x.bin", dtype=np.float32).reshape(n, f)
    y = np.fromfile(f"{d}/{s['name']}_train_y.bin", dtype=np.int32)
    xt = np.fromfile(f"{d}/{s['name']}_test_x.bin", dtype=np.float32).reshape(t, f)
    m = MLPClassifier(hidden_layer_sizes=tuple(s["hidden"]), batch_size=s["batch_size"], max_iter=s["epochs"],
                      n_iter_no_change=10**6, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter(); m.fit(x, y); seconds = time.perf_counter() - start
    m.predict_proba(xt).astype(np.float64).tofile(f"{d}/proba_{s['name']}.bin")
    out[s["name"]] = {"seconds": seconds, "epochs": int(m.n_iter_)}
json.dump(out, open(f"{d}/result.json", "w"))
)PY";

/// Training and test rows of one comparison (features row-major for python, column-major for us).
struct Scenario {
  std::string name;
  std::size_t features = 0;
  int n_classes = 2;
  std::vector<float> train_rows, test_rows;  ///< row-major
  std::vector<std::int32_t> train_labels, test_labels;
  nlohmann::json batch_size = 1024;
  int epochs = 20;
};

std::vector<float> column_major(const std::vector<float>& rows, std::size_t n_features) {
  const std::size_t n = rows.size() / n_features;
  std::vector<float> out(rows.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n_features; ++j) out[j * n + i] = rows[i * n_features + j];
  return out;
}

/// Standardises both parts with the training part's mean and (population) std.
void standardise(Scenario& s) {
  const std::size_t n = s.train_labels.size(), d = s.features;
  for (std::size_t j = 0; j < d; ++j) {
    double sum = 0, sum2 = 0;
    for (std::size_t i = 0; i < n; ++i) sum += s.train_rows[i * d + j];
    const double mean = sum / static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) sum2 += std::pow(s.train_rows[i * d + j] - mean, 2);
    const double sd = std::sqrt(sum2 / static_cast<double>(n));
    const double scale = sd > 0 ? sd : 1.0;
    for (auto* part : {&s.train_rows, &s.test_rows})
      for (std::size_t i = 0; i < part->size() / d; ++i)
        (*part)[i * d + j] = static_cast<float>(((*part)[i * d + j] - mean) / scale);
  }
}

/// zprime16 from ../shared/bench/make_data.py, or nothing (with `why`).
std::optional<Scenario> zprime16(const fs::path& dir, std::string& why) {
  const fs::path script = fs::path(EVC_SOURCE_DIR) / ".." / "shared" / "bench" / "make_data.py";
  if (!fs::exists(script)) {
    why = "../shared/bench/make_data.py is not beside this checkout";
    return std::nullopt;
  }
  const std::string command = fmt::format("/usr/bin/python3 {} --out {} --dataset zprime16 --rows 100000 --no-csv > {} 2>&1",
                                          script.string(), dir.string(), (dir / "make_data.log").string());
  if (std::system(command.c_str()) != 0) {
    why = "make_data.py failed (see " + (dir / "make_data.log").string() + ")";
    return std::nullopt;
  }
  std::ifstream header_file(dir / "zprime16_100k.json");
  const auto header = nlohmann::json::parse(header_file);
  const auto rows = header.at("rows").get<std::size_t>(), cols = header.at("cols").get<std::size_t>();
  std::vector<float> table(rows * cols);
  std::ifstream bin(dir / "zprime16_100k.bin", std::ios::binary);
  bin.read(reinterpret_cast<char*>(table.data()), static_cast<std::streamsize>(table.size() * sizeof(float)));
  EXPECT_TRUE(bin.good());
  const auto& columns = header.at("columns");
  const auto index = [&](const std::string& name) {
    for (std::size_t c = 0; c < columns.size(); ++c)
      if (columns[c] == name) return c;
    ADD_FAILURE() << "no column " << name;
    return std::size_t{0};
  };
  std::vector<std::size_t> features;
  for (const auto& f : header.at("feature_columns")) features.push_back(index(f.get<std::string>()));
  const std::size_t label = index(header.at("label_column")), split = index(header.at("split_column"));
  Scenario s;
  s.name = "zprime16";
  s.features = features.size();
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = table.data() + r * cols;
    const bool test = row[split] != 0.0f;
    auto& part = test ? s.test_rows : s.train_rows;
    for (std::size_t f : features) part.push_back(row[f]);
    (test ? s.test_labels : s.train_labels).push_back(static_cast<std::int32_t>(row[label]));
  }
  standardise(s);
  return s;
}

/// Three classes in 6 features with curved boundaries (quadratic scores), 24k + 8k rows.
Scenario three_classes() {
  Scenario s;
  s.name = "three_classes";
  s.features = 6;
  s.n_classes = 3;
  s.batch_size = "auto";
  s.epochs = 15;
  std::mt19937_64 rng(101);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (std::size_t i = 0; i < 32000; ++i) {
    std::vector<double> x(6);
    for (auto& v : x) v = normal(rng);
    const double z[3] = {x[0] * x[1] + 0.5 * x[2], x[3] * x[3] - 1.0 + 0.5 * x[4], std::sin(2 * x[5]) - x[0]};
    double total = 0, e[3];
    for (int k = 0; k < 3; ++k) total += (e[k] = std::exp(2 * z[k]));
    double u = uniform(rng) * total;
    std::int32_t y = 2;
    for (int k = 0; k < 3; ++k) {
      if (u < e[k]) {
        y = k;
        break;
      }
      u -= e[k];
    }
    auto& part = i < 24000 ? s.train_rows : s.test_rows;
    for (double v : x) part.push_back(static_cast<float>(v));
    (i < 24000 ? s.train_labels : s.test_labels).push_back(y);
  }
  return s;
}

template <class T>
void write(const fs::path& path, const std::vector<T>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
}

class MlpAgainstScikitLearn : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("/usr/bin/python3 -c 'import sklearn.neural_network' > /dev/null 2>&1") != 0)
      GTEST_SKIP() << "/usr/bin/python3 with scikit-learn (python3-sklearn) is not available";
  }

  /// Trains both sides on `s` and compares the test AUC of every class (one vs the rest).
  void compare(const Scenario& s, double tolerance) {
    const fs::path dir = tmp_.path();
    write(dir / (s.name + "_train_x.bin"), s.train_rows);
    write(dir / (s.name + "_train_y.bin"), s.train_labels);
    write(dir / (s.name + "_test_x.bin"), s.test_rows);
    const nlohmann::json scenario = {{"name", s.name},       {"train_rows", s.train_labels.size()},
                                     {"test_rows", s.test_labels.size()}, {"features", s.features},
                                     {"hidden", {64, 32}},   {"batch_size", s.batch_size},
                                     {"epochs", s.epochs}};
    std::ofstream(dir / "scenarios.json") << nlohmann::json::array({scenario}).dump();
    std::ofstream(dir / "fit.py") << kScript;
    const std::string command =
        fmt::format("OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 {} {} > {} 2>&1",
                    (dir / "fit.py").string(), dir.string(), (dir / "fit.log").string());
    ASSERT_EQ(std::system(command.c_str()), 0) << "scikit-learn failed; see " << (dir / "fit.log").string();
    const auto result = nlohmann::json::parse(std::ifstream(dir / "result.json")).at(s.name);
    const std::size_t n_test = s.test_labels.size(), n_scores = s.n_classes == 2 ? 1 : static_cast<std::size_t>(s.n_classes);
    std::vector<double> theirs(n_test * static_cast<std::size_t>(s.n_classes));
    std::ifstream(dir / ("proba_" + s.name + ".bin"), std::ios::binary)
        .read(reinterpret_cast<char*>(theirs.data()), static_cast<std::streamsize>(theirs.size() * sizeof(double)));

    const std::vector<float> train_x = column_major(s.train_rows, s.features);
    const std::vector<float> test_x = column_major(s.test_rows, s.features);
    TrainData data;
    data.x = {train_x, s.train_labels.size(), s.features};
    data.labels = s.train_labels;
    data.n_classes = s.n_classes;
    const nlohmann::json params = {{"hidden_layer_sizes", {64, 32}}, {"batch_size", s.batch_size},
                                   {"max_iter", s.epochs}, {"n_iter_no_change", 1000000}, {"random_state", 0}};
    const auto start = std::chrono::steady_clock::now();
    const auto model = train("mlp", params, data, core::Context{2});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const int epochs = dynamic_cast<const MlpModel&>(*model).training().at("iterations").get<int>();
    ASSERT_EQ(epochs, s.epochs);
    ASSERT_EQ(result.at("epochs").get<int>(), s.epochs);
    std::vector<float> ours(n_test * n_scores);
    model->predict({test_x, n_test, s.features}, ours, core::Context{2});

    for (int k = s.n_classes == 2 ? 1 : 0; k < s.n_classes; ++k) {
      std::vector<double> a(n_test), b(n_test);
      for (std::size_t i = 0; i < n_test; ++i) {
        a[i] = s.n_classes == 2 ? ours[i] : ours[i * n_scores + static_cast<std::size_t>(k)];
        b[i] = theirs[i * static_cast<std::size_t>(s.n_classes) + static_cast<std::size_t>(k)];
      }
      const double auc_ours = testing::auc(a, s.test_labels, k), auc_theirs = testing::auc(b, s.test_labels, k);
      std::cout << fmt::format("[ {} class {} ] test AUC evclass {:.5f}, scikit-learn {:.5f}\n", s.name, k, auc_ours,
                               auc_theirs);
      RecordProperty(fmt::format("auc_evclass_{}", k), fmt::format("{:.5f}", auc_ours));
      RecordProperty(fmt::format("auc_sklearn_{}", k), fmt::format("{:.5f}", auc_theirs));
      EXPECT_NEAR(auc_ours, auc_theirs, tolerance) << s.name << " class " << k;
    }
    const double sklearn_seconds = result.at("seconds").get<double>();
    std::cout << fmt::format("[ {} ] {} training rows, batch {}: per epoch evclass {:.4f} s, scikit-learn {:.4f} s "
                             "({:.1f}x), 2 threads\n", s.name, s.train_labels.size(), s.batch_size.dump(),
                             seconds / epochs, sklearn_seconds / s.epochs, sklearn_seconds / seconds);
  }

  ::evclass::testing::TempDir tmp_{"nn_sklearn"};
};

TEST_F(MlpAgainstScikitLearn, ReachesItsAucOnZprime16WithBatch1024) {
  std::string why;
  auto s = zprime16(tmp_.path(), why);
  if (!s) GTEST_SKIP() << why;
  compare(*s, 0.005);
}

TEST_F(MlpAgainstScikitLearn, ReachesItsAucOnZprime16WithTheDefaultBatchSize) {
  std::string why;
  auto s = zprime16(tmp_.path(), why);
  if (!s) GTEST_SKIP() << why;
  s->batch_size = "auto";
  s->epochs = 10;
  compare(*s, 0.005);
}

TEST_F(MlpAgainstScikitLearn, ReachesItsOneVsRestAucsWithThreeClasses) { compare(three_classes(), 0.005); }

}  // namespace
}  // namespace evclass::learn
