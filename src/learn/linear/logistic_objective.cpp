#include "learn/linear/logistic_objective.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "learn/linear/linear_scores.hpp"
#include "learn/row_chunks.hpp"

namespace evclass::learn::linear {

using detail::dot_float;
using detail::RowChunks;
using Eigen::Index;

namespace {

using FeatureMap = Eigen::Map<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>;

/// Adds 0.5 * ||w||^2 over the penalised entries (not intercepts) to `value` and w to grad.
double penalty(const Eigen::VectorXd& theta, Index n_inputs, Index n_features, Eigen::VectorXd* grad) {
  double sum = 0.0;
  for (Index k = 0; k < theta.size(); k += n_inputs) {
    for (Index j = 0; j < n_features; ++j) {
      sum += theta[k + j] * theta[k + j];
      if (grad) (*grad)[k + j] += theta[k + j];
    }
  }
  return 0.5 * sum;
}

}  // namespace

double BinaryLogisticObjective::value(const Eigen::VectorXd& theta) const { return evaluate(theta, nullptr, nullptr); }

double BinaryLogisticObjective::value_gradient(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) const {
  return evaluate(theta, &grad, nullptr);
}

double BinaryLogisticObjective::value_gradient_hessian(const Eigen::VectorXd& theta, Eigen::VectorXd& grad,
                                                       Eigen::MatrixXd& hessian) const {
  return evaluate(theta, &grad, &hessian);
}

double BinaryLogisticObjective::evaluate(const Eigen::VectorXd& theta, Eigen::VectorXd* grad,
                                         Eigen::MatrixXd* hessian) const {
  const std::size_t d = p_.x.cols;
  const Index n_in = p_.n_inputs();
  const double bias = p_.fit_intercept ? theta[static_cast<Index>(d)] : 0.0;
  const RowChunks chunks(p_.x.rows);
  std::vector<double> chunk_loss(chunks.count(), 0.0);
  std::vector<Eigen::VectorXd> chunk_grad(grad ? chunks.count() : 0);
  std::vector<Eigen::MatrixXd> chunk_hessian(hessian ? chunks.count() : 0);

  core::parallel_for(chunks.count(), ctx_, [&](std::size_t c) {
    const auto [begin, end] = chunks.rows(c);
    std::vector<double> z(RowChunks::kBlockRows), loss(RowChunks::kBlockRows);
    std::vector<double> residual(RowChunks::kBlockRows), curvature(RowChunks::kBlockRows);
    Eigen::VectorXd g = Eigen::VectorXd::Zero(grad ? n_in : 0);
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(hessian ? n_in : 0, hessian ? n_in : 0);
    Eigen::MatrixXf scaled, block_h;
    double total = 0.0;
    for (std::size_t b = begin; b < end; b += RowChunks::kBlockRows) {
      const std::size_t m = std::min(RowChunks::kBlockRows, end - b);
      linear_scores(p_.x, theta.data(), bias, b, m, z.data());
      bool curvature_nonnegative = true;
      for (std::size_t i = 0; i < m; ++i) {
        const double zi = z[i];
        const double y = p_.labels[b + i] == 1 ? 1.0 : 0.0;
        const double s = p_.weights[b + i];
        const double e = std::exp(-std::abs(zi));
        // log(1 + exp(z)) - y z, stable for any z.
        loss[i] = s * (std::max(zi, 0.0) + std::log1p(e) - y * zi);
        if (grad) {
          const double prob = zi >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
          residual[i] = s * (prob - y);
          curvature[i] = s * prob * (1.0 - prob);
          curvature_nonnegative = curvature_nonnegative && curvature[i] >= 0.0;
        }
      }
      total += detail::sum(loss.data(), m);
      if (grad) {
        for (std::size_t j = 0; j < d; ++j)
          g[static_cast<Index>(j)] += dot_float(residual.data(), p_.x.data.data() + j * p_.x.rows + b, m);
        if (p_.fit_intercept) g[static_cast<Index>(d)] += detail::sum(residual.data(), m);
      }
      if (hessian) {
        // The Hessian only steers Newton's steps (the gradient, and so the optimum, stay exact in
        // double), so its block products run in float straight on the column-major data: no copy
        // of X, twice the SIMD width. Block sums are added into the double total.
        const FeatureMap xf(p_.x.data.data() + b, static_cast<Index>(m), static_cast<Index>(d),
                            Eigen::OuterStride<>(static_cast<Index>(p_.x.rows)));
        const Eigen::Map<const Eigen::ArrayXd> curv(curvature.data(), static_cast<Index>(m));
        block_h.setZero(static_cast<Index>(d), static_cast<Index>(d));
        if (curvature_nonnegative) {  // X^T diag(c) X as a symmetric rank update: half the work
          scaled = xf.array().colwise() * curv.sqrt().cast<float>();
          block_h.selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose());
        } else {  // negative weights: c has both signs
          scaled = xf.array().colwise() * curv.cast<float>();
          block_h.noalias() = xf.transpose() * scaled;
        }
        h.topLeftCorner(static_cast<Index>(d), static_cast<Index>(d)).triangularView<Eigen::Lower>() +=
            block_h.cast<double>();
        if (p_.fit_intercept) {
          for (std::size_t j = 0; j < d; ++j)
            h(static_cast<Index>(d), static_cast<Index>(j)) +=
                dot_float(curvature.data(), p_.x.data.data() + j * p_.x.rows + b, m);
          h(static_cast<Index>(d), static_cast<Index>(d)) += detail::sum(curvature.data(), m);
        }
      }
    }
    chunk_loss[c] = total;
    if (grad) chunk_grad[c] = std::move(g);
    if (hessian) chunk_hessian[c] = std::move(h);
  });

