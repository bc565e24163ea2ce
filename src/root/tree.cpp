#include "evclass/root/tree.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/core/text.hpp"
#include "root/basket.hpp"
#include "root/decode.hpp"
#include "root/file_impl.hpp"
#include "root/interpretation.hpp"
#include "root/tree_model.hpp"
#include "root/work_plan.hpp"

namespace evclass::root {

using detail::BranchModel;
using detail::Interpretation;

struct Tree::Target {
  const BranchModel* branch = nullptr;
  const Interpretation* interpretation = nullptr;  ///< the tree's own, or one an OwnedInterpretations keeps
  std::size_t index = 0;                           ///< of the branch in infos_
};

/// Interpretations made for one read or selection (a leaf of a leaf-list; a branch the tree could
/// not interpret when it was opened), kept where their addresses do not move.
struct Tree::OwnedInterpretations {
  std::deque<Interpretation> items;
  const Interpretation* add(Interpretation in) { return &items.emplace_back(std::move(in)); }
};

struct BranchSelection::Plan {
  std::shared_ptr<const detail::TreeModel> model;          ///< of the tree that made it (checked on reads)
  std::shared_ptr<const Tree::Interpretations> shared;     ///< the tree's interpretations the targets point to
  Tree::OwnedInterpretations owned;
  std::vector<Tree::Target> targets;
};

std::size_t BranchSelection::size() const noexcept { return plan_ ? plan_->targets.size() : 0; }

struct Tree::Interpretations {
  std::vector<std::optional<Interpretation>> of;  ///< parallel to infos_
};

struct Tree::BasketFactsCache {
  explicit BasketFactsCache(const std::vector<const BranchModel*>& models)
      : once(models.size()), known(models.size()), facts(models.size()) {
    for (std::size_t i = 0; i < models.size(); ++i) index.emplace(models[i], i);
  }
  std::unordered_map<const BranchModel*, std::size_t> index;  ///< into infos_
  std::vector<std::once_flag> once;
  std::vector<std::atomic<bool>> known;
  std::vector<std::vector<detail::BasketFacts>> facts;  ///< per branch, per basket

