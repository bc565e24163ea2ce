#include "api/events.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "api/input.hpp"
#include "evclass/core/error.hpp"

namespace evclass::api::detail {

namespace {

// Internal spectators the pipeline needs besides the user's (stripped from the outputs).
constexpr std::string_view kLabelColumn = "__label";
constexpr std::string_view kXsecColumn = "__cross_section";
constexpr std::string_view kSumwColumn = "__sum_weights";
constexpr std::string_view kSplitColumn = "__split";
constexpr std::string_view kTestColumn = "__test";
constexpr std::string_view kValidationColumn = "__validation";

feature::Named named(std::string name, const ExprText& e) { return {std::move(name), e.text, e.where.to_string()}; }

std::size_t class_index(const Config& config, const std::string& name, const SourcePosition& where) {
  const auto it = std::find(config.classes.begin(), config.classes.end(), name);
  if (it == config.classes.end())
    throw ConfigError(fmt::format("{}: class '{}' is not one of the run's classes ({})", where.to_string(), name,
                                  fmt::join(config.classes, ", ")));
  return static_cast<std::size_t>(it - config.classes.begin());
}

// Class names of label values 0, 1, ... of a sample that takes its labels from a column.
std::vector<std::string> label_classes(const Config& config, const SampleConfig& s) {
  if (!s.label_classes.empty()) return s.label_classes;
  return config.classes;
}

// The normalisation factor that does not depend on the event: 1000 pb/fb × L × k × ε / ε_skim,
// over the sum of weights when it is a number.
double constant_factor(const Config& config, const Normalisation& n) {
  double f = 1000.0 * config.weights.luminosity_fb * n.k_factor * n.efficiency / n.skim_efficiency;
  if (n.cross_section_pb) f *= *n.cross_section_pb;
  if (n.sum_weights) f /= *n.sum_weights;
  return f;
}

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

// The terms of a cut written as `a && b && c` (also `and`), so that the cut flow counts events
// after each; a cut with a top-level `||`, `or` or `?` stays whole (splitting it would change it).
std::vector<std::string> conjunction_terms(const std::string& text) {
  std::vector<std::string> terms;
  int depth = 0;
  std::size_t start = 0;
  const auto word_at = [&](std::size_t i, std::string_view w) {
    return text.compare(i, w.size(), w) == 0 && (i == 0 || !identifier_char(text[i - 1])) &&
           (i + w.size() >= text.size() || !identifier_char(text[i + w.size()]));
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '(' || c == '[') ++depth;
    else if (c == ')' || c == ']') --depth;
    if (depth != 0) continue;
    if (text.compare(i, 2, "||") == 0 || c == '?' || word_at(i, "or")) return {text};
    std::size_t len = text.compare(i, 2, "&&") == 0 ? 2 : word_at(i, "and") ? 3 : 0;
    if (len) {
      terms.push_back(text.substr(start, i - start));
      start = i + len;
      i += len - 1;
    }
  }
  terms.push_back(text.substr(start));
  for (auto& t : terms) {
    const auto b = t.find_first_not_of(" \t\n"), e = t.find_last_not_of(" \t\n");
    if (b == std::string::npos) return {text};
    t = t.substr(b, e - b + 1);
  }
  return terms;
}

}  // namespace

