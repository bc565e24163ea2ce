// Training of "random_forest": scikit-learn's RandomForestClassifier on the histogram grower.
// Each tree draws a bootstrap sample (max_samples rows with replacement: each row's multiplicity
// multiplies its weight), a subsample (bootstrap = false with max_samples: rows without
// replacement) or uses every row, grows with Gini or entropy decrease over
// max_features features drawn per node (forest schedule of grower.hpp, no depth limit by
// default), and stores in each leaf the weighted class fractions of its training rows. The
// forest predicts the mean of its trees' leaf fractions. Trees are grown in parallel, one per
// thread; each depends only on its own seed, so the forest is the same on any thread count.
// Splits are between histogram bins (up to max_bins per feature) rather than between every pair
// of distinct values as in scikit-learn.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/random.hpp"
#include "evclass/learn/trees.hpp"
#include "learn/class_weight.hpp"
#include "learn/trees/class_stats.hpp"
#include "learn/trees/common.hpp"
#include "learn/trees/ensemble_model.hpp"
#include "learn/trees/grower.hpp"
#include "learn/trees/tree_types.hpp"

namespace evclass::learn {

namespace {

constexpr std::string_view kType = "random_forest";

std::string check_max_features(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    return s == "sqrt" || s == "log2" || s == "all" ? "" : "the strings allowed are \"sqrt\", \"log2\" and \"all\"";
  }
  if (v.is_number_integer()) return v.get<std::int64_t>() >= 1 ? "" : "an integer count must be >= 1";
  if (v.is_number()) {
    const double f = v.get<double>();
    return f > 0.0 && f <= 1.0 ? "" : "a fraction must be in (0, 1]";
  }
  return "expected \"sqrt\", \"log2\", \"all\", an integer count or a fraction in (0, 1]";
}

std::string check_max_samples(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_number_integer()) return v.get<std::int64_t>() >= 1 ? "" : "an integer count must be >= 1";
  if (v.is_number()) {
    const double f = v.get<double>();
    return f > 0.0 && f <= 1.0 ? "" : "a fraction must be in (0, 1]";
  }
  return "expected an integer count or a fraction in (0, 1]";
}

std::string check_optional_count(const nlohmann::json& v) {
  if (v.is_null()) return "";
  return v.is_number_integer() && v.get<std::int64_t>() >= 1 ? "" : "expected an integer >= 1, or unset";
}

int features_per_node(const nlohmann::json& spec, std::size_t n_features) {
  const auto nf = static_cast<double>(n_features);
  if (spec.is_null() || (spec.is_string() && spec.get<std::string>() == "all")) return static_cast<int>(n_features);
  if (spec.is_string())
    return std::max(1, static_cast<int>(spec.get<std::string>() == "sqrt" ? std::sqrt(nf) : std::log2(nf)));
  if (spec.is_number_integer()) return static_cast<int>(std::min<std::int64_t>(spec.get<std::int64_t>(), static_cast<std::int64_t>(n_features)));
  return std::max(1, static_cast<int>(spec.get<double>() * nf));
}

