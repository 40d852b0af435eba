#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>

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

TEST_CASE("damaged checkpoints give errors naming the file", "[train][checkpoint]") {
  nn::GatModelOptions mo;
  mo.in_features = 6;
  mo.num_classes = 3;
  nn::GatModel<float> model(mo);
  const fs::path dir = temp_dir();
  const fs::path good = dir / "good.safetensors";
  io::save_checkpoint(good, model, {});
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

  nn::GatModelOptions other = mo;
  other.hidden = 4;
  nn::GatModel<float> different(other);
  REQUIRE_THROWS_WITH(io::load_parameters(io::read_checkpoint(good), different, "good.safetensors"),
                      Catch::Contains("good.safetensors") && Catch::Contains("has shape"));
  // A failed save leaves the existing checkpoint untouched.
  REQUIRE_THROWS_AS(io::save_checkpoint(dir / "no_such_dir" / "x.safetensors", model, {}), DataError);
  CHECK(read_all(good) == bytes);
  fs::remove_all(dir);
}
