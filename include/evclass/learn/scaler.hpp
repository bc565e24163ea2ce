#pragma once
// Feature scaling fitted on the training set and stored with the model.

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/core/parallel.hpp"
#include "evclass/learn/data.hpp"

namespace evclass::learn {

/// How a Scaler maps each feature.
enum class ScalerKind {
  none,      ///< unchanged
  standard,  ///< (x - mean) / std, as scikit-learn's StandardScaler (population std; std 0 -> 1)
  minmax,    ///< (x - min) / (max - min) into [0, 1], as MinMaxScaler (range 0 -> 1)
};

/// "none", "standard", "minmax".
[[nodiscard]] std::string_view to_string(ScalerKind kind);
/// Parses a kind; throws ConfigError listing the choices.
[[nodiscard]] ScalerKind parse_scaler_kind(std::string_view text);

/// A per-feature affine map x -> (x - shift) / scale, fitted on training rows (unweighted).
class Scaler {
 public:
  Scaler() = default;
  explicit Scaler(ScalerKind kind) : kind_(kind) {}

  /// Learns shift and scale from x. Non-finite values are skipped (they stay non-finite).
  void fit(const FeatureMatrix& x, const core::Context& ctx = {});
  /// A new column-major buffer holding the scaled features (rows × n_features()).
  [[nodiscard]] std::vector<float> transform(const FeatureMatrix& x, const core::Context& ctx = {}) const;

  [[nodiscard]] ScalerKind kind() const { return kind_; }
  [[nodiscard]] std::size_t n_features() const { return shift_.size(); }
  [[nodiscard]] const std::vector<double>& shift() const { return shift_; }
  [[nodiscard]] const std::vector<double>& scale() const { return scale_; }

  [[nodiscard]] nlohmann::json to_json() const;
  /// Throws CorruptFile on a wrong kind, length, zero scale or non-finite value.
  [[nodiscard]] static Scaler from_json(const nlohmann::json& j);

 private:
  ScalerKind kind_ = ScalerKind::none;
  bool fitted_ = false;
  std::vector<double> shift_;
  std::vector<double> scale_;
};

}  // namespace evclass::learn
