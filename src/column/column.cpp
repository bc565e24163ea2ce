#include "evclass/column/column.hpp"

#include <cstring>
#include <numeric>

#include "evclass/core/error.hpp"

namespace evclass::column {

std::size_t Column::item_width() const noexcept {
  std::size_t w = 1;
  for (auto d : inner_shape_) w *= static_cast<std::size_t>(d);
  return w;
}

std::size_t Column::size() const noexcept {
  if (is_string()) return string_offsets_.empty() ? 0 : string_offsets_.size() - 1;
  return data_.size() / dtype_size(dtype_);
}

entry_t Column::entries() const noexcept {
  if (!offsets_.empty()) return static_cast<entry_t>(offsets_.front().size()) - 1;
  if (flat_entries_ >= 0) return flat_entries_;
  const std::size_t w = item_width();
  return w == 0 ? 0 : static_cast<entry_t>(size() / w);
}

double Column::value_as_double(std::size_t i) const noexcept {
  return visit_numeric(dtype_, [&](auto zero) -> double {
    using T = decltype(zero);
    T v;
    std::memcpy(&v, data_.data() + i * sizeof(T), sizeof(T));
    return static_cast<double>(v);
  });
}

std::string_view Column::string_at(std::size_t i) const noexcept {
  auto b = static_cast<std::size_t>(string_offsets_[i]);
  auto e = static_cast<std::size_t>(string_offsets_[i + 1]);
  return {reinterpret_cast<const char*>(data_.data()) + b, e - b};
}

std::pair<std::size_t, std::size_t> Column::entry_value_range(entry_t e) const noexcept {
  auto first = static_cast<std::size_t>(e);
  auto last = first + 1;
  for (const auto& level : offsets_) {
    first = static_cast<std::size_t>(level[first]);
    last = static_cast<std::size_t>(level[last]);
  }
  const std::size_t w = item_width();
  return {first * w, last * w};
}

void Column::append(const Column& other) {
  EVC_ASSERT(other.dtype_ == dtype_ && other.offsets_.size() == offsets_.size() &&
                 other.inner_shape_ == inner_shape_,
             "appending a column of a different layout");
  if (flat_entries_ >= 0 || other.flat_entries_ >= 0)
    flat_entries_ = entries() + other.entries();
  for (std::size_t k = 0; k < offsets_.size(); ++k) {
    auto& mine = offsets_[k];
    const auto& theirs = other.offsets_[k];
    if (mine.empty()) mine.push_back(0);
    const std::int64_t base = mine.back();
    for (std::size_t i = 1; i < theirs.size(); ++i) mine.push_back(base + theirs[i] - theirs[0]);
  }
  if (is_string()) {
    if (string_offsets_.empty()) string_offsets_.push_back(0);
    const std::int64_t base = string_offsets_.back();
    const auto& theirs = other.string_offsets_;
    for (std::size_t i = 1; i < theirs.size(); ++i) string_offsets_.push_back(base + theirs[i] - theirs[0]);
  }
  data_.append(other.data_.data(), other.data_.size());
}

}  // namespace evclass::column

namespace evclass::column {

Column concat(std::vector<Column>&& pieces, const Column& prototype) {
  if (pieces.size() == 1) return std::move(pieces.front());
  Column out(prototype.dtype());
  out.set_inner_shape(prototype.inner_shape());
  const std::size_t depth = prototype.offsets().size();
  out.mutable_offsets().assign(depth, Offsets{0});
  std::size_t bytes = 0, strings = 0;
  std::vector<std::size_t> level_sizes(depth, 0);
  entry_t flat_entries = 0;
  bool any_flat_count = false;
  for (const auto& p : pieces) {
    EVC_ASSERT(p.dtype() == prototype.dtype() && p.offsets().size() == depth, "concatenating different layouts");
    bytes += p.data().size();
    if (p.is_string()) strings += p.string_offsets().size() - 1;
    for (std::size_t k = 0; k < depth; ++k) level_sizes[k] += p.offsets()[k].size() - 1;
    flat_entries += p.entries();
    any_flat_count = true;
  }
  out.data().resize(bytes);
  std::size_t at = 0;
  for (const auto& p : pieces) {
    if (!p.data().empty()) std::memcpy(out.data().data() + at, p.data().data(), p.data().size());
    at += p.data().size();
  }
  for (std::size_t k = 0; k < depth; ++k) {
    auto& level = out.mutable_offsets()[k];
    level.reserve(level_sizes[k] + 1);
    for (const auto& p : pieces) {
      const auto& theirs = p.offsets()[k];
      const std::int64_t base = level.back() - theirs.front();
      for (std::size_t i = 1; i < theirs.size(); ++i) level.push_back(base + theirs[i]);
    }
  }
  if (out.is_string()) {
    auto& so = out.mutable_string_offsets();
    so.reserve(strings + 1);
    for (const auto& p : pieces) {
      const auto& theirs = p.string_offsets();
      const std::int64_t base = so.back() - theirs.front();
      for (std::size_t i = 1; i < theirs.size(); ++i) so.push_back(base + theirs[i]);
    }
  }
  if (depth == 0 && !out.is_string() && any_flat_count) out.set_flat_entries(flat_entries);
  return out;
}

}  // namespace evclass::column
