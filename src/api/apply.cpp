#include "evclass/api/apply.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>

#include "api/input.hpp"
#include "api/model_file.hpp"
#include "api/run_outputs.hpp"
#include "evclass/api/friend_tree.hpp"
#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"

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

// With a parameter: the column of the parameter among each model's features, and the score names
// per value. Checked before any input is read.
std::vector<std::size_t> parameter_columns(const std::vector<detail::ModelBundle>& models, const ApplyOptions& options) {
  std::vector<std::size_t> out;
  if (options.parameter.empty()) return out;
  for (const auto& m : models) {
    std::vector<std::string> names;
    std::size_t column = m.plan.features.size();
    for (std::size_t j = 0; j < m.plan.features.size(); ++j) {
      names.push_back(m.plan.features[j].text);
      if (m.plan.features[j].text == options.parameter || m.plan.features[j].name == options.parameter) column = j;
    }
    if (column == names.size()) {
      std::string message = fmt::format("--parameter {}: model '{}' has no feature '{}' (its features: {})",
                                        options.parameter, m.name, options.parameter, fmt::join(names, ", "));
      if (auto hint = core::did_you_mean(options.parameter, names); !hint.empty()) message += "; " + hint;
      throw ConfigError(message);
    }
    out.push_back(column);
  }
  return out;
}

std::string value_tag(double v) {
  std::string t = fmt::format("{}", v);
  std::replace(t.begin(), t.end(), '.', 'p');
  std::replace(t.begin(), t.end(), '-', 'm');
  return t;
}

}  // namespace

void parse_parameter_option(const std::string& text, ApplyOptions& options) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw ConfigError(fmt::format("--parameter '{}': expected NAME=VALUE[,VALUE...], e.g. --parameter mass=500,1000", text));
  options.parameter = text.substr(0, eq);
  options.parameter_values.clear();
  std::size_t start = eq + 1;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string piece = text.substr(start, comma - start);
    double v = 0;
    const auto [ptr, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), v);
    if (piece.empty() || ec != std::errc() || ptr != piece.data() + piece.size() || !std::isfinite(v))
      throw ConfigError(fmt::format("--parameter '{}': '{}' is not a number", text, piece));
    if (std::find(options.parameter_values.begin(), options.parameter_values.end(), v) != options.parameter_values.end())
      throw ConfigError(fmt::format("--parameter '{}': {} is given twice", text, piece));
    options.parameter_values.push_back(v);
    start = comma + 1;
  }
}

std::vector<AppliedFile> apply(const ApplyOptions& options, std::ostream& out) {
  const core::Context ctx{options.threads};
  std::vector<LoadedModel> loaded = load_models(options.model);
  if (options.parameter.empty()) check_branch_names(loaded);
  std::vector<detail::ModelBundle> models;
  for (auto& l : loaded) models.push_back(std::move(l.bundle));
  const std::vector<std::size_t> param_column = parameter_columns(models, options);
  // One pass of scores per parameter value (or one pass without a parameter).
  const std::size_t passes = options.parameter.empty() ? 1 : options.parameter_values.size();
  const auto score_names_of = [&](const detail::ModelBundle& m, std::size_t pass_index) {
    std::vector<std::string> names = m.score_names();
    if (options.parameter.empty()) return names;
    const std::string tag = options.parameter + value_tag(options.parameter_values[pass_index]);
    const std::string base = "score_" + m.name;
    for (auto& n : names) n = base + "_" + tag + n.substr(base.size());
    return names;
  };
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
      std::vector<std::size_t> column_of(members.size() * passes);
      for (std::size_t k = 0; k < members.size(); ++k)
        for (std::size_t v = 0; v < passes; ++v) {
          column_of[k * passes + v] = scores.size();
          for (const auto& n : score_names_of(models[members[k]], v)) {
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
            std::vector<float> at_value;
            for (std::size_t k = 0; k < members.size(); ++k) {
              const detail::ModelBundle& m = models[members[k]];
              const std::size_t outputs = m.n_outputs();
              std::vector<float> s(rows * outputs);
              for (std::size_t v = 0; v < passes; ++v) {
                std::span<const float> features = b.features;
                if (!options.parameter.empty()) {
                  at_value.assign(b.features.begin(), b.features.end());
                  const std::size_t c = param_column[members[k]];
                  std::fill(at_value.begin() + static_cast<std::ptrdiff_t>(c * rows),
                            at_value.begin() + static_cast<std::ptrdiff_t>((c + 1) * rows),
                            static_cast<float>(options.parameter_values[v]));
                  features = at_value;
                }
                m.predict(features, rows, s, ctx);
                for (std::size_t o = 0; o < outputs; ++o) {
                  auto& dst = scores[column_of[k * passes + v] + o];
                  for (std::size_t i = 0; i < rows; ++i) dst.push_back(s[i * outputs + o]);
                }
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