std::unique_ptr<Model> train_forest(const nlohmann::json& p, const TrainData& data, const core::Context& ctx,
                                    const ProgressFn& progress) {
  check_train_data(data, kType, /*require_finite_features=*/false);
  trees::check_row_count(data.x.rows, kType);
  trees::check_class_count(data.n_classes, kType);
  const auto t_start = std::chrono::steady_clock::now();
  const std::size_t n = data.x.rows;
  const int K = data.n_classes;
  const int n_trees = static_cast<int>(p.at("n_estimators").get<std::int64_t>());
  const bool bootstrap = p.at("bootstrap").get<bool>();
  const std::uint64_t seed = model_seed(p, data);
  const std::string criterion = p.at("criterion").get<std::string>();
  const auto min_leaf = p.at("min_samples_leaf").get<std::int64_t>();
  const auto min_split = p.at("min_samples_split").get<std::int64_t>();
  const double min_weight_fraction = p.at("min_weight_fraction_leaf").get<double>();
  const double min_impurity_decrease = p.at("min_impurity_decrease").get<double>();
  std::size_t draws = n;
  if (const auto& ms = p.at("max_samples"); !ms.is_null())
    draws = ms.is_number_integer() ? std::min<std::size_t>(ms.get<std::size_t>(), n)
                                   : std::max<std::size_t>(1, static_cast<std::size_t>(ms.get<double>() * static_cast<double>(n)));

  std::vector<double> w = trees::effective_weights(data, p.at("class_weight"), kType);
  trees::StageTimes times;
  std::optional<trees::StageTimes::Scope> binning_time(std::in_place, &times, "binning");
  const trees::BinnedTraining binned =
      trees::bin_training(data.x, w, static_cast<int>(p.at("max_bins").get<std::int64_t>()), seed, ctx);
  const trees::BinnedColumns columns(binned.bins, ctx);
  binning_time.reset();

  trees::GrowOptions grow;
  grow.max_depth = p.at("max_depth").is_null() ? 0 : static_cast<int>(p.at("max_depth").get<std::int64_t>());
  grow.max_leaves = p.at("max_leaf_nodes").is_null() ? 0 : static_cast<int>(p.at("max_leaf_nodes").get<std::int64_t>());
  grow.keep_histograms = false;
  grow.features_per_node = features_per_node(p.at("max_features"), data.x.cols);
  grow.min_rows_split = static_cast<std::size_t>(std::max<std::int64_t>(min_split, 2));
  grow.seed = seed;
  const bool count_rows = min_leaf > 1;
  const std::vector<std::uint32_t> features = trees::all_rows(data.x.cols);

  // Class fractions of all rows: the value of a leaf whose rows carry no positive weight.
  std::vector<double> prior(static_cast<std::size_t>(K), 0.0);
  {
    const std::vector<std::uint32_t> all = trees::all_rows(n);
    trees::leaf_distribution(all, w, data.labels, K, std::vector<double>(static_cast<std::size_t>(K), 1.0 / K), prior);
  }

  const std::size_t value_size = K == 2 ? 1 : static_cast<std::size_t>(K);
  std::vector<trees::Tree> grown_trees(static_cast<std::size_t>(n_trees));
  const std::size_t groups = std::min<std::size_t>(static_cast<std::size_t>(ctx.resolved_threads()), grown_trees.size());
  const core::Context one_thread{1};
  std::vector<trees::StageTimes> group_times(groups);
  std::atomic<int> done{0};
  core::parallel_for(groups, ctx, [&](std::size_t group) {
    trees::GrowWorkspace workspace(trees::HistShape{binned.bins.stride(), trees::ImpuritySplitFinder::words_for(K, count_rows)});
    workspace.times = &group_times[group];
    std::vector<double> tree_w(n);
    trees::ClassWeights packed;
    std::vector<double> dist(static_cast<std::size_t>(K));
    for (std::size_t t = group; t < grown_trees.size(); t += groups) {
      // The tree's weights: bootstrap multiplicities (or 1) times the row weights.
      const bool subsample = !bootstrap && draws < n;
      std::fill(tree_w.begin(), tree_w.end(), bootstrap || subsample ? 0.0 : 1.0);
      core::SplitMix64 rng(core::mix_key(seed, 0xb007, t));
      if (bootstrap) {
        for (std::size_t d = 0; d < draws; ++d) tree_w[rng.below(n)] += 1.0;
      } else if (subsample) {  // `draws` distinct events: a partial Fisher-Yates shuffle
        std::vector<std::uint32_t> order = trees::all_rows(n);
        for (std::size_t d = 0; d < draws; ++d) {
          std::swap(order[d], order[d + rng.below(n - d)]);
          tree_w[order[d]] = 1.0;
        }
      }
      std::vector<std::uint32_t> rows;
      for (std::size_t r = 0; r < n; ++r) {
        tree_w[r] *= w[r];
        if (tree_w[r] != 0.0) rows.push_back(static_cast<std::uint32_t>(r));
      }
      trees::pack_class_weights(tree_w, data.labels, K, count_rows, core::mix_key(seed, 0x9ac4, t), packed, one_thread);
      trees::ImpuritySplitFinder::Options fo;
      fo.n_classes = K;
      fo.impurity = criterion == "gini" ? trees::ImpuritySplitFinder::Impurity::gini : trees::ImpuritySplitFinder::Impurity::entropy;
      fo.weight_scale = packed.scale;
      fo.min_rows_leaf = min_leaf;
      double tree_total = 0.0;
      for (std::uint32_t r : rows) tree_total += std::max(tree_w[r], 0.0);
      fo.min_child_weight = min_weight_fraction * tree_total;
      const trees::ImpuritySplitFinder finder(fo);
      trees::GrowOptions tree_grow = grow;
      // scikit-learn compares min_impurity_decrease with the decrease per unit of total weight.
      tree_grow.min_split_gain = min_impurity_decrease * tree_total;
      trees::GrownTree g = trees::grow_tree(binned.bins, columns, binned.cuts, rows, packed.packed.data(), finder,
                                            features, tree_grow, static_cast<int>(value_size),
                                            core::mix_key(seed, 0x7eee, t), workspace, one_thread);
      trees::Tree& tree = g.tree;
      for (std::size_t node = 0; node < tree.n_nodes(); ++node) {
        if (!tree.is_leaf(node)) continue;
        const std::span<const std::uint32_t> leaf_rows(rows.data() + g.node_begin[node], g.node_end[node] - g.node_begin[node]);
        trees::leaf_distribution(leaf_rows, tree_w, data.labels, K, prior, dist);
        for (std::size_t v = 0; v < value_size; ++v)
          tree.value[node * value_size + v] = static_cast<float>(K == 2 ? dist[1] : dist[v]);
      }
      tree.threshold_bin.clear();
      grown_trees[t] = std::move(tree);
      const int finished = ++done;
      if (progress && group == 0) progress({"forest", finished, n_trees, 0.0});
    }
  });
  trees::Ensemble ensemble;
  ensemble.n_classes = K;
  ensemble.n_features = data.x.cols;
  ensemble.link = trees::Link::mean;
  ensemble.base.assign(value_size, 0.0);
  std::size_t nodes = 0;
  for (auto& t : grown_trees) {
    nodes += t.n_nodes();
    ensemble.add_tree(std::move(t), 0);
  }
  // Stages of all groups, per thread (the groups ran side by side).
  for (const auto& gt : group_times) times.merge(gt, 1.0 / static_cast<double>(groups));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  nlohmann::json training = {{"trees", n_trees},
                             {"nodes", nodes},
                             {"rows", n},
                             {"features_per_node", grow.features_per_node},
                             {"seconds", seconds},
                             {"seconds_by_stage", times.to_json()}};
  return std::make_unique<trees::EnsembleModel>(std::string(kType), std::move(ensemble), data.feature_names, p,
                                                std::move(training));
}

