#include "evclass/column/column.hpp"

#include <cstring>
#include <numeric>

#include "evclass/core/error.hpp"
#include "evclass/core/parallel.hpp"

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

void Column::reset(DType dtype) {
  dtype_ = dtype;
  data_.clear();
  for (auto& level : offsets_) level.clear();
  inner_shape_.clear();
  string_offsets_.clear();
  if (dtype == DType::kString) string_offsets_.push_back(0);
  flat_entries_ = -1;
}

Column concat(std::vector<Column>&& pieces, const Column& prototype, const core::Context& ctx) {
  if (pieces.size() == 1) return std::move(pieces.front());
  Column out(prototype.dtype());
  out.set_inner_shape(prototype.inner_shape());
  const std::size_t depth = prototype.offsets().size();
  const std::size_t n = pieces.size();
  // Where each piece's bytes, offsets of every level and string offsets go, and the value each
  // piece's offsets are shifted by (the items of that level before it).
  std::vector<std::size_t> byte_at(n + 1, 0), string_at(n + 1, 0);
  std::vector<std::vector<std::size_t>> level_at(depth, std::vector<std::size_t>(n + 1, 0));
  std::vector<std::vector<std::int64_t>> level_base(depth, std::vector<std::int64_t>(n + 1, 0));
  std::vector<std::int64_t> string_base(n + 1, 0);
  entry_t flat_entries = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const Column& p = pieces[k];
    EVC_ASSERT(p.dtype() == prototype.dtype() && p.offsets().size() == depth, "concatenating different layouts");
    byte_at[k + 1] = byte_at[k] + p.data().size();
    for (std::size_t l = 0; l < depth; ++l) {
      const auto& o = p.offsets()[l];
      level_at[l][k + 1] = level_at[l][k] + o.size() - 1;
      level_base[l][k + 1] = level_base[l][k] + (o.back() - o.front());
    }
    if (p.is_string()) {
      const auto& so = p.string_offsets();
      string_at[k + 1] = string_at[k] + so.size() - 1;
      string_base[k + 1] = string_base[k] + (so.back() - so.front());
    }
    flat_entries += p.entries();
  }
  out.data().resize(byte_at[n]);
  out.mutable_offsets().resize(depth);
  for (std::size_t l = 0; l < depth; ++l) {
    out.mutable_offsets()[l].resize(level_at[l][n] + 1);
    out.mutable_offsets()[l][0] = 0;
  }
  if (out.is_string()) {
    out.mutable_string_offsets().resize(string_at[n] + 1);
    out.mutable_string_offsets()[0] = 0;
  }
  core::parallel_for(n, ctx, [&](std::size_t k) {
    const Column& p = pieces[k];
    if (!p.data().empty()) std::memcpy(out.data().data() + byte_at[k], p.data().data(), p.data().size());
    for (std::size_t l = 0; l < depth; ++l) {
      const auto& o = p.offsets()[l];
      auto* dst = out.mutable_offsets()[l].data() + level_at[l][k] + 1;
      const std::int64_t shift = level_base[l][k] - o.front();
      for (std::size_t i = 1; i < o.size(); ++i) dst[i - 1] = o[i] + shift;
    }
    if (p.is_string()) {
      const auto& so = p.string_offsets();
      auto* dst = out.mutable_string_offsets().data() + string_at[k] + 1;
      const std::int64_t shift = string_base[k] - so.front();
      for (std::size_t i = 1; i < so.size(); ++i) dst[i - 1] = so[i] + shift;
    }
  });
  if (depth == 0 && !out.is_string()) out.set_flat_entries(flat_entries);
  return out;
}

}  // namespace evclass::column
