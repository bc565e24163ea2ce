#include "root/rbuffer.hpp"

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::root::detail {

std::string corrupt_message(std::string_view what, std::string_view where, const std::vector<std::string>& context,
                            std::string_view file_path) {
  std::string msg = fmt::format("{}, at {}", what, where);
  for (auto it = context.rbegin(); it != context.rend(); ++it) msg += fmt::format("\n  while reading {}", *it);
  msg += fmt::format("\n  in file {}", file_path);
  return msg;
}

std::string RBuffer::describe_pos(std::size_t pos) const {
  if (origin_.decompressed)
    return fmt::format("byte {} of the decompressed object of the key at file offset {}", pos, origin_.key_offset);
  return fmt::format("file offset {}", origin_.file_offset + static_cast<std::int64_t>(pos));
}

void RBuffer::fail_at(std::string_view message, std::size_t pos) const {
  std::vector<std::string> context = outer_;
  if (outer_lazy_)
    for (auto& c : outer_lazy_->context()) context.push_back(std::move(c));
  for (const auto& c : crumbs_) {
    const std::string what = c.prefix ? fmt::format("{} {}{}", c.prefix, c.number, c.suffix) : c.description;
    context.push_back(fmt::format("{} (starting at {})", what, describe_pos(c.pos)));
  }
  throw CorruptFile(corrupt_message(message, describe_pos(pos), context, origin_.file_path));
}

void RBuffer::fail(std::string_view message) const { fail_at(message, pos_); }

void RBuffer::fail_size(std::string_view what, std::size_t wanted, std::size_t at) const {
  fail_at(fmt::format("expected {} ({} bytes) but only {} bytes are left", what, wanted, data_.size() - std::min(at, data_.size())), at);
}

std::string RBuffer::tstring(std::string_view what) { return std::string(tstring_view(what)); }

std::string_view RBuffer::tstring_view(std::string_view what) {
  std::size_t n = u8(what);
  if (n == 255) {
    std::int32_t len = i32(what);
    if (len < 0) fail(fmt::format("negative length {} of {}", len, what));
    n = static_cast<std::size_t>(len);
  }
  auto b = bytes(n, what);
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string RBuffer::cstring(std::string_view what, std::size_t max_length) {
  const std::size_t start = pos_;
  const std::size_t limit = std::min(data_.size(), pos_ + max_length);
  for (std::size_t i = pos_; i < limit; ++i) {
    if (data_[i] == std::byte{0}) {
      std::string out(reinterpret_cast<const char*>(data_.data()) + start, i - start);
      pos_ = i + 1;
      return out;
    }
  }
  fail(fmt::format("expected a NUL-terminated {} of at most {} characters", what, max_length));
}

}  // namespace evclass::root::detail