  /// The index of a branch another one refers to (its counter or its sizes).
  std::size_t index_of(const BranchModel* b) const {
    if (auto it = index.find(b); it != index.end()) return it->second;
    throw Unsupported(fmt::format("branch '{}' is referred to by another branch but is not in its tree", b->name));
  }


};

namespace {

std::int64_t shape_product(const std::vector<std::int64_t>& dims) {
  std::int64_t p = 1;
  for (const auto d : dims) p *= d;
  return p;
}

void collect(const BranchModel& b, int depth, const std::string& parent, const std::string& parent_path,
             const detail::StreamerRegistry& streamers, std::vector<BranchInfo>& infos,
             std::vector<const BranchModel*>& models, std::vector<std::optional<Interpretation>>& interpretations) {
  BranchInfo info;
  info.name = b.name;
  info.path = parent_path.empty() ? b.name : parent_path + "/" + b.name;
  info.parent = parent;
  info.depth = depth;
  info.class_name = b.class_name;
  info.has_data = b.has_data();
  const auto d = detail::describe(b, streamers);
  info.type = d.type;
  info.kind = d.kind;
  info.readable = d.readable;
  info.unsupported = d.unsupported;
  info.entries = b.fEntries;
  info.baskets = static_cast<std::int32_t>(b.baskets.size());
  info.compressed_bytes = b.fZipBytes;
  info.uncompressed_bytes = b.fTotBytes;
  std::optional<Interpretation> interpretation;
  if (d.readable && d.kind != "leaflist") {
    try {
      interpretation = detail::interpret(b, streamers);
      info.dtype = interpretation->dtype();
    } catch (const Error&) {
    }
  }
  if (d.kind == "leaflist") {
    for (const auto& l : b.leaves) {
      LeafInfo li;
      li.name = l->name;
      try {
        const auto in = detail::interpret(b, streamers, l.get());
        li.readable = true;
        li.type = std::string(column::dtype_name(in.dtype()));
        if (l->count) li.type += "[" + l->count->name + "]";
        else if (l->fLen > 1) li.type += fmt::format("[{}]", l->fLen);
      } catch (const Error&) {
        li.type = l->class_name;
      }
      info.leaves.push_back(std::move(li));
    }
  }
  const std::string path = info.path;
  infos.push_back(std::move(info));
  models.push_back(&b);
  interpretations.push_back(std::move(interpretation));
  for (const auto& sub : b.branches)
    collect(*sub, depth + 1, b.name, path, streamers, infos, models, interpretations);
}

}  // namespace

Tree::Tree(std::shared_ptr<const detail::FileImpl> file, std::shared_ptr<const detail::TreeModel> model, std::string path,
           int cycle)
    : file_(std::move(file)), model_(std::move(model)), path_(std::move(path)), cycle_(cycle) {
  auto interpretations = std::make_shared<Interpretations>();
  for (const auto& b : model_->branches)
    collect(*b, 0, "", "", file_->streamers(), infos_, models_, interpretations->of);
  interpretations_ = std::move(interpretations);
  basket_facts_ = std::make_shared<BasketFactsCache>(models_);
  for (std::size_t i = 0; i < infos_.size(); ++i) {
    by_path_[infos_[i].path].push_back(i);
    by_name_[infos_[i].name].push_back(i);
  }
}

const std::string& Tree::name() const noexcept { return model_->name; }
const std::string& Tree::title() const noexcept { return model_->title; }
const std::string& Tree::class_name() const noexcept { return model_->class_name; }
entry_t Tree::entries() const noexcept { return model_->entries; }

bool Tree::has_branch(std::string_view name) const noexcept {
  return by_path_.find(name) != by_path_.end() || by_name_.find(name) != by_name_.end();
}

std::size_t Tree::index_of(std::string_view name) const {
  if (auto it = by_path_.find(name); it != by_path_.end()) {
    if (it->second.size() == 1) return it->second.front();
    throw KeyNotFound(fmt::format("branch path '{}' is ambiguous in tree '{}' of {}: {} branches have it (the file "
                                  "holds several top-level branches of that name); read them through Tree::branches()",
                                  name, path_, file_->path(), it->second.size()));
  }
  if (auto it = by_name_.find(name); it != by_name_.end()) {
    if (it->second.size() == 1) return it->second.front();
    std::vector<std::string> paths;
    for (auto i : it->second) paths.push_back("'" + infos_[i].path + "'");
    throw KeyNotFound(fmt::format("branch name '{}' is ambiguous in tree '{}' of {}: {} branches have it; name one "
                                  "by its path: {}",
                                  name, path_, file_->path(), it->second.size(), fmt::join(paths, ", ")));
  }
  std::vector<std::string> names;
  for (const auto& b : infos_) names.push_back(b.name);
  std::string msg = fmt::format("no branch '{}' in tree '{}' of {}", name, path_, file_->path());
  if (auto hint = core::did_you_mean(name, names); !hint.empty()) msg += "; " + hint;
  throw KeyNotFound(msg);
}

const BranchInfo& Tree::branch(std::string_view name) const { return infos_[index_of(name)]; }

Tree::Target Tree::target(std::size_t i, OwnedInterpretations& owned) const {
  if (const auto& cached = interpretations_->of[i]) return {models_[i], &*cached, i};
  // Throws, saying why the branch is not readable.
  return {models_[i], owned.add(detail::interpret(*models_[i], file_->streamers())), i};
}

Tree::Target Tree::resolve(std::string_view name, OwnedInterpretations& owned) const {
  // The common case first: a path or name that one branch has.
  for (const NameIndex* index : {&by_path_, &by_name_})
    if (auto it = index->find(name); it != index->end()) {
      if (it->second.size() == 1) return target(it->second.front(), owned);
      break;  // ambiguous: index_of() below says so
    }
  // "branch.leaf" (or a leaf name no branch has) reads one leaf of a leaf-list.
  auto is_leaf_list = [](const BranchModel* b) { return b->class_name == "TBranch" && b->leaves.size() > 1; };
  if (!has_branch(name)) {
    if (const auto dot = name.rfind('.'); dot != std::string_view::npos && has_branch(name.substr(0, dot))) {
      const std::size_t i = index_of(name.substr(0, dot));
      const BranchModel* b = models_[i];
      if (is_leaf_list(b))
        for (const auto& l : b->leaves)
          if (l->name == name.substr(dot + 1))
            return {b, owned.add(detail::interpret(*b, file_->streamers(), l.get())), i};
    }
    for (std::size_t i = 0; i < models_.size(); ++i)
      if (const BranchModel* b = models_[i]; is_leaf_list(b))
        for (const auto& l : b->leaves)
          if (l->name == name) return {b, owned.add(detail::interpret(*b, file_->streamers(), l.get())), i};
  }
  return target(index_of(name), owned);
}

column::Column Tree::read(const BranchInfo& info, EntryRange range, ReadOptions options) const {
  const auto i = static_cast<std::size_t>(&info - infos_.data());
  EVC_ASSERT(i < infos_.size(), "BranchInfo of another tree");
  OwnedInterpretations owned;
  return std::move(read_targets({target(i, owned)}, range, options).front());
}

column::Column Tree::read_leaf(const BranchInfo& info, std::string_view leaf, EntryRange range,
                               ReadOptions options) const {
  const auto i = static_cast<std::size_t>(&info - infos_.data());
  EVC_ASSERT(i < infos_.size(), "BranchInfo of another tree");
  for (const auto& l : models_[i]->leaves)
    if (l->name == leaf) {
      const Interpretation in = detail::interpret(*models_[i], file_->streamers(), l.get());
      return std::move(read_targets({{models_[i], &in, i}}, range, options).front());
    }
  throw KeyNotFound(fmt::format("branch '{}' has no leaf '{}'", info.path, leaf));
}

column::Column Tree::read(std::string_view name, EntryRange range, ReadOptions options) const {
  auto cols = read(std::vector<std::string>{std::string(name)}, range, options);
  return std::move(cols.front());
}

std::vector<column::Column> Tree::read(const std::vector<std::string>& names, EntryRange range,
                                       ReadOptions options) const {
  return read(select(names), range, options);
}

void Tree::read_into(const std::vector<std::string>& names, std::vector<column::Column>& columns, EntryRange range,
                     ReadOptions options) const {
  read_into(select(names), columns, range, options);
}

BranchSelection Tree::select(const std::vector<std::string>& names) const {
  auto plan = std::make_shared<BranchSelection::Plan>();
  plan->model = model_;
  plan->shared = interpretations_;
  plan->targets.reserve(names.size());
  for (const auto& n : names) plan->targets.push_back(resolve(n, plan->owned));
  BranchSelection selection;
  selection.plan_ = std::move(plan);
  return selection;
}

const BranchSelection::Plan& Tree::plan_of(const BranchSelection& selection) const {
  if (!selection.plan_ || selection.plan_->model != model_)
    throw KeyNotFound(fmt::format("a branch selection read from tree '{}' of {} was not made by that tree (make it "
                                  "with its select())",
                                  path_, file_->path()));
  return *selection.plan_;
}

std::vector<column::Column> Tree::read(const BranchSelection& selection, EntryRange range, ReadOptions options) const {
  return read_targets(plan_of(selection).targets, range, options);
}

void Tree::read_into(const BranchSelection& selection, std::vector<column::Column>& columns, EntryRange range,
                     ReadOptions options) const {
  columns = read_targets(plan_of(selection).targets, range, options, &columns);
}

void Tree::learn_basket_facts(const std::vector<Target>& targets, int threads) const {
  BasketFactsCache& cache = *basket_facts_;
  std::vector<std::size_t> unknown;
  for (const auto& t : targets)
    if (!cache.known[t.index].load(std::memory_order_acquire)) unknown.push_back(t.index);
  std::sort(unknown.begin(), unknown.end());
  unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
  core::parallel_for(unknown.size(), core::Context{threads}, [&](std::size_t k) {
    const std::size_t i = unknown[k];
    std::call_once(cache.once[i], [&] {
      const BranchModel& b = *models_[i];
      std::vector<detail::BasketFacts> facts;
      facts.reserve(b.baskets.size());
      for (const auto& ref : b.baskets) facts.push_back(detail::basket_facts(*file_, ref));
      cache.facts[i] = std::move(facts);
      cache.known[i].store(true, std::memory_order_release);
    });
  });
}

std::vector<column::Column> Tree::read_targets(const std::vector<Target>& targets, EntryRange range,
                                               ReadOptions options, std::vector<column::Column>* recycle) const {

  // Sizes of per-element arrays inside split collections come from a sibling branch.
  std::map<const BranchModel*, column::Column> counts;
  for (const auto& t : targets) {
    const auto layout = t.interpretation->layout;
    if (layout != Interpretation::Layout::kCollectionPointerArray && layout != Interpretation::Layout::kCollectionStl)
      continue;
    const BranchModel* c = t.interpretation->count_branch;
    if (counts.count(c)) continue;
    const auto cin = detail::interpret(*c, file_->streamers());
    const auto expected = layout == Interpretation::Layout::kCollectionStl ? Interpretation::Layout::kFixed
                                                                            : Interpretation::Layout::kCollectionMember;
    if (cin.layout != expected || cin.dtype() != column::DType::kInt32 || !cin.inner_shape.empty())
      throw Unsupported(fmt::format("branch '{}' is sized by '{}', which is not an int32 {}", t.branch->name, c->name,
                                    expected == Interpretation::Layout::kFixed ? "size" : "member"));
    counts.emplace(c, std::move(read_targets({{c, &cin, basket_facts_->index_of(c)}}, range, options).front()));
  }

  struct Task {
    std::size_t target;
    std::size_t basket;
    entry_t lo, hi;       // within the basket
    entry_t out_entry;    // first output entry (relative to range start)
  };
  std::vector<Task> tasks;
  std::vector<std::size_t> first_task(targets.size() + 1, 0);
  std::vector<entry_t> starts(targets.size()), stops(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const BranchModel& b = *targets[i].branch;
    const entry_t n = b.fEntries;
    const entry_t start = std::clamp<entry_t>(range.start, 0, n);
    const entry_t stop = range.stop < 0 ? n : std::clamp<entry_t>(range.stop, start, n);
    starts[i] = start;
    stops[i] = stop;
    first_task[i] = tasks.size();
    if (stop > start && b.baskets.empty())
      throw CorruptFile(detail::corrupt_message(
          fmt::format("branch has {} entries but no baskets holding them", n), "the TTree record",
          {fmt::format("TTree '{}'", path_), fmt::format("TBranch '{}'", b.name)}, file_->path()));
    // The baskets follow one another (checked when the tree was read), so the first one the range
    // needs is found by bisection: a batch-by-batch loop does not walk every basket at every batch.
    const auto first = std::partition_point(b.baskets.begin(), b.baskets.end(),
                                            [&](const detail::BasketRef& r) { return r.last <= start; });
    for (auto k = static_cast<std::size_t>(first - b.baskets.begin()); k < b.baskets.size(); ++k) {
      const auto& r = b.baskets[k];
      if (r.first >= stop) break;
      const entry_t lo = std::max(start, r.first), hi = std::min(stop, r.last);
      if (lo >= hi) continue;
      tasks.push_back({i, k, lo - r.first, hi - r.first, lo - start});
    }
  }
  first_task[targets.size()] = tasks.size();

  learn_basket_facts(targets, options.threads);

  // A caller's columns (read_into) are filled where they are: each is touched only by the thread
  // that prepares and fills it, read after read, never by this one.
  std::vector<column::Column> out;
  if (recycle) out = std::move(*recycle);
  out.resize(targets.size());
  // Fixed-size layouts are decoded straight into the final column (their size is known).
  std::vector<char> direct(targets.size(), 0);
  // std::vector<T> branches read whole baskets straight into the final column too: each basket's
  // value count follows from its data size (a 10-byte header per entry, then the values), read
  // from its header without decompressing it, so every basket's place is known in advance.
  std::vector<detail::JaggedSlot> slots(tasks.size());
  std::vector<char> slotted(targets.size(), 0);
  // The others are decoded into one piece per basket, joined at the end; a target read from a
  // single basket is decoded straight into its column.
  std::vector<std::vector<column::Column>> pieces(targets.size());
  const auto file_bytes = static_cast<double>(file_->file_bytes().size());
  // The values of target i when each of its baskets is read whole and announces a size that fits
  // (each basket's place goes into its slot); nothing otherwise, and the target is then decoded
  // basket by basket and joined.
  auto count_vector_items = [&](std::size_t i) -> std::optional<std::int64_t> {
    const Interpretation& in = *targets[i].interpretation;
    if (!detail::decodes_into_slots(in)) return std::nullopt;
    const bool vectors = detail::is_numeric_vector(in);
    // Vectors: a 10-byte header (count, version, size) per entry, then the values. Counted
    // arrays: the items only, each of the inner shape's values.
    const auto item_bytes = static_cast<std::int64_t>(
        vectors ? in.stl->inner->item.disk_size
                : in.item.disk_size * static_cast<std::size_t>(std::max<std::int64_t>(1, shape_product(in.inner_shape))));
    const std::int64_t entry_header = vectors ? 10 : 0;
    if (item_bytes <= 0) return std::nullopt;
    const BranchModel& b = *targets[i].branch;
    const auto& facts = basket_facts_->facts[targets[i].index];
    std::int64_t items = 0;
    double claimed = 0;
    for (std::size_t k = first_task[i]; k < first_task[i + 1]; ++k) {
      const Task& task = tasks[k];
      const detail::BasketRef& ref = b.baskets[task.basket];
      const entry_t n = ref.last - ref.first;
      if (task.lo != 0 || task.hi != n) return std::nullopt;
      const auto& shape = facts[task.basket].shape;
      if (!shape || !shape->has_offsets) return std::nullopt;
      const std::int64_t value_bytes = shape->data_bytes - entry_header * n;
      if (value_bytes < 0 || value_bytes % item_bytes != 0) return std::nullopt;
      claimed += static_cast<double>(shape->data_bytes);
      slots[k].item_base = items;
      slots[k].items = value_bytes / item_bytes;
      items += slots[k].items;
    }
    // Damaged headers could announce far more than the file holds; such a file is read basket by
    // basket, which allocates only for what actually decompresses.
    if (claimed > 64.0 * file_bytes) return std::nullopt;
    return items;
  };
  // Each target's column is made ready (emptied, sized, its baskets placed) by the thread whose
  // share holds its first basket (prepare_share below): for trees of a thousand small branches
  // this is a noticeable part of a read, and it only waits on memory.
  auto prepare = [&](std::size_t i) {
    const Interpretation& in = *targets[i].interpretation;
    column::Column& c = out[i];
    c.reset(in.dtype());
    c.set_inner_shape(in.inner_shape);
    auto& levels = c.mutable_offsets();  // emptied and refilled in place: a reused column keeps its memory
    levels.resize(in.jagged_depth());
    for (auto& level : levels) {
      level.clear();
      level.push_back(0);
    }
    direct[i] = in.layout == Interpretation::Layout::kFixed && in.item.coding != detail::Item::Coding::kBits;
    if (direct[i]) {
      // The entry count comes from the tree record; before allocating for it, check that the
      // baskets can hold that many entries (a corrupt count must not allocate gigabytes).
      const BranchModel& b = *targets[i].branch;
      const auto& facts = basket_facts_->facts[targets[i].index];
      const auto need = static_cast<double>(stops[i] - starts[i]) * static_cast<double>(in.entry_stride);
      double can_hold = 0;
      for (std::size_t k = first_task[i]; k < first_task[i + 1]; ++k) {
        const detail::BasketFacts& f = facts[tasks[k].basket];
        if (f.capacity_error) std::rethrow_exception(f.capacity_error);
        can_hold += static_cast<double>(f.capacity);
      }
      if (need > can_hold)
        throw CorruptFile(detail::corrupt_message(
            fmt::format("branch claims {} entries of {} bytes ({} bytes) but its baskets hold at most {} bytes",
                        stops[i] - starts[i], in.entry_stride, need, can_hold),
            "the TTree record", {fmt::format("TTree '{}'", path_), fmt::format("TBranch '{}'", b.name)},
            file_->path()));
      c.data().resize(static_cast<std::size_t>(stops[i] - starts[i]) * c.item_width() * column::dtype_size(in.dtype()));
      c.set_flat_entries(stops[i] - starts[i]);
      return;
    }
    if (auto items = count_vector_items(i)) {
      const auto entries = static_cast<std::size_t>(stops[i] - starts[i]);
      c.data().resize(static_cast<std::size_t>(*items) * c.item_width() * column::dtype_size(c.dtype()));
      auto& offsets = c.mutable_offsets()[0];
      offsets.resize(entries + 1);
      offsets[0] = 0;
      for (std::size_t k = first_task[i]; k < first_task[i + 1]; ++k) {
        slots[k].values = c.data().data() + static_cast<std::size_t>(slots[k].item_base) * c.item_width() *
                                                 column::dtype_size(c.dtype());
        slots[k].ends = offsets.data() + 1 + tasks[k].out_entry;
      }
      slotted[i] = 1;
      return;
    }
    // Decoded basket by basket, then joined; a single basket straight into the column.
    if (first_task[i + 1] - first_task[i] > 1) pieces[i].resize(first_task[i + 1] - first_task[i]);
  };
  std::vector<char> needs_sizes(tasks.size(), 0);
  auto decode_task = [&](std::size_t ti, const column::Column* sizes) {
    thread_local column::Buffer scratch;  // decompressed baskets, reused from task to task
    const Task& task = tasks[ti];
    const Target& t = targets[task.target];
    const detail::BasketRef& ref = t.branch->baskets[task.basket];
    const detail::BasketWhere where{path_, t.branch->name, task.basket};
    // Baskets read into their slots check the stored offsets while they use them; vectors fall
    // back to walking their entries by their own headers where the offsets are missing or wrong.
    const auto offsets = !slotted[task.target]                           ? detail::EntryOffsets::kParse
                         : detail::is_numeric_vector(*t.interpretation) ? detail::EntryOffsets::kStoredIfWhole
                                                                       : detail::EntryOffsets::kStored;
    const detail::RawBasket raw = detail::read_basket(*file_, ref, where, scratch, offsets);
    detail::ElementCounts ec;
    if (t.interpretation->count_branch) {
      ec.column = &counts.at(t.interpretation->count_branch);
      ec.first_entry = task.out_entry;
    } else if (sizes) {
      ec.column = sizes;  // covers the whole basket: basket entry e is at index e
      ec.first_entry = task.lo;
    }
    try {
      if (slotted[task.target]) {
        detail::decode_vectors_into(*t.interpretation, raw, task.lo, task.hi, where, file_->path(), slots[ti]);
      } else if (direct[task.target]) {
        column::Column& c = out[task.target];
        std::byte* dst = c.data().data() + static_cast<std::size_t>(task.out_entry) * c.item_width() *
                                               column::dtype_size(c.dtype());
        detail::decode_basket_into(*t.interpretation, raw, task.lo, task.hi, where, file_->path(), dst);
      } else if (pieces[task.target].empty()) {
        column::Column& c = out[task.target];
        c = detail::decode_basket(*t.interpretation, raw, task.lo, task.hi, where, file_->path(), ec, std::move(c));
      } else {
        column::Column& piece = pieces[task.target][ti - first_task[task.target]];
        piece = detail::decode_basket(*t.interpretation, raw, task.lo, task.hi, where, file_->path(), ec);
      }
    } catch (const detail::NeedsSizes&) {
      if (sizes) throw;
      needs_sizes[ti] = 1;
    }
  };
  std::vector<std::int64_t> task_bytes(tasks.size());
  for (std::size_t ti = 0; ti < tasks.size(); ++ti)
    task_bytes[ti] = targets[tasks[ti].target].branch->baskets[tasks[ti].basket].bytes;
  const core::Context ctx{detail::threads_for(task_bytes, core::Context{options.threads}.resolved_threads())};
  const detail::WorkPlan work = detail::plan_work(task_bytes, ctx.threads);
  // Each thread prepares the targets whose first basket is in its share: the columns it fills,
  // and at the next read of a batch-by-batch loop fills again, stay in its own cache. A target
  // whose baskets run on into later shares is thus prepared by an earlier share, which
  // parallel_shares prepares before it runs any item of the later ones.
  auto prepare_share = [&](int s) {
    const auto share = static_cast<std::size_t>(s);
    const auto targets_end = first_task.end() - 1;  // first_task has one entry per target, then the end
    const auto from = std::lower_bound(first_task.begin(), targets_end, work.shares[share]);
    const auto to = share + 2 == work.shares.size() ? targets_end  // the last share: trailing empty targets too
                                                    : std::lower_bound(from, targets_end, work.shares[share + 1]);
    for (auto it = from; it < to; ++it) prepare(static_cast<std::size_t>(it - first_task.begin()));
  };
  core::parallel_shares(work.shares, ctx, prepare_share,
                        [&](std::size_t k) { decode_task(work.order[k], nullptr); });
  // Baskets written without entry offsets (ROOT's kGenerateOffsetMap) are decoded again with the
  // sizes of their entries, read from the branch that counts them.
  for (std::size_t ti = 0; ti < tasks.size(); ++ti) {
    if (!needs_sizes[ti]) continue;
    const Target& t = targets[tasks[ti].target];
    const detail::BasketRef& ref = t.branch->baskets[tasks[ti].basket];
    const BranchModel* sb = t.interpretation->size_branch;
    const Interpretation sin = detail::interpret(*sb, file_->streamers());
    const column::Column sizes =
        std::move(read_targets({{sb, &sin, basket_facts_->index_of(sb)}}, {ref.first, ref.last}, {1}).front());
    decode_task(ti, &sizes);
  }

  std::vector<std::size_t> joined;  // the targets decoded in pieces
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (!pieces[i].empty()) joined.push_back(i);
  // In parallel only where there are several (a region's start costs more than moving one piece).
  core::parallel_for(joined.size(), ctx, [&](std::size_t k) {
    const std::size_t i = joined[k];
    out[i] = column::concat(std::move(pieces[i]), out[i], ctx);
  });
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (!direct[i] && !slotted[i] && first_task[i] == first_task[i + 1] && out[i].offsets().empty() &&
        !out[i].is_string())
      out[i].set_flat_entries(0);
  return out;
}

std::string Tree::basket_codecs(const BranchInfo& info) const {
  const auto i = static_cast<std::size_t>(&info - infos_.data());
  EVC_ASSERT(i < infos_.size(), "BranchInfo of another tree");
  const BranchModel* b = models_[i];
  std::map<std::string, int> counts;
  for (const auto& r : b->baskets)
    counts[r.embedded ? "embedded" : std::string(detail::codec_tag(detail::basket_codec(*file_, r)))]++;
  std::string out;
  for (const auto& [tag, n] : counts) out += fmt::format("{}{}:{}", out.empty() ? "" : " ", tag, n);
  return out;
}

}  // namespace evclass::root
