// A complete config parses into the values written; omitted keys take the documented defaults.

#include <gtest/gtest.h>

#include "config_fixture.hpp"

namespace evclass::api::testing {
namespace {

namespace fs = std::filesystem;

const char* kFullConfig = R"(
[run]
name = "zprime"
seed = 7
threads = 2
output = "out/zprime"

[[sample]]
name = "signal"
files = ["samples/zprime/signal_train*.root"]
tree = "zp"
class = "signal"
group = "Z' signal"
selection = "Zp_tau_0_dau_genMotherPDG == 26"
cross_section_pb = 2.5
sum_weights = 1000.0
efficiency = 0.5
k_factor = 1.1

[[sample]]
name = "ggH"
files = "hzz/mc_ggH.root"
tree = "mini"
class = "background"
weight = "mcWeight * 2"
metadata = "info.json"
metadata_key = "ggH125_ZZ4lep"

[[sample]]
name = "ZZ"
files = ["hzz/mc_ZZ.root"]
class = "background"
cross_section_branch = "XSection"
sum_weights_branch = "SumWeights"

[[sample]]
name = "data"
files = ["hzz/data_*.root"]
data = true

[[sample]]
name = "bench"
files = ["bench/zprime16_100k.csv"]
label_column = "label"
delimiter = ";"

[selection]
common = "lep_n == 4"
[selection.class]
background = "4.5 < Zp_M_beforeFit && Zp_M_beforeFit < 5.5"

[variables]
zz = "m4l * 2"
m4l = "mass(lep_pt, lep_eta, lep_phi, lep_E) / 1000"
aa = "zz + 1"

[features]
use = ["m4l", "lep_pt[0]"]
spectators = ["Zp_M_beforeFit"]
missing_index = "zero"

[weights]
expression = "mcWeight * scaleFactor_PILEUP"
luminosity_fb = 10
negative = "ignore_in_training"
class_balance = "equal_sum"
train_weighted = false

[split]
method = "random"
train = 0.6
validation = 0.1
test = 0.3
stratify = false

[preprocessing]
scaler = "minmax"

[[model]]
name = "lr"
type = "logistic_regression"
C = 0.5
max_iter = 200

[[model]]
type = "mlp"
hidden_layer_sizes = [64, 32]
early_stopping = true
solver = { name = "adam", beta = [0.9, 0.999] }

[evaluation]
signal_class = "signal"
threshold = 0.7
background_efficiencies = [0.3, 0.01]
roc_points = 500
significance_scale = 2.0

[output]
formats = ["csv"]
compression = "lzma:8"
)";

class FullConfig : public ConfigFolder {
 protected:
  FullConfig() {
    touch("info.json", R"({"ggH125_ZZ4lep": {"cross_section_pb": 0.006, "sum_weights": 2.7e7, "skim_efficiency": 0.25},
                           "other": {"cross_section_pb": 1}})");
  }
};

TEST_F(FullConfig, RunSectionKeepsItsValuesAndResolvesTheOutputAgainstTheConfigFolder) {
  const auto c = parse(kFullConfig);
  EXPECT_EQ(c.run.name, "zprime");
  EXPECT_EQ(c.run.seed, 7u);
  EXPECT_EQ(c.run.threads, 2);
  EXPECT_EQ(c.run.output, base() / "out/zprime");
  EXPECT_EQ(c.base_dir, base());
}

