#pragma once
// The model configuration as JSON: what a checkpoint stores so that it can rebuild its model.
#include <nlohmann/json.hpp>

#include "gat/nn/gat_model.hpp"

namespace gat::train {

nlohmann::json to_json(const nn::GatModelOptions& options);
// Throws InvalidArgument naming the missing or malformed field.
nn::GatModelOptions gat_model_options_from_json(const nlohmann::json& j);

}  // namespace gat::train
