#include "learn/trees/grower.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>

#include "evclass/core/error.hpp"
#include "evclass/core/random.hpp"

namespace evclass::learn::trees {

std::vector<std::uint32_t> sample_features(std::span<const std::uint32_t> from, double fraction, int count,
                                           std::uint64_t key) {
  const std::size_t n = from.size();
  std::size_t k = count > 0 ? static_cast<std::size_t>(count)
                            : static_cast<std::size_t>(std::floor(fraction * static_cast<double>(n)));
  k = std::clamp<std::size_t>(k, std::min<std::size_t>(1, n), n);
  std::vector<std::uint32_t> pool(from.begin(), from.end());
  if (k == n) return pool;
  core::SplitMix64 rng(key);
  for (std::size_t i = 0; i < k; ++i) std::swap(pool[i], pool[i + rng.below(n - i)]);  // partial Fisher-Yates
  pool.resize(k);
  std::sort(pool.begin(), pool.end());
  return pool;
}

namespace {

constexpr std::size_t kChunkRows = 32768;       // rows per parallel histogram / partition task
constexpr std::size_t kSparseRows = 192;        // below this, forest nodes scan only touched bins
constexpr std::size_t kForestBatch = 64;        // forest nodes expanded together
constexpr std::size_t kMinParallelWork = 1u << 17;  // below this, one thread (see Grower::ctx_for)
constexpr std::size_t kKeptHistogramBytes = std::size_t{256} << 20;  // depth-wise levels beyond this go depth-first

struct OpenNode {
  std::int32_t id = 0;
  std::uint32_t begin = 0, end = 0;
  int depth = 0;
  std::vector<std::int64_t> hist;
  Stats total;
  Split best;
  [[nodiscard]] std::size_t rows() const { return end - begin; }
};

class Grower {
 public:
  Grower(const BinnedRows& bins, const BinnedColumns& columns, const BinCuts& cuts, std::span<std::uint32_t> rows,
         const std::int64_t* packed,
         const SplitFinder& finder, std::span<const std::uint32_t> tree_features, const GrowOptions& options,
         std::uint64_t tree_key, GrowWorkspace& ws, const core::Context& ctx)
      : bins_(bins), columns_(columns), cuts_(cuts), rows_(rows), packed_(packed), finder_(finder), tree_features_(tree_features),
        o_(options), key_(tree_key), ws_(ws), ctx_(ctx), shape_(ws.pool.shape()),
        threads_(static_cast<std::size_t>(ctx.resolved_threads())) {
    all_features_ = tree_features_.size() == bins_.features();
    if (ws_.scratch.size() < rows_.size()) ws_.scratch.resize(rows_.size());
  }

  GrownTree run(int value_size) {
    out_.tree.value_size = value_size;
    const std::int32_t root = new_node(0, static_cast<std::uint32_t>(rows_.size()));
    OpenNode node;
    node.id = root;
    node.begin = 0;
    node.end = static_cast<std::uint32_t>(rows_.size());
    if (o_.keep_histograms) {
      node.hist = ws_.pool.take();
      std::vector<OpenNode*> one{&node};
      build_histograms(one, tree_features_);
      node.total = total_of(node.hist);
      out_.node_total[0] = node.total;
      out_.tree.cover[0] = static_cast<float>(finder_.cover(node.total));
      if (o_.lossguide) grow_lossguide(std::move(node));
      else grow_depthwise(std::move(node));
    } else {
      grow_forest(std::move(node));
    }
    return std::move(out_);
  }

 private:
  // --- bookkeeping -------------------------------------------------------------------------
  std::int32_t new_node(std::uint32_t begin, std::uint32_t end) {
    const std::int32_t id = out_.tree.add_node();
    out_.node_begin.push_back(begin);
    out_.node_end.push_back(end);
    out_.node_total.emplace_back();
    return id;
  }

