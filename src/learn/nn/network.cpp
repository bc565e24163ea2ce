#include "learn/nn/network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/random.hpp"
#include "learn/nn/activation.hpp"
#include "learn/nn/matmul.hpp"

namespace evclass::learn::nn {

Shape::Shape(std::vector<std::size_t> units, std::size_t n_conditioning)
    : units_(std::move(units)), n_conditioning_(n_conditioning), padded_conditioning_(padded(n_conditioning)) {
  EVC_ASSERT(units_.size() >= 2, "a network has an input and an output layer");
  EVC_ASSERT(n_conditioning_ == 0 || units_.size() >= 3, "conditioning acts on hidden layers");
  for (auto u : units_) EVC_ASSERT(u >= 1, "every layer has at least one unit");
  for (auto u : units_) ld_.push_back(padded(u));
  for (std::size_t l = 0; l < n_layers(); ++l) {
    coef_offset_.push_back(size_);
    size_ += coef_size(l) + ld_[l + 1];
  }
  film_offset_.assign(n_layers(), 0);
  if (n_conditioning_ > 0) {
    for (std::size_t h = 1; h < n_layers(); ++h) {
      film_offset_[h] = size_;
      size_ += 2 * n_conditioning_ * ld_[h];
    }
  }
  transposed_offset_.assign(n_layers(), 0);
  for (std::size_t l = 1; l < n_layers(); ++l) {
    transposed_offset_[l] = transposed_size_;
    transposed_size_ += units_[l + 1] * ld_[l];
  }
}

std::size_t Shape::n_parameters() const {
  std::size_t n = 0;
  for (const Block& b : blocks()) n += b.rows * b.cols;
  return n;
}

std::vector<Shape::Block> Shape::blocks() const {
  std::vector<Block> out;
  for (std::size_t l = 0; l < n_layers(); ++l) {
    out.push_back({coef_offset(l), units_[l], units_[l + 1], ld_[l + 1], true});
    out.push_back({intercept_offset(l), 1, units_[l + 1], ld_[l + 1], false});
  }
  if (n_conditioning_ > 0) {
    for (std::size_t h = 1; h < n_layers(); ++h) {
      out.push_back({gamma_offset(h), n_conditioning_, units_[h], ld_[h], true});
      out.push_back({beta_offset(h), n_conditioning_, units_[h], ld_[h], true});
    }
  }
  return out;
}

template <class T>
void transpose_coefs(const Shape& shape, const T* params, T* transposed) {
  for (std::size_t l = 1; l < shape.n_layers(); ++l) {
    const T* w = params + shape.coef_offset(l);
    T* wt = transposed + shape.transposed_offset(l);
    const std::size_t n_in = shape.units(l), ld_in = shape.ld(l), ld_out = shape.ld(l + 1);
    for (std::size_t j = 0; j < shape.units(l + 1); ++j) {
      for (std::size_t p = 0; p < n_in; ++p) wt[j * ld_in + p] = w[p * ld_out + j];
      for (std::size_t p = n_in; p < ld_in; ++p) wt[j * ld_in + p] = T(0);
    }
  }
}

bool Dropout::active() const {
  return std::any_of(rate.begin(), rate.end(), [](double r) { return r > 0.0; });
}

template <class T>
Workspace<T>::Workspace(const Shape& shape, std::size_t max_rows, bool with_dropout, bool with_gradient)
    : max_rows_(max_rows), ld0_(shape.ld(0)), ld_theta_(shape.ld_conditioning()) {
  const std::size_t n_layers = shape.n_layers();
  const bool conditioned = shape.n_conditioning() > 0;
  act_.resize(n_layers + 1);
  delta_.resize(n_layers + 1);
  kept_.resize(n_layers + 1);
  mask_.resize(n_layers + 1);
  gamma_.resize(n_layers + 1);
  film_.resize(n_layers + 1);
  dropped_.assign(n_layers + 1, false);
  std::size_t widest = 0;
  for (std::size_t l = 0; l <= n_layers; ++l) {
    act_[l].assign(max_rows * shape.ld(l), T(0));
    if (l > 0 && with_gradient) delta_[l].assign(max_rows * shape.ld(l), T(0));
    if (with_dropout && l > 0 && l < n_layers) {
      kept_[l].assign(max_rows * shape.ld(l), T(0));
      mask_[l].assign(max_rows * shape.ld(l), T(0));
    }
    if (conditioned && l > 0 && l < n_layers) {
      gamma_[l].assign(max_rows * shape.ld(l), T(0));
      film_[l].assign(max_rows * shape.ld(l), T(0));
      widest = std::max(widest, shape.ld(l));
    }
  }
  if (conditioned) theta_.assign(max_rows * ld_theta_, T(0));
  if (conditioned && with_gradient) scratch_.assign(max_rows * widest, T(0));
}

template <class T>
const T* Workspace<T>::layer_input(std::size_t l) const {
  return dropped_[l] ? kept_[l].data() : act_[l].data();
}

namespace {

/// mask = 0 or 1/(1-rate) for each real unit of m rows (padding stays 0); kept = act * mask.
template <class T>
void make_dropout_mask(const Dropout& dropout, std::size_t layer, std::size_t units, std::size_t ld, std::size_t m,
                       std::size_t first_row, const T* act, T* mask, T* kept) {
  // A unit is kept when a 16-bit uniform number is >= threshold; one hash gives 4 units.
  const double rate = dropout.rate[layer - 1];
  const auto threshold = static_cast<std::uint32_t>(std::lround(rate * 65536.0));
  const T scale = threshold >= 65536 ? T(0) : static_cast<T>(65536.0 / (65536.0 - threshold));
  for (std::size_t i = 0; i < m; ++i) {
    const std::uint64_t row_key = core::mix_key(core::mix_key(dropout.seed, dropout.step, first_row + i), layer);
    T* mrow = mask + i * ld;
    for (std::size_t g = 0; 4 * g < units; ++g) {
      const std::uint64_t bits = core::mix64(row_key + g);
      for (std::size_t q = 0; q < 4 && 4 * g + q < units; ++q) {
        const auto u16 = static_cast<std::uint32_t>((bits >> (16 * q)) & 0xffffu);
        mrow[4 * g + q] = u16 >= threshold ? scale : T(0);
      }
    }
  }
  for (std::size_t e = 0; e < m * ld; ++e) kept[e] = act[e] * mask[e];
}

/// sums[j] += column j of the m × ld matrix d, row after row (the order of a plain loop), with
/// each group of 8 columns kept in registers instead of a store and reload per row.
template <class T>
void add_column_sums(const T* d, std::size_t m, std::size_t ld, T* sums) {
  constexpr std::size_t kWidth = 8;
  std::size_t j = 0;
  for (; j + kWidth <= ld; j += kWidth) {
    T acc[kWidth];
    for (std::size_t q = 0; q < kWidth; ++q) acc[q] = sums[j + q];
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t q = 0; q < kWidth; ++q) acc[q] += d[i * ld + j + q];
    for (std::size_t q = 0; q < kWidth; ++q) sums[j + q] = acc[q];
  }
  for (; j < ld; ++j) {
    T acc = sums[j];
    for (std::size_t i = 0; i < m; ++i) acc += d[i * ld + j];
    sums[j] = acc;
  }
}

/// The affine conditioning of m rows of hidden layer h, before its activation: z (in `z`, the
/// layer's pre-activations) becomes z * (1 + theta·G) + theta·B; `gamma` keeps theta·G and
/// `saved` the unconditioned z (both for the gradient).
template <class T>
void condition(const Shape& shape, std::size_t h, const T* params, const T* theta, std::size_t m, T* z, T* gamma,
               T* saved) {
  const std::size_t ld = shape.ld(h), p = shape.n_conditioning(), ld_theta = shape.ld_conditioning();
  matmul(theta, ld_theta, false, params + shape.gamma_offset(h), ld, MatmulStart::zero, nullptr, gamma, ld, m, p);
  matmul(theta, ld_theta, false, params + shape.beta_offset(h), ld, MatmulStart::zero, nullptr, saved, ld, m, p);
  for (std::size_t e = 0; e < m * ld; ++e) {
    const T shift = saved[e];
    saved[e] = z[e];
    z[e] = z[e] * (T(1) + gamma[e]) + shift;
  }
}

}  // namespace

