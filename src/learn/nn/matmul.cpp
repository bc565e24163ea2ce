// The networks' matrix product (see matmul.hpp for the contract).
//
// Measured on this project's 2-core AMD EPYC (Zen 1) for (1024 x 16)·(16 x 64) and
// (1024 x 64)·(64 x 32), one thread: Eigen 3.4 built for baseline x86-64 17 and 19 GFLOP/s,
// Debian's OpenBLAS 0.3.21 (its Zen kernels) 8 and 13 (23 and 12 on two threads), this kernel 27
// and 30 with AVX2 and 21 with SSE2. OpenBLAS pays for packing at these small sizes, and both
// libraries pick their kernels and blockings from the processor they run on, which changes the
// rounding from machine to machine; this kernel has one order of operations everywhere.
//
// Register tile: 3 rows × 16 columns (12 accumulators of 4 floats). Zen 1 executes 256-bit
// instructions as two 128-bit halves, so 4-float vectors lose nothing there; the AVX2 clone gains
// from its three-operand encoding. No clone enables FMA: a fused multiply-add would round
// differently from the SSE2 path (the compiler does not fuse across separate statements unless FMA
// is enabled for the function, and it is not).

#include "learn/nn/matmul.hpp"

#include "evclass/core/error.hpp"

namespace evclass::learn::nn {

namespace {

typedef float v4 __attribute__((vector_size(16)));
// The same vector type readable at any float-aligned address and allowed to alias float data.
typedef float v4u __attribute__((vector_size(16), aligned(4), may_alias));

constexpr std::size_t kTileRows = 3;
constexpr std::size_t kTileVectors = 4;

/// C rows [0, MR) × columns [0, 4·NV) of one tile; `a` points at A(row 0 of the tile, p = 0).
template <std::size_t MR, std::size_t NV, bool kTransposed>
[[gnu::always_inline]] inline void tile(const float* a, std::size_t lda, const float* b, std::size_t ldb,
                                        MatmulStart mode, const float* start, float* c, std::size_t ldc,
                                        std::size_t k) {
  v4 acc[MR][NV];
  for (std::size_t r = 0; r < MR; ++r) {
    for (std::size_t v = 0; v < NV; ++v) {
      if (mode == MatmulStart::zero) acc[r][v] = v4{0.0f, 0.0f, 0.0f, 0.0f};
      else if (mode == MatmulStart::row) acc[r][v] = *reinterpret_cast<const v4u*>(start + 4 * v);
      else acc[r][v] = *reinterpret_cast<const v4u*>(c + r * ldc + 4 * v);
    }
  }
  for (std::size_t p = 0; p < k; ++p) {
    v4 bv[NV];
    for (std::size_t v = 0; v < NV; ++v) bv[v] = *reinterpret_cast<const v4u*>(b + p * ldb + 4 * v);
    for (std::size_t r = 0; r < MR; ++r) {
      const float ar = kTransposed ? a[p * lda + r] : a[r * lda + p];
      for (std::size_t v = 0; v < NV; ++v) acc[r][v] = acc[r][v] + ar * bv[v];
    }
  }
  for (std::size_t r = 0; r < MR; ++r)
    for (std::size_t v = 0; v < NV; ++v) *reinterpret_cast<v4u*>(c + r * ldc + 4 * v) = acc[r][v];
}

/// All columns of MR rows starting at row i.
template <std::size_t MR, bool kTransposed>
[[gnu::always_inline]] inline void row_block(const float* a, std::size_t lda, const float* b, std::size_t ldb,
                                             MatmulStart mode, const float* start, float* c, std::size_t ldc,
                                             std::size_t k) {
  // `start` is only read (and may only be offset) in MatmulStart::row mode.
  const auto start_at = [&](std::size_t j) { return mode == MatmulStart::row ? start + j : nullptr; };
  std::size_t j = 0;
  for (; j + 4 * kTileVectors <= ldc; j += 4 * kTileVectors)
    tile<MR, kTileVectors, kTransposed>(a, lda, b + j, ldb, mode, start_at(j), c + j, ldc, k);
  switch ((ldc - j) / 4) {
    case 3: tile<MR, 3, kTransposed>(a, lda, b + j, ldb, mode, start_at(j), c + j, ldc, k); break;
    case 2: tile<MR, 2, kTransposed>(a, lda, b + j, ldb, mode, start_at(j), c + j, ldc, k); break;
    case 1: tile<MR, 1, kTransposed>(a, lda, b + j, ldb, mode, start_at(j), c + j, ldc, k); break;
    default: break;
  }
}

template <bool kTransposed>
[[gnu::always_inline]] inline void all_rows(const float* a, std::size_t lda, const float* b, std::size_t ldb,
                                            MatmulStart mode, const float* start, float* c, std::size_t ldc,
                                            std::size_t m, std::size_t k) {
  // For a transposed A, the tile's rows are consecutive columns of the stored matrix.
  const std::size_t row_step = kTransposed ? 1 : lda;
  std::size_t i = 0;
  for (; i + kTileRows <= m; i += kTileRows)
    row_block<kTileRows, kTransposed>(a + i * row_step, lda, b, ldb, mode, start, c + i * ldc, ldc, k);
  for (; i < m; ++i) row_block<1, kTransposed>(a + i * row_step, lda, b, ldb, mode, start, c + i * ldc, ldc, k);
}

template <class T>
void plain_matmul(const T* a, std::size_t lda, bool a_transposed, const T* b, std::size_t ldb, MatmulStart mode,
                  const T* start, T* c, std::size_t ldc, std::size_t m, std::size_t k) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < ldc; ++j) {
      T acc = mode == MatmulStart::zero ? T(0) : mode == MatmulStart::row ? start[j] : c[i * ldc + j];
      for (std::size_t p = 0; p < k; ++p) {
        const T ap = a_transposed ? a[p * lda + i] : a[i * lda + p];
        const T product = ap * b[p * ldb + j];
        acc = acc + product;
      }
      c[i * ldc + j] = acc;
    }
  }
}

