#include "gat/io/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "gat/core/checked_size.hpp"
#include "gat/core/error.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/json_number.hpp"

namespace gat::io {

namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // safetensors' own limit

// Refuses two tensors whose byte ranges share a byte (a crafted file could alias one weight to
// another); empty tensors own no byte.
void check_disjoint(std::vector<std::pair<std::pair<std::uint64_t, std::uint64_t>, std::string>> ranges,
                    const std::string& file) {
  std::sort(ranges.begin(), ranges.end());
  const std::pair<std::uint64_t, std::uint64_t>* previous = nullptr;
  const std::string* previous_name = nullptr;
  for (const auto& [range, name] : ranges) {
    if (range.first == range.second) continue;
    if (previous && range.first < previous->second)
      throw DataError(file, 0, "tensor '" + name + "': its bytes [" + std::to_string(range.first) + ", " +
                                   std::to_string(range.second) + ") overlap those of tensor '" + *previous_name + "'");
    previous = &range;
    previous_name = &name;
  }
}

void write_u64_le(std::ostream& out, std::uint64_t v) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(v >> (8 * i));
  out.write(reinterpret_cast<const char*>(bytes), 8);
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, Module<float>& module,
                     const std::map<std::string, std::string>& metadata) {
  nlohmann::json header;
  header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  const auto parameters = module.named_parameters();
  for (const auto& p : parameters) {
    const std::uint64_t bytes = static_cast<std::uint64_t>(p.parameter->value.size()) * sizeof(float);
    header[p.name] = {{"dtype", "F32"}, {"shape", p.parameter->shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // safetensors pads the header to 8 bytes with spaces

  AtomicFile file(path, std::ios::binary);
  std::ostream& out = file.stream();
  write_u64_le(out, text.size());
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  // float32 little-endian, as stored in memory on the machines gat supports.
  for (const auto& p : parameters)
    out.write(reinterpret_cast<const char*>(p.parameter->value.data()),
              static_cast<std::streamsize>(p.parameter->value.size() * sizeof(float)));
  file.commit();
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw DataError(name, 0, "is a directory, not a checkpoint file (give the .safetensors file written by gat train --save)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(name, 0, "cannot open the checkpoint (does the file exist?)");
  in.seekg(0, std::ios::end);
  const std::uint64_t file_size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  if (file_size < 8) throw DataError(name, 0, "not a safetensors file: shorter than its 8-byte header length");
  unsigned char len_bytes[8];
  in.read(reinterpret_cast<char*>(len_bytes), 8);
  std::uint64_t header_len = 0;
  for (int i = 0; i < 8; ++i) header_len |= static_cast<std::uint64_t>(len_bytes[i]) << (8 * i);
  if (header_len > kMaxHeaderBytes || header_len > file_size - 8)
    throw DataError(name, 0, "not a safetensors file: header length " + std::to_string(header_len) +
                                 " does not fit in a file of " + std::to_string(file_size) + " bytes");
  std::string text(header_len, '\0');
  in.read(text.data(), static_cast<std::streamsize>(header_len));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(name, 0, std::string("the safetensors header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) throw DataError(name, 0, "the safetensors header is not a JSON object");

  Checkpoint ck;
  const std::uint64_t data_size = file_size - 8 - header_len;
  std::vector<char> data(data_size);
  in.read(data.data(), static_cast<std::streamsize>(data_size));
  if (!in) throw DataError(name, 0, "the checkpoint is truncated");

  std::vector<std::pair<std::pair<std::uint64_t, std::uint64_t>, std::string>> ranges;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) throw DataError(name, 0, "__metadata__ is not an object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) throw DataError(name, 0, "__metadata__ value '" + m.key() + "' is not a string");
        ck.metadata[m.key()] = m->get<std::string>();
      }
      continue;
    }
    const auto& t = *it;
    const std::string where = "tensor '" + it.key() + "': ";
    if (!t.is_object() || !t.contains("dtype") || !t.contains("shape") || !t.contains("data_offsets"))
      throw DataError(name, 0, where + "needs dtype, shape and data_offsets");
    if (t["dtype"] != "F32")
      throw DataError(name, 0, where + "dtype " + t["dtype"].dump() + " is not supported; gat reads F32");
    StoredTensor st;
    try {
      if (!t["shape"].is_array() || !t["data_offsets"].is_array())
        throw DataError(name, 0, where + "shape and data_offsets must be arrays of integers");
      for (const auto& d : t["shape"]) st.shape.push_back(json_integer<std::int64_t>(d, name, it.key() + " shape"));
      std::vector<std::uint64_t> offsets;
      for (const auto& o : t["data_offsets"])
        offsets.push_back(json_integer<std::uint64_t>(o, name, it.key() + " data_offsets"));
      if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data_size)
        throw DataError(name, 0, where + "data_offsets are outside the data section of " + std::to_string(data_size) +
                                     " bytes");
      for (auto d : st.shape)
        if (d < 0) throw DataError(name, 0, where + "negative dimension in its shape");
      // Sized with overflow checks: a shape such as [2^62 + 64] must not wrap to a small range.
      const auto count = checked_product(st.shape, static_cast<std::int64_t>(data_size / sizeof(float)));
      if (!count || static_cast<std::uint64_t>(*count) * sizeof(float) != offsets[1] - offsets[0])
        throw DataError(name, 0, where + "its shape " + nlohmann::json(st.shape).dump() + " does not match its byte range of " +
                                     std::to_string(offsets[1] - offsets[0]) + " bytes (4 bytes per float)");
      st.data.resize(static_cast<std::size_t>(*count));
      std::memcpy(st.data.data(), data.data() + offsets[0], offsets[1] - offsets[0]);
      for (std::size_t i = 0; i < st.data.size(); ++i)
        if (!std::isfinite(st.data[i]))
          throw DataError(name, 0, where + "element " + std::to_string(i) + " is " + std::to_string(st.data[i]) +
                                       "; a model's weights must be finite numbers");
      ranges.push_back({{offsets[0], offsets[1]}, it.key()});
    } catch (const nlohmann::json::exception& e) {
      throw DataError(name, 0, where + "malformed entry: " + e.what());
    }
    ck.tensors.emplace(it.key(), std::move(st));
  }
  check_disjoint(std::move(ranges), name);
  return ck;
}

void load_parameters(const Checkpoint& checkpoint, Module<float>& module, const std::string& source) {
  const auto parameters = module.named_parameters();
  // A tensor the model has no place for means the metadata describes another model (e.g. a
  // residual projection when the configuration has none): refused, not silently dropped.
  for (const auto& entry : checkpoint.tensors) {
    const std::string& tensor = entry.first;
    const bool known = std::any_of(parameters.begin(), parameters.end(), [&](const auto& p) { return p.name == tensor; });
    if (!known)
      throw DataError(source, 0, "tensor '" + tensor + "' is not a parameter of the model its metadata describes");
  }
  for (auto& p : parameters) {
    auto it = checkpoint.tensors.find(p.name);
    if (it == checkpoint.tensors.end())
      throw DataError(source, 0, "the checkpoint has no tensor '" + p.name + "' that the model needs");
    if (it->second.shape != p.parameter->shape) {
      auto show = [](const std::vector<std::int64_t>& s) { return nlohmann::json(s).dump(); };
      throw DataError(source, 0, "tensor '" + p.name + "' has shape " + show(it->second.shape) +
                                     " but the model expects " + show(p.parameter->shape));
    }
    std::memcpy(p.parameter->value.data(), it->second.data.data(), it->second.data.size() * sizeof(float));
  }
}

}  // namespace gat::io
