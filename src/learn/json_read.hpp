#pragma once
// Reading saved models: every field checked (presence, type, range, length, finiteness) so a
// damaged or hand-edited file ends in one clear CorruptFile error, never a crash or a huge
// allocation. Private to learn.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace evclass::learn::detail {

/// Reads the fields of one JSON object; errors name `where` and the field.
class JsonReader {
 public:
  /// Throws CorruptFile if `object` is not a JSON object.
  JsonReader(const nlohmann::json& object, std::string where);

  [[nodiscard]] const nlohmann::json& field(std::string_view key) const;
  [[nodiscard]] bool has(std::string_view key) const;
  [[nodiscard]] std::string string(std::string_view key) const;
  [[nodiscard]] bool boolean(std::string_view key) const;
  [[nodiscard]] std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max) const;
  [[nodiscard]] double number(std::string_view key) const;  ///< finite
  /// An array of exactly `expected` finite numbers.
  [[nodiscard]] std::vector<double> numbers(std::string_view key, std::size_t expected) const;
  /// An array of `rows` arrays of `cols` finite numbers, returned row-major.
  [[nodiscard]] std::vector<double> matrix(std::string_view key, std::size_t rows, std::size_t cols) const;
  /// An array of strings with exactly `expected` entries.
  [[nodiscard]] std::vector<std::string> strings(std::string_view key, std::size_t expected) const;
  /// Checks field "version" equals `version` (an older or newer file gets a clear message).
  void expect_version(std::int64_t version) const;

  [[nodiscard]] const std::string& where() const { return where_; }

 private:
  [[noreturn]] void fail(std::string_view key, const std::string& problem) const;
  const nlohmann::json& object_;
  std::string where_;
};

}  // namespace evclass::learn::detail
