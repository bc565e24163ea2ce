// The tree models against their peers on the same data, split and settings, with the peers run
// here through Debian's /usr/bin/python3 (python3-xgboost, python3-sklearn): the first 100k rows
// of ../shared/bench's zprime16 (made by its make_data.py into the build folder). Skipped with
// a message when the script, the interpreter or a package is missing. The full-size comparison,
// with timings, is bench/trees_vs_peers.sh.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "evclass/eval/roc.hpp"
#include "evclass/learn/registry.hpp"

namespace evclass::learn {
namespace {

namespace fs = std::filesystem;

std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    status = -1;
    return out;
  }
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  status = pclose(pipe);
  return out;
}

bool python_has(const std::string& module) {
  int status = 0;
  (void)run("/usr/bin/python3 -c 'import " + module + "' 2>/dev/null", status);
  return status == 0;
}

/// zprime16_100k made by ../shared/bench/make_data.py, or "" (with the reason in `why`).
std::string zprime16(std::string& why) {
  const fs::path make = fs::path(EVC_SOURCE_DIR) / ".." / "shared" / "bench" / "make_data.py";
  if (!fs::exists(make)) {
    why = "../shared/bench/make_data.py is absent";
    return "";
  }
  if (!python_has("numpy")) {
    why = "/usr/bin/python3 with numpy is absent";
    return "";
  }
  const fs::path dir = fs::path(EVC_BINARY_DIR) / "test-data" / "bench";
  const fs::path base = dir / "zprime16_100k";
  if (!fs::exists(base.string() + ".bin")) {
    fs::create_directories(dir);
    int status = 0;
    const std::string out = run("/usr/bin/python3 " + make.string() + " --out " + dir.string() +
                                    " --dataset zprime16 --rows 100000 --no-csv 2>&1",
                                status);
    if (status != 0 || !fs::exists(base.string() + ".bin")) {
      why = "make_data.py failed: " + out;
      return "";
    }
  }
  return base.string();
}

struct Dataset {
  std::vector<float> x_train, x_test;  // column-major
  std::vector<std::int32_t> y_train, y_test;
  std::size_t n_train = 0, n_test = 0, cols = 0;
};

Dataset load(const std::string& base, std::size_t cap) {
  nlohmann::json meta;
  std::ifstream(base + ".json") >> meta;
  const auto rows = meta.at("rows").get<std::size_t>(), all_cols = meta.at("cols").get<std::size_t>();
  const auto names = meta.at("columns").get<std::vector<std::string>>();
  const auto index = [&](const std::string& n) { return static_cast<std::size_t>(std::find(names.begin(), names.end(), n) - names.begin()); };
  std::vector<std::size_t> features;
  for (const auto& f : meta.at("feature_columns")) features.push_back(index(f.get<std::string>()));
  const std::size_t label = index(meta.at("label_column")), split = index(meta.at("split_column"));
  std::vector<float> raw(rows * all_cols);
  std::ifstream(base + ".bin", std::ios::binary).read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size() * 4));
  Dataset d;
  d.cols = features.size();
  std::vector<std::size_t> train, test;
  for (std::size_t r = 0; r < rows; ++r) {
    if (raw[r * all_cols + split] == 0.0f) {
      if (cap == 0 || train.size() < cap) train.push_back(r);
    } else {
      test.push_back(r);
    }
  }
  d.n_train = train.size();
  d.n_test = test.size();
  for (std::size_t j = 0; j < d.cols; ++j) {
    for (std::size_t r : train) d.x_train.push_back(raw[r * all_cols + features[j]]);
    for (std::size_t r : test) d.x_test.push_back(raw[r * all_cols + features[j]]);
  }
  for (std::size_t r : train) d.y_train.push_back(static_cast<std::int32_t>(raw[r * all_cols + label]));
  for (std::size_t r : test) d.y_test.push_back(static_cast<std::int32_t>(raw[r * all_cols + label]));
  return d;
}