template <class T>
const T* Workspace<T>::forward(const Shape& shape, MlpActivation f, const T* params, std::size_t m,
                               const Dropout* dropout, std::size_t first_row) {
  EVC_ASSERT(m <= max_rows_, "block larger than its workspace");
  rows_ = m;
  const std::size_t n_layers = shape.n_layers();
  const bool use_dropout = dropout != nullptr && dropout->active();
  EVC_ASSERT(!use_dropout || dropout->rate.size() + 1 == n_layers, "one dropout rate per hidden layer");
  EVC_ASSERT(!use_dropout || !kept_[1].empty() || n_layers == 1, "workspace made without dropout buffers");
  for (std::size_t l = 0; l < n_layers; ++l) {
    matmul(layer_input(l), shape.ld(l), false, params + shape.coef_offset(l), shape.ld(l + 1), MatmulStart::row,
           params + shape.intercept_offset(l), act_[l + 1].data(), shape.ld(l + 1), m, shape.units(l));
    if (l + 1 == n_layers) break;
    if (!film_[l + 1].empty())
      condition(shape, l + 1, params, theta_.data(), m, act_[l + 1].data(), gamma_[l + 1].data(), film_[l + 1].data());
    apply_hidden(f, act_[l + 1].data(), m * shape.ld(l + 1));
    const T* output = act_[l + 1].data();
    dropped_[l + 1] = use_dropout && dropout->rate[l] > 0.0;
    if (dropped_[l + 1])
      make_dropout_mask(*dropout, l + 1, shape.units(l + 1), shape.ld(l + 1), m, first_row, output,
                        mask_[l + 1].data(), kept_[l + 1].data());
  }
  apply_output(act_[n_layers].data(), m, shape.ld(n_layers), shape.n_outputs());
  return act_[n_layers].data();
}

