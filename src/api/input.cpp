#include "api/input.hpp"

#include <chrono>
#include <map>

#include <fmt/format.h>

#include "evclass/column/csv.hpp"
#include "evclass/column/table.hpp"
#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"

namespace evclass::api::detail {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// How an expression sees a branch, from what the tree record says (before reading it).
std::optional<expr::ColumnKind> branch_kind(const root::BranchInfo& b) {
  if (!b.has_data) return std::nullopt;
  // Scalars are numbers; arrays and vectors are lists. Other kinds (strings, nested
  // collections) are reported by the expression module when evaluated.
  return expr::ColumnKind{b.dtype, b.kind != "scalar"};
}

entry_t read_root(const InputFile& input, const feature::Plan& plan, const core::Context& ctx, const BlockFn& fn,
                  InputTiming& timing) {
  const root::File file = root::File::open(input.path);
  const root::Tree tree = file.tree(resolve_tree_path(input.path, input.tree));
  std::vector<std::string> names;
  std::map<std::string, expr::ColumnKind, std::less<>> kinds;
  for (const auto& b : tree.branches()) {
    if (auto k = branch_kind(b)) {
      // Leaf-level branches are known by their name (and by their path when that differs).
      if (kinds.emplace(b.name, *k).second) names.push_back(b.name);
      if (b.path != b.name && kinds.emplace(b.path, *k).second) names.push_back(b.path);
    }
  }
  try {
    plan.check(
        [&](std::string_view n) -> std::optional<expr::ColumnKind> {
          if (auto it = kinds.find(n); it != kinds.end()) return it->second;
          return std::nullopt;
        },
        names);
  } catch (const KeyNotFound& e) {
    throw KeyNotFound(fmt::format("{} (tree '{}'): {}", input.path, tree.path(), e.what()));
  }
  const std::vector<std::string> inputs = plan.inputs();
  std::map<std::string, std::size_t, std::less<>> slot;
  for (std::size_t i = 0; i < inputs.size(); ++i) slot.emplace(inputs[i], i);
  const root::BranchSelection selection = tree.select(inputs);  // looked up once for all the batches
  std::vector<column::Column> columns;
  const entry_t entries = tree.entries();
  for (entry_t start = 0; start < entries || (start == 0 && entries == 0); start += kBlockEntries) {
    const entry_t stop = std::min(entries, start + kBlockEntries);
    auto t0 = Clock::now();
    if (!inputs.empty()) tree.read_into(selection, columns, {start, stop}, {.threads = ctx.threads});
    timing.read_seconds += since(t0);
    t0 = Clock::now();
    const feature::Block block = plan.compute(
        [&](std::string_view n) -> const column::Column* {
          auto it = slot.find(n);
          return it == slot.end() ? nullptr : &columns[it->second];
        },
        stop - start, start, ctx);
    timing.compute_seconds += since(t0);
    t0 = Clock::now();
    fn(block, start);
    timing.consume_seconds += since(t0);
    if (entries == 0) break;
  }
  return entries;
}

entry_t read_csv(const InputFile& input, const feature::Plan& plan, const core::Context& ctx, const BlockFn& fn,
                 InputTiming& timing) {
  column::CsvReadOptions options;
  options.delimiter = input.csv_delimiter;
  options.threads = ctx.threads;
  const std::vector<std::string> header = column::read_csv_header(input.path, options);
  try {
    plan.check(
        [&](std::string_view n) -> std::optional<expr::ColumnKind> {
          for (const auto& h : header)
            if (h == n) return expr::ColumnKind{column::DType::kFloat64, false};
          return std::nullopt;
        },
        header);
  } catch (const KeyNotFound& e) {
    throw KeyNotFound(fmt::format("{}: {}", input.path, e.what()));
  }
  options.columns = plan.inputs();
  auto t0 = Clock::now();
  const column::Table table = column::read_csv(input.path, options);
  timing.read_seconds += since(t0);
  const auto rows = static_cast<entry_t>(table.rows());
  t0 = Clock::now();
  const feature::Block block = plan.compute([&](std::string_view n) { return table.find(std::string(n)); }, rows, 0, ctx);
  timing.compute_seconds += since(t0);
  t0 = Clock::now();
  fn(block, 0);
  timing.consume_seconds += since(t0);
  return rows;
}

}  // namespace

std::string resolve_tree_path(const std::string& file_path, const std::string& tree) {
  if (!tree.empty()) return tree;
  const root::File file = root::File::open(file_path);
  const auto trees = file.trees();
  if (trees.size() == 1) return trees.front().path;
  std::vector<std::string> paths;
  for (const auto& t : trees) paths.push_back(t.path);
  if (paths.empty()) throw ConfigError(fmt::format("{} holds no tree", file_path));
  throw ConfigError(fmt::format("{} holds {} trees ({}); say which with `tree = \"...\"`", file_path, paths.size(),
                                fmt::join(paths, ", ")));
}

entry_t for_each_block(const InputFile& input, const feature::Plan& plan, const core::Context& ctx, const BlockFn& fn,
                       InputTiming* timing) {
  InputTiming local;
  InputTiming& t = timing ? *timing : local;
  return input.format == SampleFormat::csv ? read_csv(input, plan, ctx, fn, t) : read_root(input, plan, ctx, fn, t);
}

}  // namespace evclass::api::detail
