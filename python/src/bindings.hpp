#pragma once
// The parts of the extension module gat._core, each registered by its own source file.
#include <pybind11/pybind11.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "gat/core/error.hpp"

namespace gat::python {

void bind_data(pybind11::module_& m);     // data.cpp: Graph, Features, Dataset, load_dataset
void bind_model(pybind11::module_& m);    // model.cpp: GAT, training, predict, attention, checkpoints
void bind_kernels(pybind11::module_& m);  // kernels.cpp: the fused attention for gat.torch

// The value named `text` among `choices`; else InvalidArgument listing them.
template <class Enum>
Enum parse_choice(const std::string& text, const char* what, std::initializer_list<std::pair<const char*, Enum>> choices) {
  std::string names;
  for (const auto& [name, value] : choices) {
    if (text == name) return value;
    names += std::string(names.empty() ? "" : ", ") + name;
  }
  throw InvalidArgument(std::string(what) + " '" + text + "' is not one of " + names);
}

}  // namespace gat::python
