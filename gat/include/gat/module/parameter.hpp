#pragma once
// A trainable tensor and its gradient, stored side by side.
#include <string>
#include <vector>

#include "gat/tensor/matrix.hpp"

namespace gat {

template <class T>
struct Parameter {
  BasicMatrix<T> value;
  BasicMatrix<T> grad;  // same shape as value; backward passes accumulate into it
  // The shape the parameter has in PyTorch (e.g. [1, heads, F] for an attention vector held here
  // as 1 x heads*F); checkpoints store this shape so that they load in PyG. Same element count.
  std::vector<std::int64_t> shape;

  void resize(std::int64_t rows, std::int64_t cols) {
    value.resize(rows, cols);
    grad.resize(rows, cols);
    shape = {rows, cols};
  }
};

// A parameter with its hierarchical name, e.g. "conv1.lin.weight".
template <class T>
struct NamedParameter {
  std::string name;
  Parameter<T>* parameter;
};

}  // namespace gat
