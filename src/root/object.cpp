#include "root/object.hpp"

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

}  // namespace evclass::root::detail