void check_shapes(std::size_t ldb, std::size_t ldc) {
  EVC_ASSERT(ldc % 4 == 0, "matmul: C's row length must be padded to a multiple of 4");
  EVC_ASSERT(ldb >= ldc, "matmul: B's rows must be at least as long as C's");
}

}  // namespace

namespace detail {

// Not in the anonymous namespace: the clones are resolved through an ifunc symbol.
__attribute__((target_clones("avx2", "default"))) void matmul_kernel(
    const float* a, std::size_t lda, bool a_transposed, const float* b, std::size_t ldb, MatmulStart mode,
    const float* start, float* c, std::size_t ldc, std::size_t m, std::size_t k) {
  if (a_transposed) all_rows<true>(a, lda, b, ldb, mode, start, c, ldc, m, k);
  else all_rows<false>(a, lda, b, ldb, mode, start, c, ldc, m, k);
}

}  // namespace detail

void matmul(const float* a, std::size_t lda, bool a_transposed, const float* b, std::size_t ldb, MatmulStart mode,
            const float* start, float* c, std::size_t ldc, std::size_t m, std::size_t k) {
  check_shapes(ldb, ldc);
  detail::matmul_kernel(a, lda, a_transposed, b, ldb, mode, start, c, ldc, m, k);
}

void matmul(const double* a, std::size_t lda, bool a_transposed, const double* b, std::size_t ldb, MatmulStart mode,
            const double* start, double* c, std::size_t ldc, std::size_t m, std::size_t k) {
  check_shapes(ldb, ldc);
  plain_matmul(a, lda, a_transposed, b, ldb, mode, start, c, ldc, m, k);
}

void matmul_reference(const float* a, std::size_t lda, bool a_transposed, const float* b, std::size_t ldb,
                      MatmulStart mode, const float* start, float* c, std::size_t ldc, std::size_t m, std::size_t k) {
  check_shapes(ldb, ldc);
  plain_matmul(a, lda, a_transposed, b, ldb, mode, start, c, ldc, m, k);
}

}  // namespace evclass::learn::nn
