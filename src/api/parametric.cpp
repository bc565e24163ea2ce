#include "api/parametric.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/random.hpp"
#include "evclass/eval/roc.hpp"

namespace evclass::api::detail {

namespace {

constexpr std::size_t kMaxParameterValues = 64;

bool in(const std::vector<double>& values, double v) {
  return std::any_of(values.begin(), values.end(), [&](double x) { return static_cast<float>(x) == static_cast<float>(v); });
}

}  // namespace

std::size_t parameter_column(const Config& config, const std::string& parameter) {
  for (std::size_t j = 0; j < config.features.use.size(); ++j)
    if (config.features.use[j].text == parameter) return j;
  EVC_ASSERT(false, "[features] parameters are checked to be features");
  return 0;
}

Subset parametric_training_set(const Subset& s, const ModelConfig& model, std::size_t column, std::size_t nf,
                               std::uint64_t seed) {
  const std::size_t n = s.rows.size();
  const float* param = s.features.data() + column * n;
  std::vector<std::size_t> keep;
  std::vector<float> signal_values;
  for (std::size_t i = 0; i < n; ++i) {
    if (s.labels[i] == 1) {
      const bool listed = in(model.train_at.empty() ? model.leave_out : model.train_at, param[i]);
      if (listed != model.train_at.empty()) {
        keep.push_back(i);
        signal_values.push_back(param[i]);
      }
    } else {
      keep.push_back(i);
    }
  }
  if (signal_values.empty())
    throw ConfigError(fmt::format("model '{}': no signal training event is left by {} (check the values against the "
                                  "signal's parameter values)",
                                  model.name, model.train_at.empty() ? "leave_out" : "train_at"));
  Subset out = select(s, keep, nf);
  const std::size_t m = out.rows.size();
  float* out_param = out.features.data() + column * m;
  core::SplitMix64 rng(core::mix_key(seed, 0x9a7a, m));
  for (std::size_t i = 0; i < m; ++i)
    if (out.labels[i] != 1) out_param[i] = signal_values[rng.below(signal_values.size())];
  return out;
}

nlohmann::json evaluate_by_parameter(const ModelBundle& bundle, const Subset& test, std::size_t column, std::size_t nf,
                                     std::span<const std::int32_t> folds_of_events, const core::Context& ctx) {
  const std::size_t n = test.rows.size();
  const float* param = test.features.data() + column * n;
  std::vector<float> values;
  for (std::size_t i = 0; i < n; ++i)
    if (test.labels[i] == 1 && std::find(values.begin(), values.end(), param[i]) == values.end()) {
      values.push_back(param[i]);
      if (values.size() > kMaxParameterValues)
        return nlohmann::json::array({{{"skipped", fmt::format("the signal's parameter takes more than {} values",
                                                              kMaxParameterValues)}}});
    }
  std::sort(values.begin(), values.end());
  std::vector<std::size_t> background;
  for (std::size_t i = 0; i < n; ++i)
    if (test.labels[i] != 1) background.push_back(i);
  auto out = nlohmann::json::array();
  for (const float v : values) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < n; ++i)
      if (test.labels[i] == 1 && param[i] == v) rows.push_back(i);
    const std::size_t n_signal = rows.size();
    rows.insert(rows.end(), background.begin(), background.end());
    Subset at = select(test, rows, nf);
    const std::size_t m = at.rows.size();
    std::fill(at.features.begin() + static_cast<std::ptrdiff_t>(column * m),
              at.features.begin() + static_cast<std::ptrdiff_t>((column + 1) * m), v);
    std::vector<float> scores(m);
    if (folds_of_events.empty()) {
      bundle.predict(at.features, m, scores, ctx);
    } else {
      // Each event by the model of its fold (which did not train on it).
      const std::vector<float> scaled = bundle.scaler.transform(at.matrix(nf), ctx);
      for (std::size_t f = 0; f < bundle.folds.size(); ++f) {
        std::vector<std::size_t> mine;
        for (std::size_t i = 0; i < m; ++i)
          if (static_cast<std::size_t>(folds_of_events[at.rows[i]]) == f) mine.push_back(i);
        std::vector<float> x(mine.size() * nf), s(mine.size());
        for (std::size_t j = 0; j < nf; ++j)
          for (std::size_t k = 0; k < mine.size(); ++k) x[j * mine.size() + k] = scaled[j * m + mine[k]];
        bundle.folds[f]->predict({x, mine.size(), nf}, s, ctx);
        for (std::size_t k = 0; k < mine.size(); ++k) scores[mine[k]] = s[k];
      }
    }
    const std::string context = fmt::format("model '{}' at parameter value {}", bundle.name, v);
    const double auc = eval::roc_auc(eval::LabeledScores{scores, at.labels, {}, context});
    double auc_w = std::nan("");
    try {
      auc_w = eval::roc_auc(eval::LabeledScores{scores, at.labels, at.weights, context});
    } catch (const Error&) {
      // A class whose weights sum to <= 0 at this value: the weighted AUC is undefined.
    }
    out.push_back({{"value", v},
                   {"auc", auc},
                   {"auc_weighted", std::isnan(auc_w) ? nlohmann::json(nullptr) : nlohmann::json(auc_w)},
                   {"signal", n_signal},
                   {"background", background.size()}});
  }
  return out;
}

}  // namespace evclass::api::detail
