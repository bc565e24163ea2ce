// Runs LLVMFuzzerTestOneInput on saved inputs without libFuzzer, so the corpus is an ordinary
// test with any compiler (the idea of fmt's test/fuzzing/main.cc).
//
//   fuzz_reader_replay FILE_OR_DIR...          every regular file given, or found (recursively)
//                                              in a directory given, is run once
//   fuzz_reader_replay --skip-missing DIR...   exit 77 (ctest's "skipped") when an argument does
//                                              not exist, e.g. the optional shared data folder
//
// A crash, sanitizer report or escaping exception stops the run; the last "running" line names
// the input. Exits 0 after all inputs, 2 on bad usage.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz_reader_replay: cannot open %s\n", p.c_str());
    std::exit(2);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  bool skip_missing = false;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--skip-missing") {
      skip_missing = true;
      continue;
    }
    const fs::path p(arg);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file()) found.push_back(e.path());
      std::sort(found.begin(), found.end());  // a stable order makes failures reproducible
      if (found.empty()) std::fprintf(stderr, "fuzz_reader_replay: warning: no files in %s\n", p.c_str());
      inputs.insert(inputs.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      inputs.push_back(p);
    } else if (skip_missing) {
      std::printf("SKIP: %s does not exist (optional input folder)\n", p.c_str());
      return 77;
    } else {
      std::fprintf(stderr, "fuzz_reader_replay: %s is neither a file nor a directory\n", p.c_str());
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: fuzz_reader_replay [--skip-missing] FILE_OR_DIR...\n");
    return 2;
  }
  for (const auto& p : inputs) {
    std::printf("running %s\n", p.c_str());
    std::fflush(stdout);
    const auto bytes = read_all(p);
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::printf("replayed %zu inputs\n", inputs.size());
  return 0;
}
