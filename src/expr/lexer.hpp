#pragma once
// Splits an expression into tokens.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace evclass::expr::detail {

enum class TokenKind { kNumber, kName, kSymbol, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;   // the characters as written (symbols: "**", "&&", "(", ...)
  double number = 0;  // kNumber
  std::size_t pos = 0;
};

/// Tokens of `text`, ending with a kEnd token. Throws ConfigError with a caret on a character
/// that cannot start a token or a malformed number.
[[nodiscard]] std::vector<Token> tokenize(std::string_view text);

}  // namespace evclass::expr::detail