  /// ctx_, or one thread when the work (about one unit per histogram addition or row moved) is
  /// too small to pay for waking the other threads: fork and join cost microseconds on an idle
  /// machine and can cost a scheduler time slice when other processes hold the cores.
  [[nodiscard]] const core::Context& ctx_for(std::size_t work) const { return work < kMinParallelWork ? serial_ : ctx_; }

  [[nodiscard]] bool depth_allows_split(int depth) const { return o_.max_depth <= 0 || depth < o_.max_depth; }
  [[nodiscard]] bool may_split(const OpenNode& n) const {
    return depth_allows_split(n.depth) && n.rows() >= o_.min_rows_split && finder_.splittable(n.total);
  }

  [[nodiscard]] Stats total_of(const std::vector<std::int64_t>& hist) const {
    // Every row has one bin per feature: any feature's slots add up to the node's total.
    const std::size_t f = tree_features_.empty() ? 0 : tree_features_.front();
    return feature_total(hist.data(), f);
  }

  /// The summed words of feature f's slots, unpacked once (the channel sums are exact).
  [[nodiscard]] Stats feature_total(const std::int64_t* hist, std::size_t f) const {
    const auto words = static_cast<std::size_t>(shape_.words);
    const std::int64_t* h = hist + shape_.feature_offset(f);
    std::int64_t sum[kMaxChannels / 2] = {};
    for (std::size_t b = 0; b < kHistBins; ++b)
      for (std::size_t w = 0; w < words; ++w) sum[w] += h[b * words + w];
    return unpack(sum, shape_.words);
  }

  /// The features a node at `depth` (node id `id`) may split on.
  [[nodiscard]] std::vector<std::uint32_t> node_features(int depth, std::int32_t id) const {
    std::vector<std::uint32_t> level(tree_features_.begin(), tree_features_.end());
    if (o_.colsample_bylevel < 1.0)
      level = sample_features(level, o_.colsample_bylevel, 0, core::mix_key(key_, 0x1e7e1, static_cast<std::uint64_t>(depth)));
    if (o_.features_per_node > 0 || o_.colsample_bynode < 1.0)
      level = sample_features(level, o_.colsample_bynode, o_.features_per_node,
                              core::mix_key(key_, 0x90de, static_cast<std::uint64_t>(id)));
    return level;
  }

