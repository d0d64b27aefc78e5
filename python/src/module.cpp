// The compiled half of the `ein` Python package. Everything here is internal (ein._ein); the
// public API with NumPy's signatures lives in python/ein/*.py.
#include <nanobind/nanobind.h>

#include "bindings.hpp"
#include "errors.hpp"
#include "numpy_bridge.hpp"
#include "options.hpp"

NB_MODULE(_ein, m) {
  namespace nb = nanobind;
  using namespace ein::python;
  m.doc() = "ein's compiled core (internal; import ein instead)";
  // Plans cached by the module hold Python objects until the process exits; nanobind would
  // report those as leaks at shutdown, which is noise here.
  nb::set_leak_warnings(false);
  init_numpy_bridge();
  register_error_translator();
  nb::list names;
  for (const char* name : kPathNames) names.append(name);
  m.attr("PATH_NAMES") = nb::steal(PyList_AsTuple(names.ptr()));
  // How this module was built, for tests that time calls (meaningless in debug or sanitized
  // builds).
  nb::dict build;
#ifdef NDEBUG
  build["optimized"] = true;
#else
  build["optimized"] = false;
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  build["sanitized"] = true;
#else
  build["sanitized"] = false;
#endif
  m.attr("BUILD_INFO") = build;
  bind_einsum(m);
  bind_expression(m);
  bind_products(m);
  bind_nn(m);
  bind_beyond(m);
  bind_testing(m);
}
