// The evclass command-line program: argument parsing only; the work is done by evclass::api.

#include <cstdio>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "evclass/api/apply.hpp"
#include "evclass/api/demo.hpp"
#include "evclass/api/models.hpp"
#include "evclass/api/generate.hpp"
#include "evclass/api/train.hpp"
#include "evclass/api/inspect.hpp"
#include "evclass/core/error.hpp"

namespace {

int report(const char* kind, const char* what) {
  std::fflush(stdout);
  fmt::print(stderr, "evclass: {}: {}\n", kind, what);
  return 1;
}

/// "a,b,,c" -> {"a", "b", "c"}
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const auto comma = text.find(',', start);
    auto piece = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!piece.empty()) out.push_back(std::move(piece));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

double parse_number(const std::string& text, const char* option) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(v > 0))
    throw evclass::ConfigError(fmt::format("{} '{}' is not a positive number", option, text));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"evclass: separate signal from background in HEP event data"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "evclass 0.1.0");

  evclass::api::InspectOptions inspect;
  std::string inspect_file;
  auto* cmd_inspect = app.add_subcommand("inspect", "List the trees, branches and objects of a ROOT file");
  cmd_inspect->add_option("file", inspect_file, "ROOT file")->required();
  cmd_inspect->add_option("--tree", inspect.tree, "Only this tree (path such as dir/sub/tree)");
  cmd_inspect->add_flag("--stats", inspect.stats, "Read every branch and print value statistics");
  cmd_inspect->add_flag("--json", inspect.json, "JSON output (with --stats: the layout of the .ref.json files)");
  cmd_inspect->add_option("--threads", inspect.threads, "Threads for reading (0 = all cores)")->check(CLI::NonNegativeNumber);

  evclass::api::DumpOptions dump;
  std::string dump_file, branches;
  auto* cmd_dump = app.add_subcommand("dump", "Write branches of a tree as CSV");
  cmd_dump->add_option("file", dump_file, "ROOT file")->required();
  cmd_dump->add_option("--tree", dump.tree, "Tree path (needed when the file holds several trees)");
  cmd_dump->add_option("--branches", branches, "Comma-separated branch names (default: every readable branch)");
  cmd_dump->add_option("--entries", dump.entries, "At most this many entries")->check(CLI::NonNegativeNumber);
  cmd_dump->add_option("--max-items", dump.max_items, "Jagged branches: write the length and the first k elements")
      ->check(CLI::NonNegativeNumber);
  cmd_dump->add_option("--csv", dump.csv, "Output CSV file ('-' for standard output)")->required();
  cmd_dump->add_option("--threads", dump.threads, "Threads for reading (0 = all cores)")->check(CLI::NonNegativeNumber);

  evclass::generate::Options gen;
  std::string gen_analysis, gen_compression = "zstd:5", gen_masses;
  auto* cmd_generate = app.add_subcommand("generate", "Write physics-like samples of a reference analysis (docs/generators.md)");
  cmd_generate->add_option("analysis", gen_analysis, "zprime, hzz4l, hgg or pmass")->required();
  cmd_generate->add_option("--out", gen.out_dir, "Output directory (created if missing)")->required();
  cmd_generate->add_option("--events", gen.events, "Simulated events per MC sample (per file for zprime); 0 = default")
      ->check(CLI::NonNegativeNumber);
  cmd_generate->add_option("--seed", gen.seed, "Random seed (same seed, same events)");
  cmd_generate->add_option("--compression", gen_compression, "ALG[:LEVEL]: zlib, lz4, zstd, lzma or none (default zstd:5)");
  cmd_generate->add_option("--lumi", gen.lumi_fb, "Integrated luminosity in fb^-1 for data samples")
      ->check(CLI::PositiveNumber);
  cmd_generate->add_option("--masses", gen_masses, "pmass: comma-separated signal masses in GeV (default 500,750,1000,1250,1500)");
  cmd_generate->add_option("--threads", gen.threads, "Threads (0 = all cores)")->check(CLI::NonNegativeNumber);

  evclass::api::TrainOptions train;
  auto* cmd_train = app.add_subcommand("train", "Train and evaluate the models of a run config (docs/config.md)");
  cmd_train->add_option("config", train.config_path, "Run config (TOML)")->required();
  cmd_train->add_option("--out", train.out_dir, "Run folder (default: the config's [run] output)");
  cmd_train->add_option("--threads", train.threads, "Threads (0 = all cores; default: the config's)")
      ->check(CLI::NonNegativeNumber);

  evclass::api::ApplyOptions apply;
  auto* cmd_apply = app.add_subcommand("apply", "Score every entry of ROOT files (friend trees) or CSV files with saved models");
  cmd_apply->add_option("model", apply.model, "Run folder (all its models) or one model file")->required();
  cmd_apply->add_option("files", apply.files, "ROOT or CSV files to score")->required();
  cmd_apply->add_option("--out", apply.out_dir, "Output folder for <file>_scores.root (default: .)");
  cmd_apply->add_option("--tree", apply.tree, "Tree to score (default: the one the model was trained on)");
  cmd_apply->add_option("--threads", apply.threads, "Threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  std::string apply_parameter;
  cmd_apply->add_option("--parameter", apply_parameter,
                        "Score at these values of a parameter feature: NAME=V1,V2,... (e.g. mass=500,1000)");

  evclass::api::DemoOptions demo;
  auto* cmd_demo = app.add_subcommand("demo", "Generate the Z' samples, train, evaluate and apply (the main job)");
  cmd_demo->add_option("--out", demo.out_dir, "Output folder (default: evclass-demo)");
  cmd_demo->add_option("--events", demo.events, "Candidates per generated file")->check(CLI::PositiveNumber);
  cmd_demo->add_option("--threads", demo.threads, "Threads (0 = all cores)")->check(CLI::NonNegativeNumber);

  std::string models_type;
  auto* cmd_models = app.add_subcommand("models", "List the model types, or one type's hyper-parameters (Markdown)");
  cmd_models->add_option("type", models_type, "Model type (e.g. gbdt)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*cmd_inspect) return evclass::api::inspect(inspect_file, inspect, std::cout, std::cerr);
    if (*cmd_dump) {
      dump.branches = split_list(branches);
      return evclass::api::dump(dump_file, dump, std::cout, std::cerr);
    }
    if (*cmd_generate) {
      gen.compression = evclass::root::Compression::parse(gen_compression);
      for (const auto& piece : split_list(gen_masses)) gen.masses.push_back(parse_number(piece, "--masses"));
      return evclass::api::generate(gen_analysis, gen, std::cout);
    }
    if (*cmd_train) {
      (void)evclass::api::train(train, std::cout);
      return 0;
    }
    if (*cmd_apply) {
      if (!apply_parameter.empty()) evclass::api::parse_parameter_option(apply_parameter, apply);
      (void)evclass::api::apply(apply, std::cout);
      return 0;
    }
    if (*cmd_demo) return evclass::api::demo(demo, std::cout);
    if (*cmd_models) return evclass::api::describe_models(models_type, std::cout);
  } catch (const evclass::Error& e) {
    return report(e.kind(), e.what());
  } catch (const std::bad_alloc&) {
    return report("OutOfMemory", "not enough memory for this input (the file may be corrupt, or a smaller entry range "
                                 "or fewer branches may help)");
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "evclass: internal error: {}\nPlease report this bug.\n", e.what());
    return 3;
  }
  return 0;
}
