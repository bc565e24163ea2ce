// [features] parameters and the parametric study keys of a [[model]] (train_at, leave_out):
// what they become in the Config and the ConfigError of each misuse.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_fixture.hpp"

namespace evclass::api::testing {
namespace {

using ::testing::HasSubstr;

class ParametricConfig : public ConfigFolder {
 protected:
  /// minimal() with `parameters = <parameters>` in [features] and `model_tail` after its model.
  static std::string with_parameters(const std::string& parameters, const std::string& model_tail) {
    std::string text = minimal("", model_tail);
    const std::string use = "use = [\"a\", \"b\"]\n";
    text.replace(text.find(use), use.size(), use + "parameters = " + parameters + "\n");
    return text;
  }
};

TEST_F(ParametricConfig, ParametersAndStudyValuesAreRead) {
  const Config c = parse(with_parameters("[\"b\"]", "train_at = [500, 1000]\n\n[[model]]\ntype = \"pnn\"\n"
                                                     "leave_out = [750]\n"));
  ASSERT_EQ(c.features.parameters, std::vector<std::string>{"b"});
  ASSERT_EQ(c.models.size(), 2u);
  EXPECT_EQ(c.models[0].train_at, (std::vector<double>{500, 1000}));
  EXPECT_TRUE(c.models[0].leave_out.empty());
  EXPECT_EQ(c.models[1].leave_out, std::vector<double>{750});
  // Study keys are not hyper-parameters of the model type; a pnn takes the run's parameters.
  EXPECT_FALSE(c.models[0].params.contains("train_at"));
  EXPECT_FALSE(c.models[1].params.contains("leave_out"));
  EXPECT_EQ(c.models[1].params.at("parameters"), nlohmann::json({"b"}));
}

TEST_F(ParametricConfig, APnnKeepsTheParametersItNames) {
  const Config c = parse(with_parameters("[\"b\"]", "\n[[model]]\ntype = \"pnn\"\nparameters = [\"a\"]\n"));
  EXPECT_EQ(c.models[1].params.at("parameters"), nlohmann::json({"a"}));
}

TEST_F(ParametricConfig, AParameterMustBeAFeature) {
  const auto message = error_of(with_parameters("[\"mass\"]", ""));
  EXPECT_THAT(message, HasSubstr("features.parameters"));
  EXPECT_THAT(message, HasSubstr("mass"));
}

TEST_F(ParametricConfig, AParameterIsListedOnce) {
  EXPECT_THAT(error_of(with_parameters("[\"a\", \"a\"]", "")), HasSubstr("listed twice"));
}

TEST_F(ParametricConfig, AStudyModelNeedsExactlyOneParameter) {
  const auto none = error_of(minimal("", "train_at = [1000]\n"));
  EXPECT_THAT(none, HasSubstr("train_at"));
  EXPECT_THAT(none, HasSubstr("exactly one parameter"));
  const auto two = error_of(with_parameters("[\"a\", \"b\"]", "leave_out = [1000]\n"));
  EXPECT_THAT(two, HasSubstr("leave_out"));
  EXPECT_THAT(two, HasSubstr("it has 2"));
}

TEST_F(ParametricConfig, TrainAtAndLeaveOutExcludeEachOther) {
  const auto message = error_of(with_parameters("[\"b\"]", "train_at = [500]\nleave_out = [1000]\n"));
  EXPECT_THAT(message, HasSubstr("leave_out"));
  EXPECT_THAT(message, HasSubstr("not both"));
}

TEST_F(ParametricConfig, AStudyNeedsTheSignalClass) {
  std::string text = with_parameters("[\"b\"]", "train_at = [500]\n");
  replace_once(text, "class = \"signal\"", "class = \"ttbar\"");
  EXPECT_THAT(error_of(text), HasSubstr("background and signal"));
}

}  // namespace
}  // namespace evclass::api::testing
