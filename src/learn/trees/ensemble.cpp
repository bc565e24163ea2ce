#include "learn/trees/ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "learn/json_read.hpp"

namespace evclass::learn::trees {

void Ensemble::add_tree(Tree tree, std::int32_t output) {
  trees.push_back(std::move(tree));
  tree_output.push_back(output);
}

nlohmann::json ensemble_to_json(const Ensemble& e) {
  auto trees = nlohmann::json::array();
  for (std::size_t t = 0; t < e.trees.size(); ++t) {
    nlohmann::json j = tree_to_json(e.trees[t]);
    j["output"] = e.tree_output[t];
    j["value_size"] = e.trees[t].value_size;
    trees.push_back(std::move(j));
  }
  return {{"link", e.link == Link::logistic ? "logistic" : "mean"},
          {"scale", e.scale},
          {"base", e.base},
          {"trees", std::move(trees)}};
}

Ensemble ensemble_from_json(const nlohmann::json& j, int n_classes, std::size_t n_features, const std::string& where) {
  const detail::JsonReader reader(j, where);
  Ensemble e;
  e.n_classes = n_classes;
  e.n_features = n_features;
  const std::string link = reader.string("link");
  if (link == "logistic") e.link = Link::logistic;
  else if (link == "mean") e.link = Link::mean;
  else throw CorruptFile(fmt::format("{}: field \"link\" is '{}', expected 'logistic' or 'mean'", where, link));
  e.scale = reader.number("scale");
  e.base = reader.numbers("base", e.n_raw());
  const auto& trees = reader.field("trees");
  if (!trees.is_array()) throw CorruptFile(fmt::format("{}: field \"trees\" must be an array", where));
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const std::string tree_where = fmt::format("{}, tree {}", where, t);
    const detail::JsonReader tr(trees[t], tree_where);
    const auto value_size = static_cast<int>(tr.integer("value_size", 1, static_cast<std::int64_t>(e.n_raw())));
    const auto output = static_cast<std::int32_t>(tr.integer("output", 0, static_cast<std::int64_t>(e.n_raw()) - value_size));
    e.add_tree(tree_from_json(trees[t], n_features, value_size, tree_where), output);
  }
  if (e.link == Link::mean && e.trees.empty()) throw CorruptFile(fmt::format("{}: a forest needs at least one tree", where));
  return e;
}

CompiledEnsemble::CompiledEnsemble(const Ensemble& e)
    : base_(e.base), link_(e.link), scale_(e.scale), n_classes_(e.n_classes), n_features_(e.n_features) {
  for (std::size_t t = 0; t < e.trees.size(); ++t) {
    const Tree& tree = e.trees[t];
    const auto root = static_cast<std::int32_t>(nodes_.size());
    trees_.push_back({root, tree.depth(), e.tree_output[t], tree.value_size});
    // Breadth-first renumbering: a node's two children get consecutive slots.
    std::vector<std::size_t> order{0};
    std::vector<std::int32_t> slot(tree.n_nodes(), -1);
    slot[0] = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      const std::size_t n = order[i];
      if (tree.is_leaf(n)) continue;
      for (const std::int32_t c : {tree.left[n], tree.right[n]}) {
        slot[static_cast<std::size_t>(c)] = static_cast<std::int32_t>(order.size());
        order.push_back(static_cast<std::size_t>(c));
      }
    }
    const auto vs = static_cast<std::size_t>(tree.value_size);
    for (std::size_t i = 0; i < order.size(); ++i) {
      const std::size_t n = order[i];
      Node node{};
      if (tree.is_leaf(n)) {
        node.threshold = std::numeric_limits<float>::infinity();
        node.feature = kDefaultLeft;
        node.left = root + static_cast<std::int32_t>(i);
      } else {
        node.threshold = tree.threshold[n];
        node.feature = static_cast<std::uint32_t>(tree.feature[n]) | (tree.default_left[n] ? kDefaultLeft : 0u);
        node.left = root + slot[static_cast<std::size_t>(tree.left[n])];
      }
      node.value = static_cast<std::int32_t>(values_.size());
      nodes_.push_back(node);
      values_.insert(values_.end(), tree.value.begin() + static_cast<std::ptrdiff_t>(n * vs),
                     tree.value.begin() + static_cast<std::ptrdiff_t>((n + 1) * vs));
    }
  }
}

namespace {

// Rows transposed and scored together; each tree is walked by all rows of a block before the
// next tree. Small trees (boosting) stream through the cache while a small block stays in L1;
// big trees (forests) are walked by a big block so that their nodes stay in cache.
constexpr std::size_t kSmallBlockBytes = 16 * 1024, kBigBlockBytes = 256 * 1024;
constexpr std::size_t kSmallTreeBytes = 32 * 1024;
constexpr std::size_t kLanes = 8;          // rows walked in lock-step
constexpr std::int32_t kShallowDepth = 12;  // trees walked a fixed number of steps

}  // namespace

