#include "learn/nn/batch_gradient.hpp"

#include <algorithm>

#include "evclass/core/error.hpp"

namespace evclass::learn::nn {

namespace {

constexpr std::size_t kMaxGroups = 64;
constexpr std::size_t kMaxGroupFloats = std::size_t{1} << 24;  ///< bounds groups × parameters (64 MiB)

/// Copies rows.row(index[i]) (and its conditioning values) for i in [begin, end) into the
/// workspace's input blocks.
void gather(const Rows& rows, std::span<const std::size_t> index, std::size_t begin, std::size_t end,
            Workspace<float>& ws) {
  const std::size_t d = rows.n_features;
  // Shuffled rows are scattered over memory far larger than the caches: ask for the rows a few
  // iterations ahead (every cache line a row touches).
  constexpr std::size_t kAhead = 6;
  const std::size_t row_bytes = d * sizeof(float);
  for (std::size_t i = begin; i < end; ++i) {
    if (i + kAhead < end) {
      const char* next = reinterpret_cast<const char*>(rows.row(index[i + kAhead]));
      for (std::size_t at = 0; at < row_bytes; at += 64) __builtin_prefetch(next + at);
      __builtin_prefetch(next + row_bytes - 1);
    }
    const float* from = rows.row(index[i]);
    float* to = ws.input_row(i - begin);
    for (std::size_t p = 0; p < d; ++p) to[p] = from[p];  // a few floats: no call to memcpy
  }
  const std::size_t c = rows.n_conditioning;
  if (c == 0) return;
  for (std::size_t i = begin; i < end; ++i) {
    const float* from = rows.conditioning_row(index[i]);
    float* to = ws.conditioning_row(i - begin);
    for (std::size_t p = 0; p < c; ++p) to[p] = from[p];
  }
}

}  // namespace

BatchGradient::BatchGradient(const Shape& shape, MlpActivation f, std::size_t max_rows, bool with_dropout)
    : shape_(shape), activation_(f) {
  // Fewer groups for very large networks keep the partial gradients in bounds; the count still
  // depends only on the network and the number of rows.
  max_groups_ = std::clamp<std::size_t>(kMaxGroupFloats / shape.size(), 1, kMaxGroups);
  const std::size_t n = groups_for(max_rows);
  groups_.reserve(n);
  for (std::size_t g = 0; g < n; ++g) {
    groups_.push_back({Workspace<float>(shape, kBlockRows, with_dropout), std::vector<float>(shape.size(), 0.0f),
                       std::vector<std::int32_t>(kBlockRows), std::vector<double>(kBlockRows),
                       std::vector<float>(kBlockRows)});
  }
}

std::size_t BatchGradient::groups_for(std::size_t rows) const {
  return std::clamp<std::size_t>((rows + kBlockRows - 1) / kBlockRows, 1, max_groups_);
}

double BatchGradient::run(const Rows& rows, std::span<const std::size_t> index, const float* params,
                          const float* transposed, double normaliser, const Dropout* dropout,
                          const core::Context& ctx) {
  const std::size_t count = index.size();
  const std::size_t n_groups = groups_for(count);
  EVC_ASSERT(n_groups <= groups_.size() && count > 0, "batch larger than the gradient was made for");
  std::vector<double> losses(n_groups, 0.0);
  core::parallel_for(n_groups, ctx, [&](std::size_t g) {
    Group& group = groups_[g];
    const std::size_t begin = g * count / n_groups, end = (g + 1) * count / n_groups;
    double loss = 0.0;
    for (std::size_t block = begin; block < end; block += kBlockRows) {
      const std::size_t block_end = std::min(end, block + kBlockRows), m = block_end - block;
      gather(rows, index, block, block_end, group.ws);
      for (std::size_t i = 0; i < m; ++i) {
        if (block + i + 8 < block_end) {
          __builtin_prefetch(&rows.labels[index[block + i + 8]]);
          __builtin_prefetch(&rows.weights[index[block + i + 8]]);
        }
        const std::size_t r = index[block + i];
        group.labels[i] = rows.labels[r];
        group.weights[i] = rows.weights[r];
        group.scale[i] = static_cast<float>(rows.weights[r] / normaliser);
      }
      group.ws.forward(shape_, activation_, params, m, dropout, block);
      loss += group.ws.backward(shape_, activation_, transposed, std::span(group.labels).first(m),
                                std::span(group.weights).first(m), std::span<const float>(group.scale).first(m),
                                block > begin, group.grad.data());
    }
    losses[g] = loss;
  });
  partials_.clear();
  double total = 0.0;
  for (std::size_t g = 0; g < n_groups; ++g) {
    partials_.push_back(groups_[g].grad.data());
    total += losses[g];
  }
  return total;
}

double weighted_accuracy(const Shape& shape, MlpActivation f, const float* params, const Rows& rows,
                         std::span<const std::size_t> index, const core::Context& ctx) {
  constexpr std::size_t kRows = 256;
  const std::size_t n_blocks = (index.size() + kRows - 1) / kRows;
  std::vector<double> correct(n_blocks, 0.0), total(n_blocks, 0.0);
  const std::size_t n_out = shape.n_outputs(), ld_out = shape.ld(shape.n_layers());
  // Per-block sums (added in block order), blocks shared among a few tasks per thread.
  const std::size_t n_tasks = std::min(n_blocks, 4 * static_cast<std::size_t>(ctx.resolved_threads()));
  core::parallel_for(n_tasks, ctx, [&](std::size_t task) {
    Workspace<float> ws(shape, kRows, false, false);
    for (std::size_t b = task * n_blocks / n_tasks; b < (task + 1) * n_blocks / n_tasks; ++b) {
      const std::size_t begin = b * kRows, end = std::min(index.size(), begin + kRows);
      gather(rows, index, begin, end, ws);
      const float* p = ws.forward(shape, f, params, end - begin);
      for (std::size_t i = begin; i < end; ++i) {
        const float* row = p + (i - begin) * ld_out;
        std::size_t predicted = 0;
        if (n_out == 1) {
          predicted = row[0] > 0.5f ? 1 : 0;
        } else {
          for (std::size_t k = 1; k < n_out; ++k)
            if (row[k] > row[predicted]) predicted = k;
        }
        const std::size_t r = index[i];
        total[b] += rows.weights[r];
        if (predicted == static_cast<std::size_t>(rows.labels[r])) correct[b] += rows.weights[r];
      }
    }
  });
  double c = 0.0, t = 0.0;
  for (std::size_t b = 0; b < n_blocks; ++b) {
    c += correct[b];
    t += total[b];
  }
  return t > 0.0 ? c / t : 0.0;
}

}  // namespace evclass::learn::nn
