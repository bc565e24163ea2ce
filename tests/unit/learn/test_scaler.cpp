// Scaler against closed forms, and its JSON form.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "evclass/core/error.hpp"
#include "evclass/learn/scaler.hpp"

namespace evclass::learn {
namespace {

// Three features, four rows (column-major): a ramp, a constant, and a column with a NaN.
const std::vector<float> kData = {1, 2, 3, 4,  5, 5, 5, 5,  -2, 0, std::numeric_limits<float>::quiet_NaN(), 4};
const FeatureMatrix kMatrix{kData, 4, 3};

TEST(LearnScaler, StandardUsesMeanAndPopulationStd) {
  Scaler s(ScalerKind::standard);
  s.fit(kMatrix);
  EXPECT_DOUBLE_EQ(s.shift()[0], 2.5);
  EXPECT_DOUBLE_EQ(s.scale()[0], std::sqrt(1.25));  // sqrt(((1.5^2 + 0.5^2) * 2) / 4)
  const auto out = s.transform(kMatrix);
  for (int i = 0; i < 4; ++i)
    EXPECT_FLOAT_EQ(out[static_cast<std::size_t>(i)], static_cast<float>((i + 1 - 2.5) / std::sqrt(1.25)));
}

TEST(LearnScaler, AConstantFeatureGetsScaleOneAndBecomesZero) {
  Scaler s(ScalerKind::standard);
  s.fit(kMatrix);
  EXPECT_EQ(s.scale()[1], 1.0);
  const auto out = s.transform(kMatrix);
  for (int i = 4; i < 8; ++i) EXPECT_EQ(out[static_cast<std::size_t>(i)], 0.0f);
}

TEST(LearnScaler, NaNIsSkippedWhenFittingAndStaysNaN) {
  Scaler s(ScalerKind::standard);
  s.fit(kMatrix);
  EXPECT_DOUBLE_EQ(s.shift()[2], 2.0 / 3.0);  // mean of -2, 0, 4
  const double var = ((-2 - 2.0 / 3) * (-2 - 2.0 / 3) + (2.0 / 3) * (2.0 / 3) + (4 - 2.0 / 3) * (4 - 2.0 / 3)) / 3;
  EXPECT_DOUBLE_EQ(s.scale()[2], std::sqrt(var));
  EXPECT_TRUE(std::isnan(s.transform(kMatrix)[10]));
}

TEST(LearnScaler, MinMaxMapsOntoZeroOne) {
  Scaler s(ScalerKind::minmax);
  s.fit(kMatrix);
  const auto out = s.transform(kMatrix);
  EXPECT_FLOAT_EQ(out[0], 0.0f);
  EXPECT_FLOAT_EQ(out[1], 1.0f / 3.0f);
  EXPECT_FLOAT_EQ(out[3], 1.0f);
  EXPECT_FLOAT_EQ(out[4], 0.0f);  // constant: range 1, value - min = 0
  EXPECT_FLOAT_EQ(out[8], 0.0f);
  EXPECT_FLOAT_EQ(out[11], 1.0f);
}

TEST(LearnScaler, NoneLeavesValuesUnchanged) {
  Scaler s(ScalerKind::none);
  s.fit(kMatrix);
  const auto out = s.transform(kMatrix);
  for (std::size_t i = 0; i < kData.size(); ++i)
    if (!std::isnan(kData[i])) {
      EXPECT_EQ(out[i], kData[i]);
    }
}

TEST(LearnScaler, JsonRoundTripGivesIdenticalOutput) {
  Scaler s(ScalerKind::standard);
  s.fit(kMatrix);
  const Scaler loaded = Scaler::from_json(nlohmann::json::parse(s.to_json().dump()));
  EXPECT_EQ(loaded.kind(), ScalerKind::standard);
  const auto a = s.transform(kMatrix), b = loaded.transform(kMatrix);
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!std::isnan(a[i])) {
      EXPECT_EQ(a[i], b[i]);
    }
}

TEST(LearnScaler, ApplyingToAnotherFeatureCountIsAnError) {
  Scaler s(ScalerKind::minmax);
  s.fit(kMatrix);
  const FeatureMatrix two{std::span<const float>(kData).first(8), 4, 2};
  EXPECT_THROW((void)s.transform(two), ConfigError);
}

TEST(LearnScaler, CorruptJsonIsRejected) {
  Scaler s(ScalerKind::standard);
  s.fit(kMatrix);
  auto j = s.to_json();
  j["scale"][1] = 0.0;
  EXPECT_THROW((void)Scaler::from_json(j), CorruptFile);
  j = s.to_json();
  j["scale"].erase(0);
  EXPECT_THROW((void)Scaler::from_json(j), CorruptFile);
  j = s.to_json();
  j["kind"] = "robust";
  EXPECT_THROW((void)Scaler::from_json(j), CorruptFile);
  EXPECT_THROW((void)Scaler::from_json(nlohmann::json(3)), CorruptFile);
  EXPECT_THROW((void)parse_scaler_kind("standart"), ConfigError);
}

}  // namespace
}  // namespace evclass::learn
