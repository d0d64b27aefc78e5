// One function per file that adds its part of the ein._ein module.
#pragma once

#include <nanobind/nanobind.h>

namespace ein::python {

namespace nb = nanobind;

void bind_einsum(nb::module_& m);
void bind_expression(nb::module_& m);
void bind_products(nb::module_& m);
void bind_nn(nb::module_& m);
void bind_beyond(nb::module_& m);
// Test-only hooks (ein._ein._testing_*).
void bind_testing(nb::module_& m);

}  // namespace ein::python