template <class T>
double Workspace<T>::backward(const Shape& shape, MlpActivation f, const T* transposed,
                              std::span<const std::int32_t> labels, std::span<const double> sample_weight,
                              std::span<const T> row_scale, bool accumulate, T* grad) {
  const std::size_t m = rows_;
  EVC_ASSERT(labels.size() == m && sample_weight.size() == m && row_scale.size() == m, "one label and weight per row");
  EVC_ASSERT(!delta_.back().empty(), "workspace made without gradient buffers");
  const std::size_t n_layers = shape.n_layers();
  const std::size_t n_out = shape.n_outputs(), ld_out = shape.ld(n_layers);
  // scikit-learn clips probabilities to [eps, 1 - eps] of the working precision in the loss.
  static constexpr T eps = std::numeric_limits<T>::epsilon();
  const auto clip = [](T p) { return std::clamp(p, eps, T(1) - eps); };
  const auto log = [](T p) -> double {
    if constexpr (sizeof(T) == sizeof(float)) return log_approx(p);  // the same on every machine
    else return std::log(p);
  };

  // Output layer: d loss / d z = p - y for logistic + binary log-loss and softmax + log-loss.
  double loss = 0.0;
  const T* out = act_[n_layers].data();
  T* d = delta_[n_layers].data();
  for (std::size_t i = 0; i < m; ++i) {
    const T* p = out + i * ld_out;
    T* di = d + i * ld_out;
    const auto y = static_cast<std::size_t>(labels[i]);
    double row_loss;
    if (n_out == 1) {
      const T target = y == 1 ? T(1) : T(0);
      di[0] = (p[0] - target) * row_scale[i];
      row_loss = -log(y == 1 ? clip(p[0]) : T(1) - clip(p[0]));
    } else {
      for (std::size_t k = 0; k < n_out; ++k) di[k] = (p[k] - (k == y ? T(1) : T(0))) * row_scale[i];
      row_loss = -log(clip(p[y]));
    }
    for (std::size_t k = n_out; k < ld_out; ++k) di[k] = T(0);
    loss += sample_weight[i] * row_loss;
  }

  for (std::size_t l = n_layers; l-- > 0;) {
    const std::size_t ld_next = shape.ld(l + 1);
    const T* d_next = delta_[l + 1].data();
    // dW_l (+)= input_l^T · delta_{l+1}; db_l (+)= column sums of delta_{l+1}.
    matmul(layer_input(l), shape.ld(l), true, d_next, ld_next, accumulate ? MatmulStart::accumulate : MatmulStart::zero,
           nullptr, grad + shape.coef_offset(l), ld_next, shape.units(l), m);
    T* gb = grad + shape.intercept_offset(l);
    if (!accumulate) std::fill(gb, gb + ld_next, T(0));
    add_column_sums(d_next, m, ld_next, gb);
    if (l == 0) break;
    // delta_l = (delta_{l+1} · W_l^T) * dropout mask * f'(a_l).
    const std::size_t ld_here = shape.ld(l);
    T* d_here = delta_[l].data();
    matmul(d_next, ld_next, false, transposed + shape.transposed_offset(l), ld_here, MatmulStart::zero, nullptr, d_here,
           ld_here, m, shape.units(l + 1));
    if (dropped_[l]) {
      const T* mask = mask_[l].data();
      for (std::size_t e = 0; e < m * ld_here; ++e) d_here[e] *= mask[e];
    }
    multiply_derivative(f, act_[l].data(), d_here, m * ld_here);
    if (!film_[l].empty()) {
      // d_here is d loss / d z'_l (the conditioned pre-activations): dG_l (+)= theta^T · (z * d_here),
      // dB_l (+)= theta^T · d_here, and d loss / d z_l = d_here * (1 + gamma_l).
      const std::size_t p = shape.n_conditioning();
      const T* z = film_[l].data();
      for (std::size_t e = 0; e < m * ld_here; ++e) scratch_[e] = z[e] * d_here[e];
      const MatmulStart start = accumulate ? MatmulStart::accumulate : MatmulStart::zero;
      matmul(theta_.data(), ld_theta_, true, scratch_.data(), ld_here, start, nullptr, grad + shape.gamma_offset(l),
             ld_here, p, m);
      matmul(theta_.data(), ld_theta_, true, d_here, ld_here, start, nullptr, grad + shape.beta_offset(l), ld_here, p,
             m);
      const T* gamma = gamma_[l].data();
      for (std::size_t e = 0; e < m * ld_here; ++e) d_here[e] *= T(1) + gamma[e];
    }
  }
  return loss;
}

