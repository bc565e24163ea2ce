#include "evclass/eval/roc.hpp"

#include <fmt/format.h>

namespace evclass::eval {

std::vector<double> one_vs_rest_auc(const ClassProbabilities& probabilities, std::span<const label_t> labels,
                                    std::span<const double> weights, const std::string& context) {
  check_class_probabilities(probabilities, labels, weights, context);
  std::vector<label_t> is_class(labels.size());
  std::vector<double> areas;
  for (label_t k = 0; k < probabilities.num_classes; ++k) {
    for (std::size_t i = 0; i < labels.size(); ++i) is_class[i] = labels[i] == k ? 1 : 0;
    const LabeledScores one_vs_rest{probabilities.column(k), is_class, weights,
                                    fmt::format("{} (class {} vs rest)", context, k)};
    areas.push_back(roc_auc(one_vs_rest));
  }
  return areas;
}

}  // namespace evclass::eval
