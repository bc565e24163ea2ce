// Training of "gbdt": histogram gradient boosting with binary log-loss or multi-class softmax.
//
// Each iteration: gradients and hessians of the loss at the current scores, quantised to
// integers (objective.hpp); one tree per raw output grown on their histograms (grower.hpp); leaf
// values −T_α(G) / (H + λ) × learning_rate from the leaf's summed gradients; scores updated
// from the leaves' row ranges.
//
// Negative weights (the run's "keep" policy): gradients carry the sign of the weight, hessians use
// |w| (objective.hpp), so hessian sums are positive and the split gains and leaf steps are those of
// a positive-definite model of the loss; a leaf's denominator is also at least
// λ + min_child_weight / 2 (and > 0), so leaf values stay finite however the weights cancel.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/random.hpp"
#include "evclass/learn/trees.hpp"
#include "learn/class_weight.hpp"
#include "learn/trees/common.hpp"
#include "learn/trees/ensemble_model.hpp"
#include "learn/trees/grower.hpp"
#include "learn/trees/objective.hpp"
#include "learn/trees/tree_types.hpp"

namespace evclass::learn {

namespace {

constexpr std::string_view kType = "gbdt";

struct GbdtOptions {
  int n_estimators = 100;
  double learning_rate = 0.1;
  trees::GrowOptions grow;
  int max_bins = 255;
  double min_child_weight = 1.0;
  std::int64_t min_samples_leaf = 1;
  double lambda = 1.0, alpha = 0.0;
  double max_delta_step = 0.0;
  double subsample = 1.0;
  double colsample_bytree = 1.0;
  int early_stopping_rounds = 0;
  double validation_fraction = 0.1;
  std::uint64_t seed = 0;
};

GbdtOptions read_options(const nlohmann::json& p, const TrainData& data) {
  GbdtOptions o;
  o.n_estimators = static_cast<int>(p.at("n_estimators").get<std::int64_t>());
  o.learning_rate = p.at("learning_rate").get<double>();
  o.grow.max_depth = static_cast<int>(p.at("max_depth").get<std::int64_t>());
  o.grow.max_leaves = static_cast<int>(p.at("max_leaves").get<std::int64_t>());
  o.grow.lossguide = p.at("grow_policy").get<std::string>() == "lossguide";
  o.grow.min_split_gain = p.at("gamma").get<double>();
  o.grow.colsample_bylevel = p.at("colsample_bylevel").get<double>();
  o.grow.colsample_bynode = p.at("colsample_bynode").get<double>();
  o.grow.keep_histograms = true;
  o.max_bins = static_cast<int>(p.at("max_bins").get<std::int64_t>());
  o.min_child_weight = p.at("min_child_weight").get<double>();
  o.min_samples_leaf = p.at("min_samples_leaf").get<std::int64_t>();
  o.lambda = p.at("reg_lambda").get<double>();
  o.alpha = p.at("reg_alpha").get<double>();
  o.max_delta_step = p.at("max_delta_step").get<double>();
  o.subsample = p.at("subsample").get<double>();
  o.colsample_bytree = p.at("colsample_bytree").get<double>();
  o.early_stopping_rounds = static_cast<int>(p.at("early_stopping_rounds").get<std::int64_t>());
  o.validation_fraction = p.at("validation_fraction").get<double>();
  o.seed = model_seed(p, data);
  o.grow.seed = o.seed;
  if (!o.grow.lossguide && o.grow.max_depth == 0)
    throw ConfigError(fmt::format("model '{}': grow_policy \"depthwise\" needs max_depth >= 1 (max_depth = 0 means "
                                  "no limit, which only grow_policy = \"lossguide\" with max_leaves allows)", kType));
  if (o.grow.lossguide && o.grow.max_depth == 0 && o.grow.max_leaves == 0)
    throw ConfigError(fmt::format("model '{}': grow_policy \"lossguide\" needs max_leaves or max_depth to bound the trees",
                                  kType));
  return o;
}

/// Rows scored as trees are added: training rows not in a tree's sample and validation rows.
struct Scored {
  const trees::BinnedRows* bins = nullptr;
  std::vector<std::uint32_t> rows;
  std::vector<double> raw;  ///< rows.size() × n_raw
};

void add_tree_to(Scored& s, const trees::Tree& tree, std::size_t n_raw, std::size_t output, const core::Context& ctx) {
  constexpr std::size_t kBlock = 8192;
  core::parallel_for((s.rows.size() + kBlock - 1) / kBlock, ctx, [&](std::size_t b) {
    const std::size_t end = std::min(s.rows.size(), (b + 1) * kBlock);
    for (std::size_t i = b * kBlock; i < end; ++i)
      s.raw[i * n_raw + output] += static_cast<double>(tree.value[tree.leaf_of_bins(s.bins->row(s.rows[i]))]);
  });
}

/// Weighted mean log-loss of raw scores (weights as given; all 1 when empty or summing to <= 0).
double log_loss(const std::vector<double>& raw, std::size_t n_raw, std::span<const std::int32_t> labels,
                std::span<const double> weights) {
  double wsum = 0.0;
  for (double w : weights) wsum += w;
  const bool use_w = !weights.empty() && wsum > 0.0;
  double loss = 0.0, total = 0.0;
  const std::size_t n = labels.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double w = use_w ? weights[i] : 1.0;
    double li;
    if (n_raw == 1) {
      const double z = raw[i];
      // log(1 + e^-z) for y = 1, log(1 + e^z) for y = 0, computed stably.
      const double s = labels[i] == 1 ? -z : z;
      li = s > 0 ? s + std::log1p(std::exp(-s)) : std::log1p(std::exp(s));
    } else {
      const double* r = raw.data() + i * n_raw;
      double top = r[0];
      for (std::size_t k = 1; k < n_raw; ++k) top = std::max(top, r[k]);
      double sum = 0.0;
      for (std::size_t k = 0; k < n_raw; ++k) sum += std::exp(r[k] - top);
      li = std::log(sum) + top - r[static_cast<std::size_t>(labels[i])];
    }
    loss += w * li;
    total += w;
  }
  return total != 0.0 ? loss / total : 0.0;
}

std::unique_ptr<Model> train_gbdt(const nlohmann::json& params, const TrainData& data, const core::Context& ctx,
                                  const ProgressFn& progress) {
  check_train_data(data, kType, /*require_finite_features=*/false);
  trees::check_row_count(data.x.rows, kType);
  const GbdtOptions o = read_options(params, data);
  const auto t_start = std::chrono::steady_clock::now();
  const std::size_t n = data.x.rows;
  const std::size_t n_raw = data.n_classes == 2 ? 1 : static_cast<std::size_t>(data.n_classes);
  std::vector<double> w = trees::effective_weights(data, nullptr, kType);

  // Early stopping watches the run's validation events, or a seeded part of the training rows.
  std::vector<std::uint32_t> train_rows = trees::all_rows(n);
  std::vector<std::uint32_t> carved;
  const bool early_stopping = o.early_stopping_rounds > 0;
  if (early_stopping && data.validation == nullptr) {
    std::vector<std::uint32_t> kept;
    for (std::uint32_t r : train_rows)
      (core::unit_double(core::mix_key(o.seed, 0xca4e, r)) < o.validation_fraction ? carved : kept).push_back(r);
    if (carved.empty() || kept.empty())
      throw ConfigError(fmt::format("model '{}': early stopping needs validation rows: validation_fraction = {} of {} "
                                    "rows leaves none on one side", kType, o.validation_fraction, n));
    train_rows = std::move(kept);
  }
  std::vector<double> bin_weights = w;
  for (std::uint32_t r : carved) bin_weights[r] = 0.0;
  trees::StageTimes times;
  std::optional<trees::StageTimes::Scope> binning_time(std::in_place, &times, "binning");
  const trees::BinnedTraining binned = trees::bin_training(data.x, bin_weights, o.max_bins, o.seed, ctx);
  const trees::BinnedColumns columns(binned.bins, ctx);
  binning_time.reset();

  // Initial scores: the weighted class priors of the training rows.
  std::vector<double> prior(static_cast<std::size_t>(data.n_classes), 0.0);
  for (std::uint32_t r : train_rows) prior[static_cast<std::size_t>(data.labels[r])] += w[r];
  double prior_total = 0.0;
  for (double p : prior) prior_total += p;
  std::vector<double> base(n_raw);
  for (std::size_t k = 0; k < static_cast<std::size_t>(data.n_classes); ++k)
    if (!(prior[k] > 0.0))
      throw ConfigError(fmt::format("model '{}': class {} has no positive training weight left for boosting", kType, k));
  if (n_raw == 1) base[0] = std::log(prior[1] / prior[0]);
  else
    for (std::size_t k = 0; k < n_raw; ++k) base[k] = std::log(prior[k] / prior_total);

  std::vector<double> raw(n * n_raw);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < n_raw; ++k) raw[i * n_raw + k] = base[k];

