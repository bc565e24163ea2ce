// Training of "adaboost": scikit-learn's AdaBoostClassifier (SAMME and SAMME.R, Zhu et al.
// 2009) over shallow histogram trees, the boosting of TMVA's BDT.
//   SAMME:   tree t votes for the weighted majority class of its leaf with weight
//            alpha_t = learning_rate (log((1 - err) / err) + log(K - 1)); misclassified events'
//            weights are multiplied by exp(alpha_t).
//   SAMME.R: tree t adds h_k = (K - 1) (log p_k - mean_j log p_j) from its leaf's class
//            fractions p; every event's weight is multiplied by
//            exp(-learning_rate (K - 1) / K  sum_k y_k log p_k) with y_k = 1 for its class and
//            -1 / (K - 1) otherwise.
// Probabilities as scikit-learn: softmax of the summed votes / (sum of alphas (SAMME) or number
// of trees (SAMME.R)) / (K - 1); for two classes P(1) = sigmoid(votes_1 - votes_0).
// As in scikit-learn, only events with positive weight are re-weighted, so negative weights
// (the run's "keep" policy) keep their value and cannot blow up.

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
#include "learn/trees/class_stats.hpp"
#include "learn/trees/common.hpp"
#include "learn/trees/ensemble_model.hpp"
#include "learn/trees/grower.hpp"
#include "learn/trees/tree_types.hpp"

