#include "evclass/core/error.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace evclass {

std::string Error::printable_message(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  for (std::size_t i = 0; i < message.size(); ++i) {
    const auto c = static_cast<unsigned char>(message[i]);
    const bool continuation = c == '\n' && message.compare(i + 1, 2, "  ") == 0;
    if ((c < 0x20 && !continuation) || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace evclass

namespace evclass::detail {

void assert_failed(const char* cond, const char* msg, const char* file, int line) {
  std::fprintf(stderr, "evclass internal error: %s (%s) at %s:%d\nPlease report this bug.\n", msg,
               cond, file, line);
  std::abort();
}

}  // namespace evclass::detail
