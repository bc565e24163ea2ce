#include <algorithm>
#include <memory>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "evclass/api/inspect.hpp"
#include "evclass/column/column.hpp"
#include "evclass/core/atomic_file.hpp"
#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"

namespace evclass::api {

namespace {

constexpr entry_t kChunkEntries = 1 << 18;  // bounds memory: columns are read this many entries at a time

std::string csv_quote(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void append_value(std::string& line, const column::Column& c, std::size_t i) {
  if (c.is_string()) {
    line += csv_quote(c.string_at(i));
    return;
  }
  column::visit_numeric(c.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_floating_point_v<T>) fmt::format_to(std::back_inserter(line), "{}", c.values<T>()[i]);
    else fmt::format_to(std::back_inserter(line), "{}", static_cast<long long>(c.values<T>()[i]));
  });
}

// How one branch becomes CSV columns.
struct Layout {
  std::string name;
  bool jagged = false;
  std::size_t width = 1;  // values per entry for flat columns
  std::vector<std::string> headers;
};

Layout layout_of(const std::string& name, const column::Column& c, int max_items) {
  Layout l;
  l.name = name;
  l.jagged = c.is_jagged();
  if (l.jagged) {
    l.headers.push_back(name + "_n");
    for (int k = 0; k < max_items; ++k) l.headers.push_back(fmt::format("{}[{}]", name, k));
    return l;
  }
  l.width = c.item_width();
  if (l.width == 1) {
    l.headers.push_back(name);
  } else {
    for (std::size_t k = 0; k < l.width; ++k) l.headers.push_back(fmt::format("{}[{}]", name, k));
  }
  return l;
}

}  // namespace

int dump(const std::string& path, const DumpOptions& o, std::ostream& out, std::ostream& err) {
  const root::File file = root::File::open(path);
  std::string tree_path = o.tree;
  if (tree_path.empty()) {
    const auto trees = file.trees();
    if (trees.size() != 1) {
      std::string names;
      for (const auto& t : trees) names += (names.empty() ? "" : ", ") + t.path;
      throw ConfigError(fmt::format("{} holds {} trees; choose one with --tree ({})", path, trees.size(),
                                    names.empty() ? "none" : names));
    }
    tree_path = trees.front().path;
  }
  const root::Tree tree = file.tree(tree_path);
  std::vector<std::string> names = o.branches;
  if (names.empty()) {
    for (const auto& b : tree.branches()) {
      if (!b.has_data) continue;
      if (!b.readable) {
        fmt::print(err, "note: skipping branch '{}' ({})\n", b.name, b.unsupported);
        continue;
      }
      if (b.kind == "leaflist")
        for (const auto& l : b.leaves) names.push_back(b.path + "." + l.name);
      else
        names.push_back(b.path);
    }
  }
  if (o.max_items < 0) throw ConfigError(fmt::format("--max-items={} is invalid: must be >= 0", o.max_items));
  const entry_t total = o.entries < 0 ? tree.entries() : std::min<entry_t>(o.entries, tree.entries());

  std::unique_ptr<core::AtomicFile> target;
  if (o.csv != "-") target = std::make_unique<core::AtomicFile>(o.csv);
  auto emit = [&](const std::string& text) {
    if (target) target->write(text);
    else out << text;
  };

  std::vector<Layout> layouts;
  for (entry_t start = 0; start < total || (start == 0 && layouts.empty()); start += kChunkEntries) {
    const entry_t stop = std::min(total, start + kChunkEntries);
    const auto cols = tree.read(names, {start, stop}, {o.threads});
    if (layouts.empty()) {
      std::string header;
      for (std::size_t i = 0; i < cols.size(); ++i) {
        layouts.push_back(layout_of(names[i], cols[i], o.max_items));
        for (const auto& h : layouts.back().headers) {
          if (!header.empty()) header += ',';
          header += csv_quote(h);
        }
      }
      emit(header + "\n");
    }
    std::string text;
    for (entry_t e = 0; e < stop - start; ++e) {
      std::string line;
      for (std::size_t i = 0; i < cols.size(); ++i) {
        const auto& c = cols[i];
        if (i > 0) line += ',';
        if (layouts[i].jagged) {
          const auto& lvl = c.offsets().front();
          const auto n = lvl[static_cast<std::size_t>(e) + 1] - lvl[static_cast<std::size_t>(e)];
          fmt::format_to(std::back_inserter(line), "{}", n);
          auto [first, last] = c.entry_value_range(e);
          for (int k = 0; k < o.max_items; ++k) {
            line += ',';
            if (first + static_cast<std::size_t>(k) < last) append_value(line, c, first + static_cast<std::size_t>(k));
          }
        } else {
          const std::size_t w = layouts[i].width;
          for (std::size_t k = 0; k < w; ++k) {
            if (k > 0) line += ',';
            append_value(line, c, static_cast<std::size_t>(e) * w + k);
          }
        }
      }
      text += line;
      text += '\n';
    }
    emit(text);
    if (total == 0) break;
  }
  if (target) target->commit();
  return 0;
}

}  // namespace evclass::api
