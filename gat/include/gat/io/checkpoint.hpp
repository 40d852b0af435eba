#pragma once
// Checkpoints as .safetensors files: an 8-byte little-endian header length, a JSON header naming
// each float32 tensor with its shape and byte range (plus a "__metadata__" object of strings,
// where gat keeps the model configuration), then the raw data. Tensor names and shapes are
// the module's parameter names and PyTorch shapes, so a GAT checkpoint loads in PyG and back.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gat/module/module.hpp"

namespace gat::io {

struct StoredTensor {
  std::vector<std::int64_t> shape;
  std::vector<float> data;
};

struct Checkpoint {
  std::map<std::string, std::string> metadata;  // safetensors' __metadata__ (string values)
  std::map<std::string, StoredTensor> tensors;
};

// Writes every parameter of `module` and the metadata; to a temporary file, then renamed, so an
// existing checkpoint is never left half-written.
void save_checkpoint(const std::filesystem::path& path, Module<float>& module,
                     const std::map<std::string, std::string>& metadata);

// Reads and validates a checkpoint. Throws DataError naming the file and what is wrong.
Checkpoint read_checkpoint(const std::filesystem::path& path);

// Copies the checkpoint's tensors into the module's parameters by name. Every parameter must be
// present with its shape; `source` names the file in error messages.
void load_parameters(const Checkpoint& checkpoint, Module<float>& module, const std::string& source);

}  // namespace gat::io