namespace evclass::learn {

namespace {

constexpr std::string_view kType = "adaboost";
constexpr double kEps = 2.220446049250313e-16;  // numpy's float64 eps, which scikit-learn clips with

std::unique_ptr<Model> train_adaboost(const nlohmann::json& p, const TrainData& data, const core::Context& ctx,
                                      const ProgressFn& progress) {
  check_train_data(data, kType, /*require_finite_features=*/false);
  trees::check_row_count(data.x.rows, kType);
  trees::check_class_count(data.n_classes, kType);
  const auto t_start = std::chrono::steady_clock::now();
  const std::size_t n = data.x.rows;
  const int K = data.n_classes;
  const auto Kd = static_cast<double>(K);
  const int n_rounds = static_cast<int>(p.at("n_estimators").get<std::int64_t>());
  const double learning_rate = p.at("learning_rate").get<double>();
  const bool real = p.at("algorithm").get<std::string>() == "SAMME.R";
  const std::uint64_t seed = model_seed(p, data);
  const auto min_leaf = p.at("min_samples_leaf").get<std::int64_t>();

  std::vector<double> w = trees::effective_weights(data, p.at("class_weight"), kType);
  trees::StageTimes times;
  std::optional<trees::StageTimes::Scope> binning_time(std::in_place, &times, "binning");
  const trees::BinnedTraining binned =
      trees::bin_training(data.x, w, static_cast<int>(p.at("max_bins").get<std::int64_t>()), seed, ctx);
  const trees::BinnedColumns columns(binned.bins, ctx);
  binning_time.reset();

  trees::GrowOptions grow;
  grow.max_depth = static_cast<int>(p.at("max_depth").get<std::int64_t>());
  grow.keep_histograms = true;
  grow.min_rows_split = static_cast<std::size_t>(std::max<std::int64_t>(p.at("min_samples_split").get<std::int64_t>(), 2));
  grow.seed = seed;
  const bool count_rows = min_leaf > 1;
  trees::GrowWorkspace workspace(trees::HistShape{binned.bins.stride(), trees::ImpuritySplitFinder::words_for(K, count_rows)});
  workspace.times = &times;
  const std::vector<std::uint32_t> features = trees::all_rows(data.x.cols);
  const std::vector<std::uint32_t> all = trees::all_rows(n);

  trees::Ensemble ensemble;
  ensemble.n_classes = K;
  ensemble.n_features = data.x.cols;
  ensemble.link = trees::Link::logistic;
  const std::size_t n_raw = K == 2 ? 1 : static_cast<std::size_t>(K);
  ensemble.base.assign(n_raw, 0.0);
  std::vector<double> alphas;
  std::vector<double> prior(static_cast<std::size_t>(K), 1.0 / Kd), dist(static_cast<std::size_t>(K));
  std::vector<std::uint8_t> wrong(n);
  std::vector<std::int32_t> leaf_class;
  trees::ClassWeights packed;
  bool perfect = false;
  for (int round = 0; round < n_rounds; ++round) {
    double total = 0.0;
    for (double v : w) total += v;
    if (!(total > 0.0)) break;  // every positive weight has decayed away
    for (double& v : w) v /= total;
    trees::pack_class_weights(w, data.labels, K, count_rows, core::mix_key(seed, 0xada, static_cast<std::uint64_t>(round)),
                              packed, ctx);
    trees::ImpuritySplitFinder::Options fo;
    fo.n_classes = K;
    fo.impurity = p.at("criterion").get<std::string>() == "gini" ? trees::ImpuritySplitFinder::Impurity::gini
                                                                 : trees::ImpuritySplitFinder::Impurity::entropy;
    fo.weight_scale = packed.scale;
    fo.min_rows_leaf = min_leaf;
    const trees::ImpuritySplitFinder finder(fo);
    std::vector<std::uint32_t> rows = all;
    trees::GrownTree g = trees::grow_tree(binned.bins, columns, binned.cuts, rows, packed.packed.data(), finder, features,
                                          grow, static_cast<int>(n_raw), core::mix_key(seed, 0x7eee, static_cast<std::uint64_t>(round)),
                                          workspace, ctx);
    trees::Tree& tree = g.tree;
    // Per leaf: the class fractions of its rows (exact weights); every row's leaf via the ranges.
    std::vector<std::vector<double>> leaf_p(tree.n_nodes());
    for (std::size_t node = 0; node < tree.n_nodes(); ++node) {
      if (!tree.is_leaf(node)) continue;
      const std::span<const std::uint32_t> leaf_rows(rows.data() + g.node_begin[node], g.node_end[node] - g.node_begin[node]);
      trees::leaf_distribution(leaf_rows, w, data.labels, K, prior, dist);
      leaf_p[node] = dist;
    }
    const auto leaf_rows_of = [&](std::size_t node) {
      return std::span<const std::uint32_t>(rows.data() + g.node_begin[node], g.node_end[node] - g.node_begin[node]);
    };
    if (!real) {
      double err = 0.0;
      for (std::size_t node = 0; node < tree.n_nodes(); ++node) {
        if (!tree.is_leaf(node)) continue;
        const auto top = static_cast<std::int32_t>(std::max_element(leaf_p[node].begin(), leaf_p[node].end()) - leaf_p[node].begin());
        for (const std::uint32_t r : leaf_rows_of(node)) {
          wrong[r] = data.labels[r] != top ? 1 : 0;
          if (wrong[r]) err += w[r];
        }
        for (std::size_t v = 0; v < n_raw; ++v) tree.value[node * n_raw + v] = 0.0f;
        // Votes are set below once alpha is known; remember the class in the first value.
        tree.value[node * n_raw] = static_cast<float>(top);
      }
      if (err <= 0.0) {  // a perfect tree: it alone decides (scikit-learn's weight 1)
        perfect = true;
      }
      if (!perfect && err >= 1.0 - 1.0 / Kd) {
        if (round == 0)
          throw ConfigError(fmt::format("model '{}': the first tree is no better than guessing (weighted error {:.4f} "
                                        ">= {:.4f}); check the features and labels, or use deeper trees (max_depth)",
                                        kType, err, 1.0 - 1.0 / Kd));
        break;
      }
      const double alpha = perfect ? 1.0 : learning_rate * (std::log((1.0 - err) / err) + std::log(Kd - 1.0));
      for (std::size_t node = 0; node < tree.n_nodes(); ++node) {
        if (!tree.is_leaf(node)) continue;
        const auto top = static_cast<std::size_t>(tree.value[node * n_raw]);
        for (std::size_t v = 0; v < n_raw; ++v) tree.value[node * n_raw + v] = 0.0f;
        if (K == 2) tree.value[node] = static_cast<float>(top == 1 ? alpha : -alpha);  // votes_1 - votes_0
        else tree.value[node * n_raw + top] = static_cast<float>(alpha);
      }
      alphas.push_back(alpha);
      if (!perfect)
        for (std::size_t r = 0; r < n; ++r)
          if (wrong[r] && w[r] > 0.0) w[r] *= std::exp(alpha);
    } else {
      for (std::size_t node = 0; node < tree.n_nodes(); ++node) {
        if (!tree.is_leaf(node)) continue;
        std::vector<double> logp(static_cast<std::size_t>(K));
        double mean = 0.0;
        for (int k = 0; k < K; ++k) {
          logp[static_cast<std::size_t>(k)] = std::log(std::max(leaf_p[node][static_cast<std::size_t>(k)], kEps));
          mean += logp[static_cast<std::size_t>(k)] / Kd;
        }
        if (K == 2) tree.value[node] = static_cast<float>(logp[1] - logp[0]);  // h_1 - h_0
        else
          for (int k = 0; k < K; ++k)
            tree.value[node * n_raw + static_cast<std::size_t>(k)] = static_cast<float>((Kd - 1.0) * (logp[static_cast<std::size_t>(k)] - mean));
        // Re-weighting: sum_k y_k log p_k = log p_y - (sum_{k != y} log p_k) / (K - 1).
        double sum_all = 0.0;
        for (double v : logp) sum_all += v;
        for (const std::uint32_t r : leaf_rows_of(node)) {
          const double lp_y = logp[static_cast<std::size_t>(data.labels[r])];
          const double coded = lp_y - (sum_all - lp_y) / (Kd - 1.0);
          const double factor = -learning_rate * (Kd - 1.0) / Kd * coded;
          if (w[r] > 0.0 || factor < 0.0) w[r] *= std::exp(factor);
        }
      }
      alphas.push_back(1.0);
    }
    tree.threshold_bin.clear();
    ensemble.add_tree(std::move(tree), 0);
    if (progress) progress({real ? "adaboost (SAMME.R)" : "adaboost (SAMME)", round + 1, n_rounds, 0.0});
    if (perfect) break;
  }
  if (ensemble.trees.empty())
    throw ConfigError(fmt::format("model '{}': no tree could be trained (no positive training weight)", kType));
  double alpha_sum = 0.0;
  for (double a : alphas) alpha_sum += a;
  // sklearn: decision = votes / sum(alphas); proba = softmax(decision / (K - 1)); binary sigmoid(d).
  ensemble.scale = K == 2 ? 1.0 / alpha_sum : 1.0 / (alpha_sum * (Kd - 1.0));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  nlohmann::json training = {{"trees", ensemble.trees.size()},
                             {"rows", n},
                             {"tree_weights", alphas},
                             {"stopped_on_perfect_tree", perfect},
                             {"seconds", seconds},
                             {"seconds_by_stage", times.to_json()}};
  return std::make_unique<trees::EnsembleModel>(std::string(kType), std::move(ensemble), data.feature_names, p,
                                                std::move(training));
}

std::unique_ptr<Model> load_adaboost(const nlohmann::json& j) {
  return trees::EnsembleModel::from_json(j, std::string(kType));
}

}  // namespace

const ParamSchema& adaboost_schema() {
  static const ParamSchema schema = [] {
    ParamSchema s(std::string{kType});
    s.integer("n_estimators", 50, NumberRange::at_least(1), "maximum number of trees (boosting stops early on a perfect tree)");
    s.number("learning_rate", 1.0, NumberRange::greater_than(0.0), "shrinks each tree's contribution to the re-weighting");
    s.choice("algorithm", "SAMME.R", {"SAMME.R", "SAMME"}, "real (class fractions) or discrete (votes) AdaBoost");
    s.integer("max_depth", 1, NumberRange::between(1, 32), "depth of each tree (scikit-learn: 1; TMVA's BDT: 3)");
    s.integer("min_samples_split", 2, NumberRange::at_least(2), "minimum events in a node to split it");
    s.integer("min_samples_leaf", 1, NumberRange::at_least(1), "minimum events in each leaf");
    s.choice("criterion", "gini", {"gini", "entropy", "log_loss"}, "impurity the trees' splits decrease");
    s.custom("class_weight", nullptr, kClassWeightAllowed, check_class_weight_spec,
             "multiplies each event's starting weight by its class's weight");
    s.integer("max_bins", 255, NumberRange::between(2, 255), "value bins per feature (split points are bin edges)");
    s.custom("random_state", nullptr, "an integer >= 0, or unset for the run's seed",
             [](const nlohmann::json& v) -> std::string {
               return v.is_null() || (v.is_number_integer() && v.get<std::int64_t>() >= 0) ? "" : "must be an integer >= 0";
             },
             "seed of the binning and of the rounding of weights in the histograms");
    return s;
  }();
  return schema;
}

namespace trees {
ModelType adaboost_type() {
  return {kType, "AdaBoost (SAMME / SAMME.R) over shallow histogram trees, scikit-learn's parameters", &adaboost_schema,
          &train_adaboost, &load_adaboost};
}
}  // namespace trees

}  // namespace evclass::learn
