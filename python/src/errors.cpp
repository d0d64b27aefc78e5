#include "errors.hpp"

#include <nanobind/nanobind.h>

#include <exception>

#include "ein/error.hpp"
#include "numpy_bridge.hpp"

namespace ein::python {
namespace {

PyObject* python_type_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::DTypeMismatch:
      return PyExc_TypeError;
    case ErrorCode::OutOfMemory:
      return PyExc_MemoryError;
    case ErrorCode::AxisError:
      return numpy_axis_error().ptr();
    default:
      return PyExc_ValueError;
  }
}

}  // namespace

void register_error_translator() {
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const Error& e) {
      PyErr_SetString(python_type_for(e.code()), e.what());
    }
  });
}

}  // namespace ein::python