void CompiledEnsemble::predict_raw(const FeatureMatrix& x, std::size_t begin, std::size_t m, double* raw) const {
  const std::size_t nf = n_features_;
  const std::size_t n_raw = n_classes_ == 2 ? 1 : static_cast<std::size_t>(n_classes_);
  const std::size_t tree_bytes = nodes_.size() * sizeof(Node) / std::max<std::size_t>(trees_.size(), 1);
  const std::size_t block_bytes = tree_bytes <= kSmallTreeBytes ? kSmallBlockBytes : kBigBlockBytes;
  const std::size_t kBlock = std::clamp<std::size_t>(block_bytes / (4 * nf) / kLanes * kLanes, kLanes, 4096);
  std::vector<float> block(kBlock * nf);
  const Node* nodes = nodes_.data();
  // One step of a row: the next node (a leaf steps onto itself). Blocks without NaN take the
  // shorter step that ignores where missing values go.
  const auto step = [nodes](const float* row, std::int32_t n) {
    const Node& nd = nodes[n];
    const float v = row[nd.feature & ~kDefaultLeft];
    const bool go_left = (v <= nd.threshold) | ((v != v) & ((nd.feature & kDefaultLeft) != 0));
    return nd.left + (go_left ? 0 : 1);
  };
  const auto step_finite = [nodes](const float* row, std::int32_t n) {
    const Node& nd = nodes[n];
    return nd.left + (row[nd.feature & ~kDefaultLeft] <= nd.threshold ? 0 : 1);
  };
  for (std::size_t b0 = 0; b0 < m; b0 += kBlock) {
    const std::size_t bm = std::min(kBlock, m - b0);
    bool finite = true;
    for (std::size_t f = 0; f < nf; ++f) {
      const float* col = x.data.data() + f * x.rows + begin + b0;
      for (std::size_t i = 0; i < bm; ++i) {
        block[i * nf + f] = col[i];
        finite &= col[i] == col[i];
      }
    }
    double* out = raw + b0 * n_raw;
    for (std::size_t i = 0; i < bm; ++i)
      for (std::size_t k = 0; k < n_raw; ++k) out[i * n_raw + k] = base_[k];
    const auto walk = [&](const auto& step_of) {
      for (const TreeInfo& t : trees_) {
        const auto add = [&](std::size_t i, std::int32_t node) {
          const float* v = values_.data() + nodes[node].value;
          double* o = out + i * n_raw + static_cast<std::size_t>(t.output);
          for (std::int32_t k = 0; k < t.value_size; ++k) o[k] += static_cast<double>(v[k]);
        };
        std::size_t i = 0;
        for (; i + kLanes <= bm; i += kLanes) {
          std::int32_t node[kLanes];
          for (std::size_t l = 0; l < kLanes; ++l) node[l] = t.root;
          if (t.depth <= kShallowDepth) {
            // Exactly `depth` steps, without checking for leaves (a leaf steps onto itself).
            for (std::int32_t d = 0; d < t.depth; ++d)
              for (std::size_t l = 0; l < kLanes; ++l) node[l] = step_of(block.data() + (i + l) * nf, node[l]);
          } else {
            // Deep trees (forests): until every lane sits on a leaf.
            for (std::int32_t d = 0; d < t.depth; ++d) {
              bool moved = false;
              for (std::size_t l = 0; l < kLanes; ++l) {
                const std::int32_t next = step_of(block.data() + (i + l) * nf, node[l]);
                moved |= next != node[l];
                node[l] = next;
              }
              if (!moved) break;
            }
          }
          for (std::size_t l = 0; l < kLanes; ++l) add(i + l, node[l]);
        }
        for (; i < bm; ++i) {
          std::int32_t n = t.root;
          for (std::int32_t d = 0; d < t.depth; ++d) n = step_of(block.data() + i * nf, n);
          add(i, n);
        }
      }
    };
    if (finite) walk(step_finite);
    else walk(step);
  }
}

void CompiledEnsemble::predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const {
  if (x.cols != n_features_)
    throw ConfigError(fmt::format("tree model expects {} features, got {}", n_features_, x.cols));
  EVC_ASSERT(x.data.size() == x.rows * x.cols, "feature matrix size != rows * cols");
  const std::size_t n_raw = n_classes_ == 2 ? 1 : static_cast<std::size_t>(n_classes_);
  EVC_ASSERT(out.size() == x.rows * n_raw, "output span must hold rows × n_outputs() scores");
  constexpr std::size_t kTask = 4096;
  const std::size_t n_tasks = (x.rows + kTask - 1) / kTask;
  const double n_trees = static_cast<double>(std::max<std::size_t>(trees_.size(), 1));
  core::parallel_for(n_tasks, ctx, [&](std::size_t task) {
    const std::size_t begin = task * kTask, m = std::min(kTask, x.rows - begin);
    std::vector<double> raw(m * n_raw);
    predict_raw(x, begin, m, raw.data());
    for (std::size_t i = 0; i < m; ++i) {
      const double* r = raw.data() + i * n_raw;
      float* o = out.data() + (begin + i) * n_raw;
      if (link_ == Link::mean) {
        for (std::size_t k = 0; k < n_raw; ++k) o[k] = static_cast<float>(r[k] / n_trees);
      } else if (n_raw == 1) {
        const double z = scale_ * r[0];
        const double e = std::exp(-std::abs(z));
        o[0] = static_cast<float>(z >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
      } else {
        double top = -std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < n_raw; ++k) top = std::max(top, scale_ * r[k]);
        double sum = 0.0;
        for (std::size_t k = 0; k < n_raw; ++k) sum += std::exp(scale_ * r[k] - top);
        for (std::size_t k = 0; k < n_raw; ++k) o[k] = static_cast<float>(std::exp(scale_ * r[k] - top) / sum);
      }
    }
  });
}

}  // namespace evclass::learn::trees
