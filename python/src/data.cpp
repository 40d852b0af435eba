// Graphs, features and datasets: gat.Graph, gat.Features, gat.Dataset, gat.load_dataset.
//
// A graph's arrays (its incoming rows, the transpose, the input edge ids) and a dataset's labels,
// splits and edge index are NumPy views of gat's own vectors, read-only, kept alive by the Python
// object that owns them. Edge indices come in without a copy when they are int32 in C order
// (NumPy, or a torch tensor through its NumPy view); other integer dtypes are converted once.
#include <pybind11/stl.h>

#include <algorithm>
#include <memory>

#include "arrays.hpp"
#include "bindings.hpp"
#include "data.hpp"
#include "gat/io/registry.hpp"

namespace gat::python {

namespace {

using namespace pybind11::literals;

// The two rows of a (2, E) edge index as int32: spans over the caller's memory when it already is
// int32 in C order, else over `converted` (filled here, ids checked to fit in int32).
struct EdgeRows {
  py::array array;  // keeps the memory read alive
  std::vector<NodeId> converted;
  std::span<const NodeId> source, target;
};

EdgeRows edge_rows(const py::handle& edge_index) {
  EdgeRows rows;
  rows.array = py::module_::import("numpy").attr("asarray")(edge_index);
  const py::array& a = rows.array;
  if (a.ndim() != 2 || a.shape(0) != 2)
    throw InvalidArgument("edge_index must have shape (2, E), got " + std::string(py::str(py::tuple(py::cast(
                                                                       std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim()))))));
  if (a.dtype().kind() != 'i' && a.dtype().kind() != 'u')
    throw InvalidArgument("edge_index has dtype " + std::string(py::str(a.dtype())) + ", expected integers");
  const auto E = static_cast<std::size_t>(a.shape(1));
  if (a.dtype().equal(py::dtype::of<NodeId>()) && (a.flags() & py::array::c_style)) {
    const auto* p = static_cast<const NodeId*>(a.data());
    rows.source = {p, E};
    rows.target = {p + E, E};
    return rows;
  }
  auto wide = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(a);
  rows.converted.resize(2 * E);
  for (std::size_t i = 0; i < 2 * E; ++i) {
    const std::int64_t v = wide.data()[i];
    if (v < 0 || v > INT32_MAX)
      throw InvalidArgument("edge_index[" + std::to_string(i / E) + ", " + std::to_string(i % E) + "] = " +
                            std::to_string(v) + " is not a node id (0 <= id < 2^31)");
    rows.converted[i] = static_cast<NodeId>(v);
  }
  rows.source = {rows.converted.data(), E};
  rows.target = {rows.converted.data() + E, E};
  return rows;
}

std::shared_ptr<Graph> graph_from_edge_index(const py::handle& edge_index, std::optional<std::int64_t> num_nodes,
                                             const std::string& self_loops, const std::string& duplicates,
                                             bool make_undirected) {
  const EdgeRows rows = edge_rows(edge_index);
  GraphOptions options;
  options.self_loops = parse_choice<SelfLoops>(
      self_loops, "self_loops", {{"keep", SelfLoops::keep}, {"remove", SelfLoops::remove}, {"add", SelfLoops::add}});
  options.duplicates =
      parse_choice<Duplicates>(duplicates, "duplicates", {{"keep", Duplicates::keep}, {"remove", Duplicates::remove}});
  options.make_undirected = make_undirected;
  std::int64_t n = 0;
  if (num_nodes) {
    n = *num_nodes;
  } else {
    for (const NodeId v : rows.source) n = std::max<std::int64_t>(n, v + 1);
    for (const NodeId v : rows.target) n = std::max<std::int64_t>(n, v + 1);
  }
  py::gil_scoped_release unlocked;
  return std::make_shared<Graph>(Graph::from_edges(n, rows.source, rows.target, options));
}

template <class T>
py::array span_view(std::span<const T> s, py::handle owner) {
  return view_of<T>(s.data(), {static_cast<py::ssize_t>(s.size())}, owner);
}

void bind_graph(py::module_& m) {
  py::class_<Graph, std::shared_ptr<Graph>>(m, "Graph", R"(A directed graph in gat's store: compressed rows over
each node's incoming edges (stored edge e is position e in them) plus the transpose. Every array
property is a read-only NumPy view of the graph's own memory.)")
      .def_static("from_edge_index", &graph_from_edge_index, "edge_index"_a, "num_nodes"_a = py::none(),
                  py::kw_only(), "self_loops"_a = "keep", "duplicates"_a = "keep", "make_undirected"_a = false,
                  R"(A graph from a (2, E) edge index (row 0 sources, row 1 targets), NumPy or torch. int32 in C order is
read in place; other integer dtypes are converted once. num_nodes: default max id + 1.
self_loops: "keep", "remove" or "add" (PyG's add_self_loops: drop the input's, add one per node);
duplicates: "keep" or "remove" (the first occurrence stays).)")
      .def_property_readonly("num_nodes", &Graph::num_nodes)
      .def_property_readonly("num_edges", &Graph::num_edges)
      .def_property_readonly("num_input_edges", &Graph::num_input_edges)
      .def_property_readonly("in_offsets", [](py::object self) { return span_view(self.cast<Graph&>().in_offsets(), self); })
      .def_property_readonly("in_sources", [](py::object self) { return span_view(self.cast<Graph&>().in_sources(), self); })
      .def_property_readonly("in_targets", [](py::object self) { return span_view(self.cast<Graph&>().in_targets(), self); })
      .def_property_readonly("input_edge_ids",
                             [](py::object self) { return span_view(self.cast<Graph&>().input_edge_ids(), self); },
                             "Per stored edge, the column of edge_index it came from, or -1 for an added self-loop.")
      .def_property_readonly("out_offsets", [](py::object self) { return span_view(self.cast<Graph&>().out_offsets(), self); })
      .def_property_readonly("out_targets", [](py::object self) { return span_view(self.cast<Graph&>().out_targets(), self); })
      .def_property_readonly("out_edges", [](py::object self) { return span_view(self.cast<Graph&>().out_edges(), self); })
      .def("count_zero_in_degree", &Graph::count_zero_in_degree)
      .def("with_self_loops",
           [](const Graph& g) { return std::const_pointer_cast<Graph>(g.with_self_loops()); },
           "This graph with PyG's add_self_loops rule applied (built once, shared).")
      .def("__repr__", [](const Graph& g) {
        return "gat.Graph(num_nodes=" + std::to_string(g.num_nodes()) + ", num_edges=" + std::to_string(g.num_edges()) + ")";
      });
  // Where from_edge_index reads edge_index from: the tests compare it with the caller's pointer.
  m.def("_edge_index_address", [](const py::handle& edge_index) {
    return reinterpret_cast<std::uintptr_t>(edge_rows(edge_index).source.data());
  });
}

void bind_features(py::module_& m) {
  py::class_<Features, std::shared_ptr<Features>>(m, "Features", R"(Node features, dense or sparse (CSR), as gat's
layers read them. Built from a 2-D array: the values are copied once into gat's aligned storage.)")
      .def(py::init([](const py::array& x) {
             auto f = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(x);
             if (!f || f.ndim() != 2) throw InvalidArgument("features must be a 2-D array (nodes x features)");
             Matrix m = Matrix::from_view({f.data(), static_cast<std::int64_t>(f.shape(0)), static_cast<std::int64_t>(f.shape(1))});
             auto out = std::make_shared<Features>(std::move(m));
             out->check_finite("features");
             return out;
           }),
           "x"_a)
      .def_property_readonly("shape", [](const Features& f) { return py::make_tuple(f.rows(), f.cols()); })
      .def_property_readonly("is_sparse", &Features::is_sparse)
      .def_property_readonly("nnz", &Features::nnz)
      .def("numpy",
           [](py::object self) -> py::array {
             const Features& f = self.cast<const Features&>();
             if (f.is_sparse()) return matrix_array(f.to_dense());
             return view_of<float>(f.dense().data(), {f.rows(), f.cols()}, self);
           },
           "Dense features: a read-only view of gat's memory; sparse ones: a new dense array.")
      .def("csr",
           [](py::object self) {
             const Features& f = self.cast<const Features&>();
             if (!f.is_sparse()) throw InvalidArgument("csr(): these features are dense");
             const CsrMatrix& c = f.sparse();
             return py::make_tuple(span_view<std::int64_t>(c.offsets, self), span_view<std::int32_t>(c.columns, self),
                                   span_view<float>(c.values, self));
           },
           "(indptr, indices, values) of sparse features, read-only views of gat's memory.")
      .def("normalize_rows", &Features::normalize_rows, "Scales each row to sum to 1 (the GAT preprocessing).")
      .def("sparsify", &Features::sparsify, "max_density"_a = Features::kSparseDensity,
           "Stores the features as CSR when at most max_density of them are nonzero; returns whether it did.");
}

void bind_dataset(py::module_& m) {
  py::class_<DatasetHandle, std::shared_ptr<DatasetHandle>>(m, "Dataset", R"(A node-classification dataset: graph,
features, labels and the train / validation / test split. Arrays are read-only views.)")
      .def_static("from_arrays", &DatasetHandle::from_arrays, "edge_index"_a, "x"_a, "y"_a, "train"_a, "valid"_a,
                  "test"_a, py::kw_only(), "name"_a = "arrays", "num_classes"_a = py::none(),
                  "A dataset from arrays; train / valid / test are node ids or boolean masks.")
      .def_property_readonly("name", [](const DatasetHandle& d) { return d.data.name; })
      .def_property_readonly("num_nodes", [](const DatasetHandle& d) { return d.data.num_nodes(); })
      .def_property_readonly("num_features", [](const DatasetHandle& d) { return d.features->cols(); })
      .def_property_readonly("num_classes", [](const DatasetHandle& d) { return d.data.num_classes; })
      .def_readonly("graph", &DatasetHandle::graph)
      .def_readonly("features", &DatasetHandle::features)
      .def_property_readonly("edge_index", [](py::object self) {
        const auto& d = self.cast<const DatasetHandle&>();
        return view_of<NodeId>(d.edge_index.data(), {2, static_cast<py::ssize_t>(d.edge_index.size() / 2)}, self);
      })
      .def_property_readonly("y", [](py::object self) { return span_view<std::int32_t>(self.cast<const DatasetHandle&>().data.labels, self); })
      .def_property_readonly("train_idx", [](py::object self) { return span_view<NodeId>(self.cast<const DatasetHandle&>().data.train, self); })
      .def_property_readonly("val_idx", [](py::object self) { return span_view<NodeId>(self.cast<const DatasetHandle&>().data.valid, self); })
      .def_property_readonly("test_idx", [](py::object self) { return span_view<NodeId>(self.cast<const DatasetHandle&>().data.test, self); })
      .def_property_readonly("warnings", [](const DatasetHandle& d) { return d.data.warnings; })
      .def("__repr__", [](const DatasetHandle& d) {
        return "gat.Dataset('" + d.data.name + "', num_nodes=" + std::to_string(d.data.num_nodes()) +
               ", num_features=" + std::to_string(d.features->cols()) + ", num_classes=" + std::to_string(d.data.num_classes) + ")";
      });

  m.def("load_dataset",
        [](const std::string& name, std::optional<std::string> root, const std::string& format, const std::string& split,
           bool normalize_features) {
          io::DatasetRequest request;
          request.name_or_path = name;
          request.data_root = root ? std::filesystem::path(*root) : io::default_data_root();
          const auto parsed = io::parse_format(format);
          if (!parsed) throw InvalidArgument("format '" + format + "' is not one of any, ogb, planetoid, linqs");
          request.format = *parsed;
          request.split = split;
          io::Dataset d;
          {
            py::gil_scoped_release unlocked;
            d = io::load_dataset(request);
          }
          return DatasetHandle::make(std::move(d), normalize_features);
        },
        "name"_a = "synthetic", py::kw_only(), "root"_a = py::none(), "format"_a = "any", "split"_a = "",
        "normalize_features"_a = true,
        R"(Loads cora, citeseer, pubmed, another name under root (default: $GAT_DATA, else ./data), a path, or
"synthetic". Features are row-normalised (as the GAT paper does) unless normalize_features=False, and
stored as CSR when mostly zero, as the gat command does. Missing data: ValueError listing what was
looked for; a malformed file: gat.DataError (an OSError) naming the file and line.)");
}

}  // namespace

std::shared_ptr<DatasetHandle> DatasetHandle::make(io::Dataset&& dataset, bool normalize_features) {
  auto h = std::make_shared<DatasetHandle>();
  h->data = std::move(dataset);
  h->features = std::make_shared<Features>(std::move(h->data.features));
  h->data.features = Features{};
  if (normalize_features) h->features->normalize_rows();
  h->features->sparsify();
  const EdgeList& e = h->data.edges;
  h->edge_index.reserve(2 * e.source.size());
  h->edge_index.insert(h->edge_index.end(), e.source.begin(), e.source.end());
  h->edge_index.insert(h->edge_index.end(), e.target.begin(), e.target.end());
  h->graph = std::make_shared<Graph>(Graph::from_edges(e));
  return h;
}

std::shared_ptr<DatasetHandle> DatasetHandle::from_arrays(const py::handle& edge_index, const py::array& x,
                                                          const py::handle& y, const py::handle& train,
                                                          const py::handle& valid, const py::handle& test,
                                                          const std::string& name, std::optional<std::int32_t> num_classes) {
  io::Dataset d;
  d.name = name;
  const EdgeRows rows = edge_rows(edge_index);
  d.edges.source.assign(rows.source.begin(), rows.source.end());
  d.edges.target.assign(rows.target.begin(), rows.target.end());
  const std::vector<std::int32_t> labels = node_indices(y, "y");
  d.labels = labels;
  d.edges.num_nodes = static_cast<std::int64_t>(labels.size());
  d.num_classes = num_classes ? *num_classes
                              : (labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1);
  auto f = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(x);
  if (!f || f.ndim() != 2) throw InvalidArgument("x must be a 2-D array (nodes x features)");
  d.features = Matrix::from_view({f.data(), static_cast<std::int64_t>(f.shape(0)), static_cast<std::int64_t>(f.shape(1))});
  d.train = node_indices(train, "train");
  d.valid = node_indices(valid, "valid");
  d.test = node_indices(test, "test");
  for (auto* part : {&d.train, &d.valid, &d.test}) std::sort(part->begin(), part->end());
  try {
    io::validate(d, name);
  } catch (const DataError& e) {  // the caller's arrays, not a file
    throw InvalidArgument(e.what());
  }
  return make(std::move(d), false);
}

void bind_data(py::module_& m) {
  bind_graph(m);
  bind_features(m);
  bind_dataset(m);
}

}  // namespace gat::python