feature::PlanSpec plan_for_sample(const Config& config, const SampleConfig& sample,
                                  std::vector<std::string>& cut_names) {
  feature::PlanSpec spec;
  spec.missing = config.features.missing_index == MissingIndex::zero ? expr::MissingValue::kZero
                                                                     : expr::MissingValue::kNaN;
  for (const auto& v : config.variables) spec.variables.push_back(named(v.name, v.expression));
  // Each term of a cut joined by && is a step of the cut flow ("common: lep_n == 4", ...).
  const auto add_cut = [&](const std::string& label, const ExprText& e) {
    if (e.empty()) return;
    const auto terms = conjunction_terms(e.text);
    for (const auto& t : terms) {
      const std::string name = terms.size() == 1 ? label : label + ": " + t;
      spec.cuts.push_back({name, t, e.where.to_string()});
      cut_names.push_back(name);
    }
  };
  add_cut("common", config.selection.common);
  if (!sample.class_name.empty()) {
    if (auto it = config.selection.per_class.find(sample.class_name); it != config.selection.per_class.end())
      add_cut("class " + sample.class_name, it->second);
  } else {
    // Labels from a column: each class's cut applies to the events of that class only.
    const auto classes = label_classes(config, sample);
    for (std::size_t k = 0; k < classes.size(); ++k) {
      auto it = config.selection.per_class.find(classes[k]);
      if (it == config.selection.per_class.end() || it->second.empty()) continue;
      ExprText e{fmt::format("({} != {}) || ({})", sample.label_column, k, it->second.text), it->second.where};
      add_cut("class " + classes[k], e);
    }
  }
  add_cut("sample " + sample.name, sample.selection);
  for (const auto& f : config.features.use) spec.features.push_back(named(f.text, f));
  for (const auto& f : config.features.spectators) spec.spectators.push_back(named(f.text, f));
  if (!sample.label_column.empty())
    spec.spectators.push_back({std::string(kLabelColumn), sample.label_column, sample.where.to_string()});
  const Normalisation& n = sample.normalisation;
  if (!n.cross_section_branch.empty())
    spec.spectators.push_back({std::string(kXsecColumn), n.cross_section_branch, sample.where.to_string()});
  if (!n.sum_weights_branch.empty())
    spec.spectators.push_back({std::string(kSumwColumn), n.sum_weights_branch, sample.where.to_string()});
  if (config.split.method == SplitMethod::column)
    spec.spectators.push_back({std::string(kSplitColumn), config.split.column, "[split] column"});
  if (config.split.method == SplitMethod::expression) {
    spec.spectators.push_back(named(std::string(kTestColumn), config.split.test_expression));
    if (!config.split.validation_expression.empty())
      spec.spectators.push_back(named(std::string(kValidationColumn), config.split.validation_expression));
  }
  spec.weight = named("weight", sample.weight ? *sample.weight : config.weights.expression);
  return spec;
}

