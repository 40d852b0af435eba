#pragma once
// Helpers of the training tests: a default model for a dataset, and all of a model's parameters
// in one vector (to compare models bit for bit).
#include <vector>

#include "gat/io/dataset.hpp"
#include "gat/nn/gat_model.hpp"

namespace gat_test {

inline gat::nn::GatModelOptions model_options(const gat::io::Dataset& d) {
  gat::nn::GatModelOptions o;
  o.in_features = d.features.cols();
  o.num_classes = d.num_classes;
  o.seed = 1;
  return o;
}

inline std::vector<float> all_parameters(gat::nn::GatModel<float>& m) {
  std::vector<float> out;
  for (auto& p : m.named_parameters())
    out.insert(out.end(), p.parameter->value.data(), p.parameter->value.data() + p.parameter->value.size());
  return out;
}

}  // namespace gat_test