  // --- histograms --------------------------------------------------------------------------
  void build_histograms(std::vector<OpenNode*>& nodes, std::span<const std::uint32_t> features) {
    const StageTimes::Scope timed(ws_.times, "histograms");
    // Big nodes are cut into row chunks, each into its own buffer (added up afterwards); nodes too
    // small for that are cut into groups of features, which write disjoint slots of the node's
    // buffer (when every feature is histogrammed), so that one small node still uses every thread.
    struct Task {
      OpenNode* node;
      std::uint32_t begin, end;
      std::int64_t* out;
      std::size_t first = 0, last = 0;  ///< feature range (multiples of 4) when all features are built
    };
    std::vector<Task> tasks;
    std::vector<std::vector<std::int64_t>> extra;
    std::vector<std::pair<OpenNode*, std::size_t>> extra_owner;
    const bool all = features.size() == bins_.features();
    const std::size_t stride = bins_.stride();
    for (OpenNode* n : nodes) {
      const std::size_t m = n->rows();
      const std::size_t k = std::clamp<std::size_t>(m / kChunkRows, 1, threads_);
      if (k == 1 && all && threads_ > 1 && nodes.size() < threads_ && stride >= 8) {
        const std::size_t groups = std::min(threads_, stride / 4);
        for (std::size_t g = 0; g < groups; ++g)
          tasks.push_back({n, n->begin, n->end, n->hist.data(), stride / 4 * g / groups * 4, stride / 4 * (g + 1) / groups * 4});
        continue;
      }
      for (std::size_t c = 0; c < k; ++c) {
        const auto b = static_cast<std::uint32_t>(n->begin + m * c / k);
        const auto e = static_cast<std::uint32_t>(n->begin + m * (c + 1) / k);
        std::int64_t* out = n->hist.data();
        if (c > 0) {
          extra.push_back(ws_.pool.take());
          extra_owner.emplace_back(n, extra.size() - 1);
          out = extra.back().data();
        }
        tasks.push_back({n, b, e, out, 0, stride});
      }
    }
    std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) { return a.end - a.begin > b.end - b.begin; });
    std::size_t work = 0;
    for (const OpenNode* n : nodes) work += n->rows() * features.size();
    core::parallel_for(tasks.size(), ctx_for(work), [&](std::size_t t) {
      const Task& task = tasks[t];
      const std::span<const std::uint32_t> sub(rows_.data() + task.begin, task.end - task.begin);
      if (all) accumulate_range(bins_, sub, packed_, shape_, task.first, task.last, task.out);
      else accumulate_some(bins_, sub, packed_, shape_, features, task.out);
    });
    if (extra.empty()) return;
    // Integer sums: the order of this reduction cannot change the result.
    const std::size_t n_words = shape_.size();
    const std::size_t blocks = (n_words + 8191) / 8192;
    core::parallel_for(blocks, ctx_for(n_words * extra.size()), [&](std::size_t blk) {
      const std::size_t b = blk * 8192, e = std::min(n_words, b + 8192);
      for (const auto& [node, index] : extra_owner) {
        std::int64_t* dst = node->hist.data();
        const std::int64_t* src = extra[index].data();
        for (std::size_t i = b; i < e; ++i) dst[i] += src[i];
      }
    });
    for (auto& buffer : extra) ws_.pool.give(std::move(buffer));
  }

  // --- split search ------------------------------------------------------------------------
  void find_splits(std::vector<OpenNode*>& nodes) {
    const StageTimes::Scope timed(ws_.times, "split search");
    struct Task {
      OpenNode* node;
      std::size_t slot;
      std::vector<std::uint32_t> features;
      Split best;
    };
    std::vector<Task> tasks;
    std::vector<std::vector<std::size_t>> node_tasks(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      OpenNode* n = nodes[i];
      n->best = Split{};
      if (!may_split(*n)) continue;
      const std::vector<std::uint32_t> features = node_features(n->depth, n->id);
      // A few tasks per node when there are few nodes, so every thread has work.
      const std::size_t k = std::clamp<std::size_t>(2 * threads_ / std::max<std::size_t>(nodes.size(), 1), 1,
                                                    std::max<std::size_t>(features.size() / 4, 1));
      for (std::size_t c = 0; c < k; ++c) {
        const std::size_t b = features.size() * c / k, e = features.size() * (c + 1) / k;
        node_tasks[i].push_back(tasks.size());
        tasks.push_back({n, i, {features.begin() + static_cast<std::ptrdiff_t>(b), features.begin() + static_cast<std::ptrdiff_t>(e)}, {}});
      }
    }
    std::size_t work = 0;
    for (const Task& t : tasks) work += t.features.size() * kHistBins;
    core::parallel_for(tasks.size(), ctx_for(work), [&](std::size_t t) {
      Task& task = tasks[t];
      for (const std::uint32_t f : task.features)
        finder_.scan(task.node->hist.data() + shape_.feature_offset(f), static_cast<std::int32_t>(f),
                     cuts_.n_bins(f), task.node->total, nullptr, task.best);
    });
    for (std::size_t i = 0; i < nodes.size(); ++i)
      for (const std::size_t t : node_tasks[i])
        if (tasks[t].best.better_than(nodes[i]->best)) nodes[i]->best = tasks[t].best;
  }

  [[nodiscard]] bool worth_splitting(const OpenNode& n) const {
    return n.best.valid() && n.best.gain > o_.min_split_gain && depth_allows_split(n.depth);
  }

