// ein._ein's half of ein.einsum_ext and ein.einsum_named (ein/beyond.hpp): einsum with repeated
// output labels (a diagonal embedding), einops groups and any number of labels. The Python layer
// (ein/_beyond.py) sorts out the calling forms, optimize= and the sizes; this file views the
// operands without copying and runs the C++ call with the GIL released.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "buffer.hpp"
#include "ein/beyond.hpp"
#include "numpy_bridge.hpp"
#include "options.hpp"

namespace ein::python {
namespace {

void hold(nb::tuple operands, const char* function, HeldOperands& held) {
  for (std::size_t i = 0; i < held.size(); ++i) {
    if (const char* why = held.acquire(i, operands[i].ptr())) {
      throw nb::type_error(
          (std::string(function) + ": operand " + std::to_string(i) + " cannot be used: " + why)
              .c_str());
    }
  }
}

EinsumOptions options_from(nb::handle finder, nb::handle path, nb::handle memory_limit,
                           nb::handle dtype) {
  EinsumOptions options;
  options.optimize = *path_finder_name(finder, true);
  options.path = path_from_python(path);
  options.memory_limit = memory_limit_from_python(memory_limit);
  if (!dtype.is_none()) options.dtype = dtype_from_python_name(nb::str(dtype).c_str());
  return options;
}

template <class F>
nb::object run(nb::tuple operands, const char* function, F&& f) {
  HeldOperands held(operands.size());
  hold(operands, function, held);
  Tensor r;
  {
    nb::gil_scoped_release release;
    r = f(held.views());
  }
  const int rank = r.rank();
  return scalar_if_0d(tensor_to_numpy(std::move(r)), rank);
}

}  // namespace

void bind_beyond(nb::module_& m) {
  m.def(
      "einsum_ext",
      [](const std::string& subscripts, bool named, nb::tuple operands, const AxisSizes& sizes,
         nb::handle finder, nb::handle path, nb::handle memory_limit, nb::handle dtype) {
        const EinsumOptions options = options_from(finder, path, memory_limit, dtype);
        const char* function = named ? "einsum_named" : "einsum_ext";
        return run(operands, function, [&](std::span<const TensorView> views) {
          return named ? einsum_named(subscripts, views, sizes, options)
                       : einsum_ext(subscripts, views, sizes, options);
        });
      },
      nb::arg("subscripts"), nb::arg("named"), nb::arg("operands"), nb::arg("sizes"),
      nb::arg("optimize").none(), nb::arg("path").none(), nb::arg("memory_limit").none(),
      nb::arg("dtype").none(), "Internal: use ein.einsum_ext or ein.einsum_named.");
  m.def(
      "einsum_sublists",
      [](const std::vector<std::vector<int>>& inputs, const std::optional<std::vector<int>>& output,
         nb::tuple operands, nb::handle finder, nb::handle path, nb::handle memory_limit,
         nb::handle dtype) {
        const EinsumOptions options = options_from(finder, path, memory_limit, dtype);
        return run(operands, "einsum_ext", [&](std::span<const TensorView> views) {
          return einsum_sublists(inputs, output, views, options);
        });
      },
      nb::arg("inputs"), nb::arg("output").none(), nb::arg("operands"), nb::arg("optimize").none(),
      nb::arg("path").none(), nb::arg("memory_limit").none(), nb::arg("dtype").none(),
      "Internal: use ein.einsum_ext with sublists.");
}

}  // namespace ein::python
