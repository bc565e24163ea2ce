// Writes the all-kinds tree once per codec into a directory, for checking with other readers
// (tests/roundtrip/jsroot_roundtrip.py). Usage: evc_write_fixtures OUT_DIR
#include <cstdio>
#include <filesystem>
#include <string>

#include "evclass/root/writer.hpp"
#include "roundtrip/all_kinds.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  using namespace evclass::root;
  std::filesystem::create_directories(argv[1]);
  for (const char* codec : {"none", "zlib:1", "zlib:9", "lz4:1", "lz4:9", "zstd:3", "lzma:6"}) {
    std::string name = codec;
    for (auto& c : name)
      if (c == ':') c = '_';
    const std::string path = std::string(argv[1]) + "/all_kinds_" + name + ".root";
    FileWriter out(path, {.compression = Compression::parse(codec)});
    TreeWriter& t = out.add_tree("sub/dir/t", evclass::testing::all_kinds_specs(), {.basket_size = 4000, .auto_flush = 900});
    std::int64_t first = 0;
    for (const std::int64_t n : {1200, 1, 1799}) {
      t.append(evclass::testing::all_kinds_batch(first, n, /*exact_doubles=*/true));
      first += n;
    }
    out.close();
    std::printf("%s\n", path.c_str());
  }
  return 0;
}