TEST_F(FullConfig, SamplesGetTheirFilesSortedFormatClassAndGroup) {
  const auto c = parse(kFullConfig);
  ASSERT_EQ(c.samples.size(), 5u);
  const auto& sig = c.samples[0];
  EXPECT_EQ(sig.name, "signal");
  ASSERT_EQ(sig.files.size(), 2u);
  EXPECT_EQ(sig.files[0], base() / "samples/zprime/signal_train_1.root");
  EXPECT_EQ(sig.files[1], base() / "samples/zprime/signal_train_2.root");
  EXPECT_EQ(sig.format, SampleFormat::root);
  EXPECT_EQ(sig.tree, "zp");
  EXPECT_EQ(sig.class_name, "signal");
  EXPECT_EQ(sig.group, "Z' signal");
  EXPECT_EQ(sig.selection.text, "Zp_tau_0_dau_genMotherPDG == 26");
  EXPECT_EQ(sig.selection.where.line, 14u);
  EXPECT_EQ(sig.selection.where.file, "test.toml");
  EXPECT_FALSE(sig.weight.has_value());
  EXPECT_EQ(sig.where.line, 8u);

  const auto& bench = c.samples[4];
  EXPECT_EQ(bench.format, SampleFormat::csv);
  EXPECT_EQ(bench.csv_delimiter, ';');
  EXPECT_EQ(bench.label_column, "label");
  EXPECT_EQ(bench.label_classes, (std::vector<std::string>{"background", "signal"}));
  EXPECT_TRUE(bench.class_name.empty());
  EXPECT_EQ(bench.group, "bench");  // default: the name

  EXPECT_TRUE(c.samples[3].is_data);
  EXPECT_EQ(c.samples[3].files.size(), 1u);
  ASSERT_TRUE(c.samples[1].weight.has_value());
  EXPECT_EQ(c.samples[1].weight->text, "mcWeight * 2");
}

TEST_F(FullConfig, NormalisationComesFromTheConfigTheMetadataFileOrBranches) {
  const auto c = parse(kFullConfig);
  const auto& direct = c.samples[0].normalisation;
  EXPECT_EQ(direct.cross_section_pb, 2.5);
  EXPECT_EQ(direct.sum_weights, 1000.0);
  EXPECT_EQ(direct.efficiency, 0.5);
  EXPECT_EQ(direct.k_factor, 1.1);
  EXPECT_EQ(direct.skim_efficiency, 1.0);

  const auto& meta = c.samples[1].normalisation;
  EXPECT_EQ(meta.cross_section_pb, 0.006);
  EXPECT_EQ(meta.sum_weights, 2.7e7);
  EXPECT_EQ(meta.skim_efficiency, 0.25);
  EXPECT_EQ(meta.efficiency, 1.0);
  EXPECT_EQ(meta.metadata, base() / "info.json");
  EXPECT_EQ(meta.metadata_key, "ggH125_ZZ4lep");

  const auto& branches = c.samples[2].normalisation;
  EXPECT_EQ(branches.cross_section_branch, "XSection");
  EXPECT_EQ(branches.sum_weights_branch, "SumWeights");
  EXPECT_FALSE(branches.cross_section_pb.has_value());
  EXPECT_TRUE(branches.enabled());
  EXPECT_FALSE(c.samples[3].normalisation.enabled());
}

TEST_F(FullConfig, SelectionsVariablesInFileOrderAndFeatures) {
  const auto c = parse(kFullConfig);
  EXPECT_EQ(c.selection.common.text, "lep_n == 4");
  ASSERT_EQ(c.selection.per_class.count("background"), 1u);
  EXPECT_EQ(c.selection.per_class.at("background").where.line, 50u);
  ASSERT_EQ(c.variables.size(), 3u);
  // Written order (zz, m4l, aa), not alphabetical order.
  EXPECT_EQ(c.variables[0].name, "zz");
  EXPECT_EQ(c.variables[1].name, "m4l");
  EXPECT_EQ(c.variables[2].name, "aa");
  EXPECT_EQ(c.variables[1].expression.text, "mass(lep_pt, lep_eta, lep_phi, lep_E) / 1000");
  EXPECT_EQ(c.variables[1].expression.where.line, 54u);
  ASSERT_EQ(c.features.use.size(), 2u);
  EXPECT_EQ(c.features.use[1].text, "lep_pt[0]");
  EXPECT_EQ(c.features.use[1].where.line, 58u);
  EXPECT_EQ(c.features.use[1].where.column, 15u);
  ASSERT_EQ(c.features.spectators.size(), 1u);
  EXPECT_EQ(c.features.missing_index, MissingIndex::zero);
  EXPECT_EQ(c.features.dtype, "float32");
}

