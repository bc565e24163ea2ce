// The list of model types: one line per type, each defined in its own file.
// (Self-registering static objects would be dropped by the linker from a static library, since
// nothing references their object files; an explicit list is as short and always works.)

#include "evclass/learn/registry.hpp"
#include "learn/linear/logistic_regression_type.hpp"
#include "learn/nn/mlp_type.hpp"
#include "learn/nn/pnn_type.hpp"
#include "learn/trees/tree_types.hpp"

namespace evclass::learn {

const std::vector<ModelType>& registered_model_types() {
  static const std::vector<ModelType> types = {
      linear::logistic_regression_type(),
      trees::gbdt_type(),
      trees::random_forest_type(),
      trees::adaboost_type(),
      nn::mlp_type(),
      nn::pnn_type(),
  };
  return types;
}

}  // namespace evclass::learn
