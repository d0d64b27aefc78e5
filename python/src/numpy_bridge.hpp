// Creating NumPy arrays from C++ without NumPy's C API (so the module builds against any NumPy
// and, on Python 3.12+, the stable ABI): fresh arrays come from numpy.empty, results computed by
// ein into an ein::Tensor or views of an input are handed over through nanobind's ndarray export.
#pragma once

#include <nanobind/nanobind.h>

#include "ein/tensor.hpp"

namespace ein::python {

namespace nb = nanobind;

// Looks up numpy once; called from the module's init.
void init_numpy_bridge();

// numpy.ndarray itself (subclasses such as numpy.matrix go through the Python layer).
bool is_exact_ndarray(nb::handle obj) noexcept;
// The numpy.dtype object for an ein dtype.
nb::handle numpy_dtype(DType dtype);
// ein's dtype for a name NumPy prints ("float64", "bool", ...); TypeError if ein has none.
DType dtype_from_python_name(const char* name);
// numpy.exceptions.AxisError (numpy.AxisError on NumPy < 1.25).
nb::handle numpy_axis_error();

// A tuple of Python ints for numpy.empty.
nb::object shape_tuple(std::span<const Index> shape);
// numpy.empty(shape, dtype, order): uninitialised, C order or (fortran) Fortran order.
nb::object new_array(nb::handle shape, DType dtype, bool fortran = false);

// Hands a tensor computed by ein to NumPy without copying: the array keeps the Tensor alive.
nb::object tensor_to_numpy(Tensor tensor);
// A NumPy view of memory owned by `owner` (an input array), read-only when `readonly`.
nb::object view_to_numpy(const TensorView& view, nb::handle owner, bool readonly);

// What NumPy's C functions return: a 0-d array becomes the NumPy scalar it holds.
nb::object scalar_if_0d(nb::object array, int rank);

}  // namespace ein::python