TEST_F(FullConfig, WeightsSplitAndPreprocessing) {
  const auto c = parse(kFullConfig);
  EXPECT_EQ(c.weights.expression.text, "mcWeight * scaleFactor_PILEUP");
  EXPECT_EQ(c.weights.luminosity_fb, 10.0);
  EXPECT_EQ(c.weights.negative, NegativeWeights::ignore_in_training);
  EXPECT_EQ(c.weights.class_balance, ClassBalance::equal_sum);
  EXPECT_FALSE(c.weights.train_weighted);
  EXPECT_EQ(c.split.method, SplitMethod::random);
  EXPECT_EQ(c.split.train, 0.6);
  EXPECT_EQ(c.split.validation, 0.1);
  EXPECT_EQ(c.split.test, 0.3);
  EXPECT_FALSE(c.split.stratify);
  EXPECT_EQ(c.preprocessing.scaler, Scaler::minmax);
}

TEST_F(FullConfig, ModelsKeepHyperParametersAsJsonWithPositions) {
  const auto c = parse(kFullConfig);
  ASSERT_EQ(c.models.size(), 2u);
  EXPECT_EQ(c.models[0].name, "lr");
  EXPECT_EQ(c.models[0].type, "logistic_regression");
  EXPECT_EQ(c.models[0].params, nlohmann::json::parse(R"({"C": 0.5, "max_iter": 200})"));
  EXPECT_TRUE(c.models[0].params["max_iter"].is_number_integer());
  EXPECT_EQ(c.models[0].where.line, 79u);
  EXPECT_EQ(c.models[0].param_positions.at("C").line, 82u);
  EXPECT_EQ(c.models[1].name, "mlp");  // default: the type
  EXPECT_EQ(c.models[1].params,
            nlohmann::json::parse(R"({"hidden_layer_sizes": [64, 32], "early_stopping": true,
                                      "solver": {"name": "adam", "beta": [0.9, 0.999]}})"));
}

TEST_F(FullConfig, EvaluationOutputAndClasses) {
  const auto c = parse(kFullConfig);
  EXPECT_EQ(c.evaluation.signal_class, "signal");
  EXPECT_EQ(c.evaluation.threshold, 0.7);
  EXPECT_EQ(c.evaluation.background_efficiencies, (std::vector<double>{0.01, 0.3}));  // sorted
  EXPECT_EQ(c.evaluation.roc_points, 500);
  EXPECT_EQ(c.evaluation.significance_scale, 2.0);
  EXPECT_EQ(c.output.formats, (std::vector<OutputFormat>{OutputFormat::csv}));
  EXPECT_EQ(c.output.compression, CompressionAlgorithm::lzma);
  EXPECT_EQ(c.output.compression_level, 8);
  EXPECT_EQ(c.classes, (std::vector<std::string>{"background", "signal"}));
}

TEST_F(ConfigFolder, OmittedKeysTakeTheDocumentedDefaults) {
  const auto c = parse(minimal());
  EXPECT_EQ(c.run.name, "test");  // stem of "test.toml"
  EXPECT_EQ(c.run.seed, 42u);
  EXPECT_EQ(c.run.threads, 0);
  EXPECT_EQ(c.run.output, base() / "runs/test");
  EXPECT_TRUE(c.samples[0].tree.empty());
  EXPECT_EQ(c.samples[0].group, "sig");
  EXPECT_TRUE(c.samples[0].selection.empty());
  EXPECT_FALSE(c.samples[0].normalisation.enabled());
  EXPECT_TRUE(c.selection.common.empty());
  EXPECT_TRUE(c.selection.per_class.empty());
  EXPECT_TRUE(c.variables.empty());
  EXPECT_TRUE(c.features.spectators.empty());
  EXPECT_EQ(c.features.missing_index, MissingIndex::nan);
  EXPECT_EQ(c.weights.expression.text, "1");
  EXPECT_EQ(c.weights.luminosity_fb, 1.0);
  EXPECT_EQ(c.weights.negative, NegativeWeights::keep);
  EXPECT_EQ(c.weights.class_balance, ClassBalance::none);
  EXPECT_TRUE(c.weights.train_weighted);
  EXPECT_EQ(c.split.method, SplitMethod::random);
  EXPECT_EQ(c.split.train, 0.7);
  EXPECT_EQ(c.split.validation, 0.0);
  EXPECT_EQ(c.split.test, 0.3);
  EXPECT_TRUE(c.split.stratify);
  EXPECT_EQ(c.split.validation_from_train, 0.0);
  EXPECT_EQ(c.preprocessing.scaler, Scaler::standard);
  EXPECT_EQ(c.models[0].name, "logistic_regression");
  EXPECT_TRUE(c.models[0].params.empty());
  EXPECT_EQ(c.evaluation.signal_class, "signal");
  EXPECT_EQ(c.evaluation.threshold, 0.5);
  EXPECT_EQ(c.evaluation.background_efficiencies, (std::vector<double>{0.01, 0.1, 0.3}));
  EXPECT_EQ(c.evaluation.roc_points, 0);
  EXPECT_EQ(c.output.formats, (std::vector<OutputFormat>{OutputFormat::root, OutputFormat::csv}));
  EXPECT_EQ(c.output.compression, CompressionAlgorithm::zstd);
  EXPECT_EQ(c.output.compression_level, 5);
}

