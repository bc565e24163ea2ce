// Each kind of mistake gives one ConfigError naming the file:line:column, the key path, the value
// and what is allowed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_fixture.hpp"

namespace evclass::api::testing {
namespace {

using ::testing::HasSubstr;

// Line numbers of minimal(): the first sample's extra keys start on line 5, the tail on line 16.
constexpr const char* kSampleExtraLine = "test.toml:5:";
constexpr const char* kTailLine2 = "test.toml:17:";

TEST_F(ConfigFolder, AMisspeltSampleKeyNamesThePathAndSuggestsTheClosestKey) {
  const auto message = error_of(minimal("selction = \"x > 1\"\n"));
  EXPECT_THAT(message, HasSubstr(kSampleExtraLine));
  EXPECT_THAT(message, HasSubstr("sample[0].selction = \"x > 1\""));
  EXPECT_THAT(message, HasSubstr("unknown key"));
  EXPECT_THAT(message, HasSubstr("did you mean 'selection'"));
}

TEST_F(ConfigFolder, AMisspeltKeyOfTheSecondSampleUsesItsIndex) {
  std::string text = minimal();
  replace_once(text, "class = \"background\"", "clas = \"background\"");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("test.toml:9:"));
  EXPECT_THAT(message, HasSubstr("sample[1].clas"));
  EXPECT_THAT(message, HasSubstr("did you mean 'class'"));
}

TEST_F(ConfigFolder, AMisspeltSectionSuggestsTheValidSection) {
  const auto message = error_of(minimal("", "[weigths]\nnegative = \"abs\"\n"));
  EXPECT_THAT(message, HasSubstr("test.toml:16:"));
  EXPECT_THAT(message, HasSubstr("weigths"));
  EXPECT_THAT(message, HasSubstr("did you mean 'weights'"));
}

TEST_F(ConfigFolder, AWrongTypeSaysWhichTypeIsExpected) {
  const auto message = error_of(minimal("", "[run]\nthreads = \"four\"\n"));
  EXPECT_THAT(message, HasSubstr(kTailLine2));
  EXPECT_THAT(message, HasSubstr("run.threads = \"four\""));
  EXPECT_THAT(message, HasSubstr("expected an integer, got a string"));
}

TEST_F(ConfigFolder, AFloatWhereAnIntegerIsNeededIsAWrongType) {
  const auto message = error_of(minimal("", "[split]\nmethod = \"kfold\"\nfolds = 5.5\n"));
  EXPECT_THAT(message, HasSubstr("test.toml:18:"));
  EXPECT_THAT(message, HasSubstr("split.folds = 5.5"));
  EXPECT_THAT(message, HasSubstr("expected an integer"));
}

TEST_F(ConfigFolder, AnOutOfRangeValueStatesTheRange) {
  const auto message = error_of(minimal("", "[evaluation]\nthreshold = 1.5\n"));
  EXPECT_THAT(message, HasSubstr(kTailLine2));
  EXPECT_THAT(message, HasSubstr("evaluation.threshold = 1.5"));
  EXPECT_THAT(message, HasSubstr("must be in [0, 1]"));
}

TEST_F(ConfigFolder, ANegativeLuminosityIsOutOfRange) {
  const auto message = error_of(minimal("", "[weights]\nluminosity_fb = -1\n"));
  EXPECT_THAT(message, HasSubstr("weights.luminosity_fb = -1"));
  EXPECT_THAT(message, HasSubstr("must be > 0"));
}

TEST_F(ConfigFolder, AnOutOfRangeListItemNamesItsIndex) {
  const auto message = error_of(minimal("", "[evaluation]\nbackground_efficiencies = [0.1, 0]\n"));
  EXPECT_THAT(message, HasSubstr("evaluation.background_efficiencies[1] = 0"));
  EXPECT_THAT(message, HasSubstr("must be in (0, 1]"));
}

TEST_F(ConfigFolder, AnInvalidChoiceListsTheChoicesAndTheClosestOne) {
  const auto message = error_of(minimal("", "[weights]\nnegative = \"ignore\"\n"));
  EXPECT_THAT(message, HasSubstr(kTailLine2));
  EXPECT_THAT(message, HasSubstr("weights.negative = \"ignore\""));
  EXPECT_THAT(message, HasSubstr("'keep', 'ignore_in_training', 'abs'"));
  EXPECT_THAT(message, HasSubstr("did you mean 'ignore_in_training'"));
}

TEST_F(ConfigFolder, AnUnknownModelTypeSuggestsTheClosestType) {
  std::string text = minimal();
  replace_once(text, "logistic_regression", "random_forrest");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("test.toml:15:"));
  EXPECT_THAT(message, HasSubstr("model[0].type = \"random_forrest\""));
  EXPECT_THAT(message, HasSubstr("did you mean 'random_forest'"));
}