double evclass_auc(const Dataset& d, const std::string& type, const nlohmann::json& params) {
  TrainData data;
  data.x = {d.x_train, d.n_train, d.cols};
  data.labels = d.y_train;
  data.n_classes = 2;
  const auto model = learn::train(type, params, data, core::Context{2});
  std::vector<float> scores(d.n_test);
  model->predict({d.x_test, d.n_test, d.cols}, scores, core::Context{2});
  return eval::roc_auc(eval::LabeledScores{scores, d.y_test, {}, "test"});
}

double peer_auc(const std::string& base, const std::string& peer, const nlohmann::json& params, std::size_t cap) {
  const std::string script = (fs::path(EVC_SOURCE_DIR) / "tests" / "unit" / "learn_trees" / "peer_reference.py").string();
  int status = 0;
  const std::string out = run("/usr/bin/python3 " + script + " " + base + " " + peer + " '" + params.dump() + "' " +
                                  std::to_string(cap),
                              status);
  EXPECT_EQ(status, 0) << out;
  const auto j = nlohmann::json::parse(out.substr(out.rfind('{')));
  return j.at("auc").at(0).get<double>();
}

#define EVC_REQUIRE_PEER(module)                                                               \
  std::string why;                                                                             \
  const std::string base = zprime16(why);                                                      \
  if (base.empty()) GTEST_SKIP() << "skipped: " << why;                                        \
  if (!python_has(module)) GTEST_SKIP() << "skipped: /usr/bin/python3 cannot import " module;

TEST(TreesVsPeers, GradientBoostingIsWithin0003OfXGBoostHistOnZprime16First100kRows) {
  EVC_REQUIRE_PEER("xgboost")
  const Dataset d = load(base, 0);
  const double ours = evclass_auc(d, "gbdt", {{"n_estimators", 500}, {"max_depth", 6}, {"learning_rate", 0.1}, {"max_bins", 255}});
  const double xgb = peer_auc(base, "xgb_hist", {{"n_estimators", 500}, {"max_depth", 6}, {"learning_rate", 0.1}, {"max_bin", 256}}, 0);
  std::printf("zprime16 100k, 500 trees of depth 6: evclass AUC %.5f, XGBoost hist %.5f\n", ours, xgb);
  EXPECT_NEAR(ours, xgb, 0.003);
  EXPECT_GT(ours, 0.92) << "both must actually separate the classes";
}

TEST(TreesVsPeers, AdaBoostSeparatesAsWellAsScikitLearnsWithTheSameTrees) {
  EVC_REQUIRE_PEER("sklearn")
  const Dataset d = load(base, 10000);
  for (const char* algorithm : {"SAMME", "SAMME.R"}) {
    const nlohmann::json ours_p = {{"n_estimators", 60}, {"max_depth", 3}, {"learning_rate", 0.5}, {"algorithm", algorithm}};
    const double ours = evclass_auc(d, "adaboost", ours_p);
    const double sk = peer_auc(base, "sklearn_adaboost", ours_p, 10000);
    std::printf("AdaBoost %s on 10k rows: evclass AUC %.5f, scikit-learn %.5f\n", algorithm, ours, sk);
    EXPECT_GT(ours, sk - 0.005) << algorithm;
  }
}

TEST(TreesVsPeers, RandomForestSeparatesAsWellAsScikitLearns) {
  EVC_REQUIRE_PEER("sklearn")
  const Dataset d = load(base, 20000);
  const double ours = evclass_auc(d, "random_forest", {{"n_estimators", 50}});
  const double sk = peer_auc(base, "sklearn_rf", {{"n_estimators", 50}}, 20000);
  std::printf("random forest (50 trees) on 20k rows: evclass AUC %.5f, scikit-learn %.5f\n", ours, sk);
  EXPECT_GT(ours, sk - 0.005);
}

}  // namespace
}  // namespace evclass::learn
