#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "gat/core/checked_size.hpp"
#include "gat/core/error.hpp"
#include "gat/io/checkpoint.hpp"
#include "gat/io/dataset.hpp"
#include "gat/train/model_config.hpp"
#include "gat/train/trainer.hpp"

using namespace gat;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir() {
  const fs::path dir = fs::temp_directory_path() / ("gat_test_checkpoint_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
void write_all(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }
}  // namespace

TEST_CASE("a checkpoint round trip predicts identically", "[train][checkpoint]") {
  io::SyntheticCitationOptions so;
  so.nodes = 500;
  io::Dataset d = io::make_synthetic_citation(so);
  const Graph g = Graph::from_edges(d.edges);
  nn::GatModelOptions mo;
  mo.in_features = d.features.cols();
  mo.num_classes = d.num_classes;
  mo.output_heads = 2;
  nn::GatModel<float> model(mo);
  train::TrainOptions to;
  to.max_epochs = 5;
  to.patience = 0;
  train::train_node_classifier(model, {&g, &d.features, d.labels, d.train, d.valid, d.test}, to);
  const Matrix before = train::predict_logits(model, g, d.features);

  const fs::path path = temp_dir() / "model.safetensors";
  io::save_checkpoint(path, model, {{"gat_model", train::to_json(mo).dump()}});
  const io::Checkpoint ck = io::read_checkpoint(path);
  REQUIRE(ck.tensors.count("conv1.lin.weight") == 1);
  CHECK(ck.tensors.at("conv1.att_src").shape == std::vector<std::int64_t>{1, 8, 8});
  CHECK(ck.tensors.at("conv2.bias").shape == std::vector<std::int64_t>{d.num_classes});
  const auto restored_options = train::gat_model_options_from_json(nlohmann::json::parse(ck.metadata.at("gat_model")));
  nn::GatModel<float> restored(restored_options);
  io::load_parameters(ck, restored, path.string());
  const Matrix after = train::predict_logits(restored, g, d.features);
  REQUIRE(after.size() == before.size());
  CHECK(std::memcmp(after.data(), before.data(), before.size() * sizeof(float)) == 0);
  fs::remove_all(path.parent_path());
}

// A small 2-layer model (6 features, 3 classes) saved as good.safetensors in a fresh folder.
struct SmallModelCheckpoint {
  static nn::GatModelOptions options() {
    nn::GatModelOptions mo;
    mo.in_features = 6;
    mo.num_classes = 3;
    return mo;
  }
  nn::GatModel<float> model{options()};
  fs::path dir = temp_dir();
  fs::path good = dir / "good.safetensors";
  SmallModelCheckpoint() { io::save_checkpoint(good, model, {}); }
};

TEST_CASE("damaged checkpoints give errors naming the file", "[train][checkpoint]") {
  SmallModelCheckpoint saved;
  nn::GatModel<float>& model = saved.model;
  const fs::path dir = saved.dir, good = saved.good;
  const std::string bytes = read_all(good);

  write_all(dir / "truncated.safetensors", bytes.substr(0, bytes.size() - 10));
  REQUIRE_THROWS_AS(io::read_checkpoint(dir / "truncated.safetensors"), DataError);
  REQUIRE_THROWS_WITH(io::read_checkpoint(dir / "truncated.safetensors"), Catch::Contains("truncated.safetensors"));
  write_all(dir / "tiny.safetensors", "abc");
  REQUIRE_THROWS_WITH(io::read_checkpoint(dir / "tiny.safetensors"), Catch::Contains("8-byte"));
  std::string garbled = bytes;
  garbled[8] = '#';  // the header's opening brace
  write_all(dir / "garbled.safetensors", garbled);
  REQUIRE_THROWS_WITH(io::read_checkpoint(dir / "garbled.safetensors"), Catch::Contains("not valid JSON"));
  REQUIRE_THROWS_WITH(io::read_checkpoint(dir / "missing.safetensors"), Catch::Contains("cannot open"));

  nn::GatModelOptions other = SmallModelCheckpoint::options();
  other.hidden = 4;
  nn::GatModel<float> different(other);
  REQUIRE_THROWS_WITH(io::load_parameters(io::read_checkpoint(good), different, "good.safetensors"),
                      Catch::Contains("good.safetensors") && Catch::Contains("has shape"));
  // A failed save leaves the existing checkpoint untouched.
  REQUIRE_THROWS_AS(io::save_checkpoint(dir / "no_such_dir" / "x.safetensors", model, {}), DataError);
  CHECK(read_all(good) == bytes);
  fs::remove_all(dir);
}

namespace {
// A checkpoint's header and data section, to be altered and written back.
struct Parts {
  nlohmann::json header;
  std::string data;
};
Parts split_checkpoint(const std::string& bytes) {
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  return {nlohmann::json::parse(bytes.substr(8, n)), bytes.substr(8 + n)};
}
void write_checkpoint(const fs::path& p, const Parts& parts) {
  const std::string text = parts.header.dump();
  const std::uint64_t n = text.size();
  write_all(p, std::string(reinterpret_cast<const char*>(&n), 8) + text + parts.data);
}
std::string error_of(const fs::path& p) {
  try {
    io::read_checkpoint(p);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("hostile checkpoints: wrapped shapes, overlapping, unknown and non-finite tensors, a directory", "[train][checkpoint]") {
  SmallModelCheckpoint saved;
  nn::GatModel<float>& model = saved.model;
  const fs::path dir = saved.dir, good = saved.good;
  const Parts parts = split_checkpoint(read_all(good));
  const auto& weight = parts.header.at("conv1.lin.weight");
  const std::uint64_t begin = weight.at("data_offsets")[0];

  // [2^62 + 64] floats: times 4 wraps to 256 bytes in 64 bits.
  Parts wrap = parts;
  wrap.header["wrapped"] = {{"dtype", "F32"}, {"shape", {(std::int64_t{1} << 62) + 64}}, {"data_offsets", {0, 256}}};
  write_checkpoint(dir / "wrap.safetensors", wrap);
  CHECK_THAT(error_of(dir / "wrap.safetensors"),
             Catch::Contains("wrap.safetensors") && Catch::Contains("tensor 'wrapped'") && Catch::Contains("does not match"));

  // conv1.att_dst's bytes moved onto conv1.att_src's (the same size).
  Parts overlap = parts;
  overlap.header["conv1.att_dst"]["data_offsets"] = overlap.header["conv1.att_src"]["data_offsets"];
  write_checkpoint(dir / "overlap.safetensors", overlap);
  CHECK_THAT(error_of(dir / "overlap.safetensors"), Catch::Contains("overlap.safetensors") && Catch::Contains("overlap"));

  for (const float bad : {std::nanf(""), INFINITY, -INFINITY}) {
    Parts nonfinite = parts;
    std::memcpy(&nonfinite.data[begin + 4], &bad, 4);
    write_checkpoint(dir / "nonfinite.safetensors", nonfinite);
    CHECK_THAT(error_of(dir / "nonfinite.safetensors"), Catch::Contains("nonfinite.safetensors") &&
                                                            Catch::Contains("tensor 'conv1.lin.weight'") &&
                                                            Catch::Contains("element 1") && Catch::Contains("finite"));
  }

  // A residual projection the configuration (no residual) has no place for.
  Parts extra = parts;
  extra.header["conv1.res.weight"] = {{"dtype", "F32"}, {"shape", {1}}, {"data_offsets", {parts.data.size(), parts.data.size() + 4}}};
  extra.data += std::string(4, '\0');
  write_checkpoint(dir / "extra.safetensors", extra);
  const io::Checkpoint extra_ck = io::read_checkpoint(dir / "extra.safetensors");
  CHECK_THROWS_WITH(io::load_parameters(extra_ck, model, "extra.safetensors"),
                    Catch::Contains("extra.safetensors") && Catch::Contains("'conv1.res.weight'"));

  CHECK_THAT(error_of(dir), Catch::Contains("is a directory"));
  fs::remove_all(dir);
}

TEST_CASE("model sizes past the stated bounds are refused before anything is built", "[train][checkpoint]") {
  nn::GatModelOptions mo;
  mo.in_features = 1433;
  mo.num_classes = 7;
  auto refused = [](nn::GatModelOptions o, const std::string& what) {
    INFO(what);
    CHECK_THROWS_AS(nn::GatModel<float>(o), InvalidArgument);
  };
  nn::GatModelOptions o = mo;
  o.heads = o.hidden = 100000000;  // heads x hidden x in_features overflows int64
  refused(o, "1e8 heads of 1e8");
  o = mo;
  o.heads = o.hidden = 100000;
  refused(o, "1e5 heads of 1e5");
  o = mo;
  o.heads = 1024;
  o.hidden = 1024;
  refused(o, "a layer 2^20 wide");
  o = mo;
  o.layers = 1000000000;  // refused at once, not after building layers for minutes
  refused(o, "1e9 layers");
  o = mo;
  o.layers = kMaxLayers + 1;
  refused(o, "one layer past the bound");
  for (const std::int64_t heads : {0, -3}) {
    o = mo;
    o.heads = heads;
    refused(o, "heads " + std::to_string(heads));
  }
  o = mo;
  o.num_classes = 0;
  refused(o, "no classes");
  o = mo;
  o.layers = kMaxLayers;
  o.heads = 2;
  o.hidden = 2;
  CHECK(nn::GatModel<float>(o).num_attention_layers() == static_cast<std::size_t>(kMaxLayers));

  // A count stored as a float (1e9) is refused as a configuration error, not converted.
  nlohmann::json j = train::to_json(mo);
  j["layers"] = 1e9;
  CHECK_THROWS_WITH(train::gat_model_options_from_json(j), Catch::Contains("'layers' must be an integer"));
  j["layers"] = 2;
  j["seed"] = -1;
  CHECK_THROWS_WITH(train::gat_model_options_from_json(j), Catch::Contains("'seed' must be an integer >= 0"));
}
