#pragma once
// A trainable tensor and its gradient, stored side by side.
#include <string>

#include "gat/tensor/matrix.hpp"

namespace gat {

template <class T>
struct Parameter {
  BasicMatrix<T> value;
  BasicMatrix<T> grad;  // same shape as value; backward passes accumulate into it

  void resize(std::int64_t rows, std::int64_t cols) {
    value.resize(rows, cols);
    grad.resize(rows, cols);
  }
};

// A parameter with its hierarchical name, e.g. "conv1.lin.weight".
template <class T>
struct NamedParameter {
  std::string name;
  Parameter<T>* parameter;
};

}  // namespace gat
