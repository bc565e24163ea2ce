#include "root/object.hpp"

#include <unordered_set>

namespace evclass::root::detail {

const Value* Object::find(std::string_view name) const noexcept {
  for (const auto& [n, v] : members)
    if (n == name) return &v;
  return nullptr;
}

std::int64_t Object::get_int(std::string_view name, std::int64_t fallback) const noexcept {
  const Value* v = find(name);
  if (!v) return fallback;
  if (auto* i = std::get_if<std::int64_t>(v)) return *i;
  if (auto* d = std::get_if<double>(v)) return static_cast<std::int64_t>(*d);
  return fallback;
}

double Object::get_double(std::string_view name, double fallback) const noexcept {
  const Value* v = find(name);
  if (!v) return fallback;
  if (auto* d = std::get_if<double>(v)) return *d;
  if (auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  return fallback;
}

std::string Object::get_string(std::string_view name) const {
  const Value* v = find(name);
  if (v)
    if (auto* s = std::get_if<std::string>(v)) return *s;
  return {};
}

ObjectPtr Object::get_object(std::string_view name) const noexcept {
  const Value* v = find(name);
  if (v)
    if (auto* o = std::get_if<ObjectPtr>(v)) return *o;
  return nullptr;
}

std::vector<std::int64_t> Object::get_ints(std::string_view name) const {
  const Value* v = find(name);
  if (v) {
    if (auto* a = std::get_if<std::vector<std::int64_t>>(v)) return *a;
    if (auto* d = std::get_if<std::vector<double>>(v)) return {d->begin(), d->end()};
  }
  return {};
}

void dismantle(const ObjectPtr& root) {
  std::vector<ObjectPtr> pending{root};
  std::vector<ObjectPtr> seen;
  std::unordered_set<const Object*> visited;
  while (!pending.empty()) {
    ObjectPtr o = std::move(pending.back());
    pending.pop_back();
    if (!o || !visited.insert(o.get()).second) continue;
    for (auto& [name, v] : o->members) {
      if (auto* p = std::get_if<ObjectPtr>(&v)) pending.push_back(*p);
      else if (auto* ps = std::get_if<std::vector<ObjectPtr>>(&v))
        pending.insert(pending.end(), ps->begin(), ps->end());
    }
    pending.insert(pending.end(), o->items.begin(), o->items.end());
    seen.push_back(o);
  }
  // Cleared only after the walk, so every object is visited through intact members.
  for (auto& o : seen) {
    o->members.clear();
    o->items.clear();
  }
}

}  // namespace evclass::root::detail