  trees::BinnedRows validation_bins;
  Scored validation;
  std::vector<std::int32_t> validation_labels;
  std::vector<double> validation_weights;
  if (early_stopping) {
    if (data.validation != nullptr) {
      check_train_data(*data.validation, kType, false);
      validation_bins = trees::bin_rows(data.validation->x, binned.cuts, ctx);
      validation.bins = &validation_bins;
      validation.rows = trees::all_rows(data.validation->x.rows);
      validation_labels.assign(data.validation->labels.begin(), data.validation->labels.end());
      validation_weights.assign(data.validation->weights.begin(), data.validation->weights.end());
    } else {
      validation.bins = &binned.bins;
      validation.rows = carved;
      for (std::uint32_t r : carved) {
        validation_labels.push_back(data.labels[r]);
        validation_weights.push_back(w[r]);
      }
    }
    validation.raw.assign(validation.rows.size() * n_raw, 0.0);
    for (std::size_t i = 0; i < validation.rows.size(); ++i)
      for (std::size_t k = 0; k < n_raw; ++k) validation.raw[i * n_raw + k] = base[k];
  }

  std::vector<std::uint32_t> features = trees::all_rows(data.x.cols);
  const trees::HistShape shape{binned.bins.stride(), o.min_samples_leaf > 1 ? 2 : 1};
  trees::GrowWorkspace workspace(shape);
  workspace.times = &times;
  trees::QuantisedGradients gradients;
  trees::prepare_gradients(gradients, n, n_raw, shape.words, train_rows.size(), w);

