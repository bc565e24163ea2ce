// A small glob for sample files: wildcards only in the file-name part, results sorted by name.

#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "evclass/api/config.hpp"
#include "evclass/core/error.hpp"

namespace evclass::api {

namespace {

bool has_wildcard(std::string_view text) { return text.find_first_of("*?[") != std::string_view::npos; }

// Matches one bracket expression starting at pattern[p] == '['; sets `end` past the ']'.
bool match_bracket(std::string_view pattern, std::size_t p, char c, std::size_t& end) {
  std::size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  // A ']' right after '[' (or '[!') is a literal member, as in POSIX shells.
  for (; i < pattern.size() && (first || pattern[i] != ']'); ++i, first = false) {
    const char lo = pattern[i];
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      const char hi = pattern[i + 2];
      if (lo <= c && c <= hi) matched = true;
      i += 2;
    } else if (lo == c) {
      matched = true;
    }
  }
  if (i >= pattern.size())
    throw ConfigError(fmt::format("file pattern '{}': '[' at position {} has no closing ']'", pattern, p + 1));
  end = i + 1;
  return matched != negate;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view name) {
  // Every '[' must be closed, whatever the name (so a bad pattern fails on the first file).
  for (std::size_t i = 0; i < pattern.size();) {
    std::size_t end = i + 1;
    if (pattern[i] == '[') match_bracket(pattern, i, '\0', end);
    i = end;
  }
  // Hidden files are matched only by a pattern that starts with '.', as in shells.
  if (!name.empty() && name[0] == '.' && (pattern.empty() || pattern[0] != '.')) return false;
  // Iterative matching with one backtrack point for the last '*' (linear in practice, never
  // exponential on patterns like "a*a*a*a*b").
  std::size_t p = 0, n = 0;
  std::size_t star_p = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size()) {
      const char pc = pattern[p];
      if (pc == '*') {
        star_p = p++;
        star_n = n;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++n;
        continue;
      }
      if (pc == '[') {
        std::size_t end = 0;
        if (match_bracket(pattern, p, name[n], end)) {
          p = end;
          ++n;
          continue;
        }
      } else if (pc == name[n]) {
        ++p;
        ++n;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::filesystem::path> expand_file_pattern(std::string_view pattern,
                                                       const std::filesystem::path& base_dir) {
  namespace fs = std::filesystem;
  if (pattern.empty()) throw ConfigError("empty file pattern");
  fs::path full(pattern);
  if (full.is_relative()) full = base_dir / full;
  const fs::path dir = full.parent_path();
  const std::string name = full.filename().string();
  if (has_wildcard(dir.string()))
    throw ConfigError(fmt::format("file pattern '{}': wildcards are allowed only in the file name, not in "
                                  "the folder part '{}'",
                                  pattern, dir.string()));
  std::vector<fs::path> out;
  std::error_code ec;
  if (!has_wildcard(name)) {
    if (fs::is_regular_file(full, ec)) out.push_back(full);
    return out;
  }
  (void)glob_match(name, "x");  // validates the pattern before touching the disk
  if (!fs::is_directory(dir.empty() ? fs::path(".") : dir, ec)) return out;
  for (fs::directory_iterator it(dir.empty() ? fs::path(".") : dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto entry_name = it->path().filename().string();
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && glob_match(name, entry_name)) out.push_back(dir / entry_name);
  }
  if (ec)
    throw ConfigError(fmt::format("file pattern '{}': cannot list folder '{}': {}", pattern, dir.string(), ec.message()));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace evclass::api
