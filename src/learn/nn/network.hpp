#pragma once
// A fully connected network's layout, its forward pass and its gradient (backpropagation) on
// blocks of rows. Private to learn.
//
// Data layout. Every matrix is row-major with rows padded to a multiple of 4 values
// (matmul.hpp): a block of m rows of layer l's units is m × ld(l). All of a network's parameters
// sit in one flat buffer: for each layer l = 0 .. n_layers-1, W_l (units(l) rows × ld(l+1)) then
// b_l (ld(l+1)). Padding entries of W and b are zero and stay zero (their gradients are zero),
// so padded units never reach a real one. The same layout holds gradients and optimiser state.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "evclass/learn/mlp.hpp"

namespace evclass::learn::nn {

/// Layer sizes (inputs, hidden layers, outputs) and where each layer's parameters are.
class Shape {
 public:
  /// units = {n_features, hidden..., n_outputs}; at least 2 entries, all >= 1.
  explicit Shape(std::vector<std::size_t> units);

  [[nodiscard]] std::size_t n_layers() const { return units_.size() - 1; }  ///< weight layers
  [[nodiscard]] std::size_t units(std::size_t l) const { return units_[l]; }
  [[nodiscard]] std::size_t ld(std::size_t l) const { return ld_[l]; }
  [[nodiscard]] const std::vector<std::size_t>& all_units() const { return units_; }
  [[nodiscard]] std::size_t n_inputs() const { return units_.front(); }
  [[nodiscard]] std::size_t n_outputs() const { return units_.back(); }

  [[nodiscard]] std::size_t coef_offset(std::size_t l) const { return coef_offset_[l]; }
  [[nodiscard]] std::size_t coef_size(std::size_t l) const { return units_[l] * ld_[l + 1]; }
  [[nodiscard]] std::size_t intercept_offset(std::size_t l) const { return coef_offset_[l] + coef_size(l); }
  /// Length of a flat parameter buffer (with padding).
  [[nodiscard]] std::size_t size() const { return size_; }
  /// Length of the buffer of transposed coefficients (layers 1..n_layers-1) used by backward().
  [[nodiscard]] std::size_t transposed_size() const { return transposed_size_; }
  [[nodiscard]] std::size_t transposed_offset(std::size_t l) const { return transposed_offset_[l]; }
  /// Number of real (unpadded) parameters.
  [[nodiscard]] std::size_t n_parameters() const;

 private:
  std::vector<std::size_t> units_, ld_, coef_offset_, transposed_offset_;
  std::size_t size_ = 0, transposed_size_ = 0;
};

/// Writes W_l^T (units(l+1) rows × ld(l)) for every layer l >= 1, as backward() reads it.
template <class T>
void transpose_coefs(const Shape& shape, const T* params, T* transposed);

/// Inverted dropout of the hidden layers during training: unit u of row r in hidden layer h is
/// kept with probability 1 - rate[h] and then scaled by 1 / (1 - rate[h]). The decision is a hash
/// of (seed, step, row position in the batch, layer, unit), so it does not depend on how rows are
/// split between threads.
struct Dropout {
  std::vector<double> rate;  ///< one per hidden layer; empty or all 0 = off
  std::uint64_t seed = 0;
  std::uint64_t step = 0;    ///< the optimiser step (a new mask every batch)
  [[nodiscard]] bool active() const;
};

/// Buffers for one block of at most `max_rows` rows; reused from block to block.
template <class T>
class Workspace {
 public:
  /// `with_gradient` false: for forward() only (prediction).
  Workspace(const Shape& shape, std::size_t max_rows, bool with_dropout, bool with_gradient = true);

  /// Row i of the input block: ld(0) values (write the features, padding is kept zero).
  [[nodiscard]] T* input_row(std::size_t i) { return act_[0].data() + i * ld0_; }
  [[nodiscard]] std::size_t max_rows() const { return max_rows_; }

  /// The forward pass over the first m input rows; returns the output block (m × ld(last)):
  /// probabilities in the first n_outputs values of each row. `dropout` is used when given and
  /// active (training); `first_row` is the block's first row position in the batch.
  const T* forward(const Shape& shape, MlpActivation f, const T* params, std::size_t m,
                   const Dropout* dropout = nullptr, std::size_t first_row = 0);

  /// After forward(): the weighted log-loss sum_i s_i * l_i of the block (in double), and its
  /// gradient written into `grad` (the flat layout; added to it when `accumulate`), where row i
  /// enters with weight row_scale[i] = s_i / N (N the batch normaliser). Labels are
  /// 0..n_classes-1. `transposed` is transpose_coefs() of the parameters given to forward().
  double backward(const Shape& shape, MlpActivation f, const T* transposed,
                  std::span<const std::int32_t> labels, std::span<const double> sample_weight,
                  std::span<const T> row_scale, bool accumulate, T* grad);

 private:
  std::size_t max_rows_, ld0_, rows_ = 0;
  std::vector<bool> dropped_;          ///< dropped_[l]: dropout applied to layer l in the last forward()
  std::vector<std::vector<T>> act_;   ///< act_[l]: layer l after its activation (l = 0: inputs)
  std::vector<std::vector<T>> kept_;  ///< kept_[l]: act_[l] after dropout (hidden layers, when used)
  std::vector<std::vector<T>> mask_;  ///< mask_[l]: 0 or 1/(1-rate) per unit (when used)
  std::vector<std::vector<T>> delta_; ///< delta_[l]: d loss / d pre-activation of layer l
  [[nodiscard]] const T* layer_input(std::size_t l) const;
};

/// Glorot-uniform start as scikit-learn's _init_coef: every W_l and b_l uniform in ±sqrt(f /
/// (fan_in + fan_out)), f = 2 for logistic and 6 otherwise; drawn layer by layer, W row by row
/// then b, from SplitMix64(seed).
[[nodiscard]] std::vector<float> glorot_init(const Shape& shape, MlpActivation f, std::uint64_t seed);

/// The network of a trained model, padded for fast prediction.
class Predictor {
 public:
  Predictor(Shape shape, MlpActivation f, std::vector<float> params);

  /// Probabilities for every row of x (column-major features): rows × (1 or n_outputs), row-major.
  void predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const;

  [[nodiscard]] const Shape& shape() const { return shape_; }
  [[nodiscard]] const std::vector<float>& params() const { return params_; }

 private:
  Shape shape_;
  MlpActivation activation_;
  std::vector<float> params_;
};

}  // namespace evclass::learn::nn
