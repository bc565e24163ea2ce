#include "evclass/core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace evclass::detail {

void assert_failed(const char* cond, const char* msg, const char* file, int line) {
  std::fprintf(stderr, "evclass internal error: %s (%s) at %s:%d\nPlease report this bug.\n", msg,
               cond, file, line);
  std::abort();
}

}  // namespace evclass::detail
