// evclass_learn_bench: trains one evclass model on a ../shared/bench dataset exactly as
// ../shared/bench/peers.py trains its peers, and prints one JSON line with the same fields
// (fit_s, pred_s, pred_ev_s, auc, wauc, peak_mb, ...), so bench/trees_vs_peers.sh can set
// them side by side.
//
//   evclass_learn_bench --data DIR/NAME_SIZE --model gbdt --params '{"n_estimators":500}'
//                       [--threads 2] [--train-cap N] [--save FILE] [--standardise]
//
// --standardise fits a StandardScaler-like scaler on the training rows inside the timed fit and
// applies it inside the timed prediction, as peers.py's scikit-learn pipelines and torch runner do
// (the networks need it; trees do not).
//
// Data: NAME_SIZE.json (columns and roles) and NAME_SIZE.bin (row-major float32), read into the
// column-major matrix learn takes; rows with split == 0 train, split == 1 test. Models train
// unweighted (as peers.py does); the weight column only enters the weighted AUC. Loading is not
// timed; peak RSS is the process high-water mark after the kernel's counter was reset once the
// data were loaded (as peers.py does), so it includes the data.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "evclass/core/atomic_file.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/eval/roc.hpp"
#include "evclass/learn/registry.hpp"
#include "evclass/learn/scaler.hpp"

namespace {

double rss_mb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(std::string(field).size())) / 1024.0;
  return 0.0;
}

bool reset_hwm() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  return static_cast<bool>(out);
}

struct Split {
  std::vector<float> x;  // column-major
  std::vector<std::int32_t> y;
  std::vector<double> w;
  std::size_t rows = 0;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Train and time one evclass model on a ../shared/bench dataset"};
  std::string base, type = "gbdt", params_text = "{}", save;
  int threads = 2;
  std::size_t train_cap = 0;
  app.add_option("--data", base, "dataset path without extension (DIR/NAME_SIZE)")->required();
  app.add_option("--model", type, "model type");
  app.add_option("--params", params_text, "hyper-parameters as JSON");
  app.add_option("--threads", threads, "threads");
  app.add_option("--train-cap", train_cap, "train on the first N training rows only");
  app.add_option("--save", save, "write the trained model's JSON here");
  std::string load_path;
  int repeat = 1;
  app.add_option("--load", load_path, "do not train: load this model JSON and time its prediction");
  app.add_option("--repeat", repeat, "time the prediction this many times (the fastest is reported)");
  bool standardise = false;
  app.add_flag("--standardise", standardise, "scale features to mean 0, std 1 (fitted on the training rows; timed)");
  CLI11_PARSE(app, argc, argv);

