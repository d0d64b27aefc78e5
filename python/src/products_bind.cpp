// ein._ein.dot, vdot, inner, outer, matmul, tensordot, kron, trace, diagonal, project,
// cosine_similarity: NumPy arrays in (viewed without copying), ein's products with the GIL
// released, NumPy arrays out (the result Tensor's buffer handed over, not copied). The Python
// layer (ein/_products.py) converts other inputs, and handles out=, dtype= and NumPy scalars.
#include <nanobind/stl/vector.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "buffer.hpp"
#include "ein/ops.hpp"
#include "ein/products.hpp"
#include "numpy_bridge.hpp"

namespace ein::python {
namespace {

template <class F>
nb::object binary(nb::handle a, nb::handle b, const char* name, F&& f) {
  Held ha(a, name, "a");
  Held hb(b, name, "b");
  Tensor r;
  {
    nb::gil_scoped_release release;
    r = f(ha.view, hb.view);
  }
  return tensor_to_numpy(std::move(r));
}

using BinaryFn = Tensor (*)(const TensorView&, const TensorView&);

void def_binary(nb::module_& m, const char* name, BinaryFn fn, const char* a_name = "a",
                const char* b_name = "b") {
  m.def(
      name,
      [name, fn](nb::handle a, nb::handle b) {
        return binary(a, b, name,
                      [fn](const TensorView& x, const TensorView& y) { return fn(x, y); });
      },
      nb::arg(a_name), nb::arg(b_name), "Internal: use the function of the same name in ein.");
}

}  // namespace

void bind_products(nb::module_& m) {
  def_binary(m, "dot", &dot);
  def_binary(m, "vdot", &vdot);
  def_binary(m, "inner", &inner);
  def_binary(m, "outer", &outer);
  def_binary(m, "matmul", &matmul);
  def_binary(m, "kron", &kron);
  def_binary(m, "cosine_similarity", &cosine_similarity);
  def_binary(m, "project", &project, "b", "onto");
  m.def(
      "tensordot",
      [](nb::handle a, nb::handle b, int axes) {
        return binary(a, b, "tensordot", [axes](const TensorView& x, const TensorView& y) {
          return tensordot(x, y, axes);
        });
      },
      nb::arg("a"), nb::arg("b"), nb::arg("axes"), "Internal: use ein.tensordot.");
  m.def(
      "tensordot_axes",
      [](nb::handle a, nb::handle b, std::vector<int> a_axes, std::vector<int> b_axes) {
        return binary(a, b, "tensordot", [&](const TensorView& x, const TensorView& y) {
          return tensordot(x, y, a_axes, b_axes);
        });
      },
      nb::arg("a"), nb::arg("b"), nb::arg("a_axes"), nb::arg("b_axes"),
      "Internal: use ein.tensordot.");
  m.def(
      "trace",
      [](nb::handle a, Index offset, int axis1, int axis2) {
        Held ha(a, "trace", "a");
        Tensor r;
        {
          nb::gil_scoped_release release;
          r = trace(ha.view, offset, axis1, axis2);
        }
        return tensor_to_numpy(std::move(r));
      },
      nb::arg("a"), nb::arg("offset"), nb::arg("axis1"), nb::arg("axis2"),
      "Internal: use ein.trace.");
  m.def(
      "diagonal",
      [](nb::handle a, Index offset, int axis1, int axis2) {
        Held ha(a, "diagonal", "a");
        // NumPy's diagonal is a read-only view of `a`.
        return view_to_numpy(diagonal(ha.view, offset, axis1, axis2), a, true);
      },
      nb::arg("a"), nb::arg("offset"), nb::arg("axis1"), nb::arg("axis2"),
      "Internal: use ein.diagonal.");
}

}  // namespace ein::python