std::unique_ptr<Model> load_forest(const nlohmann::json& j) { return trees::EnsembleModel::from_json(j, std::string(kType)); }

}  // namespace

const ParamSchema& random_forest_schema() {
  static const ParamSchema schema = [] {
    ParamSchema s(std::string{kType});
    s.integer("n_estimators", 100, NumberRange::at_least(1), "number of trees");
    s.choice("criterion", "gini", {"gini", "entropy", "log_loss"}, "impurity whose weighted decrease a split maximises");
    s.custom("max_depth", nullptr, "an integer >= 1, or unset for no limit", check_optional_count, "maximum tree depth");
    s.integer("min_samples_split", 2, NumberRange::at_least(2), "minimum events in a node to split it");
    s.integer("min_samples_leaf", 1, NumberRange::at_least(1), "minimum events in each leaf");
    s.number("min_weight_fraction_leaf", 0.0, NumberRange::between(0.0, 0.5),
             "minimum fraction of the tree's total weight in each leaf");
    s.custom("max_features", "sqrt", "\"sqrt\", \"log2\", \"all\", an integer count or a fraction in (0, 1]",
             check_max_features, "features drawn for each split");
    s.custom("max_leaf_nodes", nullptr, "an integer >= 2, or unset for no limit", check_optional_count,
             "maximum leaves per tree (nodes are split depth-first until it is reached)");
    s.number("min_impurity_decrease", 0.0, NumberRange::at_least(0.0),
             "a split must decrease the impurity by this much per unit of total weight");
    s.boolean("bootstrap", true, "draw each tree's events with replacement (otherwise every tree sees all events)");
    s.custom("max_samples", nullptr, "an integer count or a fraction in (0, 1], or unset for as many as events",
             check_max_samples,
             "events drawn for each tree: with replacement (bootstrap = true) or without (bootstrap = false)");
    s.custom("class_weight", nullptr, kClassWeightAllowed, check_class_weight_spec,
             "multiplies each event's weight by its class's weight");
    s.integer("max_bins", 255, NumberRange::between(2, 255), "value bins per feature (split points are bin edges)");
    s.custom("random_state", nullptr, "an integer >= 0, or unset for the run's seed",
             [](const nlohmann::json& v) -> std::string {
               return v.is_null() || (v.is_number_integer() && v.get<std::int64_t>() >= 0) ? "" : "must be an integer >= 0";
             },
             "seed of the bootstrap, the feature draws and the binning");
    return s;
  }();
  return schema;
}

namespace trees {
ModelType random_forest_type() {
  return {kType, "random forest (scikit-learn's RandomForestClassifier parameters) on histogram trees", &random_forest_schema,
          &train_forest, &load_forest};
}
}  // namespace trees

}  // namespace evclass::learn
