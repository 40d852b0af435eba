#pragma once
// gat.Dataset: a dataset with its graph built and its features held apart, so that a model's
// calls and NumPy views can share them.
#include <pybind11/numpy.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gat/io/dataset.hpp"

namespace gat::python {

struct DatasetHandle {
  io::Dataset data;                    // without its features (they are in `features`)
  std::shared_ptr<Graph> graph;
  std::shared_ptr<Features> features;  // row-normalised unless asked not to
  std::vector<NodeId> edge_index;      // 2 x E: data.edges' sources, then its targets

  static std::shared_ptr<DatasetHandle> make(io::Dataset&& dataset, bool normalize_features);
  static std::shared_ptr<DatasetHandle> from_arrays(const pybind11::handle& edge_index, const pybind11::array& x,
                                                    const pybind11::handle& y, const pybind11::handle& train,
                                                    const pybind11::handle& valid, const pybind11::handle& test,
                                                    const std::string& name, std::optional<std::int32_t> num_classes);
};

}  // namespace gat::python