TEST_F(ConfigFolder, ATomlSyntaxErrorShowsTomlppsDescriptionAndPosition) {
  const auto message = error_of(minimal("group = \"unterminated\n"));
  EXPECT_THAT(message, HasSubstr(kSampleExtraLine));
  EXPECT_THAT(message, HasSubstr("TOML syntax error"));
}

TEST_F(ConfigFolder, ADuplicateKeyIsASyntaxError) {
  const auto message = error_of(minimal("name = \"again\"\n"));
  EXPECT_THAT(message, HasSubstr("TOML syntax error"));
  EXPECT_THAT(message, HasSubstr(kSampleExtraLine));
}

TEST_F(ConfigFolder, NoSamplesIsAnError) {
  const auto message = error_of("[features]\nuse = [\"a\"]\n[[model]]\ntype = \"gbdt\"\n");
  EXPECT_THAT(message, HasSubstr("no samples"));
  EXPECT_THAT(message, HasSubstr("[[sample]]"));
}

TEST_F(ConfigFolder, ASingleSampleTableInsteadOfAnArrayOfTablesIsExplained) {
  const auto message = error_of("[sample]\nname = \"a\"\n");
  EXPECT_THAT(message, HasSubstr("test.toml:1:"));
  EXPECT_THAT(message, HasSubstr("[[sample]]"));
}

TEST_F(ConfigFolder, ASampleWithoutAClassIsAnErrorAtItsHeader) {
  std::string text = minimal();
  replace_once(text, "class = \"background\"", "group = \"B\"");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("test.toml:6:"));
  EXPECT_THAT(message, HasSubstr("sample[1]"));
  EXPECT_THAT(message, HasSubstr("missing required key 'class'"));
  EXPECT_THAT(message, HasSubstr("label_column"));
}

TEST_F(ConfigFolder, ClassAndLabelColumnTogetherAreAnError) {
  const auto message = error_of(minimal("label_column = \"label\"\n"));
  EXPECT_THAT(message, HasSubstr("sample[0].label_column"));
  EXPECT_THAT(message, HasSubstr("not both"));
}

TEST_F(ConfigFolder, NoFeaturesIsAnError) {
  std::string text = minimal();
  replace_once(text, "[features]\nuse = [\"a\", \"b\"]\n", "");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("missing required key 'features'"));
}

TEST_F(ConfigFolder, AnEmptyFeatureListIsAnError) {
  std::string text = minimal();
  replace_once(text, "use = [\"a\", \"b\"]", "use = []");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("test.toml:12:"));
  EXPECT_THAT(message, HasSubstr("features.use = []"));
  EXPECT_THAT(message, HasSubstr("at least one feature"));
}

TEST_F(ConfigFolder, AFeatureThatIsAlsoASpectatorIsAnError) {
  std::string text = minimal();
  replace_once(text, "use = [\"a\", \"b\"]", "use = [\"a\", \"b\"]\nspectators = [\"m\", \"b\"]");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("test.toml:13:"));
  EXPECT_THAT(message, HasSubstr("features.spectators[1]"));
  EXPECT_THAT(message, HasSubstr("also a feature"));
}

TEST_F(ConfigFolder, NoModelsIsAnError) {
  std::string text = minimal();
  replace_once(text, "[[model]]\ntype = \"logistic_regression\"\n", "");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("no models"));
}

TEST_F(ConfigFolder, DuplicateSampleNamesAreAnErrorNamingBothSamples) {
  std::string text = minimal();
  replace_once(text, "name = \"bkg\"", "name = \"sig\"");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("test.toml:6:"));
  EXPECT_THAT(message, HasSubstr("sample[1].name"));
  EXPECT_THAT(message, HasSubstr("sample[0] (line 1)"));
}

