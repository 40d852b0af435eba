// gat._core: the extension module behind the Python package gat.
//
// gat's errors cross as Python exceptions with gat's message: InvalidArgument as ValueError,
// DataError (a malformed or unreadable file) as gat.DataError, which is both an OSError and a
// ValueError (as io.UnsupportedOperation is), InternalError as RuntimeError.
#include <Python.h>

#include "arrays.hpp"
#include "bindings.hpp"
#include "gat/core/parallel.hpp"

namespace py = pybind11;

namespace {

PyObject* data_error_type = nullptr;

void translate_errors(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const gat::DataError& e) {
    PyErr_SetString(data_error_type, e.what());
  } catch (const gat::InvalidArgument& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const gat::Error& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
}

}  // namespace

namespace gat::python {

std::vector<std::int32_t> node_indices(const py::handle& obj, const char* what) {
  py::array a = py::module_::import("numpy").attr("asarray")(obj);
  if (a.ndim() != 1)
    throw InvalidArgument(std::string(what) + " has " + std::to_string(a.ndim()) + " dimensions, expected 1");
  if (a.dtype().kind() == 'b') a = py::module_::import("numpy").attr("flatnonzero")(a);
  if (a.dtype().kind() != 'i' && a.dtype().kind() != 'u')
    throw InvalidArgument(std::string(what) + " has dtype " + std::string(py::str(a.dtype())) +
                          ", expected integer node ids or a boolean mask");
  auto ids = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(a);
  std::vector<std::int32_t> out(static_cast<std::size_t>(ids.size()));
  for (py::ssize_t i = 0; i < ids.size(); ++i) {
    const std::int64_t v = ids.data()[i];
    if (v < 0 || v > INT32_MAX)
      throw InvalidArgument(std::string(what) + "[" + std::to_string(i) + "] = " + std::to_string(v) +
                            " is not a node id");
    out[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(v);
  }
  return out;
}

}  // namespace gat::python

PYBIND11_MODULE(_core, m) {
  m.doc() = "gat: graph attention networks in C++ (the extension module behind the package gat)";
  data_error_type = PyErr_NewException("gat.DataError", py::make_tuple(py::handle(PyExc_OSError),
                                                                       py::handle(PyExc_ValueError)).release().ptr(),
                                       nullptr);
  m.attr("DataError") = py::handle(data_error_type);
  py::register_exception_translator(&translate_errors);

  m.def("set_num_threads", &gat::set_num_threads, py::arg("n"),
        "Threads of gat's kernels (and oneDNN's); n <= 0 restores the default (OMP_NUM_THREADS or the cores).");
  m.def("num_threads", &gat::num_threads, "The threads gat's kernels use.");

  gat::python::bind_data(m);
  gat::python::bind_model(m);
  gat::python::bind_kernels(m);
}
