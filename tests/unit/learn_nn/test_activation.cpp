// Float activations against the standard library's double-precision functions.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cmath>
#include <vector>

#include "learn/nn/activation.hpp"

namespace evclass::learn::nn {
namespace {

std::vector<float> grid(float lo, float hi, std::size_t n) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = lo + (hi - lo) * static_cast<float>(i) / static_cast<float>(n - 1);
  return v;
}

TEST(Activation, ExpApproxIsWithinThreeUlpsOfTheExactValue) {
  for (float x : grid(-87.0f, 88.0f, 200001)) {
    const double exact = std::exp(static_cast<double>(x));
    const double ulp = std::nextafter(static_cast<float>(exact), INFINITY) - static_cast<float>(exact);
    ASSERT_LE(std::abs(exp_approx(x) - exact), 3.0 * ulp) << "x = " << x;
  }
  EXPECT_EQ(exp_approx(0.0f), 1.0f);
  EXPECT_GT(exp_approx(1000.0f), 1e38f);  // clamped, not infinite
  EXPECT_TRUE(std::isfinite(exp_approx(1000.0f)));
  EXPECT_GT(exp_approx(-1000.0f), 0.0f);
  EXPECT_LT(exp_approx(-1000.0f), 1e-37f);
}

TEST(Activation, LogApproxIsWithinThreeUlpsOfTheExactValue) {
  // Every 61st float in [eps, 1) (the clipped probabilities of the loss), then up to 1e30.
  const auto bits_of = [](float f) { return std::bit_cast<std::uint32_t>(f); };
  for (std::uint32_t b = bits_of(0x1.0p-23f); b < bits_of(1.0f); b += 61) {
    const float x = std::bit_cast<float>(b);
    const double exact = std::log(static_cast<double>(x));
    const auto rounded = static_cast<float>(exact);
    const double ulp = std::abs(std::nextafter(rounded, INFINITY) - rounded);
    ASSERT_LE(std::abs(log_approx(x) - exact), 3.0 * ulp) << "x = " << x;
  }
  for (float x = 1.0f; x < 1e30f; x *= 1.001f) {
    const double exact = std::log(static_cast<double>(x));
    ASSERT_NEAR(log_approx(x), exact, 3.0 * std::max(std::abs(exact), 1.0) * 0x1.0p-24) << "x = " << x;
  }
  EXPECT_EQ(log_approx(1.0f), 0.0f);
}

TEST(Activation, FloatTanhAndLogisticMatchTheExactFunctions) {
  const auto x = grid(-20.0f, 20.0f, 40001);
  std::vector<float> t = x, s = x;
  apply_hidden(MlpActivation::tanh, t.data(), t.size());
  apply_hidden(MlpActivation::logistic, s.data(), s.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double xd = x[i];
    const double tanh_exact = std::tanh(xd), logistic_exact = 1.0 / (1.0 + std::exp(-xd));
    ASSERT_NEAR(t[i], tanh_exact, 2.5e-7 * std::max(std::abs(tanh_exact), 1e-2)) << x[i];
    ASSERT_NEAR(s[i], logistic_exact, 3e-7 * logistic_exact) << x[i];
  }
}

TEST(Activation, ReluAndIdentityAndTheirDerivatives) {
  std::vector<float> x{-2.0f, -0.0f, 0.0f, 0.5f, 3.0f};
  std::vector<float> r = x, id = x;
  apply_hidden(MlpActivation::relu, r.data(), r.size());
  apply_hidden(MlpActivation::identity, id.data(), id.size());
  EXPECT_EQ(r, (std::vector<float>{0.0f, 0.0f, 0.0f, 0.5f, 3.0f}));
  EXPECT_EQ(id, x);
  std::vector<float> delta(5, 2.0f);
  multiply_derivative(MlpActivation::relu, r.data(), delta.data(), 5);
  EXPECT_EQ(delta, (std::vector<float>{0.0f, 0.0f, 0.0f, 2.0f, 2.0f}));
  std::vector<double> a{0.25, -0.5}, d{1.0, 1.0};
  multiply_derivative(MlpActivation::logistic, a.data(), d.data(), 1);
  multiply_derivative(MlpActivation::tanh, a.data() + 1, d.data() + 1, 1);
  EXPECT_DOUBLE_EQ(d[0], 0.25 * 0.75);
  EXPECT_DOUBLE_EQ(d[1], 1.0 - 0.25);
}

TEST(Activation, SoftmaxRowsArePositiveAndSumToOneIgnoringPadding) {
  // 2 rows of 3 real values padded to 4; the padding must not enter the sums.
  std::vector<float> z{1.0f, 2.0f, 3.0f, 1000.0f, -50.0f, 0.0f, 50.0f, -1000.0f};
  apply_output(z.data(), 2, 4, 3);
  for (int r = 0; r < 2; ++r) {
    const float* row = z.data() + 4 * r;
    EXPECT_NEAR(row[0] + row[1] + row[2], 1.0f, 1e-6f);
    for (int k = 0; k < 3; ++k) EXPECT_GE(row[k], 0.0f);
  }
  const double e1 = std::exp(1.0), e2 = std::exp(2.0), e3 = std::exp(3.0);
  EXPECT_NEAR(z[2], e3 / (e1 + e2 + e3), 1e-6);
  EXPECT_NEAR(z[6], 1.0, 1e-6);
}

}  // namespace
}  // namespace evclass::learn::nn
