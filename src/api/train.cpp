#include "evclass/api/train.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "api/events.hpp"
#include "api/model_file.hpp"
#include "api/model_metrics.hpp"
#include "api/parametric.hpp"
#include "api/run_outputs.hpp"
#include "api/split.hpp"
#include "api/training_set.hpp"
#include "evclass/api/config.hpp"
#include "evclass/core/atomic_file.hpp"
#include "evclass/core/error.hpp"
#include "evclass/eval/metrics.hpp"
#include "evclass/learn/registry.hpp"

namespace evclass::api {

namespace {

using detail::Events;
using detail::Role;
using detail::Subset;
using detail::TrainingWeights;
using detail::gather;
using detail::rows_with;
using detail::select;
using detail::training_weights;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Messages go to the caller's stream and into run.log.
class Log {
 public:
  explicit Log(std::ostream& out) : out_(out) {}
  template <class... Args>
  void line(fmt::format_string<Args...> f, Args&&... args) {
    const std::string s = fmt::format(f, std::forward<Args>(args)...);
    out_ << s << '\n';
    out_.flush();
    text_ += s + '\n';
  }
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  std::ostream& out_;
  std::string text_;
};

// A progress bar on stderr for long training loops (only on a terminal).
learn::ProgressFn progress_bar(const std::string& model, bool enabled) {
  if (!enabled || !isatty(STDERR_FILENO)) return {};
  return [model](const learn::TrainProgress& p) {
    if (p.max_iterations <= 0) return;
    const int width = 30;
    const int done = std::min(width, width * p.iteration / p.max_iterations);
    fmt::print(stderr, "\r  {:<16} [{}{}] {:>5}/{} {} loss {:.5g}   ", model, std::string(done, '#'),
               std::string(width - done, '.'), p.iteration, p.max_iterations, p.stage, p.loss);
    if (p.iteration >= p.max_iterations) fmt::print(stderr, "\n");
  };
}

void require_every_class(const Events& ev, std::span<const std::size_t> rows, std::string_view what) {
  std::vector<std::size_t> counts(ev.classes.size(), 0), selected(ev.classes.size(), 0);
  for (const auto r : rows) counts[static_cast<std::size_t>(ev.labels[r])]++;
  for (const auto l : ev.labels) selected[static_cast<std::size_t>(l)]++;
  for (std::size_t c = 0; c < counts.size(); ++c) {
    if (counts[c] != 0) continue;
    if (selected[c] == 0) {
      // Say how each sample of the class fared through its cuts.
      std::vector<std::string> flows;
      for (const auto& s : ev.samples)
        if (s.class_name == ev.classes[c] && !s.cutflow.empty())
          flows.push_back(fmt::format("'{}': {} of {} events pass", s.name, s.cutflow.back(), s.cutflow.front()));
      throw ConfigError(fmt::format("class '{}' has no events after the selection ({}); check the cuts of that class "
                                    "and its samples",
                                    ev.classes[c], flows.empty() ? "no sample of that class" : fmt::format("{}", fmt::join(flows, "; "))));
    }
    throw ConfigError(fmt::format("class '{}' has {} events after the selection but none in the {} set; check the "
                                  "[split] settings",
                                  ev.classes[c], selected[c], what));
  }
}

// Hyper-parameter errors of the learn module, located in the config: at the line of the
// parameter the message names, else at the [[model]] header.
void validate_model(const ModelConfig& m) {
  try {
    learn::validate_params(m.type, m.params, m.name);
  } catch (const ConfigError& e) {
    const std::string_view what = e.what();
    SourcePosition where = m.where;
    for (const auto& [key, pos] : m.param_positions)
      if (what.find("'" + key + "'") != std::string_view::npos || what.find(" " + key + " ") != std::string_view::npos) {
        where = pos;
        break;
      }
    throw ConfigError(fmt::format("{}: {}", where.to_string(), what));
  }
}

// Scores (rows × outputs, row-major) of one model for a set of events.
struct Scored {
  std::vector<float> values;
  std::size_t outputs = 1;
};

void predict_into(const learn::Model& model, const Subset& s, std::size_t nf, const learn::Scaler& scaler,
                  std::vector<float>& out, const core::Context& ctx) {
  const std::vector<float> scaled = scaler.transform(s.matrix(nf), ctx);
  out.resize(s.rows.size() * model.n_outputs());
  model.predict({scaled, s.rows.size(), nf}, out, ctx);
}

// The AUC of a model's by_parameter list at `value` (NaN when it has none there).
double auc_at(const nlohmann::json& points, double value) {
  for (const auto& point : points)
    if (point.contains("value") && point.at("value").get<double>() == value) return point.at("auc").get<double>();
  return std::nan("");
}

// The AUC of every model at every parameter value: printed, and written to
// auc_by_parameter.csv (parameter, value, one column per model, then `dedicated`: at each value,
// the model trained at that value alone, train_at = [value], when the run has one).
void write_parameter_table(const Config& config, const nlohmann::json& model_metrics, const std::filesystem::path& dir,
                           Log& log) {
  const auto dedicated_at = [&](double v) -> const nlohmann::json* {
    for (const auto& m : model_metrics)
      for (const auto& mc : config.models)
        if (mc.name == m.at("name") && mc.train_at.size() == 1 && mc.train_at.front() == v) return &m;
    return nullptr;
  };
  const bool any_dedicated = std::any_of(config.models.begin(), config.models.end(),
                                         [](const ModelConfig& mc) { return mc.train_at.size() == 1; });
  std::string csv = "parameter,value";
  for (const auto& m : model_metrics) csv += fmt::format(",{}", m.at("name").get<std::string>());
  if (any_dedicated) csv += ",dedicated";
  csv += "\n";
  const auto cell = [](double auc) { return std::isnan(auc) ? std::string(",") : fmt::format(",{}", auc); };
  for (const auto& parameter : config.features.parameters) {
    std::vector<double> values;
    for (const auto& m : model_metrics)
      for (const auto& point : m.at("by_parameter").at(parameter))
        if (point.contains("value") && std::find(values.begin(), values.end(), point.at("value").get<double>()) == values.end())
          values.push_back(point.at("value").get<double>());
    std::sort(values.begin(), values.end());
    std::string header = fmt::format("{:<12}", parameter);
    for (const auto& m : model_metrics) header += fmt::format(" {:>18}", m.at("name").get<std::string>());
    if (any_dedicated) header += fmt::format(" {:>18}", "dedicated");
    log.line("");
    log.line("test AUC at each {} (background scored at that value):", parameter);
    log.line("{}", header);
    for (const double v : values) {
      std::string line = fmt::format("{:<12g}", v);
      csv += fmt::format("{},{}", parameter, v);
      for (const auto& m : model_metrics) {
        const double auc = auc_at(m.at("by_parameter").at(parameter), v);
        line += fmt::format(" {:>18.4f}", auc);
        csv += cell(auc);
      }
      if (any_dedicated) {
        const nlohmann::json* d = dedicated_at(v);
        const double auc = d ? auc_at(d->at("by_parameter").at(parameter), v) : std::nan("");
        line += fmt::format(" {:>18.4f}", auc);
        csv += cell(auc);
      }
      log.line("{}", line);
      csv += "\n";
    }
  }
  core::AtomicFile f((dir / "auc_by_parameter.csv").string());
  f.write(csv);
  f.commit();
}

}  // namespace

TrainResult train(const TrainOptions& options, std::ostream& out) {
  const auto t_start = Clock::now();
  Log log(out);
  const Config config = load_config(options.config_path);
  const core::Context ctx{options.threads >= 0 ? options.threads : config.run.threads};
  for (const auto& m : config.models) validate_model(m);
  TrainResult result;
  result.run_dir = options.out_dir.empty() ? config.run.output : std::filesystem::path(options.out_dir);
  log.line("evclass train {} -> {} ({} threads)", options.config_path, result.run_dir.string(), ctx.resolved_threads());

  // 1. Events: read, select, compute features and weights.
  auto t0 = Clock::now();
  double read_s = 0, compute_s = 0, keep_s = 0;
  const Events ev = detail::load_events(config, ctx, [&](const detail::SampleSummary& s) {
    log.line("  {:<24} {:>10} read {:>10} selected  sum of weights {:<12.6g} {:.1f} s", s.name,
             s.cutflow.empty() ? 0 : s.cutflow.front(), s.cutflow.empty() ? 0 : s.cutflow.back(), s.sum_weights,
             s.seconds);
    read_s += s.read_seconds;
    compute_s += s.compute_seconds;
    keep_s += s.keep_seconds;
  });
  log.line("read {} samples: {} events selected in {:.1f} s (reading branches {:.2f} s, cuts/variables/features/"
           "weights {:.2f} s, keeping events {:.2f} s)",
           ev.samples.size(), ev.rows, seconds_since(t0), read_s, compute_s, keep_s);
  const int n_classes = static_cast<int>(ev.classes.size());
  const std::size_t nf = ev.feature_names.size();
  if (ev.rows == 0) throw ConfigError("no event passes the selection of any sample; nothing to train on");

  // 2. Split.
  std::vector<std::int32_t> folds;
  const std::vector<Role> roles = detail::assign_roles(config, ev, folds);
  const bool kfold = !folds.empty();
  const auto train_rows = rows_with(roles, Role::kTrain), val_rows = rows_with(roles, Role::kValidation),
             test_rows = rows_with(roles, Role::kTest);
  if (!kfold) {
    require_every_class(ev, train_rows, "training");
  }
  require_every_class(ev, test_rows, "test");
  result.train_events = kfold ? ev.rows : train_rows.size();
  result.validation_events = val_rows.size();
  result.test_events = test_rows.size();
  log.line("split ({}): {} train, {} validation, {} test", kfold ? fmt::format("{} folds", config.split.folds) : "events",
           result.train_events, result.validation_events, result.test_events);

  // The run folder appears only once the inputs have been read and checked.
  std::filesystem::create_directories(result.run_dir / "models");
  const Subset test = gather(ev, test_rows);
  const Subset validation = gather(ev, val_rows);
  const Subset train_all = gather(ev, kfold ? std::vector<std::size_t>{} : train_rows);

  // 3. Scaler: fitted on the training events (k-fold: on all events, an unsupervised fit).
  learn::Scaler scaler(config.preprocessing.scaler == Scaler::standard ? learn::ScalerKind::standard
                       : config.preprocessing.scaler == Scaler::minmax ? learn::ScalerKind::minmax
                                                                        : learn::ScalerKind::none);
  {
    const Subset& fit_on = kfold ? test : train_all;
    scaler.fit(fit_on.matrix(nf), ctx);
  }

  // 4. Models.
  const std::size_t outputs = n_classes == 2 ? 1 : static_cast<std::size_t>(n_classes);
  std::vector<Scored> test_scores(config.models.size()), train_scores(config.models.size());
  nlohmann::json model_metrics = nlohmann::json::array();
  for (std::size_t mi = 0; mi < config.models.size(); ++mi) {
    const ModelConfig& mc = config.models[mi];
    detail::ModelBundle bundle;
    bundle.name = mc.name;
    bundle.type = mc.type;
    bundle.classes = ev.classes;
    bundle.scaler = scaler;
    t0 = Clock::now();
    std::vector<float>& tscores = test_scores[mi].values;
    std::vector<float>& rscores = train_scores[mi].values;
    test_scores[mi].outputs = train_scores[mi].outputs = outputs;
    const bool study = !mc.train_at.empty() || !mc.leave_out.empty();
    const std::size_t study_column = study ? detail::parameter_column(config, config.features.parameters.front()) : 0;
    const auto fit = [&](const Subset& all_events, const Subset* all_val) {
      // A parametric study model trains on some parameter values only (parametric.hpp).
      Subset study_events, study_val;
      if (study) {
        study_events = detail::parametric_training_set(all_events, mc, study_column, nf, config.run.seed);
        if (all_val && !all_val->rows.empty())
          study_val = detail::parametric_training_set(*all_val, mc, study_column, nf, config.run.seed + 1);
      }
      const Subset& s = study ? study_events : all_events;
      const Subset* val = study ? &study_val : all_val;
      const TrainingWeights tw = training_weights(config.weights, s, n_classes);
      const Subset used = select(s, tw.keep, nf);
      const std::vector<float> x = scaler.transform(used.matrix(nf), ctx);
      std::vector<float> xv;
      learn::TrainData vdata;
      learn::TrainData data{{x, used.rows.size(), nf}, used.labels, tw.weights, n_classes, ev.feature_names,
                            nullptr, config.run.seed};
      if (val && !val->rows.empty()) {
        xv = scaler.transform(val->matrix(nf), ctx);
        vdata = learn::TrainData{{xv, val->rows.size(), nf}, val->labels, val->weights, n_classes, ev.feature_names,
                                 nullptr, config.run.seed};
        data.validation = &vdata;
      }
      return learn::train(mc.type, mc.params, data, ctx, progress_bar(mc.name, options.progress));
    };
    if (!kfold) {
      bundle.folds.push_back(fit(train_all, &validation));
      predict_into(*bundle.folds.front(), test, nf, scaler, tscores, ctx);
      predict_into(*bundle.folds.front(), train_all, nf, scaler, rscores, ctx);
    } else {
      // Every event is scored by the model that did not see it (out-of-fold), and its training
      // score comes from the next fold's model, which did.
      tscores.assign(ev.rows * outputs, 0.0f);
      rscores.assign(ev.rows * outputs, 0.0f);
      const int k = config.split.folds;
      for (int f = 0; f < k; ++f) {
        std::vector<std::size_t> in_fold, others;
        for (std::size_t i = 0; i < ev.rows; ++i) (folds[i] == f ? in_fold : others).push_back(i);
        const Subset tr = gather(ev, others);
        require_every_class(ev, others, fmt::format("fold {} training", f));
        bundle.folds.push_back(fit(tr, nullptr));
        const Subset te = gather(ev, in_fold);
        std::vector<float> s;
        predict_into(*bundle.folds.back(), te, nf, scaler, s, ctx);
        for (std::size_t r = 0; r < in_fold.size(); ++r)
          for (std::size_t o = 0; o < outputs; ++o) tscores[in_fold[r] * outputs + o] = s[r * outputs + o];
      }
      for (int f = 0; f < k; ++f) {
        std::vector<std::size_t> in_fold;
        for (std::size_t i = 0; i < ev.rows; ++i)
          if (folds[i] == f) in_fold.push_back(i);
        const Subset te = gather(ev, in_fold);
        std::vector<float> s;
        predict_into(*bundle.folds[static_cast<std::size_t>((f + 1) % k)], te, nf, scaler, s, ctx);
        for (std::size_t r = 0; r < in_fold.size(); ++r)
          for (std::size_t o = 0; o < outputs; ++o) rscores[in_fold[r] * outputs + o] = s[r * outputs + o];
      }
    }
    const double train_seconds = seconds_since(t0);

    // The model file: what apply needs to score new files.
    std::vector<std::string> cut_names;
    const SampleConfig* first = config.samples.empty() ? nullptr : &config.samples.front();
    for (const auto& s : config.samples)
      if (s.format == SampleFormat::root) {
        bundle.tree = s.tree;
        break;
      }
    bundle.plan = first ? detail::plan_for_sample(config, *first, cut_names) : feature::PlanSpec{};
    bundle.plan.cuts.clear();
    if (!config.selection.common.empty())
      bundle.plan.cuts.push_back({"common", config.selection.common.text, config.selection.common.where.to_string()});
    bundle.plan.spectators.clear();
    detail::save_bundle(bundle, result.run_dir / "models" / (mc.name + ".json"));

    // Metrics on the test set (out-of-fold for k-fold), with the training set for the KS test.
    const Subset& scored_test = kfold ? gather(ev, test_rows) : test;
    nlohmann::json mj;
    mj["name"] = mc.name;
    mj["type"] = mc.type;
    mj["train_seconds"] = train_seconds;
    ModelResult mr{mc.name, mc.type, train_seconds, 0, 0};
    const std::vector<std::int32_t>& train_labels = kfold ? scored_test.labels : train_all.labels;
    const std::vector<double>& train_weights = kfold ? scored_test.weights : train_all.weights;
    mj.update(detail::evaluate_model(config.evaluation, mc.name, n_classes,
                                     {tscores, scored_test.labels, scored_test.weights},
                                     {rscores, train_labels, train_weights}, mr.auc, mr.auc_weighted));
    if (n_classes == 2) {
      for (const auto& parameter : config.features.parameters) {
        mj["by_parameter"][parameter] =
            detail::evaluate_by_parameter(bundle, scored_test, detail::parameter_column(config, parameter), nf,
                                          kfold ? std::span<const std::int32_t>(folds) : std::span<const std::int32_t>{},
                                          ctx);
      }
    }
    const auto importances = bundle.folds.front()->feature_importances();
    if (!importances.empty()) mj["feature_importances"] = importances;
    model_metrics.push_back(mj);
    result.models.push_back(mr);
    log.line("trained {} ({}) in {:.2f} s: test AUC {:.4f} (weighted {:.4f})", mc.name, mc.type, train_seconds, mr.auc,
             mr.auc_weighted);
  }

  // 5. Outputs.
  const Subset& scored_test = kfold ? gather(ev, test_rows) : test;
  const Subset& scored_train = kfold ? scored_test : train_all;
  detail::ScoreTable test_table{&ev, &scored_test.rows, {}}, train_table{&ev, &scored_train.rows, {}};
  for (std::size_t mi = 0; mi < config.models.size(); ++mi) {
    detail::ModelBundle names_only;
    names_only.name = config.models[mi].name;
    names_only.classes = ev.classes;
    test_table.scores.push_back({names_only.score_names(), &test_scores[mi].values});
    train_table.scores.push_back({names_only.score_names(), &train_scores[mi].values});
  }
  detail::write_scores(config, test_table, result.run_dir / "scores_test", ctx);
  detail::write_scores(config, train_table, result.run_dir / "scores_train", ctx);

  nlohmann::json metrics;
  metrics["format"] = "evclass-metrics";
  metrics["version"] = 1;
  metrics["run"] = config.run.name;
  metrics["config"] = options.config_path;
  metrics["classes"] = ev.classes;
  metrics["features"] = ev.feature_names;
  metrics["spectators"] = ev.spectator_names;
  metrics["split"] = {{"method", kfold ? "kfold" : "events"},
                      {"train", result.train_events},
                      {"validation", result.validation_events},
                      {"test", result.test_events}};
  nlohmann::json samples = nlohmann::json::array();
  for (const auto& s : ev.samples) {
    nlohmann::json flow = nlohmann::json::array();
    for (std::size_t k = 0; k < s.cut_names.size() && k < s.cutflow.size(); ++k)
      flow.push_back({{"cut", s.cut_names[k]}, {"events", s.cutflow[k]}});
    samples.push_back({{"name", s.name},
                       {"class", s.class_name},
                       {"files", s.files},
                       {"cutflow", flow},
                       {"selected", s.cutflow.empty() ? 0 : s.cutflow.back()},
                       {"sum_weights", s.sum_weights},
                       {"seconds", s.seconds},
                       {"read_seconds", s.read_seconds},
                       {"compute_seconds", s.compute_seconds},
                       {"keep_seconds", s.keep_seconds}});
  }
  metrics["samples"] = samples;
  {
    const Subset& fsub = kfold ? scored_test : train_all;
    if (n_classes == 2 && !fsub.rows.empty()) {
      const eval::FeatureColumns fc{fsub.features, fsub.rows.size(), nf};
      metrics["feature_metrics"] =
          eval::to_json(eval::evaluate_features(fc, ev.feature_names, fsub.labels, fsub.weights, "the training set"));
    }
  }
  metrics["models"] = model_metrics;
  metrics["seconds"] = seconds_since(t_start);
  {
    core::AtomicFile mf((result.run_dir / "metrics.json").string());
    mf.write(metrics.dump(1));
    mf.write("\n");
    mf.commit();
  }
  std::filesystem::copy_file(options.config_path, result.run_dir / "config.toml",
                             std::filesystem::copy_options::overwrite_existing);

  if (n_classes == 2 && !config.features.parameters.empty()) write_parameter_table(config, model_metrics, result.run_dir, log);

  // 6. Summary.
  log.line("");
  log.line("{:<20} {:<22} {:>9} {:>10} {:>14}", "model", "type", "train s", "test AUC", "weighted AUC");
  for (const auto& m : result.models)
    log.line("{:<20} {:<22} {:>9.2f} {:>10.4f} {:>14.4f}", m.name, m.type, m.train_seconds, m.auc, m.auc_weighted);
  log.line("run folder: {} ({:.1f} s)", result.run_dir.string(), seconds_since(t_start));
  core::AtomicFile lf((result.run_dir / "run.log").string());
  lf.write(log.text());
  lf.commit();
  return result;
}

}  // namespace evclass::api
