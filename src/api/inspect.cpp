#include "evclass/api/inspect.hpp"

#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "evclass/column/summary.hpp"
#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"

namespace evclass::api {

namespace {

using nlohmann::ordered_json;

std::string version_text(int v) { return fmt::format("{}.{:02}/{:02}", v / 10000, (v / 100) % 100, v % 100); }

std::string compression_text(int setting) {
  if (setting == 0) return "none";
  const int alg = setting / 100, level = setting % 100;
  const char* names[] = {"zlib (default)", "zlib", "lzma", "old ROOT zlib", "lz4", "zstd"};
  const char* name = alg >= 0 && alg <= 5 ? names[alg] : "unknown";
  if (level == 0) return "none";
  return fmt::format("{} level {}", name, level);
}

ordered_json summary_json(const column::Summary& s, bool with_entries) {
  ordered_json j;
  if (with_entries) j["entries"] = s.entries;
  if (s.is_string && s.n_values > 0) {
    j["nStrings"] = s.n_values;
    j["first5"] = s.first5_strings;
    return j;
  }
  if (s.is_string) j["nStrings"] = 0;  // an empty string branch has neither strings nor numbers
  j["nValues"] = s.n_values;
  j["sum"] = s.sum;
  j["min"] = s.min ? ordered_json(*s.min) : ordered_json(nullptr);
  j["max"] = s.max ? ordered_json(*s.max) : ordered_json(nullptr);
  j["first5"] = s.first5;
  return j;
}

ordered_json branch_stats_json(const root::Tree& tree, const root::BranchInfo& b, int threads) {
  ordered_json j;
  j["name"] = b.name;
  if (b.path != b.name) j["path"] = b.path;
  j["kind"] = b.kind;
  j["type"] = b.type;
  if (!b.readable) {
    j["entries"] = b.entries;
    j["unsupported"] = b.unsupported;
    return j;
  }
  root::ReadOptions ro{threads};
  if (b.kind == "leaflist") {
    std::vector<column::Column> cols;
    for (const auto& l : b.leaves) cols.push_back(tree.read_leaf(b, l.name, {}, ro));
    std::vector<const column::Column*> ptrs;
    for (const auto& c : cols) ptrs.push_back(&c);
    auto all = summary_json(column::summarize_interleaved(ptrs), true);
    for (auto& [k, v] : all.items()) j[k] = v;
    ordered_json leaves = ordered_json::array();
    for (std::size_t i = 0; i < cols.size(); ++i) {
      auto lj = ordered_json{{"name", b.leaves[i].name}};
      const auto leaf_stats = summary_json(column::summarize(cols[i]), false);
      for (auto& [k, v] : leaf_stats.items()) lj[k] = v;
      leaves.push_back(lj);
    }
    j["leaves"] = leaves;
    return j;
  }
  const auto col = tree.read(b, {}, ro);
  const auto stats = summary_json(column::summarize(col), true);
  for (auto& [k, v] : stats.items()) j[k] = v;
  return j;
}

void print_json(const root::File& file, const std::vector<root::ObjectInfo>& trees, const InspectOptions& o,
                std::ostream& out) {
  ordered_json doc;
  doc["file"] = file.path();
  doc["size"] = file.size();
  doc["rootVersion"] = version_text(file.root_version());
  doc["fCompress"] = file.compression_setting();
  ordered_json jtrees = ordered_json::array();
  for (const auto& t : trees) {
    const root::Tree tree = file.tree(t.path, t.cycle);
    ordered_json jt;
    jt["path"] = t.path;
    jt["cycle"] = t.cycle;
    jt["className"] = tree.class_name();
    jt["entries"] = tree.entries();
    ordered_json jb = ordered_json::array();
    for (const auto& b : tree.branches()) {
      if (!b.has_data) continue;
      if (o.stats) {
        jb.push_back(branch_stats_json(tree, b, o.threads));
      } else {
        ordered_json j{{"name", b.name}, {"kind", b.kind}, {"type", b.type}, {"entries", b.entries},
                       {"baskets", b.baskets}, {"compressedBytes", b.compressed_bytes},
                       {"uncompressedBytes", b.uncompressed_bytes}, {"compression", tree.basket_codecs(b)}};
        if (!b.readable) j["unsupported"] = b.unsupported;
        jb.push_back(j);
      }
    }
    jt["branches"] = jb;
    jtrees.push_back(jt);
  }
  doc["trees"] = jtrees;
  ordered_json others = ordered_json::array();
  for (const auto& obj : file.objects())
    if (!obj.is_tree() && !obj.is_directory())
      others.push_back(ordered_json{{"path", obj.path}, {"cycle", obj.cycle}, {"className", obj.class_name}});
  doc["otherObjects"] = others;
  // Names come from the file and need not be valid UTF-8: invalid bytes become U+FFFD.
  out << doc.dump(1, ' ', false, ordered_json::error_handler_t::replace) << '\n';
}

void print_text(const root::File& file, const std::vector<root::ObjectInfo>& trees, const InspectOptions& o,
                std::ostream& out) {
  fmt::print(out, "{}: ROOT {}, {} bytes, compression {}\n", file.path(), version_text(file.root_version()), file.size(),
             compression_text(file.compression_setting()));
  for (const auto& t : trees) {
    const root::Tree tree = file.tree(t.path, t.cycle);
    std::vector<int> cycles;
    for (const auto& obj : file.objects())
      if (obj.path == t.path && obj.is_tree()) cycles.push_back(obj.cycle);
    std::string other;
    for (int c : cycles)
      if (c != t.cycle) other += fmt::format("{}{}", other.empty() ? "" : ",", c);
    fmt::print(out, "\n{} {};{}{}  \"{}\"  {} entries, {} branches\n", tree.class_name(), t.path, t.cycle,
               other.empty() ? "" : " (other cycles: " + other + ")", tree.title(), tree.entries(),
               tree.branches().size());
    fmt::print(out, "  {:<32} {:<22} {:<24} {:>7} {:>12} {:>12}  {}\n", "branch", "type", "kind", "baskets", "compressed",
               "uncompressed", "codecs");
    for (const auto& b : tree.branches()) {
      const std::string name = std::string(static_cast<std::size_t>(b.depth) * 2, ' ') + b.name;
      fmt::print(out, "  {:<32} {:<22} {:<24} {:>7} {:>12} {:>12}  {}\n", name, b.type, b.kind, b.baskets,
                 b.compressed_bytes, b.uncompressed_bytes, b.has_data ? tree.basket_codecs(b) : "");
      if (!b.readable && b.has_data) fmt::print(out, "      (not readable: {})\n", b.unsupported);
      if (o.stats && b.has_data && b.readable && b.kind != "leaflist") {
        const auto s = column::summarize(tree.read(b, {}, {o.threads}));
        if (s.is_string)
          fmt::print(out, "      {} strings, first: {}\n", s.n_values, fmt::join(s.first5_strings, " | "));
        else if (s.n_values > 0)
          fmt::print(out, "      {} values, min {:g}, max {:g}, mean {:g}\n", s.n_values, *s.min, *s.max,
                     s.sum / static_cast<double>(s.n_values));
        else
          fmt::print(out, "      no values\n");
      }
    }
  }
  bool header = false;
  for (const auto& obj : file.objects()) {
    if (obj.is_tree() || obj.is_directory()) continue;
    if (!header) fmt::print(out, "\nother objects:\n");
    header = true;
    fmt::print(out, "  {};{}  {}\n", obj.path, obj.cycle, obj.class_name);
  }
}

}  // namespace

int inspect(const std::string& path, const InspectOptions& options, std::ostream& out, std::ostream& err) {
  const root::File file = root::File::open(path);
  std::vector<root::ObjectInfo> trees;
  if (!options.tree.empty()) {
    const root::Tree t = file.tree(options.tree);  // throws KeyNotFound with suggestions
    for (const auto& info : file.trees())
      if (info.path == t.path()) trees.push_back(info);
  } else {
    trees = file.trees();
  }
  if (trees.empty()) {
    // (With trees, an unreadable streamer-info record is reported as the error reading them.)
    if (auto w = file.warning(); !w.empty()) fmt::print(err, "warning: {}\n", w);
    std::string others;
    for (const auto& obj : file.objects())
      if (!obj.is_directory()) others += fmt::format("{}{} ({})", others.empty() ? "" : ", ", obj.name, obj.class_name);
    fmt::print(err, "note: {} holds no TTree{}\n", path, others.empty() ? "" : "; it holds " + others);
  }
  if (options.json) print_json(file, trees, options, out);
  else print_text(file, trees, options, out);
  return 0;
}

}  // namespace evclass::api
