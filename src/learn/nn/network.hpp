#pragma once
// A fully connected network's layout, its forward pass and its gradient (backpropagation) on
// blocks of rows. Private to learn.
//
// Data layout. Every matrix is row-major with rows padded to a multiple of 4 values
// (matmul.hpp): a block of m rows of layer l's units is m × ld(l). All of a network's parameters
// sit in one flat buffer: for each layer l = 0 .. n_layers-1, W_l (units(l) rows × ld(l+1)) then
// b_l (ld(l+1)). Padding entries of W and b are zero and stay zero (their gradients are zero),
// so padded units never reach a real one. The same layout holds gradients and optimiser state.
//
// Conditioning (the pnn's "affine" mode, FiLM-style). A network may take P conditioning values
// theta per row besides its inputs (a block of m rows is m × ld_conditioning()). Then the
// pre-activations z of every hidden layer h are replaced by
//     z' = z * (1 + theta · G_h) + theta · B_h        (G_h, B_h: P × units(h))
// and the layer outputs f(z'), as FiLM places the modulation before the non-linearity: the score
// can then depend on theta non-monotonically even with one hidden layer. G_h and B_h follow the layers in the flat
// buffer: for h = 1 .. n_layers-1, G_h (P rows × ld(h)) then B_h (P rows × ld(h)).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "evclass/learn/mlp.hpp"

namespace evclass::learn::nn {

/// Layer sizes (inputs, hidden layers, outputs) and where each layer's parameters are.
class Shape {
 public:
  /// units = {n_features, hidden..., n_outputs}; at least 2 entries, all >= 1. With
  /// n_conditioning > 0 (and at least one hidden layer) every hidden layer is conditioned.
  explicit Shape(std::vector<std::size_t> units, std::size_t n_conditioning = 0);

  [[nodiscard]] std::size_t n_layers() const { return units_.size() - 1; }  ///< weight layers
  [[nodiscard]] std::size_t units(std::size_t l) const { return units_[l]; }
  [[nodiscard]] std::size_t ld(std::size_t l) const { return ld_[l]; }
  [[nodiscard]] const std::vector<std::size_t>& all_units() const { return units_; }
  [[nodiscard]] std::size_t n_inputs() const { return units_.front(); }
  [[nodiscard]] std::size_t n_outputs() const { return units_.back(); }

  [[nodiscard]] std::size_t coef_offset(std::size_t l) const { return coef_offset_[l]; }
  [[nodiscard]] std::size_t coef_size(std::size_t l) const { return units_[l] * ld_[l + 1]; }
  [[nodiscard]] std::size_t intercept_offset(std::size_t l) const { return coef_offset_[l] + coef_size(l); }
  /// Conditioning values per row (0: an ordinary network) and their padded row length.
  [[nodiscard]] std::size_t n_conditioning() const { return n_conditioning_; }
  [[nodiscard]] std::size_t ld_conditioning() const { return padded_conditioning_; }
  /// Where G_h and B_h of hidden layer h (1 <= h < n_layers()) start; each is P × ld(h).
  [[nodiscard]] std::size_t gamma_offset(std::size_t h) const { return film_offset_[h]; }
  [[nodiscard]] std::size_t beta_offset(std::size_t h) const { return film_offset_[h] + n_conditioning_ * ld_[h]; }
  /// Length of a flat parameter buffer (with padding).
  [[nodiscard]] std::size_t size() const { return size_; }
  /// Length of the buffer of transposed coefficients (layers 1..n_layers-1) used by backward().
  [[nodiscard]] std::size_t transposed_size() const { return transposed_size_; }
  [[nodiscard]] std::size_t transposed_offset(std::size_t l) const { return transposed_offset_[l]; }
  /// Number of real (unpadded) parameters.
  [[nodiscard]] std::size_t n_parameters() const;

