#include "expr/diagnostic.hpp"

namespace evclass::expr::detail {

std::string point_at(std::string_view text, std::size_t pos, std::string_view what, std::string_view hint) {
  std::string out(what);
  // Tabs and line breaks in the text would misplace the caret: show them as spaces.
  std::string shown(text);
  for (auto& c : shown)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  out += "\n  ";
  out += shown;
  out += "\n  ";
  out.append(pos > text.size() ? text.size() : pos, ' ');
  out += '^';
  if (!hint.empty()) {
    out += "\n  ";
    out += hint;
  }
  return out;
}

}  // namespace evclass::expr::detail