  double total = 0.0;
  for (double l : chunk_loss) total += l;
  if (grad) {
    grad->setZero(n_in);
    for (const auto& g : chunk_grad) *grad += g;
    *grad *= p_.C;
  }
  if (hessian) {
    Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(n_in, n_in);
    for (const auto& h : chunk_hessian) lower.triangularView<Eigen::Lower>() += h;
    *hessian = lower.selfadjointView<Eigen::Lower>();
    *hessian *= p_.C;
    for (Index j = 0; j < static_cast<Index>(d); ++j) (*hessian)(j, j) += 1.0;
  }
  return penalty(theta, n_in, static_cast<Index>(d), grad) + p_.C * total;
}

double MultinomialLogisticObjective::value(const Eigen::VectorXd& theta) const { return evaluate(theta, nullptr); }

double MultinomialLogisticObjective::value_gradient(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) const {
  return evaluate(theta, &grad);
}

double MultinomialLogisticObjective::evaluate(const Eigen::VectorXd& theta, Eigen::VectorXd* grad) const {
  const std::size_t d = p_.x.cols;
  const Index n_in = p_.n_inputs();
  const auto n_classes = static_cast<std::size_t>(p_.n_classes);
  const RowChunks chunks(p_.x.rows);
  std::vector<double> chunk_loss(chunks.count(), 0.0);
  std::vector<Eigen::VectorXd> chunk_grad(grad ? chunks.count() : 0);

  core::parallel_for(chunks.count(), ctx_, [&](std::size_t c) {
    const auto [begin, end] = chunks.rows(c);
    constexpr std::size_t kRows = RowChunks::kBlockRows;
    std::vector<double> z(n_classes * kRows);  // class-major: z[k * kRows + i]
    std::vector<double> loss(kRows);
    Eigen::VectorXd g = Eigen::VectorXd::Zero(grad ? theta.size() : 0);
    double total = 0.0;
    for (std::size_t b = begin; b < end; b += kRows) {
      const std::size_t m = std::min(kRows, end - b);
      for (std::size_t k = 0; k < n_classes; ++k) {
        const double* coef = theta.data() + static_cast<Index>(k) * n_in;
        linear_scores(p_.x, coef, p_.fit_intercept ? coef[d] : 0.0, b, m, z.data() + k * kRows);
      }
      for (std::size_t i = 0; i < m; ++i) {
        double top = z[i];
        for (std::size_t k = 1; k < n_classes; ++k) top = std::max(top, z[k * kRows + i]);
        double sum_exp = 0.0;
        for (std::size_t k = 0; k < n_classes; ++k) sum_exp += std::exp(z[k * kRows + i] - top);
        const double log_sum_exp = top + std::log(sum_exp);
        const auto label = static_cast<std::size_t>(p_.labels[b + i]);
        const double s = p_.weights[b + i];
        loss[i] = s * (log_sum_exp - z[label * kRows + i]);
        if (grad) {  // z becomes the residual s * (p_k - [y == k])
          for (std::size_t k = 0; k < n_classes; ++k) {
            const double prob = std::exp(z[k * kRows + i] - log_sum_exp);
            z[k * kRows + i] = s * (prob - (k == label ? 1.0 : 0.0));
          }
        }
      }
      total += detail::sum(loss.data(), m);
      if (grad) {
        for (std::size_t k = 0; k < n_classes; ++k) {
          const double* residual = z.data() + k * kRows;
          double* gk = g.data() + static_cast<Index>(k) * n_in;
          for (std::size_t j = 0; j < d; ++j) gk[j] += dot_float(residual, p_.x.data.data() + j * p_.x.rows + b, m);
          if (p_.fit_intercept) gk[d] += detail::sum(residual, m);
        }
      }
    }
    chunk_loss[c] = total;
    if (grad) chunk_grad[c] = std::move(g);
  });

  double total = 0.0;
  for (double l : chunk_loss) total += l;
  if (grad) {
    grad->setZero(theta.size());
    for (const auto& g : chunk_grad) *grad += g;
    *grad *= p_.C;
  }
  return penalty(theta, n_in, static_cast<Index>(d), grad) + p_.C * total;
}

}  // namespace evclass::learn::linear