  /// A rows × cols matrix of real parameters stored with row length ld from `offset`;
  /// `coef` = penalised by alpha and weight decay (weights, G, B), else an intercept.
  struct Block {
    std::size_t offset, rows, cols, ld;
    bool coef;
  };
  /// Every block of real parameters: per layer W_l then b_l, then per hidden layer G_h and B_h.
  [[nodiscard]] std::vector<Block> blocks() const;

 private:
  std::vector<std::size_t> units_, ld_, coef_offset_, transposed_offset_, film_offset_;
  std::size_t n_conditioning_ = 0, padded_conditioning_ = 0;
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
  /// Row i of the conditioning block: ld_conditioning() values (conditioned shapes only).
  [[nodiscard]] T* conditioning_row(std::size_t i) { return theta_.data() + i * ld_theta_; }
  [[nodiscard]] std::size_t max_rows() const { return max_rows_; }

  /// The forward pass over the first m input rows; returns the output block (m × ld(last)):
  /// probabilities in the first n_outputs values of each row. `dropout` is used when given and
  /// active (training); `first_row` is the block's first row position in the batch. A
  /// conditioned shape reads the first m conditioning rows too.
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
  std::size_t max_rows_, ld0_, ld_theta_, rows_ = 0;
  std::vector<bool> dropped_;          ///< dropped_[l]: dropout applied to layer l in the last forward()
  std::vector<std::vector<T>> act_;   ///< act_[l]: layer l after its activation (l = 0: inputs)
  std::vector<T> theta_;              ///< conditioning values (m × ld_theta_)
  std::vector<std::vector<T>> gamma_; ///< gamma_[h] = theta · G_h (conditioned hidden layers)
  std::vector<std::vector<T>> film_;  ///< film_[h]: hidden layer h's pre-activations before the conditioning
  std::vector<T> scratch_;            ///< z * delta for the gradient of G
  std::vector<std::vector<T>> kept_;  ///< kept_[l]: act_[l] after dropout (hidden layers, when used)
  std::vector<std::vector<T>> mask_;  ///< mask_[l]: 0 or 1/(1-rate) per unit (when used)
  std::vector<std::vector<T>> delta_; ///< delta_[l]: d loss / d pre-activation of layer l
  [[nodiscard]] const T* layer_input(std::size_t l) const;
};

/// Glorot-uniform start as scikit-learn's _init_coef: every W_l and b_l uniform in ±sqrt(f /
/// (fan_in + fan_out)), f = 2 for logistic and 6 otherwise; drawn layer by layer, W row by row
/// then b, from SplitMix64(seed).
[[nodiscard]] std::vector<float> glorot_init(const Shape& shape, MlpActivation f, std::uint64_t seed);

/// The flat padded buffer (the layout above) holding `layers` (which must chain through the
/// shape's units); the conditioning matrices, if any, are zero.
[[nodiscard]] std::vector<float> pad_layers(const Shape& shape, const std::vector<MlpModel::Layer>& layers);

/// One value a network reads from a feature matrix: (x[column] - shift) * scale, in float.
struct ColumnMap {
  std::size_t column = 0;
  float shift = 0.0f;
  float scale = 1.0f;
  [[nodiscard]] float apply(float x) const { return (x - shift) * scale; }
};

/// Which columns of a feature matrix feed a network's inputs and its conditioning values.
/// Empty `inputs`: input p is column p unchanged (an mlp).
struct InputMap {
  std::vector<ColumnMap> inputs;        ///< one per network input, or empty
  std::vector<ColumnMap> conditioning;  ///< one per conditioning value
};

/// The network of a trained model, padded for fast prediction.
class Predictor {
 public:
  Predictor(Shape shape, MlpActivation f, std::vector<float> params, InputMap map = {});

  /// Probabilities for every row of x (column-major features): rows × (1 or n_outputs), row-major.
  void predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const;

  [[nodiscard]] const Shape& shape() const { return shape_; }
  [[nodiscard]] const std::vector<float>& params() const { return params_; }

 private:
  Shape shape_;
  MlpActivation activation_;
  std::vector<float> params_;
  InputMap map_;
};

}  // namespace evclass::learn::nn