TEST_F(ConfigFolder, DuplicateModelNamesAreAnError) {
  const auto message = error_of(minimal("", "C = 1.0\n[[model]]\ntype = \"logistic_regression\"\n"));
  EXPECT_THAT(message, HasSubstr("test.toml:17:"));
  EXPECT_THAT(message, HasSubstr("model[1].name"));
  EXPECT_THAT(message, HasSubstr("must be unique"));
}

TEST_F(ConfigFolder, SplitFractionsThatDoNotSumToOneAreAnErrorWithAFix) {
  const auto message = error_of(minimal("", "[split]\ntrain = 0.8\n"));
  EXPECT_THAT(message, HasSubstr(kTailLine2));
  EXPECT_THAT(message, HasSubstr("split.train = 0.8"));
  EXPECT_THAT(message, HasSubstr("must sum to 1"));
  EXPECT_THAT(message, HasSubstr("test = 0.2"));
}

TEST_F(ConfigFolder, AKeyOfAnotherSplitMethodIsAnError) {
  const auto message = error_of(minimal("", "[split]\nfolds = 3\n"));
  EXPECT_THAT(message, HasSubstr("split.folds = 3"));
  EXPECT_THAT(message, HasSubstr("only to method = 'kfold'"));
}

TEST_F(ConfigFolder, ATestCutWrittenAsTestPointsToTestExpression) {
  const auto message = error_of(minimal("", "[split]\nmethod = \"expression\"\ntest = \"entry % 10 < 3\"\n"));
  EXPECT_THAT(message, HasSubstr("test.toml:18:"));
  EXPECT_THAT(message, HasSubstr("test_expression"));
}

TEST_F(ConfigFolder, OneClassOnlyIsAnError) {
  std::string text = minimal();
  replace_once(text, "class = \"background\"", "class = \"signal\"");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("at least two classes"));
  EXPECT_THAT(message, HasSubstr("only 'signal'"));
}

TEST_F(ConfigFolder, APerClassCutForAnUnknownClassSuggestsTheClosestClass) {
  const auto message = error_of(minimal("", "[selection.class]\nbackgroud = \"x > 1\"\n"));
  EXPECT_THAT(message, HasSubstr(kTailLine2));
  EXPECT_THAT(message, HasSubstr("selection.class.backgroud"));
  EXPECT_THAT(message, HasSubstr("did you mean 'background'"));
}

TEST_F(ConfigFolder, AnUnknownSignalClassListsTheClasses) {
  const auto message = error_of(minimal("", "[evaluation]\nsignal_class = \"sig\"\n"));
  EXPECT_THAT(message, HasSubstr(kTailLine2));
  EXPECT_THAT(message, HasSubstr("evaluation.signal_class = \"sig\""));
  EXPECT_THAT(message, HasSubstr("background, signal"));
}

TEST_F(ConfigFolder, APatternMatchingNothingIsAnErrorNamingThePattern) {
  std::string text = minimal();
  replace_once(text, "samples/zprime/background_train.root", "samples/zprime/backgrund_train.root");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("test.toml:8:"));
  EXPECT_THAT(message, HasSubstr("sample[1].files[0]"));
  EXPECT_THAT(message, HasSubstr("\"samples/zprime/backgrund_train.root\" matches no file"));
  EXPECT_THAT(message, HasSubstr("did you mean 'background_train.root'"));
}

TEST_F(ConfigFolder, AFileMatchedTwiceInOneSampleIsAnError) {
  std::string text = minimal();
  text.replace(text.find("\"samples/zprime/background_train.root\""), 38,
               "[\"samples/zprime/back*.root\", \"samples/zprime/background_train.root\"]");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("sample[1].files[1]"));
  EXPECT_THAT(message, HasSubstr("earlier pattern"));
}

TEST_F(ConfigFolder, AnUnknownExtensionAsksForTheFormat) {
  touch("x/events.dat");
  std::string text = minimal();
  replace_once(text, "samples/zprime/background_train.root", "x/events.dat");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("sample[1].files"));
  EXPECT_THAT(message, HasSubstr("set format"));
}