TEST_F(ConfigFolder, KfoldSplitReadsItsFoldCount) {
  const auto c = parse(minimal("", "[split]\nmethod = \"kfold\"\nfolds = 3\nvalidation_from_train = 0.1\n"));
  EXPECT_EQ(c.split.method, SplitMethod::kfold);
  EXPECT_EQ(c.split.folds, 3);
  EXPECT_EQ(c.split.validation_from_train, 0.1);
}

TEST_F(ConfigFolder, ExpressionSplitKeepsTheCutWithItsPosition) {
  const auto c = parse(minimal("", "[split]\nmethod = \"expression\"\ntest_expression = \"entry % 10 < 3\"\n"));
  EXPECT_EQ(c.split.method, SplitMethod::expression);
  EXPECT_EQ(c.split.test_expression.text, "entry % 10 < 3");
  EXPECT_EQ(c.split.test_expression.where.line, 18u);
}

TEST_F(ConfigFolder, ColumnSplitDefaultsToTheSplitColumn) {
  const auto c = parse(minimal("", "[split]\nmethod = \"column\"\n"));
  EXPECT_EQ(c.split.column, "split");
}

TEST_F(ConfigFolder, MultiClassSamplesAreNumberedInOrderOfAppearanceWithoutADefaultSignal) {
  const std::string text = R"(
[[sample]]
name = "ttH"
files = "hzz/mc_ZZ.root"
class = "ttH"
[[sample]]
name = "ggH"
files = "hzz/mc_ggH.root"
class = "ggH"
[[sample]]
name = "VBF"
files = "samples/zprime/background_train.root"
class = "VBF"
[features]
use = ["x"]
[[model]]
type = "gbdt"
)";
  const auto c = parse(text);
  EXPECT_EQ(c.classes, (std::vector<std::string>{"ttH", "ggH", "VBF"}));
  EXPECT_TRUE(c.evaluation.signal_class.empty());
}

TEST_F(ConfigFolder, LoadConfigResolvesPathsAgainstTheConfigFileFolder) {
  touch("cfg/sub/only.root");
  touch("cfg/sub/other.root");
  touch("cfg/analysis.toml", R"(
[[sample]]
name = "a"
files = "sub/only.root"
class = "signal"
[[sample]]
name = "b"
files = "sub/other.root"
class = "background"
[features]
use = ["x"]
[[model]]
type = "logistic_regression"
)");
  const auto c = load_config((base() / "cfg/analysis.toml").string());
  EXPECT_EQ(c.samples[0].files.at(0), base() / "cfg/sub/only.root");
  EXPECT_EQ(c.run.name, "analysis");
  EXPECT_EQ(c.run.output, base() / "cfg/runs/analysis");
}

TEST(LoadConfig, AMissingFileIsAnIoErrorNamingIt) {
  try {
    (void)load_config("/nonexistent/evclass/run.toml");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/evclass/run.toml"), std::string::npos);
  }
}

}  // namespace
}  // namespace evclass::api::testing