  nlohmann::json meta;
  std::ifstream(base + ".json") >> meta;
  const auto rows = meta.at("rows").get<std::size_t>();
  const auto cols = meta.at("cols").get<std::size_t>();
  const auto columns = meta.at("columns").get<std::vector<std::string>>();
  const auto index = [&](const std::string& name) {
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == name) return i;
    throw std::runtime_error("no column " + name);
  };
  std::vector<std::size_t> feature_cols;
  for (const auto& f : meta.at("feature_columns")) feature_cols.push_back(index(f.get<std::string>()));
  for (const auto& f : meta.at("parameter_columns")) feature_cols.push_back(index(f.get<std::string>()));
  const std::size_t label_col = index(meta.at("label_column").get<std::string>());
  const std::size_t split_col = index(meta.at("split_column").get<std::string>());
  const bool weighted = !meta.at("weight_column").is_null();
  const std::size_t weight_col = weighted ? index(meta.at("weight_column").get<std::string>()) : 0;
  const std::size_t nf = feature_cols.size();

  // Two passes over the row-major file: count the rows of each split, then fill column-major.
  std::FILE* f = std::fopen((base + ".bin").c_str(), "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot open %s.bin\n", base.c_str());
    return 1;
  }
  std::vector<float> row(cols);
  std::size_t n_train = 0, n_test = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    if (std::fread(row.data(), sizeof(float), cols, f) != cols) return 1;
    (row[split_col] == 0.0f ? n_train : n_test)++;
  }
  if (train_cap > 0) n_train = std::min(n_train, train_cap);
  Split train, test;
  train.rows = n_train;
  test.rows = n_test;
  for (Split* s : {&train, &test}) {
    s->x.resize(s->rows * nf);
    s->y.resize(s->rows);
    s->w.resize(s->rows);
  }
  std::rewind(f);
  std::size_t i_train = 0, i_test = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    if (std::fread(row.data(), sizeof(float), cols, f) != cols) return 1;
    const bool is_train = row[split_col] == 0.0f;
    if (is_train && i_train >= n_train) continue;
    Split& s = is_train ? train : test;
    const std::size_t i = is_train ? i_train++ : i_test++;
    for (std::size_t j = 0; j < nf; ++j) s.x[j * s.rows + i] = row[feature_cols[j]];
    s.y[i] = static_cast<std::int32_t>(row[label_col]);
    s.w[i] = weighted ? static_cast<double>(row[weight_col]) : 1.0;
  }
  std::fclose(f);

  const evclass::core::Context ctx{threads};
  evclass::learn::TrainData data;
  data.x = {train.x, train.rows, nf};
  data.labels = train.y;
  data.n_classes = 2;
  data.run_seed = 0;
  const nlohmann::json params = nlohmann::json::parse(params_text);

  const double base_mb = rss_mb("VmRSS:");
  const bool hwm_reset = reset_hwm();
  const auto t0 = std::chrono::steady_clock::now();
  const auto c0 = std::clock();
  std::unique_ptr<evclass::learn::Model> model;
  evclass::learn::Scaler scaler(standardise ? evclass::learn::ScalerKind::standard : evclass::learn::ScalerKind::none);
  std::vector<float> scaled_train;
  if (standardise) {
    scaler.fit(data.x, ctx);
    scaled_train = scaler.transform(data.x, ctx);
    data.x = {scaled_train, train.rows, nf};
  }
  if (load_path.empty()) {
    model = evclass::learn::train(type, params, data, ctx);
  } else {
    nlohmann::json j;
    std::ifstream(load_path) >> j;
    model = evclass::learn::load_model(j);
  }
  const auto t1 = std::chrono::steady_clock::now();
  const auto c1 = std::clock();
  std::vector<float> scores(test.rows * model->n_outputs());
  auto t2 = t1;
  double pred_s = 1e30;
  for (int k = 0; k < repeat; ++k) {
    const auto p0 = std::chrono::steady_clock::now();
    if (standardise) {
      const std::vector<float> scaled_test = scaler.transform({test.x, test.rows, nf}, ctx);
      model->predict({scaled_test, test.rows, nf}, scores, ctx);
    } else {
      model->predict({test.x, test.rows, nf}, scores, ctx);
    }
    t2 = std::chrono::steady_clock::now();
    pred_s = std::min(pred_s, std::chrono::duration<double>(t2 - p0).count());
  }
  const auto c2 = std::clock();
  const double fit_s = std::chrono::duration<double>(t1 - t0).count();

  const evclass::eval::LabeledScores ls{scores, test.y, {}, "test"};
  nlohmann::json out = {{"tool", "evclass"},
                        {"model", type},
                        {"params", params},
                        {"n_train", train.rows},
                        {"n_test", test.rows},
                        {"n_features", nf},
                        {"threads", threads},
                        {"fit_s", fit_s},
                        {"fit_cpu", static_cast<double>(c1 - c0) / CLOCKS_PER_SEC / fit_s},
                        {"pred_s", pred_s},
                        {"pred_cpu", static_cast<double>(c2 - c1) / CLOCKS_PER_SEC / pred_s},
                        {"pred_ev_s", static_cast<double>(test.rows) / pred_s},
                        {"auc", evclass::eval::roc_auc(ls)},
                        {"base_mb", base_mb},
                        {"hwm_reset", hwm_reset},
                        {"peak_mb", rss_mb("VmHWM:")}};
  if (const auto j = model->to_json(); j.contains("training") && j.at("training").contains("iterations"))
    out["n_iter"] = j.at("training").at("iterations");
  if (weighted) out["wauc"] = evclass::eval::roc_auc({scores, test.y, test.w, "test"});
  std::printf("%s\n", out.dump().c_str());
  if (!save.empty()) {
    evclass::core::AtomicFile file(save);
    file.write(model->to_json().dump());
    file.commit();
  }
  return 0;
}