TEST_F(ConfigFolder, ACrossSectionWithoutSumOfWeightsIsAnError) {
  const auto message = error_of(minimal("cross_section_pb = 1.5\n"));
  EXPECT_THAT(message, HasSubstr("test.toml:1:"));
  EXPECT_THAT(message, HasSubstr("sample[0]"));
  EXPECT_THAT(message, HasSubstr("missing required key 'sum_weights'"));
}

TEST_F(ConfigFolder, AMissingMetadataEntrySuggestsTheClosestEntry) {
  touch("meta.json", R"({"sgnal": {"cross_section_pb": 1, "sum_weights": 10}})");
  const auto message = error_of(minimal("metadata = \"meta.json\"\nmetadata_key = \"signal\"\n"));
  EXPECT_THAT(message, HasSubstr(kSampleExtraLine));
  EXPECT_THAT(message, HasSubstr("sample[0].metadata"));
  EXPECT_THAT(message, HasSubstr("no entry \"signal\""));
  EXPECT_THAT(message, HasSubstr("did you mean 'sgnal'"));
}

TEST_F(ConfigFolder, AValueGivenInTheConfigAndInTheMetadataIsAnError) {
  touch("meta.json", R"({"sig": {"cross_section_pb": 1, "sum_weights": 10}})");
  const auto message = error_of(minimal("metadata = \"meta.json\"\ncross_section_pb = 2\n"));
  EXPECT_THAT(message, HasSubstr("test.toml:6:"));
  EXPECT_THAT(message, HasSubstr("sample[0].cross_section_pb = 2"));
  EXPECT_THAT(message, HasSubstr("keep only one"));
}

TEST_F(ConfigFolder, InvalidJsonInTheMetadataFileIsAConfigError) {
  touch("meta.json", "{\"sig\": ");
  const auto message = error_of(minimal("metadata = \"meta.json\"\n"));
  EXPECT_THAT(message, HasSubstr("sample[0].metadata"));
  EXPECT_THAT(message, HasSubstr("not valid JSON"));
}

TEST_F(ConfigFolder, ABadCompressionLevelStatesTheRange) {
  const auto message = error_of(minimal("", "[output]\ncompression = \"zstd:12\"\n"));
  EXPECT_THAT(message, HasSubstr(kTailLine2));
  EXPECT_THAT(message, HasSubstr("output.compression = \"zstd:12\""));
  EXPECT_THAT(message, HasSubstr("1..9"));
}

TEST_F(ConfigFolder, AVariableNameThatIsNotAnIdentifierIsAnError) {
  const auto message = error_of(minimal("", "[variables]\n\"2pt\" = \"x\"\n"));
  EXPECT_THAT(message, HasSubstr(kTailLine2));
  EXPECT_THAT(message, HasSubstr("variables.2pt"));
  EXPECT_THAT(message, HasSubstr("identifier"));
}

TEST_F(ConfigFolder, AMisspeltRequiredKeyIsReportedAsUnknownNotMissing) {
  std::string text = minimal();
  replace_once(text, "use = ", "uses = ");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("features.uses"));
  EXPECT_THAT(message, HasSubstr("did you mean 'use'"));
}

}  // namespace
}  // namespace evclass::api::testing

namespace evclass::api::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(ConfigFolder, ADataSampleWithAClassIsAnError) {
  const auto message = error_of(minimal("data = true\n"));
  EXPECT_THAT(message, HasSubstr("test.toml:4:"));
  EXPECT_THAT(message, HasSubstr("sample[0].class"));
  EXPECT_THAT(message, HasSubstr("data sample"));
}

TEST_F(ConfigFolder, ATreeForACsvSampleIsAnError) {
  std::string text = minimal();
  replace_once(text, "\"samples/zprime/background_train.root\"", "\"bench/*.csv\"\ntree = \"t\"");
  const auto message = error_of(text);
  EXPECT_THAT(message, HasSubstr("test.toml:9:"));
  EXPECT_THAT(message, HasSubstr("sample[1].tree"));
  EXPECT_THAT(message, HasSubstr("only to ROOT"));
}

TEST_F(ConfigFolder, HiddenFilesAreNotPickedUpByAStar) {
  std::string text = minimal();
  replace_once(text, "\"samples/zprime/background_train.root\"", "\"samples/zprime/*.root\"");
  const auto c = parse(text);
  EXPECT_EQ(c.samples[1].files.size(), 3u);  // not .hidden.root
}

}  // namespace
}  // namespace evclass::api::testing
