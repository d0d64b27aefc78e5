// Test-only hooks (ein._ein._testing_*): allocation-failure injection, so Python tests can prove
// that an allocation failure inside ein surfaces as MemoryError and leaves nothing behind.
#include <nanobind/nanobind.h>

#include <cstdint>

#include "bindings.hpp"
#include "ein/support/fault_injection.hpp"

namespace ein::python {

void bind_testing(nb::module_& m) {
  m.def(
      "_testing_fail_allocation_after",
      [](std::int64_t successes) { support::fail_allocation_after(successes); },
      nb::arg("successes"),
      "Internal test hook: the next `successes` allocations of ein buffers succeed, later ones "
      "fail until _testing_disarm_allocation_failure().");
  m.def(
      "_testing_disarm_allocation_failure", [] { support::disarm_allocation_failure(); },
      "Internal test hook: allocations succeed again.");
}

}  // namespace ein::python
