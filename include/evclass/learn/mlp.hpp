#pragma once
// Multi-layer perceptron (type "mlp"), scikit-learn's MLPClassifier: fully connected hidden layers
// with one activation, a logistic output unit for 2 classes or a softmax over n_classes, trained
// on the mean weighted log-loss + alpha/2 * ||W||^2 (per batch) by adam, sgd or lbfgs. Parameters
// and activations are float32. See docs/models-mlp.md.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evclass/learn/model.hpp"
#include "evclass/learn/params.hpp"

namespace evclass::learn {

namespace nn {
class Predictor;  // padded weights laid out for fast batched prediction (src/learn/nn)
}

/// The activation of every hidden layer (scikit-learn's names).
enum class MlpActivation { identity, logistic, tanh, relu };

[[nodiscard]] std::string_view to_string(MlpActivation a);
/// Parses "identity", "logistic", "tanh" or "relu"; returns false on anything else.
[[nodiscard]] bool parse_mlp_activation(std::string_view text, MlpActivation& out);

/// A trained MLP.
class MlpModel final : public Model {
 public:
  static constexpr int kVersion = 1;

  /// One fully connected layer: out = in · coef + intercept.
  struct Layer {
    std::size_t n_in = 0;
    std::size_t n_out = 0;
    std::vector<float> coef;       ///< n_in × n_out, row-major (scikit-learn's coefs_[l])
    std::vector<float> intercept;  ///< n_out (scikit-learn's intercepts_[l])
  };

  /// `layers` chain from n_features to n_outputs() (1 for binary, n_classes otherwise);
  /// `training` is a JSON object describing the run (solver, iterations, loss curve, ...).
  MlpModel(int n_classes, MlpActivation activation, std::vector<Layer> layers, std::vector<std::string> feature_names,
           nlohmann::json params, nlohmann::json training);
  ~MlpModel() override;

  [[nodiscard]] std::string_view type() const override { return "mlp"; }
  [[nodiscard]] int n_classes() const override { return n_classes_; }
  [[nodiscard]] std::size_t n_features() const override { return layers_.front().n_in; }
  void predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const override;
  [[nodiscard]] nlohmann::json to_json() const override;

  [[nodiscard]] MlpActivation activation() const { return activation_; }
  [[nodiscard]] const std::vector<Layer>& layers() const { return layers_; }
  /// Solver, iterations (epochs), final loss, loss per iteration, why training stopped.
  [[nodiscard]] const nlohmann::json& training() const { return training_; }

  /// Rebuilds a model from to_json(); throws CorruptFile naming the field on anything inconsistent.
  [[nodiscard]] static std::unique_ptr<MlpModel> from_json(const nlohmann::json& j);

 private:
  int n_classes_;
  MlpActivation activation_;
  std::vector<Layer> layers_;
  std::vector<std::string> feature_names_;
  nlohmann::json params_;
  nlohmann::json training_;
  std::shared_ptr<const nn::Predictor> predictor_;
};

/// The hyper-parameters of mlp.
[[nodiscard]] const ParamSchema& mlp_schema();

}  // namespace evclass::learn
