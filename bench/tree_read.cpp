// Whole-tree read rate: every readable branch of a tree read into columns with Tree::read, at
// each thread count, for the side-by-side comparison with JSROOT in run_large_read_bench.sh.
// Prints one JSON line per thread count:
//   {"file", "tree", "threads", "entries", "branches", "seconds", "events_per_s", "mb_per_s"}
//
//   evclass_tree_read FILE TREE [--threads 1,2] [--repeat 3]

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "evclass/root/file.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Whole-tree read rate of evclass"};
  std::string path, tree_path, threads = "1,2";
  int repeat = 3;
  app.add_option("file", path)->required();
  app.add_option("tree", tree_path)->required();
  app.add_option("--threads", threads, "comma-separated thread counts");
  app.add_option("--repeat", repeat, "repetitions; the fastest is printed")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  const auto file = evclass::root::File::open(path);
  const auto& tree = file.tree(tree_path);
  std::vector<std::string> names;
  double mb = 0;
  for (const auto& b : tree.branches())
    if (b.readable && b.has_data) {
      names.push_back(b.path);
      mb += static_cast<double>(b.uncompressed_bytes) / 1e6;
    }
  for (std::size_t start = 0; start <= threads.size();) {
    const auto comma = threads.find(',', start);
    const int t = std::stoi(threads.substr(start, comma - start));
    double best = 1e300;
    for (int r = 0; r < repeat; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      { const auto columns = tree.read(names, {}, {.threads = t}); }
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    fmt::print(R"({{"file": "{}", "tree": "{}", "threads": {}, "entries": {}, "branches": {}, "seconds": {:.3f}, )"
               R"("events_per_s": {:.0f}, "mb_per_s": {:.1f}}})"
               "\n",
               path, tree_path, t, tree.entries(), names.size(), best, static_cast<double>(tree.entries()) / best,
               mb / best);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return 0;
}
