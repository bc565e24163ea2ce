#include "learn/trees/tree.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "evclass/core/base64.hpp"
#include "evclass/core/error.hpp"
#include "learn/json_read.hpp"

namespace evclass::learn::trees {

static_assert(std::endian::native == std::endian::little, "tree arrays are stored little-endian");

std::size_t Tree::n_leaves() const {
  return static_cast<std::size_t>(std::count_if(feature.begin(), feature.end(), [](std::int32_t f) { return f < 0; }));
}

int Tree::depth() const {
  std::vector<int> d(n_nodes(), 0);
  int deepest = 0;
  for (std::size_t n = 0; n < n_nodes(); ++n) {  // children come after their parent
    deepest = std::max(deepest, d[n]);
    if (feature[n] >= 0) d[static_cast<std::size_t>(left[n])] = d[static_cast<std::size_t>(right[n])] = d[n] + 1;
  }
  return deepest;
}

std::int32_t Tree::add_node() {
  feature.push_back(-1);
  threshold.push_back(0.0f);
  default_left.push_back(0);
  left.push_back(-1);
  right.push_back(-1);
  value.insert(value.end(), static_cast<std::size_t>(value_size), 0.0f);
  gain.push_back(0.0f);
  cover.push_back(0.0f);
  threshold_bin.push_back(0);
  return static_cast<std::int32_t>(feature.size() - 1);
}

void Tree::split(std::int32_t node, std::int32_t f, float t, std::uint8_t bin, bool dl, float g) {
  const auto n = static_cast<std::size_t>(node);
  EVC_ASSERT(feature[n] < 0, "only a leaf can be split");
  const std::int32_t l = add_node();
  const std::int32_t r = add_node();
  feature[n] = f;
  threshold[n] = t;
  threshold_bin[n] = bin;
  default_left[n] = dl ? 1 : 0;
  left[n] = l;
  right[n] = r;
  gain[n] = g;
}

namespace {

template <typename T>
std::string encode(const std::vector<T>& v) {
  return core::base64_encode(reinterpret_cast<const std::uint8_t*>(v.data()), v.size() * sizeof(T));
}

template <typename T>
std::vector<T> decode(const detail::JsonReader& reader, std::string_view key, std::size_t expected) {
  const std::string text = reader.string(key);
  if (text.size() > (expected * sizeof(T) + 2) / 3 * 4 + 4)
    throw CorruptFile(fmt::format("{}: field \"{}\" is longer than {} values", reader.where(), key, expected));
  const auto bytes = core::base64_decode(text);
  if (!bytes) throw CorruptFile(fmt::format("{}: field \"{}\" is not valid base64", reader.where(), key));
  if (bytes->size() != expected * sizeof(T))
    throw CorruptFile(fmt::format("{}: field \"{}\" holds {} bytes, expected {} ({} values)", reader.where(), key,
                                  bytes->size(), expected * sizeof(T), expected));
  std::vector<T> out(expected);
  if (expected > 0) std::memcpy(out.data(), bytes->data(), bytes->size());
  return out;
}

}  // namespace

nlohmann::json tree_to_json(const Tree& tree) {
  return {{"nodes", tree.n_nodes()},     {"feature", encode(tree.feature)}, {"threshold", encode(tree.threshold)},
          {"default_left", encode(tree.default_left)}, {"left", encode(tree.left)},
          {"right", encode(tree.right)}, {"value", encode(tree.value)},     {"gain", encode(tree.gain)},
          {"cover", encode(tree.cover)}};
}

Tree tree_from_json(const nlohmann::json& j, std::size_t n_features, int value_size, const std::string& where) {
  const detail::JsonReader reader(j, where);
  const auto n = static_cast<std::size_t>(reader.integer("nodes", 1, 1'000'000'000));
  Tree t;
  t.value_size = value_size;
  t.feature = decode<std::int32_t>(reader, "feature", n);
  t.threshold = decode<float>(reader, "threshold", n);
  t.default_left = decode<std::uint8_t>(reader, "default_left", n);
  t.left = decode<std::int32_t>(reader, "left", n);
  t.right = decode<std::int32_t>(reader, "right", n);
  t.value = decode<float>(reader, "value", n * static_cast<std::size_t>(value_size));
  t.gain = decode<float>(reader, "gain", n);
  t.cover = decode<float>(reader, "cover", n);
  const auto bad = [&](std::size_t node, const std::string& problem) {
    throw CorruptFile(fmt::format("{}: node {} {}", where, node, problem));
  };
  std::vector<std::uint8_t> has_parent(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (t.feature[i] < 0) {
      if (t.feature[i] != -1 || t.left[i] != -1 || t.right[i] != -1) bad(i, "is a leaf with children or a bad feature");
      continue;
    }
    if (static_cast<std::size_t>(t.feature[i]) >= n_features)
      bad(i, fmt::format("splits on feature {} but the model has {} features", t.feature[i], n_features));
    if (std::isnan(t.threshold[i])) bad(i, "has a NaN threshold");
    if (t.default_left[i] > 1) bad(i, "has default_left other than 0 or 1");
    for (const std::int32_t c : {t.left[i], t.right[i]}) {
      if (c <= static_cast<std::int32_t>(i) || static_cast<std::size_t>(c) >= n)
        bad(i, fmt::format("has child {} (children must come after their parent, below {})", c, n));
      if (has_parent[static_cast<std::size_t>(c)]++) bad(static_cast<std::size_t>(c), "has two parents");
    }
  }
  for (std::size_t i = 1; i < n; ++i)
    if (!has_parent[i]) bad(i, "is not reachable from the root");
  for (std::size_t i = 0; i < t.value.size(); ++i)
    if (!std::isfinite(t.value[i])) bad(i / static_cast<std::size_t>(value_size), "has a non-finite value");
  return t;
}

}  // namespace evclass::learn::trees
