#pragma once
// Typed, position-aware access to one TOML table of the run config. Every getter turns a wrong
// type, an out-of-range number or an unknown choice into one ConfigError that names the file,
// line:column, key path, the value and what is allowed.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "evclass/api/config.hpp"

namespace evclass::api::detail {

/// Allowed interval of a number; renders itself for messages ("must be in (0, 1]").
struct Range {
  std::optional<double> min;
  bool min_exclusive = false;
  std::optional<double> max;
  bool max_exclusive = false;

  [[nodiscard]] static Range any() { return {}; }
  [[nodiscard]] static Range at_least(double v) { return {v, false, std::nullopt, false}; }
  [[nodiscard]] static Range above(double v) { return {v, true, std::nullopt, false}; }
  [[nodiscard]] static Range closed(double lo, double hi) { return {lo, false, hi, false}; }
  [[nodiscard]] bool contains(double v) const;
  [[nodiscard]] std::string describe() const;
};

/// One allowed string of an enum-like key.
template <class E>
struct Choice {
  std::string_view name;
  E value;
};

/// Source position of a toml++ region, in our form.
[[nodiscard]] SourcePosition to_position(const std::string& file, const toml::source_region& region);
/// The value as it would be written in TOML, shortened for messages ("\"four\"", "[1, 2]", "a table").
[[nodiscard]] std::string describe_value(const toml::node& node);
/// "a string", "an integer", ...
[[nodiscard]] std::string describe_type(const toml::node& node);
/// Builds and throws the ConfigError: "<where>: <key_path> = <value>: <problem>".
[[noreturn]] void fail_value(const SourcePosition& where, std::string_view key_path, const toml::node* value,
                             std::string_view problem);
/// Throws "<where>: <context>: <problem>" (no value).
[[noreturn]] void fail_at(const SourcePosition& where, std::string_view context, std::string_view problem);

/// Reader over one table. `key_path` is the path of the table itself ("" for the root,
/// "sample[2]", "weights").
class TableReader {
 public:
  /// `allowed` lists every valid key; any other key is an error with the closest valid key
  /// suggested. `open` tables (a model's hyper-parameters) accept any key.
  TableReader(const toml::table& table, std::string key_path, const std::string& file,
              std::vector<std::string> allowed, bool open = false);

  [[nodiscard]] const toml::table& table() const { return table_; }
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] const std::string& key_path() const { return key_path_; }
  /// Path of a key of this table ("sample[2].selection").
  [[nodiscard]] std::string path_of(std::string_view key) const;
  [[nodiscard]] const toml::node* find(std::string_view key) const;
  [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }
  /// Position of the key's value, or of the table when the key is absent.
  [[nodiscard]] SourcePosition position_of(std::string_view key) const;
  /// Position of the table (its [header] line).
  [[nodiscard]] SourcePosition position() const;

  [[nodiscard]] std::optional<std::string> get_string(std::string_view key, bool allow_empty = false) const;
  [[nodiscard]] std::optional<double> get_number(std::string_view key, const Range& range) const;
  [[nodiscard]] std::optional<std::int64_t> get_integer(std::string_view key, const Range& range) const;
  [[nodiscard]] std::optional<bool> get_bool(std::string_view key) const;
  [[nodiscard]] std::optional<ExprText> get_expr(std::string_view key) const;
  /// A list of non-empty strings; a single string is accepted as a list of one.
  [[nodiscard]] std::optional<std::vector<std::string>> get_string_list(std::string_view key) const;
  [[nodiscard]] std::optional<std::vector<ExprText>> get_expr_list(std::string_view key) const;
  [[nodiscard]] std::optional<std::vector<double>> get_number_list(std::string_view key, const Range& range) const;
  /// A sub-table (plain or inline); error when the key holds something else.
  [[nodiscard]] const toml::table* get_table(std::string_view key) const;

  template <class E>
  [[nodiscard]] std::optional<E> get_choice(std::string_view key, std::initializer_list<Choice<E>> choices) const {
    auto text = get_string(key, true);
    if (!text) return std::nullopt;
    std::vector<std::string> names;
    for (const auto& c : choices) {
      if (c.name == *text) return c.value;
      names.emplace_back(c.name);
    }
    fail_choice(key, *text, names);
  }

  /// Error about the key's value (wrong combination, bad content, ...).
  [[noreturn]] void fail_key(std::string_view key, std::string_view problem) const;
  /// Error for a required key that is absent; suggests a present key that looks like it.
  [[noreturn]] void fail_missing(std::string_view key, std::string_view explanation) const;

 private:
  [[noreturn]] void fail_choice(std::string_view key, std::string_view text,
                                const std::vector<std::string>& names) const;
  [[noreturn]] void fail_type(std::string_view key, const toml::node& node, std::string_view expected) const;
  void check_known_keys() const;

  const toml::table& table_;
  std::string key_path_;
  std::string file_;
  std::vector<std::string> allowed_;
};

}  // namespace evclass::api::detail