  trees::Ensemble ensemble;
  ensemble.n_classes = data.n_classes;
  ensemble.n_features = data.x.cols;
  ensemble.link = trees::Link::logistic;
  ensemble.base = base;

  double best_loss = std::numeric_limits<double>::infinity();
  int best_iteration = 0;
  int iterations = 0;
  bool stopped_early = false;
  double last_loss = 0.0;
  for (int it = 0; it < o.n_estimators; ++it) {
    // Rows of this iteration's trees.
    std::vector<std::uint32_t> sample;
    Scored out_of_sample;
    if (o.subsample < 1.0) {
      out_of_sample.bins = &binned.bins;
      for (std::uint32_t r : train_rows)
        (core::unit_double(core::mix_key(o.seed, 0x5a3b1e, static_cast<std::uint64_t>(it) << 32 | r)) < o.subsample
             ? sample
             : out_of_sample.rows)
            .push_back(r);
      if (sample.empty()) sample.push_back(train_rows.front());
    } else {
      sample = train_rows;
    }
    const std::vector<std::uint32_t> tree_features =
        o.colsample_bytree < 1.0
            ? trees::sample_features(features, o.colsample_bytree, 0, core::mix_key(o.seed, 0xc01, static_cast<std::uint64_t>(it)))
            : features;

    // Gradients of every output at the current scores (for every row: contiguous and
    // vectorised; rows outside the sample are not used).
    {
      const trees::StageTimes::Scope timed(&times, "gradients");
      trees::compute_gradients(raw, data.labels, w,
                               static_cast<std::uint32_t>(core::mix_key(o.seed, 0x9a7d, static_cast<std::uint64_t>(it))),
                               gradients, ctx);
    }
    for (std::size_t k = 0; k < n_raw; ++k) {
      const double g_scale = gradients.gradient_scale, h_scale = gradients.hessian_scale;
      trees::NewtonSplitFinder::Options fo;
      fo.gradient_scale = g_scale;
      fo.hessian_scale = h_scale;
      fo.lambda = o.lambda;
      fo.alpha = o.alpha;
      fo.min_child_weight = o.min_child_weight;
      fo.min_rows_leaf = o.min_samples_leaf;
      const trees::NewtonSplitFinder finder(fo);
      std::vector<std::uint32_t> rows = sample;
      std::optional<trees::StageTimes::Scope> grow_time(std::in_place, &times, "grow");
      trees::GrownTree grown = trees::grow_tree(binned.bins, columns, binned.cuts, rows, gradients.output(k), finder, tree_features,
                                                o.grow, 1, core::mix_key(o.seed, 0x7eee, static_cast<std::uint64_t>(it) * n_raw + k),
                                                workspace, ctx);
      grow_time.reset();
      std::optional<trees::StageTimes::Scope> leaf_time(std::in_place, &times, "leaf values");
      // Leaf values from each leaf's summed (quantised) gradients and hessians.
      trees::Tree& tree = grown.tree;
      std::vector<std::size_t> leaves;
      for (std::size_t node = 0; node < tree.n_nodes(); ++node)
        if (tree.is_leaf(node)) leaves.push_back(node);
      const double floor_d = std::max(o.lambda + 0.5 * o.min_child_weight, 1e-12);
      const core::Context serial{1};
      core::parallel_for(leaves.size(), sample.size() < (1u << 17) ? serial : ctx, [&](std::size_t li) {
        const std::size_t node = leaves[li];
        const trees::Stats& total = grown.node_total[node];
        const double G = static_cast<double>(total.c[1]) * g_scale;
        const double H = static_cast<double>(total.c[0]) * h_scale;
        double t = G;
        if (o.alpha > 0.0) t = G > o.alpha ? G - o.alpha : (G < -o.alpha ? G + o.alpha : 0.0);
        double v = -t / std::max(H + o.lambda, floor_d);
        if (o.max_delta_step > 0.0) v = std::clamp(v, -o.max_delta_step, o.max_delta_step);
        v *= o.learning_rate;
        tree.value[node] = static_cast<float>(v);
        tree.cover[node] = static_cast<float>(H);
        const float vf = tree.value[node];
        for (std::uint32_t i = grown.node_begin[node]; i < grown.node_end[node]; ++i)
          raw[static_cast<std::size_t>(rows[i]) * n_raw + k] += static_cast<double>(vf);
      });
      leaf_time.reset();
      std::optional<trees::StageTimes::Scope> score_time(std::in_place, &times, "scoring other rows");
      if (!out_of_sample.rows.empty()) {
        out_of_sample.raw.assign(out_of_sample.rows.size() * n_raw, 0.0);
        add_tree_to(out_of_sample, tree, n_raw, k, ctx);
        for (std::size_t i = 0; i < out_of_sample.rows.size(); ++i)
          raw[static_cast<std::size_t>(out_of_sample.rows[i]) * n_raw + k] += out_of_sample.raw[i * n_raw + k];
      }
      if (early_stopping) add_tree_to(validation, tree, n_raw, k, ctx);
      score_time.reset();
      tree.threshold_bin.clear();
      ensemble.add_tree(std::move(tree), static_cast<std::int32_t>(k));
    }
    iterations = it + 1;

    if (early_stopping) {
      last_loss = log_loss(validation.raw, n_raw, validation_labels, validation_weights);
      if (last_loss < best_loss) {
        best_loss = last_loss;
        best_iteration = iterations;
      } else if (iterations - best_iteration >= o.early_stopping_rounds) {
        stopped_early = true;
      }
    } else if (progress && (it % 10 == 0 || it + 1 == o.n_estimators)) {
      std::vector<double> train_raw;
      std::vector<std::int32_t> labels;
      std::vector<double> weights;
      for (std::size_t i = 0; i < train_rows.size(); i += std::max<std::size_t>(1, train_rows.size() / 20000)) {
        const std::uint32_t r = train_rows[i];
        for (std::size_t kk = 0; kk < n_raw; ++kk) train_raw.push_back(raw[r * n_raw + kk]);
        labels.push_back(data.labels[r]);
        weights.push_back(w[r]);
      }
      last_loss = log_loss(train_raw, n_raw, labels, weights);
    }
    if (progress) progress({"boosting", iterations, o.n_estimators, last_loss});
    if (stopped_early) break;
  }
  if (early_stopping && best_iteration > 0 && best_iteration < iterations) {
    ensemble.trees.resize(static_cast<std::size_t>(best_iteration) * n_raw);
    ensemble.tree_output.resize(ensemble.trees.size());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  nlohmann::json training = {{"iterations", iterations},
                             {"trees", ensemble.trees.size()},
                             {"rows", train_rows.size()},
                             {"seconds", seconds},
                             {"seconds_by_stage", times.to_json()},
                             {"early_stopping", early_stopping}};
  if (early_stopping) {
    training["best_iteration"] = best_iteration;
    training["best_validation_loss"] = best_loss;
    training["stopped_early"] = stopped_early;
    training["validation_rows"] = validation.rows.size();
  }
  return std::make_unique<trees::EnsembleModel>(std::string(kType), std::move(ensemble), data.feature_names, params,
                                                std::move(training));
}

std::unique_ptr<Model> load_gbdt(const nlohmann::json& j) { return trees::EnsembleModel::from_json(j, std::string(kType)); }

}  // namespace

