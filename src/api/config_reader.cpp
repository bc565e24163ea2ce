#include "api/config_reader.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"

namespace evclass::api {

std::string SourcePosition::to_string() const {
  if (line == 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

namespace detail {

namespace {

std::string format_bound(double v) { return fmt::format("{}", v); }

// Keeps messages one screen wide even for a huge inline array.
std::string shorten(std::string text) {
  constexpr std::size_t kMaxValueChars = 80;
  for (auto& c : text)
    if (c == '\n') c = ' ';
  if (text.size() > kMaxValueChars) text = text.substr(0, kMaxValueChars - 3) + "...";
  return text;
}

std::string join_quoted(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += "'" + names[i] + "'";
  }
  return out;
}

}  // namespace

bool Range::contains(double v) const {
  if (std::isnan(v)) return false;
  if (min && (min_exclusive ? !(v > *min) : !(v >= *min))) return false;
  if (max && (max_exclusive ? !(v < *max) : !(v <= *max))) return false;
  return true;
}

std::string Range::describe() const {
  if (min && max)
    return fmt::format("must be in {}{}, {}{}", min_exclusive ? "(" : "[", format_bound(*min), format_bound(*max),
                       max_exclusive ? ")" : "]");
  if (min) return fmt::format("must be {} {}", min_exclusive ? ">" : ">=", format_bound(*min));
  if (max) return fmt::format("must be {} {}", max_exclusive ? "<" : "<=", format_bound(*max));
  return "must be a number (not nan)";
}

SourcePosition to_position(const std::string& file, const toml::source_region& region) {
  return SourcePosition{file, region.begin.line, region.begin.column};
}

namespace {

// Strings in double quotes with JSON-style escapes, as most users write them in TOML.
void append_value(std::string& out, const toml::node& node) {
  if (const auto* s = node.as_string()) {
    out += '"';
    for (char c : s->get()) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
      } else {
        out += c;
      }
    }
    out += '"';
  } else if (const auto* a = node.as_array()) {
    out += '[';
    for (std::size_t i = 0; i < a->size() && out.size() < 200; ++i) {
      if (i > 0) out += ", ";
      append_value(out, *a->get(i));
    }
    out += ']';
  } else if (node.is_table()) {
    out += "{...}";
  } else if (const auto* f = node.as_floating_point()) {
    out += fmt::format("{}", f->get());  // shortest form that reads back: 0.8, not 0.80000000000000004
  } else {
    std::ostringstream text;
    node.visit([&](const auto& n) { text << n; });
    out += text.str();
  }
}

}  // namespace

std::string describe_value(const toml::node& node) {
  std::string out;
  append_value(out, node);
  return shorten(std::move(out));
}

std::string describe_type(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

void fail_value(const SourcePosition& where, std::string_view key_path, const toml::node* value,
                std::string_view problem) {
  if (value)
    throw ConfigError(fmt::format("{}: {} = {}: {}", where.to_string(), key_path, describe_value(*value), problem));
  throw ConfigError(fmt::format("{}: {}: {}", where.to_string(), key_path, problem));
}

void fail_at(const SourcePosition& where, std::string_view context, std::string_view problem) {
  throw ConfigError(fmt::format("{}: {}: {}", where.to_string(), context, problem));
}

TableReader::TableReader(const toml::table& table, std::string key_path, const std::string& file,
                         std::vector<std::string> allowed, bool open)
    : table_(table), key_path_(std::move(key_path)), file_(file), allowed_(std::move(allowed)) {
  // Unknown keys are reported before anything else: a misspelt required key would otherwise
  // show up as "missing", which hides the real mistake.
  if (!open) check_known_keys();
}

std::string TableReader::path_of(std::string_view key) const {
  if (key_path_.empty()) return std::string(key);
  return key_path_ + "." + std::string(key);
}

const toml::node* TableReader::find(std::string_view key) const { return table_.get(key); }

SourcePosition TableReader::position_of(std::string_view key) const {
  if (const auto* node = find(key)) {
    auto where = to_position(file_, node->source());
    if (where.line != 0) return where;
  }
  return position();
}

SourcePosition TableReader::position() const {
  auto where = to_position(file_, table_.source());
  if (where.line == 0 && !table_.empty()) {
    // Implicitly created tables ([a.b] without [a]) have no region: use their first key.
    std::uint32_t best_line = 0, best_column = 0;
    for (auto&& [k, v] : table_) {
      const auto& r = k.source();
      if (r.begin.line != 0 && (best_line == 0 || r.begin.line < best_line)) {
        best_line = r.begin.line;
        best_column = r.begin.column;
      }
    }
    where.line = best_line;
    where.column = best_column;
  }
  return where;
}

void TableReader::check_known_keys() const {
  for (auto&& [k, v] : table_) {
    const std::string key(k.str());
    if (std::find(allowed_.begin(), allowed_.end(), key) != allowed_.end()) continue;
    auto where = to_position(file_, k.source());
    if (where.line == 0) where = position();
    std::string problem = "unknown key";
    if (const auto hint = core::did_you_mean(key, allowed_); !hint.empty()) problem += "; " + hint;
    problem += fmt::format(" (valid keys of {}: {})", key_path_.empty() ? "the top level" : key_path_,
                           fmt::join(allowed_, ", "));
    fail_value(where, path_of(key), &v, problem);
  }
}

void TableReader::fail_key(std::string_view key, std::string_view problem) const {
  fail_value(position_of(key), path_of(key), find(key), problem);
}

void TableReader::fail_missing(std::string_view key, std::string_view explanation) const {
  std::vector<std::string> present;
  for (auto&& [k, v] : table_) present.emplace_back(k.str());
  std::string problem = fmt::format("missing required key '{}'", key);
  if (!explanation.empty()) problem += fmt::format(" ({})", explanation);
  if (const auto hint = core::did_you_mean(key, present); !hint.empty()) problem += "; found a key that looks like it: " + hint;
  fail_at(position(), key_path_.empty() ? "top level" : key_path_, problem);
}

void TableReader::fail_type(std::string_view key, const toml::node& node, std::string_view expected) const {
  fail_value(to_position(file_, node.source()), path_of(key), &node,
             fmt::format("wrong type: expected {}, got {}", expected, describe_type(node)));
}

void TableReader::fail_choice(std::string_view key, std::string_view text, const std::vector<std::string>& names) const {
  std::string problem = fmt::format("not a valid choice; choose one of {}", join_quoted(names));
  if (const auto hint = core::did_you_mean(text, names); !hint.empty()) problem += " (" + hint + ")";
  fail_key(key, problem);
}

std::optional<std::string> TableReader::get_string(std::string_view key, bool allow_empty) const {
  const auto* node = find(key);
  if (!node) return std::nullopt;
  const auto* s = node->as_string();
  if (!s) fail_type(key, *node, "a string");
  if (!allow_empty && s->get().empty()) fail_key(key, "must not be empty");
  return s->get();
}

std::optional<double> TableReader::get_number(std::string_view key, const Range& range) const {
  const auto* node = find(key);
  if (!node) return std::nullopt;
  double v = 0;
  if (const auto* i = node->as_integer())
    v = static_cast<double>(i->get());
  else if (const auto* f = node->as_floating_point())
    v = f->get();
  else
    fail_type(key, *node, "a number");
  if (!range.contains(v)) fail_key(key, "out of range: " + range.describe());
  return v;
}

std::optional<std::int64_t> TableReader::get_integer(std::string_view key, const Range& range) const {
  const auto* node = find(key);
  if (!node) return std::nullopt;
  const auto* i = node->as_integer();
  if (!i) fail_type(key, *node, "an integer");
  if (!range.contains(static_cast<double>(i->get()))) fail_key(key, "out of range: " + range.describe());
  return i->get();
}

std::optional<bool> TableReader::get_bool(std::string_view key) const {
  const auto* node = find(key);
  if (!node) return std::nullopt;
  const auto* b = node->as_boolean();
  if (!b) fail_type(key, *node, "a boolean (true or false)");
  return b->get();
}

std::optional<ExprText> TableReader::get_expr(std::string_view key) const {
  auto text = get_string(key);
  if (!text) return std::nullopt;
  return ExprText{*text, position_of(key)};
}

std::optional<std::vector<ExprText>> TableReader::get_expr_list(std::string_view key) const {
  const auto* node = find(key);
  if (!node) return std::nullopt;
  std::vector<ExprText> out;
  if (node->is_string()) {
    out.push_back(*get_expr(key));
    return out;
  }
  const auto* array = node->as_array();
  if (!array) fail_type(key, *node, "an array of strings");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto& item = *array->get(i);
    const std::string item_path = fmt::format("{}[{}]", path_of(key), i);
    const auto* s = item.as_string();
    auto where = to_position(file_, item.source());
    if (!s)
      fail_value(where, item_path, &item, fmt::format("wrong type: expected a string, got {}", describe_type(item)));
    if (s->get().empty()) fail_value(where, item_path, &item, "must not be empty");
    out.push_back(ExprText{s->get(), where});
  }
  return out;
}

std::optional<std::vector<std::string>> TableReader::get_string_list(std::string_view key) const {
  auto exprs = get_expr_list(key);
  if (!exprs) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(exprs->size());
  for (auto& e : *exprs) out.push_back(std::move(e.text));
  return out;
}

std::optional<std::vector<double>> TableReader::get_number_list(std::string_view key, const Range& range) const {
  const auto* node = find(key);
  if (!node) return std::nullopt;
  const auto* array = node->as_array();
  if (!array) fail_type(key, *node, "an array of numbers");
  std::vector<double> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto& item = *array->get(i);
    const std::string item_path = fmt::format("{}[{}]", path_of(key), i);
    auto where = to_position(file_, item.source());
    double v = 0;
    if (const auto* n = item.as_integer())
      v = static_cast<double>(n->get());
    else if (const auto* f = item.as_floating_point())
      v = f->get();
    else
      fail_value(where, item_path, &item, fmt::format("wrong type: expected a number, got {}", describe_type(item)));
    if (!range.contains(v)) fail_value(where, item_path, &item, "out of range: " + range.describe());
    out.push_back(v);
  }
  return out;
}

const toml::table* TableReader::get_table(std::string_view key) const {
  const auto* node = find(key);
  if (!node) return nullptr;
  const auto* t = node->as_table();
  if (!t) fail_type(key, *node, "a table");
  return t;
}

}  // namespace detail
}  // namespace evclass::api
