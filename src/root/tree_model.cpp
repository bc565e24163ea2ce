#include "root/tree_model.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "root/rbuffer.hpp"

namespace evclass::root::detail {

std::vector<std::int64_t> title_dimensions(std::string_view title) {
  std::vector<std::int64_t> dims;
  // Only the part before a type suffix ("/F") or a range ("[0,1,10]" of Float16) counts.
  const auto slash = title.find('/');
  std::string_view t = title.substr(0, slash);
  std::size_t pos = 0;
  while ((pos = t.find('[', pos)) != std::string_view::npos) {
    const auto close = t.find(']', pos);
    if (close == std::string_view::npos) break;
    const std::string_view inside = t.substr(pos + 1, close - pos - 1);
    if (inside.find(',') != std::string_view::npos) break;  // a Float16/Double32 range, not a dimension
    bool numeric = !inside.empty();
    for (char c : inside) numeric = numeric && std::isdigit(static_cast<unsigned char>(c));
    if (numeric) dims.push_back(std::stoll(std::string(inside)));
    pos = close + 1;
  }
  return dims;
}

namespace {

struct Builder {
  std::int64_t file_size;
  const std::string& file_path;
  const std::string& tree_path;
  std::map<const Object*, const LeafModel*> leaf_of;
  std::map<const Object*, const BranchModel*> branch_of;
  std::map<const Object*, const BranchModel*> leaf_branch;
  std::vector<std::pair<LeafModel*, const Object*>> pending_leaf_counts;
  std::vector<std::pair<BranchModel*, std::pair<const Object*, const Object*>>> pending_branch_counts;

  [[noreturn]] void fail(const BranchModel& b, const std::string& what) const {
    throw CorruptFile(corrupt_message(what, "the TTree record",
                                      {fmt::format("TTree '{}'", tree_path), fmt::format("TBranch '{}'", b.name)},
                                      file_path));
  }

  std::unique_ptr<LeafModel> leaf(const ObjectPtr& obj, const BranchModel& owner) {
    auto l = std::make_unique<LeafModel>();
    l->class_name = obj->class_name;
    l->name = obj->get_string("fName");
    l->title = obj->get_string("fTitle");
    l->fLen = static_cast<std::int32_t>(obj->get_int("fLen", 1));
    l->fLenType = static_cast<std::int32_t>(obj->get_int("fLenType"));
    l->fIsUnsigned = obj->get_int("fIsUnsigned") != 0;
    l->fMaximum = obj->get_int("fMaximum");
    l->fID = static_cast<std::int32_t>(obj->get_int("fID", -1));
    l->fType = static_cast<std::int32_t>(obj->get_int("fType"));
    l->dims = title_dimensions(l->title);
    if (l->class_name == "TLeafF16" || l->class_name == "TLeafD32") l->range = parse_float_range(l->title);
    leaf_of[obj.get()] = l.get();
    leaf_branch[obj.get()] = &owner;
    if (auto count = obj->get_object("fLeafCount")) pending_leaf_counts.emplace_back(l.get(), count.get());
    return l;
  }

  std::unique_ptr<BranchModel> branch(const ObjectPtr& obj, BranchModel* parent, int depth) {
    if (depth > 64) throw CorruptFile(corrupt_message("branches nested more than 64 deep", "the TTree record",
                                                      {fmt::format("TTree '{}'", tree_path)}, file_path));
    auto b = std::make_unique<BranchModel>();
    b->class_name = obj->class_name;
    b->name = obj->get_string("fName");
    b->title = obj->get_string("fTitle");
    b->parent = parent;
    if (obj->opaque) fail(*b, fmt::format("branch of class {} could not be read", obj->class_name));
    b->fEntries = obj->get_int("fEntries");
    b->fEntryOffsetLen = static_cast<std::int32_t>(obj->get_int("fEntryOffsetLen"));
    b->fTotBytes = obj->get_int("fTotBytes");
    b->fZipBytes = obj->get_int("fZipBytes");
    b->fClassName = obj->get_string("fClassName");
    b->fParentName = obj->get_string("fParentName");
    b->fClonesName = obj->get_string("fClonesName");
    b->fClassVersion = static_cast<std::int32_t>(obj->get_int("fClassVersion"));
    b->fCheckSum = static_cast<std::uint32_t>(obj->get_int("fCheckSum"));
    b->fID = static_cast<std::int32_t>(obj->get_int("fID", -1));
    b->fType = static_cast<std::int32_t>(obj->get_int("fType"));
    b->fStreamerType = static_cast<std::int32_t>(obj->get_int("fStreamerType", -1));
    b->fMaximum = static_cast<std::int32_t>(obj->get_int("fMaximum"));
    branch_of[obj.get()] = b.get();
    pending_branch_counts.push_back({b.get(), {obj->get_object("fBranchCount").get(), obj->get_object("fBranchCount2").get()}});

    baskets(*obj, *b);
    if (auto leaves = obj->get_object("fLeaves"))
      for (const auto& l : leaves->items)
        if (l) b->leaves.push_back(leaf(l, *b));
    if (auto subs = obj->get_object("fBranches"))
      for (const auto& s : subs->items)
        if (s) b->branches.push_back(branch(s, b.get(), depth + 1));
    return b;
  }

