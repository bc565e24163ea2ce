#pragma once
// A deserialised ROOT object whose layout came from the file's streamer infos (or from one of
// the few built-in custom streamers). The tree model is built from these; nothing outside the
// root module sees them.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace evclass::root::detail {

struct Object;
using ObjectPtr = std::shared_ptr<Object>;

using Value = std::variant<std::monostate, std::int64_t, double, std::string, std::vector<std::int64_t>,
                           std::vector<double>, ObjectPtr, std::vector<ObjectPtr>>;

struct Object {
  std::string class_name;
  int version = 0;
  std::vector<std::pair<std::string, Value>> members;  ///< in streaming order, bases flattened in
  std::vector<ObjectPtr> items;                        ///< contents of TList / TObjArray
  std::string raw;          ///< raw bytes kept by some built-in streamers (embedded TBasket data)
  bool opaque = false;      ///< skipped with its byte count: a class we do not interpret
  std::int64_t where = -1;  ///< tag position it was read at (identity for references)

  [[nodiscard]] const Value* find(std::string_view name) const noexcept;
  void set(std::string name, Value v) { members.emplace_back(std::move(name), std::move(v)); }

  [[nodiscard]] std::int64_t get_int(std::string_view name, std::int64_t fallback = 0) const noexcept;
  [[nodiscard]] double get_double(std::string_view name, double fallback = 0) const noexcept;
  [[nodiscard]] std::string get_string(std::string_view name) const;
  [[nodiscard]] ObjectPtr get_object(std::string_view name) const noexcept;
  [[nodiscard]] std::vector<std::int64_t> get_ints(std::string_view name) const;
};

/// Clears every object reachable from `root`, breaking the reference cycles ROOT's object graphs
/// contain (a branch's fBranchCount pointing back into its parent's list), so that they are freed.
void dismantle(const ObjectPtr& root);

}  // namespace evclass::root::detail