const ParamSchema& gbdt_schema() {
  static const ParamSchema schema = [] {
    ParamSchema s(std::string{kType});
    s.integer("n_estimators", 100, NumberRange::at_least(1), "boosting iterations (trees per output)");
    s.number("learning_rate", 0.1, NumberRange::greater_than(0.0), "shrinkage of every tree's leaf values");
    s.integer("max_depth", 6, NumberRange::between(0, 64), "maximum tree depth (0 = no limit, lossguide only)");
    s.integer("max_leaves", 0, NumberRange::at_least(0), "maximum leaves per tree (0 = no limit)");
    s.choice("grow_policy", "depthwise", {"depthwise", "lossguide"},
             "depthwise: split every node of a level; lossguide: split the leaf with the best gain first");
    s.integer("max_bins", 255, NumberRange::between(2, 255), "value bins per feature (weighted quantiles); missing values get their own");
    s.number("min_child_weight", 1.0, NumberRange::at_least(0.0),
             "minimum hessian sum in a child (weights are rescaled to mean 1, so this counts events)");
    s.integer("min_samples_leaf", 1, NumberRange::at_least(1), "minimum events in a leaf");
    s.number("reg_lambda", 1.0, NumberRange::at_least(0.0), "L2 regularisation of leaf values");
    s.number("reg_alpha", 0.0, NumberRange::at_least(0.0), "L1 regularisation of leaf values");
    s.number("gamma", 0.0, NumberRange::at_least(0.0), "minimum loss reduction of a split (XGBoost's gamma)");
    s.number("max_delta_step", 0.0, NumberRange::at_least(0.0), "largest leaf value before the learning rate (0 = none)");
    s.number("subsample", 1.0, NumberRange{0.0, 1.0, true, false}, "fraction of training events drawn for each iteration");
    s.number("colsample_bytree", 1.0, NumberRange{0.0, 1.0, true, false}, "fraction of features drawn for each tree");
    s.number("colsample_bylevel", 1.0, NumberRange{0.0, 1.0, true, false}, "fraction of the tree's features drawn per depth");
    s.number("colsample_bynode", 1.0, NumberRange{0.0, 1.0, true, false}, "fraction of the level's features drawn per node");
    s.integer("early_stopping_rounds", 0, NumberRange::at_least(0),
              "stop when the validation log-loss has not improved for this many iterations (0 = off); keeps the best");
    s.number("validation_fraction", 0.1, NumberRange{0.0, 1.0, true, true},
             "with early stopping and no validation events in the run: fraction of training events held out");
    s.custom("random_state", nullptr, "an integer >= 0, or unset for the run's seed",
             [](const nlohmann::json& v) -> std::string {
               return v.is_null() || (v.is_number_integer() && v.get<std::int64_t>() >= 0) ? "" : "must be an integer >= 0";
             },
             "seed of row/feature sampling, binning and gradient rounding");
    return s;
  }();
  return schema;
}

namespace trees {
ModelType gbdt_type() {
  return {kType, "histogram gradient-boosted trees (binary log-loss, multi-class softmax), XGBoost's parameters",
          &gbdt_schema, &train_gbdt, &load_gbdt};
}
}  // namespace trees

}  // namespace evclass::learn
