#pragma once
// Tree models: "gbdt" (histogram gradient boosting, XGBoost's parameter names), "random_forest"
// (scikit-learn's RandomForestClassifier parameters) and "adaboost" (discrete SAMME and real
// SAMME.R over shallow trees, as TMVA's BDT). All three train on the same histogram grower and
// save as EnsembleModel JSON; see docs/models.md.

#include "evclass/learn/params.hpp"

namespace evclass::learn {

[[nodiscard]] const ParamSchema& gbdt_schema();
[[nodiscard]] const ParamSchema& random_forest_schema();
[[nodiscard]] const ParamSchema& adaboost_schema();

}  // namespace evclass::learn
