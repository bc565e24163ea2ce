#include "evclass/api/apply.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "api/input.hpp"
#include "api/model_file.hpp"
#include "api/run_outputs.hpp"
#include "evclass/api/friend_tree.hpp"
#include "evclass/core/error.hpp"

namespace evclass::api {

namespace {

struct LoadedModel {
  std::filesystem::path file;
  detail::ModelBundle bundle;
};

std::vector<LoadedModel> load_models(const std::string& path) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  if (fs::is_directory(path)) {
    const fs::path dir = fs::is_directory(fs::path(path) / "models") ? fs::path(path) / "models" : fs::path(path);
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw ConfigError(fmt::format("{} holds no model files (models/*.json)", path));
  } else if (fs::exists(path)) {
    files.push_back(path);
  } else {
    throw IoError(fmt::format("no run folder or model file at {}", path));
  }
  std::vector<LoadedModel> out;
  for (const auto& f : files) out.push_back({f, detail::load_bundle(f)});
  return out;
}

// Two models whose outputs land on the same branch (the same name, or names that differ only in
// characters a branch name cannot hold) would make a friend tree that cannot be written: say so
// before reading any input, naming both model files.
void check_branch_names(const std::vector<LoadedModel>& models) {
  std::map<std::string, std::size_t> owner;
  for (std::size_t m = 0; m < models.size(); ++m)
    for (const auto& n : models[m].bundle.score_names()) {
      const auto [it, fresh] = owner.emplace(detail::branch_name(n), m);
      if (!fresh)
        throw ConfigError(fmt::format(
            "models {} (name '{}') and {} (name '{}') would both write the branch '{}'; apply them separately "
            "(with different --out folders) or give them different names",
            models[it->second].file.string(), models[it->second].bundle.name, models[m].file.string(),
            models[m].bundle.name, it->first));
    }
}

// Models that compute the same features the same way share one pass over each file.
std::string plan_key(const detail::ModelBundle& b) {
  auto j = detail::to_json(b);
  return nlohmann::json{j["variables"], j["selection"], j["features"], j["missing_index"]}.dump();
}

}  // namespace

std::vector<AppliedFile> apply(const ApplyOptions& options, std::ostream& out) {
  const core::Context ctx{options.threads};
  std::vector<LoadedModel> loaded = load_models(options.model);
  check_branch_names(loaded);
  std::vector<detail::ModelBundle> models;
  for (auto& l : loaded) models.push_back(std::move(l.bundle));
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t m = 0; m < models.size(); ++m) groups[plan_key(models[m])].push_back(m);
  // Every expression is parsed (and a mistake reported, naming its model file) before any output
  // is made; each plan then serves every input file.
  std::vector<std::unique_ptr<feature::Plan>> plans;
  for (const auto& [key, members] : groups) plans.push_back(std::make_unique<feature::Plan>(models[members.front()].plan));
  std::filesystem::create_directories(options.out_dir);

  std::vector<AppliedFile> results;
  for (const auto& input : options.files) {
    const auto t0 = std::chrono::steady_clock::now();
    // CSV inputs get CSV scores, row by row; ROOT inputs a friend tree.
    const bool csv = std::filesystem::path(input).extension() == ".csv";
    const std::string tree_hint = options.tree.empty() ? models.front().tree : options.tree;
    const std::string tree = csv ? std::string() : detail::resolve_tree_path(input, tree_hint);
    // Scores per model output and the selection flag, for every entry, in entry order.
    std::vector<std::string> names;
    std::vector<std::vector<float>> scores;
    std::vector<std::uint8_t> pass;
    bool pass_filled = false;
    entry_t entries = 0;
    std::size_t group = 0;
    for (const auto& [key, members] : groups) {
      const feature::Plan& plan = *plans[group++];
      std::vector<std::size_t> column_of(members.size());
      for (std::size_t k = 0; k < members.size(); ++k) {
        column_of[k] = scores.size();
        for (const auto& n : models[members[k]].score_names()) {
          names.push_back(n);
          scores.emplace_back();
        }
      }
      entries = detail::for_each_block(
          detail::InputFile{input, csv ? SampleFormat::csv : SampleFormat::root, tree, 0}, plan, ctx,
          [&](const feature::Block& b, entry_t first_entry) {
            const auto rows = static_cast<std::size_t>(b.rows);
            // Models of one run share its common cut; models of different runs may not: an
            // entry then passes when it passes the selection of every model.
            if (!pass_filled) {
              pass.insert(pass.end(), b.pass.begin(), b.pass.end());
            } else {
              for (std::size_t i = 0; i < rows; ++i) pass[static_cast<std::size_t>(first_entry) + i] &= b.pass[i];
            }
            for (std::size_t k = 0; k < members.size(); ++k) {
              const detail::ModelBundle& m = models[members[k]];
              const std::size_t outputs = m.n_outputs();
              std::vector<float> s(rows * outputs);
              m.predict(b.features, rows, s, ctx);
              for (std::size_t o = 0; o < outputs; ++o) {
                auto& dst = scores[column_of[k] + o];
                for (std::size_t i = 0; i < rows; ++i) dst.push_back(s[i * outputs + o]);
              }
            }
          });
      pass_filled = true;
    }
    const std::filesystem::path out_path =
        std::filesystem::path(options.out_dir) /
        (std::filesystem::path(input).stem().string() + (csv ? "_scores.csv" : "_scores.root"));
    if (csv) {
      std::vector<std::pair<std::string, column::Column>> columns;
      for (std::size_t k = 0; k < names.size(); ++k) {
        column::Column c(column::DType::kFloat32);
        c.data().append(scores[k].data(), scores[k].size() * sizeof(float));
        columns.emplace_back(names[k], std::move(c));
      }
      column::Column p(column::DType::kBool);
      p.data().append(pass.data(), pass.size());
      columns.emplace_back("pass_selection", std::move(p));
      detail::write_csv_columns(out_path.string(), columns);
    }
    std::vector<root::BranchSpec> specs;
    std::vector<column::Column> columns;
    for (std::size_t k = 0; k < names.size(); ++k) {
      specs.push_back(root::BranchSpec::scalar(detail::branch_name(names[k]), column::DType::kFloat32));
      column::Column c(column::DType::kFloat32);
      c.data().append(scores[k].data(), scores[k].size() * sizeof(float));
      columns.push_back(std::move(c));
    }
    specs.push_back(root::BranchSpec::scalar("pass_selection", column::DType::kBool));
    column::Column p(column::DType::kBool);
    p.data().append(pass.data(), pass.size());
    columns.push_back(std::move(p));
    if (!csv) {
      FriendTreeWriter writer(input, tree, out_path.string(), "scores", specs);
      writer.append(columns);
      writer.close();
    }
    AppliedFile r{input, out_path, entries, 0};
    for (const auto v : pass) r.passing += v;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out << fmt::format("{}: {} entries scored by {} model(s), {} pass the selection -> {} ({:.2f} s)\n", input,
                       entries, models.size(), r.passing, out_path.string(), seconds);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace evclass::api
