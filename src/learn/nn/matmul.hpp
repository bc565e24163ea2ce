#pragma once
// The one matrix product the networks use, on row-major matrices whose row length (leading
// dimension) is padded to a multiple of 4 floats:
//
//   C[i, 0:ldc] = start(i) + sum_{p < k} A(i, p) * B[p, 0:ldc]      for i < m
//
// with A(i, p) = a[i*lda + p] (A as stored) or a[p*lda + i] (A transposed: the gradient A^T·D).
// Every entry of C is summed in the order p = 0, 1, ..., k-1 from its start value, one rounded
// multiply and one rounded add per term (never fused), so the result does not depend on the SIMD
// width the kernel was compiled for, on how rows are tiled, or on the machine.
// Private to learn.

#include <cstddef>

namespace evclass::learn::nn {

/// What an entry of C starts from before the products are added.
enum class MatmulStart {
  zero,        ///< 0
  row,         ///< start[j] for every row (a bias)
  accumulate,  ///< the value already in C (C += A·B)
};

/// Rounds a row length up to the padding every network matrix uses.
[[nodiscard]] constexpr std::size_t padded(std::size_t n) { return (n + 3) / 4 * 4; }

/// The product above in float, vectorised (AVX2 when the processor has it, SSE2 otherwise; the
/// same results on both). ldc must be a multiple of 4 and ldb >= ldc; `start` is read only for
/// MatmulStart::row.
void matmul(const float* a, std::size_t lda, bool a_transposed, const float* b, std::size_t ldb, MatmulStart mode,
            const float* start, float* c, std::size_t ldc, std::size_t m, std::size_t k);

/// The same product in double with plain loops (used by the double-precision network of the
/// gradient checks).
void matmul(const double* a, std::size_t lda, bool a_transposed, const double* b, std::size_t ldb, MatmulStart mode,
            const double* start, double* c, std::size_t ldc, std::size_t m, std::size_t k);

/// The float product with plain scalar loops in the documented order: the reference the
/// vectorised kernel must equal bit for bit.
void matmul_reference(const float* a, std::size_t lda, bool a_transposed, const float* b, std::size_t ldb,
                      MatmulStart mode, const float* start, float* c, std::size_t ldc, std::size_t m, std::size_t k);

}  // namespace evclass::learn::nn