Events load_events(const Config& config, const core::Context& ctx, const SampleDoneFn& on_sample) {
  Events ev;
  ev.classes = config.classes;
  for (const auto& f : config.features.use) ev.feature_names.push_back(f.text);
  for (const auto& f : config.features.spectators) ev.spectator_names.push_back(f.text);
  const std::size_t nf = ev.feature_names.size(), ns = ev.spectator_names.size();
  // Per feature and spectator, events are appended sample by sample and joined at the end.
  std::vector<std::vector<float>> features(nf);
  std::vector<std::vector<double>> spectators(ns);

  for (std::size_t si = 0; si < config.samples.size(); ++si) {
    const SampleConfig& sample = config.samples[si];
    if (sample.is_data) continue;
    const auto t0 = std::chrono::steady_clock::now();
    SampleSummary summary;
    summary.name = sample.name;
    summary.class_name = sample.class_name;
    summary.cut_names.push_back("read");
    feature::PlanSpec spec = plan_for_sample(config, sample, summary.cut_names);
    const std::size_t user_spectators = ns;
    const auto spectator_index = [&](std::string_view name) -> std::ptrdiff_t {
      for (std::size_t k = user_spectators; k < spec.spectators.size(); ++k)
        if (spec.spectators[k].name == name) return static_cast<std::ptrdiff_t>(k);
      return -1;
    };
    const std::ptrdiff_t label_at = spectator_index(kLabelColumn), xsec_at = spectator_index(kXsecColumn),
                         sumw_at = spectator_index(kSumwColumn), split_at = spectator_index(kSplitColumn),
                         test_at = spectator_index(kTestColumn), validation_at = spectator_index(kValidationColumn);
    const feature::Plan plan(spec);
    const std::vector<std::string> classes = label_classes(config, sample);
    const std::int32_t fixed_label =
        sample.class_name.empty() ? -1 : static_cast<std::int32_t>(class_index(config, sample.class_name, sample.where));
    std::vector<std::int32_t> class_of_label;  // label value -> class index
    for (const auto& c : classes) class_of_label.push_back(static_cast<std::int32_t>(class_index(config, c, sample.where)));

    const Normalisation& norm = sample.normalisation;
    const double factor = norm.enabled() ? constant_factor(config, norm) : 1.0;
    // Without a sum of weights, a normalised sample divides by the sum of its weight expression
    // over every event read (before any cut).
    const bool sum_from_events = norm.enabled() && !norm.sum_weights && norm.sum_weights_branch.empty();
    double sum_all = 0;
    const std::size_t first_row = ev.rows;

    for (const auto& path : sample.files) {
      summary.files.push_back(path.string());
      InputTiming timing;
      for_each_block(sample, path.string(), plan, ctx, [&](const feature::Block& b, entry_t first_entry) {
        if (summary.cutflow.empty()) summary.cutflow.assign(b.cutflow.size(), 0);
        for (std::size_t k = 0; k < b.cutflow.size(); ++k) summary.cutflow[k] += b.cutflow[k];
        const auto rows = static_cast<std::size_t>(b.rows);
        for (std::size_t i = 0; i < rows; ++i) sum_all += b.weights[i];
        for (std::size_t i = 0; i < rows; ++i) {
          if (!b.pass[i]) continue;
          std::int32_t label = fixed_label;
          if (label < 0) {
            const double v = b.spectators[static_cast<std::size_t>(label_at) * rows + i];
            if (!(v >= 0) || v != std::floor(v) || v >= static_cast<double>(class_of_label.size()))
              throw ConfigError(fmt::format("{}: entry {}: label column '{}' holds {}, but labels must be 0..{} ({})",
                                            path.string(), first_entry + static_cast<entry_t>(i), sample.label_column,
                                            v, class_of_label.size() - 1, fmt::join(classes, ", ")));
            label = class_of_label[static_cast<std::size_t>(v)];
          }
          double w = b.weights[i] * factor;
          if (xsec_at >= 0) w *= b.spectators[static_cast<std::size_t>(xsec_at) * rows + i];
          if (sumw_at >= 0) w /= b.spectators[static_cast<std::size_t>(sumw_at) * rows + i];
          for (std::size_t j = 0; j < nf; ++j) features[j].push_back(b.features[j * rows + i]);
          for (std::size_t j = 0; j < ns; ++j) spectators[j].push_back(b.spectators[j * rows + i]);
          ev.labels.push_back(label);
          ev.weights.push_back(w);
          ev.sample.push_back(static_cast<std::uint16_t>(si));
          ev.entry.push_back(first_entry + static_cast<entry_t>(i));
          if (split_at >= 0) {
            const double v = b.spectators[static_cast<std::size_t>(split_at) * rows + i];
            if (v != 0 && v != 1 && v != 2)
              throw ConfigError(fmt::format("{}: entry {}: split column '{}' holds {}; it must be 0 (train), 1 (test) "
                                            "or 2 (validation)",
                                            path.string(), first_entry + static_cast<entry_t>(i), config.split.column,
                                            v));
            ev.split_code.push_back(static_cast<std::int8_t>(v));
          } else if (test_at >= 0) {
            const auto truth = [&](std::ptrdiff_t at) {
              const double v = b.spectators[static_cast<std::size_t>(at) * rows + i];
              return v != 0 && !std::isnan(v);
            };
            ev.split_code.push_back(truth(test_at) ? 1 : validation_at >= 0 && truth(validation_at) ? 2 : 0);
          }
          ++ev.rows;
        }
      }, &timing);
      summary.read_seconds += timing.read_seconds;
      summary.compute_seconds += timing.compute_seconds;
      summary.keep_seconds += timing.consume_seconds;
    }
    if (sum_from_events) {
      if (!(sum_all > 0))
        throw ConfigError(fmt::format("{}: sample '{}' is normalised to a cross-section, but the sum of its weights "
                                      "over all {} events read is {}; give sum_weights in the config",
                                      sample.where.to_string(), sample.name,
                                      summary.cutflow.empty() ? 0 : summary.cutflow.front(), sum_all));
      for (std::size_t i = first_row; i < ev.rows; ++i) ev.weights[i] /= sum_all;
    }
    for (std::size_t i = first_row; i < ev.rows; ++i) summary.sum_weights += ev.weights[i];
    if (summary.cutflow.empty()) summary.cutflow.assign(summary.cut_names.size(), 0);
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (on_sample) on_sample(summary);
    ev.samples.push_back(std::move(summary));
  }

  // Join the per-feature vectors into one column-major block, freeing each as it is copied.
  ev.features.resize(nf * ev.rows);
  for (std::size_t j = 0; j < nf; ++j) {
    std::copy(features[j].begin(), features[j].end(), ev.features.begin() + static_cast<std::ptrdiff_t>(j * ev.rows));
    std::vector<float>().swap(features[j]);
  }
  ev.spectators.resize(ns * ev.rows);
  for (std::size_t j = 0; j < ns; ++j) {
    std::copy(spectators[j].begin(), spectators[j].end(),
              ev.spectators.begin() + static_cast<std::ptrdiff_t>(j * ev.rows));
    std::vector<double>().swap(spectators[j]);
  }
  return ev;
}

}  // namespace evclass::api::detail
