#pragma once
// NumPy arrays over gat's own buffers, and gat's views over NumPy's, without copying either way.
//
// Outgoing: an array whose base is the Python object that owns the C++ buffer (a Graph, an
// AttentionWeights, a model) or a capsule that owns a result moved to the heap, so the buffer
// lives as long as any array on it. Incoming: the array's own memory, when its dtype and layout
// are what the kernel reads; anything else is a ValueError naming the argument.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gat/core/error.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::python {

namespace py = pybind11;

// A read-only (or writable) array of `shape` (row-major) over data owned by `owner`.
template <class T>
py::array view_of(const T* data, std::vector<py::ssize_t> shape, py::handle owner, bool writable = false) {
  py::array a(py::dtype::of<T>(), std::move(shape), {}, data, owner);
  if (!writable) py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

// Moves `value` to the heap and returns a capsule that deletes it: the owner of arrays over it.
template <class V>
py::capsule owning_capsule(V&& value) {
  auto* held = new std::decay_t<V>(std::forward<V>(value));
  return py::capsule(held, [](void* p) { delete static_cast<std::decay_t<V>*>(p); });
}

// A rows x cols array that owns `m` (moved, not copied).
template <class T>
py::array matrix_array(BasicMatrix<T>&& m) {
  const std::int64_t rows = m.rows(), cols = m.cols();
  py::capsule owner = owning_capsule(std::move(m));
  const T* data = static_cast<BasicMatrix<T>*>(owner.get_pointer())->data();
  return view_of<T>(data, {rows, cols}, owner, true);
}

// `a` as it is, when it holds T in C order with `dims` dimensions; else InvalidArgument naming
// `what` (no silent conversion: a converted copy would not be the caller's memory).
template <class T>
py::array_t<T, py::array::c_style> exact_array(const py::array& a, const char* what, int dims) {
  if (!py::dtype::of<T>().is(a.dtype()) && !a.dtype().equal(py::dtype::of<T>()))
    throw InvalidArgument(std::string(what) + " has dtype " + std::string(py::str(a.dtype())) + ", expected " +
                          std::string(py::str(py::dtype::of<T>())));
  if (a.ndim() != dims)
    throw InvalidArgument(std::string(what) + " has " + std::to_string(a.ndim()) + " dimensions, expected " +
                          std::to_string(dims));
  if (!(a.flags() & py::array::c_style))
    throw InvalidArgument(std::string(what) + " is not C-contiguous (call .contiguous() or np.ascontiguousarray)");
  return py::reinterpret_borrow<py::array_t<T, py::array::c_style>>(a);
}

// A 2-D C-ordered array of T as a matrix view (writable views need a writable array).
template <class T>
MatrixView<const T> matrix_in(const py::array& a, const char* what) {
  auto t = exact_array<T>(a, what, 2);
  return {t.data(), static_cast<std::int64_t>(t.shape(0)), static_cast<std::int64_t>(t.shape(1))};
}
template <class T>
MatrixView<T> matrix_out(py::array& a, const char* what) {
  auto t = exact_array<T>(a, what, 2);
  if (!t.writeable()) throw InvalidArgument(std::string(what) + " is read-only");
  return {t.mutable_data(), static_cast<std::int64_t>(t.shape(0)), static_cast<std::int64_t>(t.shape(1))};
}

// 1-D node indices: int32 as they are, other integer dtypes converted (range-checked by gat), a
// boolean mask as the indices of its true entries.
std::vector<std::int32_t> node_indices(const py::handle& obj, const char* what);

}  // namespace gat::python
