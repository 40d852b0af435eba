// docs/api-guide.md, "Checkpoints".
#include <filesystem>

#include <gat/gat.hpp>

#include "check.hpp"

void snippet_checkpoints() {
  const std::string path = (std::filesystem::temp_directory_path() / "gat_docs_snippet.safetensors").string();
  gat::nn::GatModel<float> model({.in_features = 30, .num_classes = 3});
  // [doc]
  // Save: every parameter by name ("conv1.lin.weight", ...) plus string metadata. With the model
  // configuration under "gat_model" the file is also what `gat eval/predict/attention` read.
  gat::io::save_checkpoint(path, model, {{"gat_model", gat::train::to_json(model.options()).dump()}});

  // Load: rebuild the model from its configuration, then copy the tensors in.
  gat::io::Checkpoint checkpoint = gat::io::read_checkpoint(path);
  auto options = gat::train::gat_model_options_from_json(nlohmann::json::parse(checkpoint.metadata.at("gat_model")));
  gat::nn::GatModel<float> loaded(options);
  gat::io::load_parameters(checkpoint, loaded, path);
  // [/doc]
  DOC_CHECK(loaded.find_parameter("conv1.lin.weight")->value(0, 0) ==
            model.find_parameter("conv1.lin.weight")->value(0, 0));
  std::filesystem::remove(path);
}
