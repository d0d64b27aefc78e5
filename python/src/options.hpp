// Python values -> EinsumOptions fields, shared by einsum, einsum_path and Expression.
#pragma once

#include <nanobind/nanobind.h>

#include <optional>
#include <vector>
#include <string>

#include "ein/options.hpp"

namespace ein::python {

namespace nb = nanobind;

// The path finders ein knows (EinsumOptions::optimize), published as ein._ein.PATH_NAMES.
// "naive" is an alias of "none".
inline constexpr const char* kPathNames[] = {"auto",       "greedy",   "optimal",  "dp",   "branch",
                                             "branch-all", "branch-2", "branch-1", "none", "naive"};

// optimize= as NumPy takes it: True -> "greedy" (NumPy's meaning), False or None -> "none" (left
// to right, no planning), a known finder's name -> itself. Anything else: nullopt, or with
// `strict` a ValueError (the Python layer has already raised NumPy's KeyError/TypeError).
std::optional<std::string> path_finder_name(nb::handle optimize, bool strict);
// None -> empty; else a sequence of (i, j) pairs.
ContractionPath path_from_python(nb::handle path);
// None -> nullopt; else an int (bytes).
std::optional<std::int64_t> memory_limit_from_python(nb::handle limit);
// conj=: None (no flags) or a sequence of one bool per operand.
std::vector<bool> conj_from_python(nb::handle conj);
// None -> Standard; 'standard', 'max_plus', 'min_plus', 'log_sum_exp', 'max_times' -> the
// semiring; another string: ValueError; anything else: TypeError.
Semiring semiring_from_python(nb::handle semiring);

}  // namespace ein::python
