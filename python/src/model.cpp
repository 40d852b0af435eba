// gat.GAT: the GAT paper's node classifier (gat::nn::GatModel) with training, prediction,
// attention weights and checkpoints. Options carry PyG's names where PyG has one (in_channels,
// hidden_channels, out_channels, num_layers, heads, dropout, negative_slope, act, v2,
// add_self_loops) and gat's defaults, which are the paper's (gat::nn::GatModelOptions).
//
// The GIL is released while gat computes; the per-epoch callback takes it back for its call.
// Results (logits, attention weights) are NumPy arrays over the C++ buffers they were computed in.
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>

#include "arrays.hpp"
#include "bindings.hpp"
#include "data.hpp"
#include "gat/io/attention_json.hpp"
#include "gat/io/checkpoint.hpp"
#include "gat/train/model_config.hpp"
#include "gat/train/trainer.hpp"

namespace gat::python {

namespace {

using namespace pybind11::literals;
using Model = nn::GatModel<float>;
using Weights = AttentionWeights<float>;

std::shared_ptr<Model> make_model(std::int64_t in_channels, std::int64_t out_channels, std::int64_t hidden_channels,
                                  std::int64_t num_layers, std::int64_t heads, std::int64_t output_heads, float dropout,
                                  float attention_dropout, float value_dropout, bool feature_dropout_per_head,
                                  double negative_slope, const std::string& act, bool v2, bool add_self_loops,
                                  bool residual, std::uint64_t seed) {
  nn::GatModelOptions o;
  o.conv = v2 ? nn::ConvKind::gatv2 : nn::ConvKind::gat;
  o.in_features = in_channels;
  o.num_classes = out_channels;
  o.layers = num_layers;
  o.hidden = hidden_channels;
  o.heads = heads;
  o.output_heads = output_heads;
  o.feature_dropout = dropout;
  o.feature_dropout_per_head = feature_dropout_per_head;
  o.attention_dropout = attention_dropout;
  o.value_dropout = value_dropout;
  o.negative_slope = negative_slope;
  o.activation = nn::activation_from_string(act);
  o.add_self_loops = add_self_loops;
  o.residual = residual;
  o.seed = seed;
  return std::make_shared<Model>(o);
}

py::object json_to_python(const nlohmann::json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

// Features given as gat.Features are used as they are; an array is copied into gat's storage.
std::shared_ptr<const Features> features_of(const py::handle& x) {
  if (py::isinstance<Features>(x)) return x.cast<std::shared_ptr<Features>>();
  return py::module_::import("gat._core").attr("Features")(x).cast<std::shared_ptr<Features>>();
}

train::TrainResult fit(Model& model, const DatasetHandle& data, const std::optional<std::function<void(const train::EpochRecord&)>>& callback,
                       std::int64_t max_epochs, std::int64_t patience, const std::string& selection,
                       const std::string& optimizer, double lr, double weight_decay, double momentum,
                       std::uint64_t seed, bool receptive_field) {
  train::TrainOptions o;
  o.max_epochs = max_epochs;
  o.patience = patience;
  o.selection = parse_choice<train::ModelSelection>(selection, "selection",
                                                    {{"accuracy_and_loss", train::ModelSelection::accuracy_and_loss},
                                                     {"loss", train::ModelSelection::loss},
                                                     {"accuracy", train::ModelSelection::accuracy}});
  o.optimizer = parse_choice<train::OptimizerKind>(
      optimizer, "optimizer",
      {{"adam", train::OptimizerKind::adam}, {"adamw", train::OptimizerKind::adamw}, {"sgd", train::OptimizerKind::sgd}});
  o.lr = lr;
  o.weight_decay = weight_decay;
  o.momentum = momentum;
  o.seed = seed;
  o.receptive_field = receptive_field;
  if (callback && *callback) {
    o.on_epoch = [&callback](const train::EpochRecord& r) {
      py::gil_scoped_acquire locked;
      (*callback)(r);
    };
  }
  const train::NodeClassificationTask task{data.graph.get(), data.features.get(), data.data.labels,
                                           data.data.train, data.data.valid, data.data.test};
  py::gil_scoped_release unlocked;
  return train::train_node_classifier(model, task, o);
}

py::array predict(Model& model, const Graph& graph, const Features& features, const py::handle& nodes) {
  const std::vector<NodeId> ids = nodes.is_none() ? std::vector<NodeId>{} : node_indices(nodes, "nodes");
  Matrix logits;
  {
    py::gil_scoped_release unlocked;
    logits = nodes.is_none() ? train::predict_logits(model, graph, features)
                             : train::predict_logits(model, graph, features, std::span<const NodeId>(ids));
  }
  return matrix_array(std::move(logits));
}

std::vector<std::shared_ptr<Weights>> attention(Model& model, const Graph& graph, const Features& features,
                                                const py::handle& nodes) {
  std::vector<Weights> layers;
  const std::vector<NodeId> ids = nodes.is_none() ? std::vector<NodeId>{} : node_indices(nodes, "nodes");
  {
    py::gil_scoped_release unlocked;
    layers = nodes.is_none() ? io::attention_weights(model, graph, features)
                             : io::attention_weights(model, graph, features, std::span<const NodeId>(ids));
  }
  std::vector<std::shared_ptr<Weights>> out;
  for (Weights& w : layers) out.push_back(std::make_shared<Weights>(std::move(w)));
  return out;
}

void save(Model& model, const std::filesystem::path& path, const std::map<std::string, std::string>& metadata) {
  std::map<std::string, std::string> meta = metadata;
  meta["gat_model"] = train::to_json(model.options()).dump();
  meta.emplace("format", "gat-checkpoint");
  meta.emplace("version", "1");
  py::gil_scoped_release unlocked;
  io::save_checkpoint(path, model, meta);
}

// As the gat command's `--load`: the model configuration from the metadata, then the parameters.
std::shared_ptr<Model> load_model(const std::filesystem::path& path) {
  py::gil_scoped_release unlocked;
  const std::string source = path.string();
  const io::Checkpoint checkpoint = io::read_checkpoint(path);
  const auto it = checkpoint.metadata.find("gat_model");
  if (it == checkpoint.metadata.end())
    throw DataError(source, 0, "this checkpoint has no 'gat_model' metadata; was it written by GAT.save or gat train --save?");
  nn::GatModelOptions options;
  try {
    options = train::gat_model_options_from_json(nlohmann::json::parse(it->second));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(source, 0, std::string("the model configuration is not valid JSON: ") + e.what());
  } catch (const InvalidArgument& e) {
    throw DataError(source, 0, e.what());
  }
  auto model = std::make_shared<Model>(options);
  io::load_parameters(checkpoint, *model, source);
  return model;
}

void bind_results(py::module_& m) {
  py::class_<train::EpochRecord>(m, "EpochRecord", "One epoch of training, as passed to fit's callback.")
      .def_readonly("epoch", &train::EpochRecord::epoch)
      .def_readonly("train_loss", &train::EpochRecord::train_loss)
      .def_readonly("train_accuracy", &train::EpochRecord::train_accuracy)
      .def_readonly("val_loss", &train::EpochRecord::val_loss)
      .def_readonly("val_accuracy", &train::EpochRecord::val_accuracy)
      .def_readonly("seconds", &train::EpochRecord::seconds);
  py::class_<train::TrainResult>(m, "TrainResult", "What fit returns: the kept model's epoch and accuracies.")
      .def_readonly("epochs", &train::TrainResult::epochs)
      .def_readonly("best_epoch", &train::TrainResult::best_epoch)
      .def_readonly("val_accuracy", &train::TrainResult::val_accuracy)
      .def_readonly("val_loss", &train::TrainResult::val_loss)
      .def_readonly("test_accuracy", &train::TrainResult::test_accuracy)
      .def_readonly("test_loss", &train::TrainResult::test_loss)
      .def_readonly("train_seconds", &train::TrainResult::train_seconds)
      .def_readonly("step_nodes", &train::TrainResult::step_nodes)
      .def("__repr__", [](const train::TrainResult& r) {
        return "gat.TrainResult(epochs=" + std::to_string(r.epochs) + ", best_epoch=" + std::to_string(r.best_epoch) +
               ", test_accuracy=" + std::to_string(r.test_accuracy) + ")";
      });
  py::class_<Weights, std::shared_ptr<Weights>>(m, "AttentionWeights", R"(One attention layer's weights with the edges
they belong to. source, target, input_edge_id (the edge_index column, -1 for an added self-loop) and
weights (edges x heads, summing to 1 over each target's edges) are read-only views of gat's memory.)")
      .def_readonly("heads", &Weights::heads)
      .def_property_readonly("num_edges", &Weights::num_edges)
      .def_property_readonly("source", [](py::object self) {
        const auto& w = self.cast<const Weights&>();
        return view_of<NodeId>(w.source.data(), {w.num_edges()}, self);
      })
      .def_property_readonly("target", [](py::object self) {
        const auto& w = self.cast<const Weights&>();
        return view_of<NodeId>(w.target.data(), {w.num_edges()}, self);
      })
      .def_property_readonly("input_edge_id", [](py::object self) {
        const auto& w = self.cast<const Weights&>();
        return view_of<std::int64_t>(w.input_edge_id.data(), {w.num_edges()}, self);
      })
      .def_property_readonly("weights", [](py::object self) {
        const auto& w = self.cast<const Weights&>();
        return view_of<float>(w.weights.data(), {w.weights.rows(), w.weights.cols()}, self);
      })
      .def_property_readonly("edge_index", [](py::object self) {
        return py::module_::import("numpy").attr("stack")(py::make_tuple(self.attr("source"), self.attr("target")));
      }, "(2, E) sources and targets: a new array (source and target are two buffers).");
}

void bind_gat_model(py::module_& m) {
  const nn::GatModelOptions d;
  const train::TrainOptions t;
  py::class_<Model, std::shared_ptr<Model>>(m, "GAT", R"(The GAT paper's node classifier (Velickovic et al. 2018):
num_layers graph attention layers, hidden ones concatenating `heads` heads of hidden_channels
features with `act` between them, the output layer averaging output_heads heads; dropout on every
layer's input and attention_dropout on the attention coefficients. v2=True: GATv2 layers.
Parameters are named as in PyG ("conv1.lin.weight", "conv1.att_src", ...).)")
      .def(py::init(&make_model), "in_channels"_a, "out_channels"_a, py::kw_only(), "hidden_channels"_a = d.hidden,
           "num_layers"_a = d.layers, "heads"_a = d.heads, "output_heads"_a = d.output_heads,
           "dropout"_a = d.feature_dropout, "attention_dropout"_a = d.attention_dropout,
           "value_dropout"_a = d.value_dropout, "feature_dropout_per_head"_a = d.feature_dropout_per_head,
           "negative_slope"_a = d.negative_slope, "act"_a = nn::to_string(d.activation), "v2"_a = false,
           "add_self_loops"_a = d.add_self_loops, "residual"_a = d.residual, "seed"_a = d.seed)
      .def_property_readonly("options", [](const Model& model) { return json_to_python(train::to_json(model.options())); })
      .def_property_readonly("num_parameters", [](Model& model) { return model.num_parameters(); })
      .def("parameters",
           [](py::object self) {
             py::dict out;
             for (const auto& p : self.cast<Model&>().named_parameters())
               out[py::str(p.name)] = view_of<float>(p.parameter->value.data(),
                                                     {p.parameter->value.rows(), p.parameter->value.cols()}, self, true);
             return out;
           },
           "Name -> the parameter's value: writable NumPy views of the model's own memory.")
      .def("fit", &fit, "dataset"_a, py::kw_only(), "callback"_a = py::none(), "max_epochs"_a = t.max_epochs,
           "patience"_a = t.patience, "selection"_a = "accuracy_and_loss", "optimizer"_a = "adam", "lr"_a = t.lr,
           "weight_decay"_a = t.weight_decay, "momentum"_a = t.momentum, "seed"_a = t.seed,
           "receptive_field"_a = t.receptive_field,
           R"(Full-batch training with the GAT paper's early stopping (patience on validation accuracy and loss; the
kept model is restored and tested). callback(record) is called after every epoch with a
gat.EpochRecord; an exception it raises stops training and propagates.)")
      .def("predict",
           [](Model& model, const DatasetHandle& data, const py::handle& nodes) {
             return predict(model, *data.graph, *data.features, nodes);
           },
           "dataset"_a, "nodes"_a = py::none(), "Evaluation-mode logits (N x classes, or one row per node of `nodes`).")
      .def("predict",
           [](Model& model, const Graph& graph, const py::handle& x, const py::handle& nodes) {
             return predict(model, graph, *features_of(x), nodes);
           },
           "graph"_a, "x"_a, "nodes"_a = py::none())
      .def("attention_weights",
           [](Model& model, const DatasetHandle& data, const py::handle& nodes) {
             return attention(model, *data.graph, *data.features, nodes);
           },
           "dataset"_a, "nodes"_a = py::none(),
           R"(Every attention layer's weights from one evaluation-mode pass: a list of gat.AttentionWeights. With
`nodes`, only the edges through which information reaches them (computed on their receptive field).)")
      .def("attention_weights",
           [](Model& model, const Graph& graph, const py::handle& x, const py::handle& nodes) {
             return attention(model, graph, *features_of(x), nodes);
           },
           "graph"_a, "x"_a, "nodes"_a = py::none())
      .def("save", &save, "path"_a, "metadata"_a = std::map<std::string, std::string>{},
           "Writes a .safetensors checkpoint (PyG's parameter names; the configuration in its metadata).");

  m.def("load_model", &load_model, "path"_a, "A GAT from a checkpoint written by GAT.save or `gat train --save`.");
  m.def("read_checkpoint",
        [](const std::filesystem::path& path) {
          io::Checkpoint c;
          {
            py::gil_scoped_release unlocked;
            c = io::read_checkpoint(path);
          }
          py::dict tensors;
          for (auto& [name, t] : c.tensors) {
            std::vector<py::ssize_t> shape(t.shape.begin(), t.shape.end());
            py::capsule owner = owning_capsule(std::move(t.data));
            tensors[py::str(name)] = view_of<float>(static_cast<std::vector<float>*>(owner.get_pointer())->data(), shape, owner, true);
          }
          return py::make_tuple(c.metadata, tensors);
        },
        "path"_a, "(metadata, tensors) of a .safetensors checkpoint: tensors as NumPy arrays by name.");
}

}  // namespace

void bind_model(py::module_& m) {
  bind_results(m);
  bind_gat_model(m);
}

}  // namespace gat::python
