// A trained logistic regression: prediction and its JSON form.

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/learn/logistic.hpp"
#include "learn/json_read.hpp"
#include "learn/linear/linear_scores.hpp"
#include "learn/row_chunks.hpp"

namespace evclass::learn {

LogisticRegressionModel::LogisticRegressionModel(int n_classes, std::size_t n_features, std::vector<double> coef,
                                                 std::vector<double> intercept, std::vector<std::string> feature_names,
                                                 nlohmann::json params, int iterations, bool converged)
    : n_classes_(n_classes),
      n_features_(n_features),
      coef_(std::move(coef)),
      intercept_(std::move(intercept)),
      feature_names_(std::move(feature_names)),
      params_(std::move(params)),
      iterations_(iterations),
      converged_(converged) {
  const std::size_t n_rows = n_classes_ == 2 ? 1 : static_cast<std::size_t>(n_classes_);
  EVC_ASSERT(n_classes_ >= 2, "a classifier has at least 2 classes");
  EVC_ASSERT(coef_.size() == n_rows * n_features_, "coef is n_rows × n_features");
  EVC_ASSERT(intercept_.size() == n_rows, "one intercept per row of coef");
  EVC_ASSERT(feature_names_.empty() || feature_names_.size() == n_features_, "one name per feature");
}

void LogisticRegressionModel::predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const {
  if (x.cols != n_features_)
    throw ConfigError(fmt::format("logistic_regression model expects {} features, got {}", n_features_, x.cols));
  EVC_ASSERT(x.data.size() == x.rows * x.cols, "feature matrix size != rows * cols");
  EVC_ASSERT(out.size() == x.rows * n_outputs(), "output span must hold rows × n_outputs() scores");
  constexpr std::size_t kRows = detail::RowChunks::kBlockRows;
  const std::size_t n_blocks = (x.rows + kRows - 1) / kRows;
  const std::size_t n_rows = n_outputs() == 1 ? 1 : static_cast<std::size_t>(n_classes_);
  core::parallel_for(n_blocks, ctx, [&](std::size_t block) {
    const std::size_t begin = block * kRows;
    const std::size_t m = std::min(kRows, x.rows - begin);
    std::vector<double> z(n_rows * kRows);
    for (std::size_t k = 0; k < n_rows; ++k)
      linear::linear_scores(x, coef_.data() + k * n_features_, intercept_[k], begin, m, z.data() + k * kRows);
    if (n_rows == 1) {
      for (std::size_t i = 0; i < m; ++i) {
        const double e = std::exp(-std::abs(z[i]));
        out[begin + i] = static_cast<float>(z[i] >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
      }
      return;
    }
    for (std::size_t i = 0; i < m; ++i) {
      double top = z[i];
      for (std::size_t k = 1; k < n_rows; ++k) top = std::max(top, z[k * kRows + i]);
      double sum = 0.0;
      for (std::size_t k = 0; k < n_rows; ++k) sum += std::exp(z[k * kRows + i] - top);
      for (std::size_t k = 0; k < n_rows; ++k)
        out[(begin + i) * n_rows + k] = static_cast<float>(std::exp(z[k * kRows + i] - top) / sum);
    }
  });
}

nlohmann::json LogisticRegressionModel::to_json() const {
  const std::size_t n_rows = intercept_.size();
  nlohmann::json coef = nlohmann::json::array();
  for (std::size_t k = 0; k < n_rows; ++k)
    coef.push_back(std::vector<double>(coef_.begin() + static_cast<std::ptrdiff_t>(k * n_features_),
                                       coef_.begin() + static_cast<std::ptrdiff_t>((k + 1) * n_features_)));
  return {{"type", "logistic_regression"},
          {"version", kVersion},
          {"n_classes", n_classes_},
          {"n_features", n_features_},
          {"feature_names", feature_names_},
          {"params", params_},
          {"coef", std::move(coef)},
          {"intercept", intercept_},
          {"training", {{"iterations", iterations_}, {"converged", converged_}}}};
}

std::unique_ptr<LogisticRegressionModel> LogisticRegressionModel::from_json(const nlohmann::json& j) {
  const detail::JsonReader reader(j, "logistic_regression model JSON");
  reader.expect_version(kVersion);
  const auto n_classes = static_cast<int>(reader.integer("n_classes", 2, 100000));
  const auto n_features = static_cast<std::size_t>(reader.integer("n_features", 1, 100000000));
  const std::size_t n_rows = n_classes == 2 ? 1 : static_cast<std::size_t>(n_classes);
  const auto& names = reader.field("feature_names");
  const std::size_t n_names = names.is_array() && names.empty() ? 0 : n_features;
  std::vector<std::string> feature_names = reader.strings("feature_names", n_names);
  const auto& params = reader.field("params");
  if (!params.is_object()) throw CorruptFile("logistic_regression model JSON: field \"params\" must be an object");
  std::vector<double> coef = reader.matrix("coef", n_rows, n_features);
  std::vector<double> intercept = reader.numbers("intercept", n_rows);
  const detail::JsonReader training(reader.field("training"), "logistic_regression model JSON, field \"training\"");
  const auto iterations = static_cast<int>(training.integer("iterations", 0, 1'000'000'000));
  const bool converged = training.boolean("converged");
  return std::make_unique<LogisticRegressionModel>(n_classes, n_features, std::move(coef), std::move(intercept),
                                                   std::move(feature_names), params, iterations, converged);
}

}  // namespace evclass::learn
