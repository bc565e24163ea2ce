#include "evclass/learn/scaler.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "learn/json_read.hpp"

namespace evclass::learn {

std::string_view to_string(ScalerKind kind) {
  switch (kind) {
    case ScalerKind::none: return "none";
    case ScalerKind::standard: return "standard";
    case ScalerKind::minmax: return "minmax";
  }
  return "none";
}

ScalerKind parse_scaler_kind(std::string_view text) {
  for (auto kind : {ScalerKind::none, ScalerKind::standard, ScalerKind::minmax})
    if (to_string(kind) == text) return kind;
  throw ConfigError(fmt::format("unknown scaler '{}'; choose one of none, standard, minmax", text));
}

namespace {

struct ColumnFit {
  double shift = 0.0;
  double scale = 1.0;
};

ColumnFit fit_standard(std::span<const float> col) {
  // Two passes in double (mean, then squared deviations): exact enough and deterministic.
  double sum = 0.0;
  std::size_t n = 0;
  for (float v : col)
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  if (n == 0) return {};
  const double mean = sum / static_cast<double>(n);
  double squares = 0.0;
  for (float v : col)
    if (std::isfinite(v)) squares += (v - mean) * (v - mean);
  const double std_dev = std::sqrt(squares / static_cast<double>(n));  // population std, as scikit-learn
  return {mean, std_dev > 0.0 ? std_dev : 1.0};
}

ColumnFit fit_minmax(std::span<const float> col) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (float v : col)
    if (std::isfinite(v)) {
      lo = std::min<double>(lo, v);
      hi = std::max<double>(hi, v);
    }
  if (!(lo <= hi)) return {};
  const double range = hi - lo;
  return {lo, range > 0.0 ? range : 1.0};
}

}  // namespace

void Scaler::fit(const FeatureMatrix& x, const core::Context& ctx) {
  EVC_ASSERT(x.data.size() == x.rows * x.cols, "feature matrix size != rows * cols");
  shift_.assign(x.cols, 0.0);
  scale_.assign(x.cols, 1.0);
  fitted_ = true;
  if (kind_ == ScalerKind::none) return;
  core::parallel_for(x.cols, ctx, [&](std::size_t j) {
    const ColumnFit f = kind_ == ScalerKind::standard ? fit_standard(x.column(j)) : fit_minmax(x.column(j));
    shift_[j] = f.shift;
    scale_[j] = f.scale;
  });
}

std::vector<float> Scaler::transform(const FeatureMatrix& x, const core::Context& ctx) const {
  EVC_ASSERT(fitted_, "Scaler::transform before fit");
  if (x.cols != shift_.size())
    throw ConfigError(fmt::format("scaler was fitted on {} features but is applied to {}", shift_.size(), x.cols));
  EVC_ASSERT(x.data.size() == x.rows * x.cols, "feature matrix size != rows * cols");
  std::vector<float> out(x.data.size());
  core::parallel_for(x.cols, ctx, [&](std::size_t j) {
    const auto col = x.column(j);
    float* dst = out.data() + j * x.rows;
    const double shift = shift_[j];
    const double inverse = 1.0 / scale_[j];
    for (std::size_t i = 0; i < col.size(); ++i) dst[i] = static_cast<float>((col[i] - shift) * inverse);
  });
  return out;
}

nlohmann::json Scaler::to_json() const {
  return {{"kind", std::string(to_string(kind_))}, {"shift", shift_}, {"scale", scale_}};
}

Scaler Scaler::from_json(const nlohmann::json& j) {
  const detail::JsonReader reader(j, "scaler JSON");
  const std::string kind_text = reader.string("kind");
  Scaler s;
  bool known = false;
  for (auto kind : {ScalerKind::none, ScalerKind::standard, ScalerKind::minmax})
    if (to_string(kind) == kind_text) {
      s.kind_ = kind;
      known = true;
    }
  if (!known) throw CorruptFile(fmt::format("scaler JSON: unknown kind '{}' (none, standard, minmax)", kind_text));
  const auto& shift = reader.field("shift");
  if (!shift.is_array()) throw CorruptFile("scaler JSON: field \"shift\" must be an array of numbers");
  s.shift_ = reader.numbers("shift", shift.size());
  s.scale_ = reader.numbers("scale", shift.size());
  for (std::size_t i = 0; i < s.scale_.size(); ++i)
    if (s.scale_[i] == 0.0) throw CorruptFile(fmt::format("scaler JSON: field \"scale\" entry {} is 0", i));
  s.fitted_ = true;
  return s;
}

}  // namespace evclass::learn
