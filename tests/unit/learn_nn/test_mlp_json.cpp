// The mlp model file: round trip, contents in scikit-learn's terms, and damaged files.

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "evclass/core/base64.hpp"
#include "evclass/core/error.hpp"
#include "evclass/learn/mlp.hpp"
#include "evclass/learn/registry.hpp"
#include "unit/learn/learn_test_data.hpp"

namespace evclass::learn {
namespace {

using testing::make_classification;

std::unique_ptr<Model> small_model(int n_classes) {
  const auto d = make_classification(1500, 5, n_classes, 81);
  return train("mlp", {{"hidden_layer_sizes", {7, 3}}, {"max_iter", 10}}, d.train_data(), core::Context{2});
}

std::vector<float> decode(const std::string& text) {
  const auto bytes = core::base64_decode(text);
  EXPECT_TRUE(bytes.has_value());
  std::vector<float> out(bytes->size() / 4);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint32_t bits = 0;
    for (int b = 0; b < 4; ++b) bits |= std::uint32_t{(*bytes)[4 * i + static_cast<std::size_t>(b)]} << (8 * b);
    out[i] = std::bit_cast<float>(bits);
  }
  return out;
}

std::string encode(const std::vector<float>& values) {
  std::vector<std::uint8_t> bytes;
  for (float v : values)
    for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<std::uint8_t>(std::bit_cast<std::uint32_t>(v) >> (8 * b)));
  return core::base64_encode(bytes.data(), bytes.size());
}

TEST(MlpModelJson, RoundTripGivesIdenticalPredictions) {
  for (int n_classes : {2, 4}) {
    const auto model = small_model(n_classes);
    const auto d = make_classification(700, 5, n_classes, 82);
    std::vector<float> a(d.rows * model->n_outputs()), b(a.size());
    model->predict(d.matrix(), a, core::Context{2});
    const auto text = model->to_json().dump();
    const auto loaded = load_model(nlohmann::json::parse(text));
    loaded->predict(d.matrix(), b, core::Context{1});
    EXPECT_EQ(a, b);
    EXPECT_EQ(loaded->to_json().dump(), text);
  }
}

TEST(MlpModelJson, HoldsTheLayersAsScikitLearnsCoefsAndIntercepts) {
  const auto model = small_model(3);
  const auto j = model->to_json();
  EXPECT_EQ(j.at("type"), "mlp");
  EXPECT_EQ(j.at("version"), 1);
  EXPECT_EQ(j.at("layer_sizes"), nlohmann::json({5, 7, 3, 3}));
  EXPECT_EQ(j.at("activation"), "relu");
  EXPECT_EQ(j.at("output"), "softmax");
  const auto& layers = dynamic_cast<const MlpModel&>(*model).layers();
  ASSERT_EQ(layers.size(), 3u);
  for (std::size_t l = 0; l < 3; ++l) {
    EXPECT_EQ(decode(j.at("coefs")[l].get<std::string>()), layers[l].coef);
    EXPECT_EQ(decode(j.at("intercepts")[l].get<std::string>()), layers[l].intercept);
  }
  // The forward pass written out by hand from the stored arrays gives the model's probabilities.
  const auto d = make_classification(50, 5, 3, 83);
  std::vector<float> p(d.rows * 3);
  model->predict(d.matrix(), p, core::Context{1});
  for (std::size_t i = 0; i < d.rows; ++i) {
    std::vector<double> a(5);
    for (std::size_t f = 0; f < 5; ++f) a[f] = d.x[f * d.rows + i];
    for (std::size_t l = 0; l < 3; ++l) {
      std::vector<double> z(layers[l].n_out);
      for (std::size_t o = 0; o < z.size(); ++o) {
        z[o] = layers[l].intercept[o];
        for (std::size_t k = 0; k < a.size(); ++k) z[o] += a[k] * layers[l].coef[k * layers[l].n_out + o];
        if (l < 2) z[o] = std::max(z[o], 0.0);
      }
      a = z;
    }
    double top = std::max({a[0], a[1], a[2]}), sum = 0;
    for (double& v : a) sum += (v = std::exp(v - top));
    for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(p[i * 3 + k], a[k] / sum, 2e-6);
  }
}

void expect_corrupt(const nlohmann::json& j, const std::string& field) {
  try {
    (void)load_model(j);
    ADD_FAILURE() << "loading should fail on field " << field;
  } catch (const CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find("\"" + field + "\""), std::string::npos) << e.what();
  }
}

TEST(MlpModelJson, DamagedFilesGiveCorruptFileNamingTheField) {
  const auto good = small_model(2)->to_json();
  const auto edit = [&](auto f) {
    nlohmann::json j = good;
    f(j);
    return j;
  };
  expect_corrupt(edit([](auto& j) { j["version"] = 2; }), "version");
  expect_corrupt(edit([](auto& j) { j.erase("coefs"); }), "coefs");
  expect_corrupt(edit([](auto& j) { j["coefs"].erase(1); }), "coefs");
  expect_corrupt(edit([](auto& j) { j["coefs"][0] = "not base64!"; }), "coefs");
  expect_corrupt(edit([](auto& j) { j["coefs"][0] = 12; }), "coefs");
  expect_corrupt(edit([](auto& j) { j["coefs"][1] = encode(std::vector<float>(20, 0.5f)); }), "coefs");  // 7×3 = 21
  expect_corrupt(edit([](auto& j) {
                   auto v = decode(j["coefs"][2].template get<std::string>());
                   v[1] = std::nanf("");
                   j["coefs"][2] = encode(v);
                 }),
                 "coefs");
  expect_corrupt(edit([](auto& j) {
                   auto v = decode(j["intercepts"][0].template get<std::string>());
                   v[0] = INFINITY;
                   j["intercepts"][0] = encode(v);
                 }),
                 "intercepts");
  expect_corrupt(edit([](auto& j) { j["layer_sizes"][0] = 6; }), "layer_sizes");      // != n_features
  expect_corrupt(edit([](auto& j) { j["layer_sizes"][3] = 2; }), "layer_sizes");      // 2 classes need 1 output
  expect_corrupt(edit([](auto& j) { j["layer_sizes"][1] = 0; }), "layer_sizes");
  expect_corrupt(edit([](auto& j) { j["layer_sizes"][1] = 1e12; }), "layer_sizes");
  expect_corrupt(edit([](auto& j) { j["layer_sizes"] = nlohmann::json::array({5}); }), "layer_sizes");
  // A file that claims bigger layers than its arrays hold is caught by the sizes, never trusted.
  expect_corrupt(edit([](auto& j) { j["layer_sizes"][1] = 700000; }), "coefs");
  expect_corrupt(edit([](auto& j) { j["activation"] = "swish"; }), "activation");
  expect_corrupt(edit([](auto& j) { j["output"] = "softmax"; }), "output");
  expect_corrupt(edit([](auto& j) { j["encoding"] = "float64"; }), "encoding");
  expect_corrupt(edit([](auto& j) { j["n_classes"] = 1; }), "n_classes");
  expect_corrupt(edit([](auto& j) { j["params"] = 3; }), "params");
  expect_corrupt(edit([](auto& j) { j["training"]["loss_curve"][0] = "x"; }), "loss_curve");
  expect_corrupt(edit([](auto& j) { j["training"]["loss"] = nullptr; }), "loss");
  expect_corrupt(edit([](auto& j) { j["feature_names"] = nlohmann::json::array({"a"}); }), "feature_names");
}

}  // namespace
}  // namespace evclass::learn
