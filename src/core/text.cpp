#include "evclass/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace evclass::core {

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string> closest_names(std::string_view name, const std::vector<std::string>& candidates,
                                       std::size_t max_count) {
  const std::string needle = lower(name);
  struct Scored {
    std::size_t score;
    const std::string* text;
  };
  std::vector<Scored> scored;
  for (const auto& c : candidates) {
    const std::string hay = lower(c);
    std::size_t d = edit_distance(needle, hay);
    if (!needle.empty() && (hay.find(needle) != std::string::npos || needle.find(hay) != std::string::npos))
      d = std::min<std::size_t>(d, 1);
    // Only suggest names that are plausibly what the user meant.
    if (d <= std::max<std::size_t>(2, needle.size() / 2)) scored.push_back({d, &c});
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const Scored& x, const Scored& y) { return x.score < y.score; });
  std::vector<std::string> out;
  for (const auto& s : scored) {
    if (out.size() == max_count) break;
    if (std::find(out.begin(), out.end(), *s.text) == out.end()) out.push_back(*s.text);
  }
  return out;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  auto best = closest_names(name, candidates);
  if (best.empty()) return "";
  std::string out = "did you mean ";
  for (std::size_t i = 0; i < best.size(); ++i) {
    if (i > 0) out += (i + 1 == best.size()) ? " or " : ", ";
    out += "'" + best[i] + "'";
  }
  return out + "?";
}

}  // namespace evclass::core