std::vector<float> glorot_init(const Shape& shape, MlpActivation f, std::uint64_t seed) {
  std::vector<float> params(shape.size(), 0.0f);
  core::SplitMix64 rng(seed);
  const double factor = f == MlpActivation::logistic ? 2.0 : 6.0;
  for (std::size_t l = 0; l < shape.n_layers(); ++l) {
    const std::size_t n_in = shape.units(l), n_out = shape.units(l + 1), ld = shape.ld(l + 1);
    const double bound = std::sqrt(factor / static_cast<double>(n_in + n_out));
    const auto draw = [&] { return static_cast<float>(-bound + 2.0 * bound * rng.uniform()); };
    float* w = params.data() + shape.coef_offset(l);
    for (std::size_t p = 0; p < n_in; ++p)
      for (std::size_t j = 0; j < n_out; ++j) w[p * ld + j] = draw();
    float* b = params.data() + shape.intercept_offset(l);
    for (std::size_t j = 0; j < n_out; ++j) b[j] = draw();
  }
  return params;
}

std::vector<float> pad_layers(const Shape& shape, const std::vector<MlpModel::Layer>& layers) {
  EVC_ASSERT(layers.size() == shape.n_layers(), "one layer per weight layer of the shape");
  std::vector<float> padded(shape.size(), 0.0f);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const MlpModel::Layer& layer = layers[l];
    EVC_ASSERT(layer.n_in == shape.units(l) && layer.n_out == shape.units(l + 1), "layers chain through the shape");
    EVC_ASSERT(layer.coef.size() == layer.n_in * layer.n_out && layer.intercept.size() == layer.n_out,
               "layer arrays fit their sizes");
    const std::size_t ld = shape.ld(l + 1);
    for (std::size_t p = 0; p < layer.n_in; ++p)
      for (std::size_t j = 0; j < layer.n_out; ++j)
        padded[shape.coef_offset(l) + p * ld + j] = layer.coef[p * layer.n_out + j];
    for (std::size_t j = 0; j < layer.n_out; ++j) padded[shape.intercept_offset(l) + j] = layer.intercept[j];
  }
  return padded;
}

