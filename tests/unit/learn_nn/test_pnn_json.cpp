// The pnn model file: round trip, contents, and damaged files (a CorruptFile naming the field).

#include <gtest/gtest.h>

#include <functional>

#include "evclass/core/error.hpp"
#include "evclass/learn/pnn.hpp"
#include "evclass/learn/registry.hpp"
#include "unit/learn_nn/pnn_test_data.hpp"

namespace evclass::learn {
namespace {

std::unique_ptr<Model> small_pnn(const char* conditioning) {
  const auto d = testing::make_parametric(1500, 21);
  return train("pnn", {{"hidden_layer_sizes", {7, 3}}, {"max_iter", 8}, {"parameters", {"mass"}},
                       {"conditioning", conditioning}},
               testing::with_names(d), core::Context{2});
}

TEST(PnnModelJson, RoundTripGivesIdenticalPredictionsAtAnyMass) {
  for (const char* conditioning : {"concat", "affine"}) {
    const auto model = small_pnn(conditioning);
    const auto d = testing::make_parametric(700, 22);
    const auto text = model->to_json().dump();
    const auto loaded = load_model(nlohmann::json::parse(text));
    EXPECT_EQ(loaded->type(), "pnn");
    for (float m : {500.0f, 820.0f, 1500.0f}) {
      const auto x = testing::at_mass(d, m);
      std::vector<float> a(d.rows), b(d.rows);
      model->predict({x, d.rows, 4}, a, core::Context{2});
      loaded->predict({x, d.rows, 4}, b, core::Context{1});
      EXPECT_EQ(a, b) << conditioning << " at " << m;
    }
    EXPECT_EQ(loaded->to_json().dump(), text);
  }
}

TEST(PnnModelJson, HoldsTheParametersTheNetworkAndTheConditioningMatrices) {
  const auto concat = small_pnn("concat")->to_json();
  EXPECT_EQ(concat.at("type"), "pnn");
  EXPECT_EQ(concat.at("version"), 1);
  EXPECT_EQ(concat.at("conditioning"), "concat");
  EXPECT_EQ(concat.at("layer_sizes"), nlohmann::json({4, 7, 3, 1}));  // the mass is an input
  EXPECT_TRUE(concat.at("film_gamma").empty());
  EXPECT_EQ(concat.at("parameters")[0].at("name"), "mass");
  EXPECT_EQ(concat.at("parameters")[0].at("column"), 2);
  const auto affine = small_pnn("affine")->to_json();
  EXPECT_EQ(affine.at("layer_sizes"), nlohmann::json({3, 7, 3, 1}));  // it is not
  EXPECT_EQ(affine.at("film_gamma").size(), 2u);
  EXPECT_EQ(affine.at("film_beta").size(), 2u);
}

void expect_corrupt(const nlohmann::json& j, const std::string& field) {
  try {
    (void)load_model(j);
    ADD_FAILURE() << "expected CorruptFile mentioning " << field;
  } catch (const CorruptFile& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(PnnModelJson, DamagedFilesGiveACorruptFileNamingTheField) {
  const auto good = small_pnn("affine")->to_json();
  const std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>> damages = {
      {"version", [](nlohmann::json& j) { j["version"] = 2; }},
      {"n_classes", [](nlohmann::json& j) { j["n_classes"] = 3; }},
      {"conditioning", [](nlohmann::json& j) { j["conditioning"] = "film"; }},
      {"column", [](nlohmann::json& j) { j["parameters"][0]["column"] = 4; }},
      {"name", [](nlohmann::json& j) { j["parameters"][0]["name"] = "x1"; }},
      {"scale", [](nlohmann::json& j) { j["parameters"][0]["scale"] = 0.0; }},
      {"shift", [](nlohmann::json& j) { j["parameters"][0]["shift"] = "a"; }},
      {"shift", [](nlohmann::json& j) { j["parameters"][0]["shift"] = 0.1; }},  // not a float32 value
      {"parameters", [](nlohmann::json& j) { j["parameters"] = nlohmann::json::array(); }},
      {"column", [](nlohmann::json& j) { j["parameters"].push_back(j["parameters"][0]); }},
      {"layer_sizes", [](nlohmann::json& j) { j["layer_sizes"][0] = 4; }},
      {"layer_sizes", [](nlohmann::json& j) { j["layer_sizes"].back() = 2; }},
      {"film_gamma", [](nlohmann::json& j) { j["film_gamma"].erase(1); }},
      {"film_beta", [](nlohmann::json& j) { j["film_beta"][0] = j["film_beta"][1]; }},
      {"film_gamma", [](nlohmann::json& j) { j["film_gamma"][0] = "AACAfwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"; }},
      {"coefs", [](nlohmann::json& j) { j["coefs"].erase(0); }},
      {"output", [](nlohmann::json& j) { j["output"] = "softmax"; }},
      {"training", [](nlohmann::json& j) { j["training"].erase("loss_curve"); }},
  };
  for (const auto& [field, damage] : damages) {
    nlohmann::json j = good;
    damage(j);
    expect_corrupt(j, field);
  }
  // A concat model must not carry conditioning matrices.
  nlohmann::json j = small_pnn("concat")->to_json();
  j["film_gamma"] = good.at("film_gamma");
  expect_corrupt(j, "film_gamma");
}

}  // namespace
}  // namespace evclass::learn
