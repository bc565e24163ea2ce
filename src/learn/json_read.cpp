#include "learn/json_read.hpp"

#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::learn::detail {

JsonReader::JsonReader(const nlohmann::json& object, std::string where) : object_(object), where_(std::move(where)) {
  if (!object_.is_object())
    throw CorruptFile(fmt::format("{}: expected a JSON object, got {}", where_, object_.type_name()));
}

void JsonReader::fail(std::string_view key, const std::string& problem) const {
  throw CorruptFile(fmt::format("{}: field \"{}\" {}", where_, key, problem));
}

bool JsonReader::has(std::string_view key) const { return object_.find(key) != object_.end(); }

const nlohmann::json& JsonReader::field(std::string_view key) const {
  const auto it = object_.find(key);
  if (it == object_.end()) fail(key, "is missing");
  return *it;
}

std::string JsonReader::string(std::string_view key) const {
  const auto& v = field(key);
  if (!v.is_string()) fail(key, fmt::format("must be a string, not {}", v.type_name()));
  return v.get<std::string>();
}

bool JsonReader::boolean(std::string_view key) const {
  const auto& v = field(key);
  if (!v.is_boolean()) fail(key, fmt::format("must be true or false, not {}", v.type_name()));
  return v.get<bool>();
}

std::int64_t JsonReader::integer(std::string_view key, std::int64_t min, std::int64_t max) const {
  const auto& v = field(key);
  if (!v.is_number_integer()) fail(key, fmt::format("must be an integer, not {}", v.dump()));
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    fail(key, fmt::format("= {} is out of range [{}, {}]", v.dump(), min, max));
  const auto value = v.get<std::int64_t>();
  if (value < min || value > max) fail(key, fmt::format("= {} is out of range [{}, {}]", value, min, max));
  return value;
}

double JsonReader::number(std::string_view key) const {
  const auto& v = field(key);
  if (!v.is_number()) fail(key, fmt::format("must be a number, not {}", v.dump()));
  const double value = v.get<double>();
  if (!std::isfinite(value)) fail(key, fmt::format("= {} is not finite", value));
  return value;
}

std::vector<double> JsonReader::numbers(std::string_view key, std::size_t expected) const {
  const auto& v = field(key);
  if (!v.is_array()) fail(key, fmt::format("must be an array of numbers, not {}", v.type_name()));
  if (v.size() != expected) fail(key, fmt::format("has {} entries, expected {}", v.size(), expected));
  std::vector<double> out;
  out.reserve(expected);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& e = v[i];
    if (!e.is_number()) fail(key, fmt::format("entry {} must be a number, not {}", i, e.dump()));
    const double value = e.get<double>();
    if (!std::isfinite(value)) fail(key, fmt::format("entry {} = {} is not finite", i, value));
    out.push_back(value);
  }
  return out;
}

std::vector<double> JsonReader::matrix(std::string_view key, std::size_t rows, std::size_t cols) const {
  const auto& v = field(key);
  if (!v.is_array()) fail(key, fmt::format("must be an array of {} rows, not {}", rows, v.type_name()));
  if (v.size() != rows) fail(key, fmt::format("has {} rows, expected {}", v.size(), rows));
  std::vector<double> out;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto& row = v[r];
    if (!row.is_array() || row.size() != cols)
      fail(key, fmt::format("row {} must be an array of {} numbers, got {}", r, cols, row.dump().substr(0, 80)));
    for (std::size_t c = 0; c < cols; ++c) {
      const auto& e = row[c];
      if (!e.is_number()) fail(key, fmt::format("row {} entry {} must be a number, not {}", r, c, e.dump()));
      const double value = e.get<double>();
      if (!std::isfinite(value)) fail(key, fmt::format("row {} entry {} = {} is not finite", r, c, value));
      out.push_back(value);
    }
  }
  return out;
}

std::vector<std::string> JsonReader::strings(std::string_view key, std::size_t expected) const {
  const auto& v = field(key);
  if (!v.is_array()) fail(key, fmt::format("must be an array of strings, not {}", v.type_name()));
  if (v.size() != expected) fail(key, fmt::format("has {} entries, expected {}", v.size(), expected));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) fail(key, fmt::format("entry {} must be a string, not {}", i, v[i].dump()));
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

void JsonReader::expect_version(std::int64_t version) const {
  const auto& v = field("version");
  if (!v.is_number_integer() || v.get<std::int64_t>() != version)
    fail("version", fmt::format("= {}: this evclass reads version {} only (re-train the model, or use the evclass "
                                "that wrote it)", v.dump(), version));
}

}  // namespace evclass::learn::detail
