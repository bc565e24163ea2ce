#include "expr/lexer.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <string>

#include "evclass/core/error.hpp"
#include "expr/diagnostic.hpp"

namespace evclass::expr::detail {

namespace {
bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Longest symbols first so "**" wins over "*".
constexpr std::array<std::string_view, 22> kSymbols = {
    "**", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/",
    "%",  "<",  ">",  "!",  "?",  ":",  "(", ")", "[", "]", ","};

std::size_t number_length(std::string_view text, std::size_t i) {
  std::size_t j = i;
  while (j < text.size() && is_digit(text[j])) ++j;
  if (j < text.size() && text[j] == '.') {
    ++j;
    while (j < text.size() && is_digit(text[j])) ++j;
  }
  if (j < text.size() && (text[j] == 'e' || text[j] == 'E')) {
    std::size_t k = j + 1;
    if (k < text.size() && (text[k] == '+' || text[k] == '-')) ++k;
    if (k < text.size() && is_digit(text[k])) {
      while (k < text.size() && is_digit(text[k])) ++k;
      j = k;
    }
  }
  return j - i;
}
}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (is_digit(c) || (c == '.' && i + 1 < text.size() && is_digit(text[i + 1]))) {
      const std::size_t n = number_length(text, i);
      Token t{TokenKind::kNumber, std::string(text.substr(i, n)), 0, i};
      const auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + n, t.number);
      if (ec != std::errc{} || end != text.data() + i + n)
        throw ConfigError(point_at(text, i, "expression has a malformed number '" + t.text + "'"));
      if (i + n < text.size() && is_name_start(text[i + n]))
        throw ConfigError(point_at(text, i + n, "expression has a letter right after the number '" + t.text +
                                                    "': expected an operator, ')' or the end"));
      out.push_back(std::move(t));
      i += n;
      continue;
    }
    if (is_name_start(c)) {
      std::size_t j = i + 1;
      while (j < text.size() && is_name_char(text[j])) ++j;
      out.push_back({TokenKind::kName, std::string(text.substr(i, j - i)), 0, i});
      i = j;
      continue;
    }
    bool matched = false;
    for (auto s : kSymbols) {
      if (text.substr(i, s.size()) == s) {
        out.push_back({TokenKind::kSymbol, std::string(s), 0, i});
        i += s.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      std::string what = "expression has an unexpected character '";
      what += (std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c) : std::string("?"));
      what += "'";
      std::string hint;
      if (c == '&' || c == '|') hint = "logical operators are written && and ||";
      else if (c == '=') hint = "equality is written ==";
      throw ConfigError(point_at(text, i, what, hint));
    }
  }
  out.push_back({TokenKind::kEnd, "", 0, text.size()});
  return out;
}

}  // namespace evclass::expr::detail