  void baskets(const Object& obj, BranchModel& b) {
    const auto seeks = obj.get_ints("fBasketSeek");
    const auto bytes = obj.get_ints("fBasketBytes");
    const auto entry = obj.get_ints("fBasketEntry");
    const std::int64_t write_basket = obj.get_int("fWriteBasket");
    std::size_t normal = 0;
    while (normal < seeks.size() && static_cast<std::int64_t>(normal) < write_basket && seeks[normal] != 0) ++normal;
    if (normal > bytes.size() || normal > entry.size())
      fail(b, fmt::format("branch lists {} basket positions but only {} sizes and {} first entries", normal, bytes.size(),
                          entry.size()));
    entry_t next = 0;
    for (std::size_t i = 0; i < normal; ++i) {
      BasketRef r;
      r.seek = seeks[i];
      r.bytes = static_cast<std::int32_t>(bytes[i]);
      r.first = entry[i];
      r.last = i + 1 < entry.size() ? entry[i + 1] : b.fEntries;
      if (i + 1 == normal && i + 1 < entry.size() && entry[i + 1] == 0) r.last = b.fEntries;
      if (r.first != next || r.last < r.first)
        fail(b, fmt::format("basket {} covers entries {} to {}, but the previous basket ended at entry {}", i, r.first,
                            r.last, next));
      if (r.seek <= 0 || r.bytes <= 0 || r.seek > file_size || r.bytes > file_size - r.seek)
        fail(b, fmt::format("basket {} at offset {} with {} bytes lies outside the file ({} bytes)", i, r.seek, r.bytes,
                            file_size));
      next = r.last;
      b.baskets.push_back(r);
    }
    if (auto embedded = obj.get_object("fBaskets")) {
      for (const auto& basket : embedded->items) {
        if (!basket || basket->opaque || basket->raw.empty() || basket->get_int("fNevBuf") <= 0) continue;
        // A basket already written to disk may still sit in the list: it is one of the normal ones.
        const std::int64_t seek = basket->get_int("fSeekKey");
        if (seek != 0 && std::find(seeks.begin(), seeks.begin() + static_cast<std::ptrdiff_t>(normal), seek) !=
                             seeks.begin() + static_cast<std::ptrdiff_t>(normal))
          continue;
        BasketRef r;
        r.first = next;
        r.last = next + basket->get_int("fNevBuf");
        auto e = std::make_shared<EmbeddedBasket>();
        e->buffer = basket->raw;
        e->fKeylen = basket->get_int("fKeylen");
        e->fLast = basket->get_int("fLast");
        if (const Value* offsets = basket->find("offsets")) {
          e->has_offsets = true;
          e->offsets = std::get<std::vector<std::int64_t>>(*offsets);
        }
        r.embedded = std::move(e);
        next = r.last;
        b.baskets.push_back(r);
      }
    }
    if (!b.baskets.empty() && next != b.fEntries)
      fail(b, fmt::format("branch's baskets hold {} entries but the branch says it has {}", next, b.fEntries));
  }

  void resolve() {
    for (auto& [leaf, count] : pending_leaf_counts) {
      auto it = leaf_of.find(count);
      if (it != leaf_of.end()) {
        leaf->count = it->second;
        leaf->count_branch = leaf_branch[count];
      }
    }
    for (auto& [b, counts] : pending_branch_counts) {
      if (counts.first) {
        auto it = branch_of.find(counts.first);
        if (it != branch_of.end()) b->branch_count = it->second;
      }
      if (counts.second) {
        auto it = branch_of.find(counts.second);
        if (it != branch_of.end()) b->branch_count2 = it->second;
      }
    }
  }
};

}  // namespace

std::unique_ptr<TreeModel> build_tree_model(const Object& tree, std::int64_t file_size, const std::string& file_path,
                                            const std::string& tree_path) {
  auto t = std::make_unique<TreeModel>();
  t->class_name = tree.class_name;
  t->name = tree.get_string("fName");
  t->title = tree.get_string("fTitle");
  t->entries = tree.get_int("fEntries");
  Builder builder{file_size, file_path, tree_path, {}, {}, {}, {}, {}};
  if (auto branches = tree.get_object("fBranches"))
    for (const auto& b : branches->items)
      if (b) t->branches.push_back(builder.branch(b, nullptr, 0));
  builder.resolve();
  return t;
}

}  // namespace evclass::root::detail
