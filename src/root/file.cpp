#include "evclass/root/file.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"
#include "root/file_impl.hpp"
#include "root/tree_model.hpp"

namespace evclass::root {

namespace {

bool is_tree_class(std::string_view c) { return c == "TTree" || c == "TNtuple" || c == "TNtupleD"; }

ObjectInfo info_of(const detail::ListedKey& k) {
  ObjectInfo o;
  o.path = k.path();
  o.name = k.key.fName;
  o.class_name = k.key.fClassName;
  o.title = k.key.fTitle;
  o.cycle = k.key.fCycle;
  o.seek = k.key.fSeekKey;
  o.stored_bytes = k.key.fNbytes;
  o.object_bytes = k.key.fObjlen;
  return o;
}

}  // namespace

bool ObjectInfo::is_tree() const noexcept { return is_tree_class(class_name); }
bool ObjectInfo::is_directory() const noexcept { return class_name == "TDirectory" || class_name == "TDirectoryFile"; }

File File::open(const std::string& path) {
  return File(std::make_shared<detail::FileImpl>(detail::Source::open_file(path)));
}

File File::from_bytes(std::vector<std::byte> bytes, std::string name) {
  return File(std::make_shared<detail::FileImpl>(detail::Source::from_memory(std::move(bytes), std::move(name))));
}

const std::string& File::path() const noexcept { return impl_->path(); }
int File::root_version() const noexcept { return impl_->header().root_version(); }
int File::compression_setting() const noexcept { return impl_->header().fCompress; }
std::int64_t File::size() const noexcept { return static_cast<std::int64_t>(impl_->file_bytes().size()); }
std::string File::warning() const {
  if (impl_->streamer_problem().empty()) return {};
  return "the streamer-info record could not be read, so trees cannot be read: " + impl_->streamer_problem();
}

std::vector<ObjectInfo> File::objects() const {
  std::vector<ObjectInfo> out;
  for (const auto& k : impl_->keys()) out.push_back(info_of(k));
  return out;
}

std::vector<ObjectInfo> File::trees() const {
  std::vector<ObjectInfo> out;
  std::map<std::string, std::size_t> index;
  for (const auto& k : impl_->keys()) {
    if (!is_tree_class(k.key.fClassName)) continue;
    ObjectInfo o = info_of(k);
    auto it = index.find(o.path);
    if (it == index.end()) {
      index[o.path] = out.size();
      out.push_back(std::move(o));
    } else if (o.cycle > out[it->second].cycle) {
      out[it->second] = std::move(o);
    }
  }
  return out;
}

Tree File::tree(std::string_view path, int cycle) const {
  std::string name(path);
  if (auto semi = name.rfind(';'); semi != std::string::npos) {
    int c = 0;
    auto [p, ec] = std::from_chars(name.data() + semi + 1, name.data() + name.size(), c);
    if (ec == std::errc() && p == name.data() + name.size()) {
      cycle = c;
      name.resize(semi);
    }
  }
  while (name.starts_with("/")) name.erase(0, 1);
  const detail::ListedKey* best = nullptr;
  std::vector<std::string> candidates;
  for (const auto& k : impl_->keys()) {
    if (!is_tree_class(k.key.fClassName)) continue;
    candidates.push_back(k.path());
    if (k.path() != name) continue;
    if (cycle >= 0 ? k.key.fCycle == cycle : (!best || k.key.fCycle > best->key.fCycle)) best = &k;
  }
  if (!best) {
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    std::string msg = cycle >= 0 ? fmt::format("no tree '{};{}' in {}", name, cycle, impl_->path())
                                 : fmt::format("no tree '{}' in {}", name, impl_->path());
    if (auto hint = core::did_you_mean(name, candidates); !hint.empty()) msg += "; " + hint;
    else if (!candidates.empty()) msg += fmt::format("; its trees are: {}", fmt::join(candidates, ", "));
    else msg += "; it holds no trees";
    throw KeyNotFound(msg);
  }
  if (!impl_->streamer_problem().empty())
    throw CorruptFile(fmt::format("cannot read tree '{}': {}", name, impl_->streamer_problem()));
  auto obj = impl_->read_object(*best);
  std::shared_ptr<const detail::TreeModel> model;
  try {
    model = detail::build_tree_model(*obj, static_cast<std::int64_t>(impl_->file_bytes().size()), impl_->path(), name);
  } catch (...) {
    detail::dismantle(obj);
    throw;
  }
  detail::dismantle(obj);
  return Tree(impl_, std::move(model), name, best->key.fCycle);
}

}  // namespace evclass::root
