// Test-only allocation-failure injection for ein's own buffers (tensor storage and workspaces).
//
// Why: "an allocation failure gives ein::Error(OutOfMemory) and leaks nothing" can only be tested
// if a test can make allocations fail on demand. The hook is compiled into every build but inert
// until armed: the check on the allocation path is one relaxed atomic load and a branch.
//
//   support::fail_allocation_after(2);   // the next 2 allocations succeed, the 3rd fails
//   ...                                   // run the code under test; expect OutOfMemory
//   support::disarm_allocation_failure();
//
// The countdown is process-wide (allocations from every thread count), so tests that arm it must
// not run other allocating work concurrently.
#pragma once

#include <cstdint>

namespace ein::support {

// Arms the hook: `successes` more allocations succeed, the one after fails, and so do all later
// ones until disarmed (a failure that recovers by itself would hide leaks on retry paths).
void fail_allocation_after(std::int64_t successes) noexcept;
void disarm_allocation_failure() noexcept;
// How many allocations have been refused since the hook was last armed.
std::int64_t injected_allocation_failures() noexcept;

// Called by the allocators before they allocate: true when this allocation must fail.
bool should_fail_allocation() noexcept;

}  // namespace ein::support
