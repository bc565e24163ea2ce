#pragma once
// Parametric neural network (type "pnn"): an mlp for binary classification whose prediction is
// conditioned on physics parameters (a resonance mass hypothesis, ...) taken from feature
// columns, so one network replaces one network per parameter value and interpolates between the
// values it was trained at. The parameters enter as ordinary inputs ("concat") or modulate every
// hidden layer (FiLM-style "affine"). Training gives background rows parameter values drawn from
// the signal's. See docs/models-pnn.md.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evclass/learn/mlp.hpp"
#include "evclass/learn/model.hpp"
#include "evclass/learn/params.hpp"

namespace evclass::learn {

/// How the parameters enter the network.
enum class PnnConditioning {
  concat,  ///< as inputs of the first layer, beside the other features
  affine,  ///< not inputs: each hidden layer's pre-activations z become z * (1 + theta·G) + theta·B (FiLM)
};

[[nodiscard]] std::string_view to_string(PnnConditioning c);
/// Parses "concat" or "affine"; returns false on anything else.
[[nodiscard]] bool parse_pnn_conditioning(std::string_view text, PnnConditioning& out);

/// A trained parametric network.
class PnnModel final : public Model {
 public:
  static constexpr int kVersion = 1;

  /// A physics parameter: its column in the feature matrix and the standardisation the network
  /// applies to it, theta = (x - shift) * scale in float (from the signal training rows).
  struct Parameter {
    std::string name;
    std::size_t column = 0;
    float shift = 0.0f;
    float scale = 1.0f;
  };

  /// The affine conditioning of one hidden layer of `units` units: gamma = theta · gamma_coef,
  /// beta = theta · beta_coef, both P × units, row-major.
  struct Film {
    std::size_t units = 0;
    std::vector<float> gamma_coef;
    std::vector<float> beta_coef;
  };

  /// `layers` chain from the network's inputs (n_features for concat, n_features - P for affine:
  /// the non-parameter columns in order) to 1 output; `film` has one entry per hidden layer for
  /// affine and none for concat.
  PnnModel(PnnConditioning conditioning, MlpActivation activation, std::vector<Parameter> parameters,
           std::vector<MlpModel::Layer> layers, std::vector<Film> film, std::size_t n_features,
           std::vector<std::string> feature_names, nlohmann::json params, nlohmann::json training);
  ~PnnModel() override;

  [[nodiscard]] std::string_view type() const override { return "pnn"; }
  [[nodiscard]] int n_classes() const override { return 2; }
  [[nodiscard]] std::size_t n_features() const override { return n_features_; }
  /// x holds every feature, the parameter columns included: each row is scored at the parameter
  /// values it holds (set them to the hypothesis to score at).
  void predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const override;
  [[nodiscard]] nlohmann::json to_json() const override;

  [[nodiscard]] PnnConditioning conditioning() const { return conditioning_; }
  [[nodiscard]] MlpActivation activation() const { return activation_; }
  [[nodiscard]] const std::vector<Parameter>& parameters() const { return parameters_; }
  [[nodiscard]] const std::vector<MlpModel::Layer>& layers() const { return layers_; }
  [[nodiscard]] const std::vector<Film>& film() const { return film_; }
  /// As MlpModel::training(), plus the conditioning, the background strategy and the signal's
  /// parameter points.
  [[nodiscard]] const nlohmann::json& training() const { return training_; }

  /// Rebuilds a model from to_json(); throws CorruptFile naming the field on anything inconsistent.
  [[nodiscard]] static std::unique_ptr<PnnModel> from_json(const nlohmann::json& j);

 private:
  PnnConditioning conditioning_;
  MlpActivation activation_;
  std::vector<Parameter> parameters_;
  std::vector<MlpModel::Layer> layers_;
  std::vector<Film> film_;
  std::size_t n_features_;
  std::vector<std::string> feature_names_;
  nlohmann::json params_;
  nlohmann::json training_;
  std::shared_ptr<const nn::Predictor> predictor_;
};

/// The hyper-parameters of pnn: every one of mlp's, plus parameters, conditioning,
/// background_parameters, background_value and balance_parameter_points.
[[nodiscard]] const ParamSchema& pnn_schema();

}  // namespace evclass::learn
