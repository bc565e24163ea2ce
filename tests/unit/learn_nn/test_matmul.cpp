// The networks' matrix kernel: bit-identical to plain scalar loops in the documented order (so
// the SIMD width and the row tiling cannot change a result), close to the exact product, and
// never fusing a multiply with an add.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "learn/nn/matmul.hpp"

namespace evclass::learn::nn {
namespace {

struct Case {
  std::size_t m, k, ldc;
  bool transposed;
  MatmulStart mode;
};

std::vector<float> random_floats(std::size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

TEST(Matmul, EqualsTheScalarReferenceBitForBitForEveryShapeAndMode) {
  std::mt19937 rng(7);
  std::vector<Case> cases;
  for (std::size_t m : {1, 2, 3, 4, 5, 7, 128})
    for (std::size_t k : {1, 3, 16, 37})
      for (std::size_t ldc : {4, 8, 12, 16, 20, 36, 64})
        for (bool t : {false, true})
          for (auto mode : {MatmulStart::zero, MatmulStart::row, MatmulStart::accumulate}) cases.push_back({m, k, ldc, t, mode});
  for (const Case& c : cases) {
    // A is m × k (lda = k + 1) or, transposed, k × m (lda = m + 2); B is k × (ldc + 4).
    const std::size_t lda = c.transposed ? c.m + 2 : c.k + 1, ldb = c.ldc + 4;
    const auto a = random_floats((c.transposed ? c.k : c.m) * lda, rng);
    const auto b = random_floats(c.k * ldb, rng);
    const auto start = random_floats(c.ldc, rng);
    const auto initial = random_floats(c.m * c.ldc, rng);
    std::vector<float> fast = initial, slow = initial;
    matmul(a.data(), lda, c.transposed, b.data(), ldb, c.mode, start.data(), fast.data(), c.ldc, c.m, c.k);
    matmul_reference(a.data(), lda, c.transposed, b.data(), ldb, c.mode, start.data(), slow.data(), c.ldc, c.m, c.k);
    ASSERT_EQ(std::memcmp(fast.data(), slow.data(), fast.size() * sizeof(float)), 0)
        << "m=" << c.m << " k=" << c.k << " ldc=" << c.ldc << " transposed=" << c.transposed;
    // And the reference is the product itself (to float rounding).
    for (std::size_t i = 0; i < c.m; ++i) {
      for (std::size_t j = 0; j < c.ldc; ++j) {
        double exact = c.mode == MatmulStart::zero ? 0.0 : c.mode == MatmulStart::row ? start[j] : initial[i * c.ldc + j];
        double magnitude = std::abs(exact);
        for (std::size_t p = 0; p < c.k; ++p) {
          const double ap = c.transposed ? a[p * lda + i] : a[i * lda + p];
          exact += ap * b[p * ldb + j];
          magnitude += std::abs(ap * b[p * ldb + j]);
        }
        ASSERT_NEAR(slow[i * c.ldc + j], exact, 1e-6 * magnitude * static_cast<double>(c.k + 1));
      }
    }
  }
}

TEST(Matmul, RoundsTheProductBeforeAddingItNeverFusing) {
  // a*b = 1 + 2^-11 + 2^-24 needs 25 bits: rounded first it loses 2^-24, fused it keeps it.
  const float a = 1.0f + 0x1.0p-12f;
  const float c0 = -(1.0f + 0x1.0p-11f);
  volatile float product = a * a;  // volatile: rounded to float here
  const float unfused = product + c0;
  const double fused = static_cast<double>(a) * a + c0;  // exact in double
  ASSERT_NE(static_cast<double>(unfused), fused);
  const std::vector<float> A{a}, B{a, 0.0f, 0.0f, 0.0f}, start{c0, 0.0f, 0.0f, 0.0f};
  std::vector<float> C(4, 0.0f);
  matmul(A.data(), 1, false, B.data(), 4, MatmulStart::row, start.data(), C.data(), 4, 1, 1);
  EXPECT_EQ(C[0], unfused);
  // Three rows take the tiled path.
  const std::vector<float> A3{a, a, a};
  std::vector<float> C3(12, 0.0f);
  matmul(A3.data(), 1, false, B.data(), 4, MatmulStart::row, start.data(), C3.data(), 4, 3, 1);
  for (int r = 0; r < 3; ++r) EXPECT_EQ(C3[static_cast<std::size_t>(4 * r)], unfused);
}

TEST(Matmul, PaddingColumnsOfANeverReachC) {
  // k counts only the real columns of A: NaN in A's padding must not reach C.
  const std::size_t m = 5, k = 3, lda = 4, ldc = 8;
  std::vector<float> a(m * lda, std::nanf("")), b(k * ldc, 1.0f), c(m * ldc, 0.0f);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t p = 0; p < k; ++p) a[i * lda + p] = 1.0f;
  matmul(a.data(), lda, false, b.data(), ldc, MatmulStart::zero, nullptr, c.data(), ldc, m, k);
  for (float v : c) EXPECT_EQ(v, 3.0f);
}

}  // namespace
}  // namespace evclass::learn::nn
