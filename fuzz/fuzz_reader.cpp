// libFuzzer target for the ROOT reader: treat the input as a whole ROOT file and do what
// `evclass inspect --stats` does -- list every object, open every tree and read every readable
// branch (leaf-lists leaf by leaf).
//
// evclass::Error (CorruptFile, Unsupported, KeyNotFound, ...) is the expected way to reject bad
// input and is caught. Everything else is a bug that the fuzzer must see: crashes and sanitizer
// reports, EVC_ASSERT (abort), std::bad_alloc (a corrupt length made us try to allocate more
// than -rss_limit_mb / -malloc_limit_mb allows) and any other exception, which escapes and
// terminates the process on purpose.
//
// The same function runs under ctest through replay_main.cpp (fmt's test/fuzzing/main.cc idea),
// so every file in fuzz/corpus/ is a regression input for a plain g++ build too.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "evclass/column/summary.hpp"
#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"
#include "evclass/root/tree.hpp"

namespace {

// Summarises every value exactly as `inspect --stats` does, so wrong offsets or sizes are
// dereferenced here rather than just stored.
std::size_t consume(const evclass::column::Column& c) {
  const auto s = evclass::column::summarize(c);
  return s.n_values + static_cast<std::size_t>(s.entries) + s.first5.size() + s.first5_strings.size();
}

void read_tree(const evclass::root::Tree& tree, std::size_t& sink) {
  const evclass::root::ReadOptions one_thread{1};
  for (const auto& b : tree.branches()) {
    if (!b.has_data || !b.readable) continue;
    try {
      if (b.kind == "leaflist") {
        for (const auto& leaf : b.leaves) sink += consume(tree.read_leaf(b, leaf.name, {}, one_thread));
      } else {
        sink += consume(tree.read(b, {}, one_thread));
      }
    } catch (const evclass::Error&) {
      // One bad branch must not hide bugs in the others.
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t sink = 0;
  try {
    std::vector<std::byte> bytes(reinterpret_cast<const std::byte*>(data), reinterpret_cast<const std::byte*>(data) + size);
    const auto file = evclass::root::File::from_bytes(std::move(bytes), "fuzz-input.root");
    sink += file.warning().size();
    for (const auto& obj : file.objects()) sink += obj.path.size() + obj.class_name.size();
    for (const auto& info : file.trees()) {
      try {
        const auto tree = file.tree(info.path, info.cycle);
        sink += static_cast<std::size_t>(tree.entries()) + tree.branches().size();
        read_tree(tree, sink);
      } catch (const evclass::Error&) {
        // The next tree may still be readable.
      }
    }
  } catch (const evclass::Error&) {
    // Expected for malformed input. std::bad_alloc is deliberately not caught.
  }
  // Keep the reads from being optimised away.
  volatile std::size_t keep = sink;
  (void)keep;
  return 0;
}