  // --- partition ---------------------------------------------------------------------------
  /// Stable partition of each node's rows by its best split; returns the left counts.
  std::vector<std::uint32_t> partition(const std::vector<OpenNode*>& nodes) {
    const StageTimes::Scope timed(ws_.times, "partition");
    struct Chunk {
      std::size_t node;
      std::uint32_t begin, end;
      std::uint32_t n_left = 0;
    };
    std::vector<Chunk> chunks;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const std::size_t m = nodes[i]->rows();
      const std::size_t k = std::max<std::size_t>(1, std::min(m / kChunkRows, 4 * threads_));
      for (std::size_t c = 0; c < k; ++c)
        chunks.push_back({i, static_cast<std::uint32_t>(nodes[i]->begin + m * c / k),
                          static_cast<std::uint32_t>(nodes[i]->begin + m * (c + 1) / k)});
    }
    std::uint32_t* rows = rows_.data();
    std::uint32_t* scratch = ws_.scratch.data();
    std::size_t work = 0;
    for (const OpenNode* n : nodes) work += 4 * n->rows();
    const core::Context& pctx = ctx_for(work);
    // 1. Each chunk in place: lefts first, then rights (staged in the scratch at the same offsets).
    core::parallel_for(chunks.size(), pctx, [&](std::size_t c) {
      Chunk& ch = chunks[c];
      const Split& s = nodes[ch.node]->best;
      const std::uint8_t* col = columns_.column(static_cast<std::size_t>(s.feature));
      std::uint8_t goes_left[kHistBins];
      for (std::size_t b = 0; b < kHistBins; ++b) goes_left[b] = b <= s.bin ? 1 : 0;
      goes_left[kMissingBin] = s.default_left ? 1 : 0;
      // Branch-free: every row is written to both sides, and only one side's cursor moves.
      std::uint32_t nl = ch.begin, nr = ch.begin;
      for (std::uint32_t i = ch.begin; i < ch.end; ++i) {
        const std::uint32_t r = rows[i];
        const std::uint32_t left = goes_left[col[r]];
        rows[nl] = r;
        scratch[nr] = r;
        nl += left;
        nr += 1 - left;
      }
      std::memcpy(rows + nl, scratch + ch.begin, (nr - ch.begin) * sizeof(std::uint32_t));
      ch.n_left = nl - ch.begin;
    });
    // 2. Where each chunk's lefts and rights go in its node.
    std::vector<std::uint32_t> left_count(nodes.size(), 0);
    for (const Chunk& ch : chunks) left_count[ch.node] += ch.n_left;
    std::vector<std::uint32_t> left_at(chunks.size()), right_at(chunks.size());
    {
      std::vector<std::uint32_t> next_left(nodes.size()), next_right(nodes.size());
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        next_left[i] = nodes[i]->begin;
        next_right[i] = nodes[i]->begin + left_count[i];
      }
      for (std::size_t c = 0; c < chunks.size(); ++c) {
        left_at[c] = next_left[chunks[c].node];
        right_at[c] = next_right[chunks[c].node];
        next_left[chunks[c].node] += chunks[c].n_left;
        next_right[chunks[c].node] += chunks[c].end - chunks[c].begin - chunks[c].n_left;
      }
    }
    // 3. Nodes of several chunks are gathered in the scratch, then copied back.
    std::vector<std::uint8_t> multi(nodes.size(), 0);
    for (std::size_t c = 1; c < chunks.size(); ++c)
      if (chunks[c].node == chunks[c - 1].node) multi[chunks[c].node] = 1;
    core::parallel_for(chunks.size(), pctx, [&](std::size_t c) {
      const Chunk& ch = chunks[c];
      if (!multi[ch.node]) return;
      std::memcpy(scratch + left_at[c], rows + ch.begin, ch.n_left * sizeof(std::uint32_t));
      std::memcpy(scratch + right_at[c], rows + ch.begin + ch.n_left,
                  (ch.end - ch.begin - ch.n_left) * sizeof(std::uint32_t));
    });
    core::parallel_for(chunks.size(), pctx, [&](std::size_t c) {
      const Chunk& ch = chunks[c];
      if (!multi[ch.node]) return;
      std::memcpy(rows + ch.begin, scratch + ch.begin, (ch.end - ch.begin) * sizeof(std::uint32_t));
    });
    return left_count;
  }

  /// Records the split of `n` in the tree; returns its two children (histograms not set).
  std::pair<OpenNode, OpenNode> make_children(OpenNode& n, std::uint32_t n_left) {
    const Split& s = n.best;
    const auto f = static_cast<std::size_t>(s.feature);
    const float threshold = s.bin < cuts_.n_bins(f) - 1 ? cuts_.edge(f, s.bin) : std::numeric_limits<float>::infinity();
    out_.tree.split(n.id, s.feature, threshold, s.bin, s.default_left, static_cast<float>(s.gain));
    OpenNode l, r;
    l.id = out_.tree.left[static_cast<std::size_t>(n.id)];
    r.id = out_.tree.right[static_cast<std::size_t>(n.id)];
    l.begin = n.begin;
    l.end = r.begin = n.begin + n_left;
    r.end = n.end;
    l.depth = r.depth = n.depth + 1;
    l.total = s.left;
    r.total = n.total - s.left;
    for (const OpenNode* c : {&l, &r}) {
      out_.node_begin.resize(out_.tree.n_nodes());
      out_.node_end.resize(out_.tree.n_nodes());
      out_.node_total.resize(out_.tree.n_nodes());
      out_.node_total[static_cast<std::size_t>(c->id)] = c->total;
      out_.node_begin[static_cast<std::size_t>(c->id)] = c->begin;
      out_.node_end[static_cast<std::size_t>(c->id)] = c->end;
      out_.tree.cover[static_cast<std::size_t>(c->id)] = static_cast<float>(finder_.cover(c->total));
    }
    return {std::move(l), std::move(r)};
  }

  /// Splits `parents` (their best splits), builds the children's histograms (smaller built,
  /// larger by subtraction into the parent's buffer) and finds the children's best splits.
  std::vector<OpenNode> expand(std::vector<OpenNode*>& parents) {
    const std::vector<std::uint32_t> n_left = partition(parents);
    std::vector<OpenNode> children;
    children.reserve(2 * parents.size());
    for (std::size_t i = 0; i < parents.size(); ++i) {
      auto [l, r] = make_children(*parents[i], n_left[i]);
      children.push_back(std::move(l));
      children.push_back(std::move(r));
    }
    // Children that can never split need no histograms (the last level of a depth-wise tree).
    std::vector<std::size_t> pairs;
    for (std::size_t i = 0; i < parents.size(); ++i) {
      const OpenNode& l = children[2 * i];
      const OpenNode& r = children[2 * i + 1];
      if (may_split(l) || may_split(r)) pairs.push_back(i);
      else release(*parents[i]);
    }
    const auto small_of = [&](std::size_t i) -> OpenNode& {
      OpenNode& l = children[2 * i];
      OpenNode& r = children[2 * i + 1];
      return l.rows() <= r.rows() ? l : r;
    };
    const auto large_of = [&](std::size_t i) -> OpenNode& {
      OpenNode& l = children[2 * i];
      OpenNode& r = children[2 * i + 1];
      return l.rows() <= r.rows() ? r : l;
    };
    std::vector<OpenNode*> smaller;
    for (const std::size_t i : pairs) {
      small_of(i).hist = ws_.pool.take();
      smaller.push_back(&small_of(i));
    }
    build_histograms(smaller, tree_features_);
    for (const std::size_t i : pairs) {
      large_of(i).hist = std::move(parents[i]->hist);
      parents[i]->hist.clear();
    }
    const std::size_t n_words = shape_.size();
    core::parallel_for(pairs.size(), ctx_for(pairs.size() * n_words), [&](std::size_t p) {
      const std::size_t i = pairs[p];
      subtract(large_of(i).hist.data(), small_of(i).hist.data(), large_of(i).hist.data(), n_words);
    });
    std::vector<OpenNode*> all;
    for (auto& c : children)
      if (!c.hist.empty()) all.push_back(&c);
    find_splits(all);
    return children;
  }

  void release(OpenNode& n) {
    if (!n.hist.empty()) ws_.pool.give(std::move(n.hist));
    n.hist.clear();
  }

  // --- schedules ---------------------------------------------------------------------------
  void grow_depthwise(OpenNode root) {
    std::vector<OpenNode*> first{&root};
    find_splits(first);
    std::vector<OpenNode> level;
    level.push_back(std::move(root));
    std::size_t leaves = 1;
    while (!level.empty()) {
      std::vector<OpenNode*> split_now;
      for (auto& n : level)
        if (worth_splitting(n)) split_now.push_back(&n);
      if (o_.max_leaves > 0) {
        std::stable_sort(split_now.begin(), split_now.end(),
                         [](const OpenNode* a, const OpenNode* b) { return a->best.better_than(b->best); });
        const std::size_t room = static_cast<std::size_t>(o_.max_leaves) > leaves ? o_.max_leaves - leaves : 0;
        if (split_now.size() > room) split_now.resize(room);
        std::sort(split_now.begin(), split_now.end(), [](const OpenNode* a, const OpenNode* b) { return a->id < b->id; });
      }
      // split_now is in level order, which is address order in `level`.
      for (auto& n : level) {
        if (!std::binary_search(split_now.begin(), split_now.end(), &n)) release(n);
      }
      if (split_now.empty()) break;
      leaves += split_now.size();
      std::vector<OpenNode> next = expand(split_now);
      for (auto& n : level) release(n);
      level = std::move(next);
      if (level.size() * shape_.size() * sizeof(std::int64_t) > kKeptHistogramBytes && o_.max_leaves <= 0) {
        // So wide a level would keep too many histograms: finish its subtrees depth-first,
        // each node building its own histograms.
        for (auto& n : level) release(n);
        std::reverse(level.begin(), level.end());
        grow_forest(std::move(level), leaves);
        return;
      }
    }
    for (auto& n : level) release(n);
  }

  void grow_lossguide(OpenNode root) {
    std::vector<OpenNode*> first{&root};
    find_splits(first);
    std::vector<std::unique_ptr<OpenNode>> open;
    open.push_back(std::make_unique<OpenNode>(std::move(root)));
    std::size_t leaves = 1;
    while (o_.max_leaves <= 0 || leaves < static_cast<std::size_t>(o_.max_leaves)) {
      std::size_t pick = open.size();
      for (std::size_t i = 0; i < open.size(); ++i)
        if (worth_splitting(*open[i]) && (pick == open.size() || open[i]->best.better_than(open[pick]->best))) pick = i;
      if (pick == open.size()) break;
      std::unique_ptr<OpenNode> parent = std::move(open[pick]);
      open.erase(open.begin() + static_cast<std::ptrdiff_t>(pick));
      std::vector<OpenNode*> one{parent.get()};
      std::vector<OpenNode> children = expand(one);
      release(*parent);
      ++leaves;
      for (auto& c : children) open.push_back(std::make_unique<OpenNode>(std::move(c)));
    }
    for (auto& n : open) release(*n);
  }

  // --- forest schedule ---------------------------------------------------------------------
  struct ForestSlot {
    std::vector<std::int64_t> hist;
    std::vector<std::uint64_t> touched;  ///< 4 words per feature
  };

  /// Histogram and best split of one forest node over its sampled features, in `slot` (left
  /// clean afterwards). Uses only the bins its rows touch when it has few rows.
  void forest_split(OpenNode& n, const std::vector<std::uint32_t>& features, ForestSlot& slot) {
    const std::size_t words = static_cast<std::size_t>(shape_.words);
    const std::span<const std::uint32_t> sub(rows_.data() + n.begin, n.rows());
    const bool sparse = n.rows() < kSparseRows;
    if (sparse) {
      for (const std::uint32_t r : sub) {
        const std::uint8_t* row = bins_.row(r);
        const std::int64_t* value = packed_ + static_cast<std::size_t>(r) * words;
        for (const std::uint32_t f : features) {
          const std::uint8_t b = row[f];
          std::int64_t* h = slot.hist.data() + (static_cast<std::size_t>(f) * kHistBins + b) * words;
          for (std::size_t w = 0; w < words; ++w) h[w] += value[w];
          slot.touched[f * 4 + (b >> 6)] |= std::uint64_t{1} << (b & 63);
        }
      }
    } else {
      accumulate_some(bins_, sub, packed_, shape_, features, slot.hist.data());
    }
    // Totals from the first sampled feature's slots (only the touched ones of a sparse node).
    Stats total;
    {
      const std::size_t f = features.front();
      const std::int64_t* h = slot.hist.data() + shape_.feature_offset(f);
      std::int64_t sum[kMaxChannels / 2] = {};
      const auto add = [&](std::size_t b) {
        for (std::size_t w = 0; w < words; ++w) sum[w] += h[b * words + w];
      };
      if (sparse) {
        for (std::size_t w4 = 0; w4 < 4; ++w4)
          for (std::uint64_t bits = slot.touched[f * 4 + w4]; bits != 0; bits &= bits - 1)
            add(64 * w4 + static_cast<std::size_t>(std::countr_zero(bits)));
      } else {
        for (std::size_t b = 0; b < kHistBins; ++b) add(b);
      }
      total = unpack(sum, shape_.words);
    }
    n.total = total;
    n.best = Split{};
    if (may_split(n)) {
      for (const std::uint32_t f : features)
        finder_.scan(slot.hist.data() + shape_.feature_offset(f), static_cast<std::int32_t>(f), cuts_.n_bins(f), total,
                     sparse ? slot.touched.data() + f * 4 : nullptr, n.best);
    }
    // Clean the slot for the next node.
    for (const std::uint32_t f : features) {
      std::int64_t* h = slot.hist.data() + shape_.feature_offset(f);
      if (sparse) {
        for (int w = 0; w < 4; ++w) {
          std::uint64_t bits = slot.touched[f * 4 + static_cast<std::size_t>(w)];
          while (bits != 0) {
            const std::size_t b = 64 * static_cast<std::size_t>(w) + static_cast<std::size_t>(std::countr_zero(bits));
            bits &= bits - 1;
            std::fill(h + b * words, h + (b + 1) * words, 0);
          }
          slot.touched[f * 4 + static_cast<std::size_t>(w)] = 0;
        }
      } else {
        std::fill(h, h + kHistBins * words, 0);
      }
    }
  }

  void grow_forest(OpenNode root) {
    std::vector<OpenNode> start;
    start.push_back(std::move(root));
    grow_forest(std::move(start), 1);
  }

  /// Expands `stack` (nodes whose best split is not known yet) depth-first; `leaves` counts the
  /// tree's leaves so far.
  void grow_forest(std::vector<OpenNode> stack, std::size_t leaves) {
    const std::size_t batch = std::max<std::size_t>(kForestBatch, 4 * threads_);
    std::vector<ForestSlot> slots(batch);
    for (auto& s : slots) {
      s.hist.assign(shape_.size(), 0);
      s.touched.assign(bins_.stride() * 4, 0);
    }
    while (!stack.empty()) {
      // Big nodes alone (parallel inside), small ones in a parallel batch.
      std::vector<OpenNode> work;
      if (stack.back().rows() >= 2 * kChunkRows) {
        work.push_back(std::move(stack.back()));
        stack.pop_back();
        OpenNode& n = work.front();
        const std::vector<std::uint32_t> features = node_features(n.depth, n.id);
        n.hist = ws_.pool.take();
        std::vector<OpenNode*> one{&n};
        build_histograms(one, features);
        const Stats total = feature_total(n.hist.data(), features.front());
        n.total = total;
        n.best = Split{};
        if (may_split(n))
          for (const std::uint32_t f : features)
            finder_.scan(n.hist.data() + shape_.feature_offset(f), static_cast<std::int32_t>(f), cuts_.n_bins(f), total,
                         nullptr, n.best);
        release(n);
      } else {
        while (!stack.empty() && work.size() < batch && stack.back().rows() < 2 * kChunkRows) {
          work.push_back(std::move(stack.back()));
          stack.pop_back();
        }
        std::vector<std::vector<std::uint32_t>> features(work.size());
        for (std::size_t i = 0; i < work.size(); ++i) features[i] = node_features(work[i].depth, work[i].id);
        std::size_t units = 0;
        for (std::size_t i = 0; i < work.size(); ++i) units += work[i].rows() * features[i].size() + 4 * kHistBins;
        core::parallel_for(work.size(), ctx_for(units), [&](std::size_t i) { forest_split(work[i], features[i], slots[i]); });
      }
      if (work.front().id == 0) {
        out_.tree.cover[0] = static_cast<float>(finder_.cover(work.front().total));
        out_.node_total[0] = work.front().total;
      }
      std::vector<OpenNode*> split_now;
      for (auto& n : work) {
        if (!worth_splitting(n)) continue;
        if (o_.max_leaves > 0 && leaves + split_now.size() >= static_cast<std::size_t>(o_.max_leaves)) continue;
        split_now.push_back(&n);
      }
      if (split_now.empty()) continue;
      leaves += split_now.size();
      const std::vector<std::uint32_t> n_left = partition(split_now);
      // Children go on the stack right first, so the left subtree is expanded first.
      for (std::size_t i = 0; i < split_now.size(); ++i) {
        auto [l, r] = make_children(*split_now[i], n_left[i]);
        stack.push_back(std::move(r));
        stack.push_back(std::move(l));
      }
    }
  }

  const BinnedRows& bins_;
  const BinnedColumns& columns_;
  const BinCuts& cuts_;
  std::span<std::uint32_t> rows_;
  const std::int64_t* packed_;
  const SplitFinder& finder_;
  std::span<const std::uint32_t> tree_features_;
  const GrowOptions& o_;
  std::uint64_t key_;
  GrowWorkspace& ws_;
  const core::Context& ctx_;
  const core::Context serial_{1};
  HistShape shape_;
  std::size_t threads_;
  bool all_features_ = true;
  GrownTree out_;
};

}  // namespace

GrownTree grow_tree(const BinnedRows& bins, const BinnedColumns& columns, const BinCuts& cuts,
                    std::span<std::uint32_t> rows,
                    const std::int64_t* packed, const SplitFinder& finder, std::span<const std::uint32_t> tree_features,
                    const GrowOptions& options, int value_size, std::uint64_t tree_key, GrowWorkspace& workspace,
                    const core::Context& ctx) {
  EVC_ASSERT(finder.words() == workspace.pool.shape().words, "the finder's words match the histogram shape");
  EVC_ASSERT(!tree_features.empty(), "a tree needs at least one feature");
  EVC_ASSERT(rows.size() < (std::size_t{1} << 32), "row indices are 32-bit");
  Grower grower(bins, columns, cuts, rows, packed, finder, tree_features, options, tree_key, workspace, ctx);
  return grower.run(value_size);
}

}  // namespace evclass::learn::trees