Predictor::Predictor(Shape shape, MlpActivation f, std::vector<float> params, InputMap map)
    : shape_(std::move(shape)), activation_(f), params_(std::move(params)), map_(std::move(map)) {
  EVC_ASSERT(params_.size() == shape_.size(), "parameter buffer does not fit the shape");
  EVC_ASSERT(map_.inputs.empty() || map_.inputs.size() == shape_.n_inputs(), "one column per network input");
  EVC_ASSERT(map_.conditioning.size() == shape_.n_conditioning(), "one column per conditioning value");
}

void Predictor::predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const {
  EVC_ASSERT(!map_.inputs.empty() || x.cols == shape_.n_inputs(), "feature count checked by the model");
  const std::size_t n_out = shape_.n_outputs();
  EVC_ASSERT(out.size() == x.rows * n_out, "output span must hold rows × n_outputs() scores");
  // Blocks of rows shared among a few tasks per thread, each with one workspace. A row's scores
  // do not depend on the block it is in.
  constexpr std::size_t kRows = 256;
  const std::size_t n_blocks = (x.rows + kRows - 1) / kRows;
  const std::size_t n_tasks = std::min(n_blocks, 4 * static_cast<std::size_t>(ctx.resolved_threads()));
  const std::size_t ld_out = shape_.ld(shape_.n_layers());
  core::parallel_for(n_tasks, ctx, [&](std::size_t task) {
    Workspace<float> ws(shape_, kRows, false, false);
    for (std::size_t block = task * n_blocks / n_tasks; block < (task + 1) * n_blocks / n_tasks; ++block) {
      const std::size_t begin = block * kRows;
      const std::size_t m = std::min(kRows, x.rows - begin);
      if (map_.inputs.empty()) {
        for (std::size_t p = 0; p < x.cols; ++p) {
          const float* column = x.data.data() + p * x.rows + begin;
          for (std::size_t i = 0; i < m; ++i) ws.input_row(i)[p] = column[i];
        }
      } else {
        for (std::size_t p = 0; p < map_.inputs.size(); ++p) {
          const ColumnMap& c = map_.inputs[p];
          const float* column = x.data.data() + c.column * x.rows + begin;
          for (std::size_t i = 0; i < m; ++i) ws.input_row(i)[p] = c.apply(column[i]);
        }
      }
      for (std::size_t p = 0; p < map_.conditioning.size(); ++p) {
        const ColumnMap& c = map_.conditioning[p];
        const float* column = x.data.data() + c.column * x.rows + begin;
        for (std::size_t i = 0; i < m; ++i) ws.conditioning_row(i)[p] = c.apply(column[i]);
      }
      const float* probs = ws.forward(shape_, activation_, params_.data(), m);
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t k = 0; k < n_out; ++k) out[(begin + i) * n_out + k] = probs[i * ld_out + k];
    }
  });
}

template class Workspace<float>;
template class Workspace<double>;
template void transpose_coefs<float>(const Shape&, const float*, float*);
template void transpose_coefs<double>(const Shape&, const double*, double*);

}  // namespace evclass::learn::nn
