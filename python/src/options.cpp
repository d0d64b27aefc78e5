#include "options.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace ein::python {

std::optional<std::string> path_finder_name(nb::handle optimize, bool strict) {
  if (optimize.ptr() == Py_True) return std::string("greedy");
  if (optimize.ptr() == Py_False || optimize.is_none()) return std::string("none");
  if (nb::isinstance<nb::str>(optimize)) {
    const std::string_view name = nb::borrow<nb::str>(optimize).c_str();
    for (const char* known : kPathNames) {
      if (name == known) return std::string(name);
    }
  }
  if (!strict) return std::nullopt;
  throw nb::value_error(
      ("einsum: unknown optimize value " + std::string(nb::repr(optimize).c_str())).c_str());
}

ContractionPath path_from_python(nb::handle path) {
  ContractionPath pairs;
  if (path.is_none()) return pairs;
  for (nb::handle step : path) {
    nb::object seq = nb::steal(PySequence_Tuple(step.ptr()));
    if (!seq.is_valid()) throw nb::python_error();
    nb::tuple t = nb::borrow<nb::tuple>(seq);
    if (t.size() != 2) throw nb::value_error("einsum: a path step must be a pair (i, j)");
    pairs.emplace_back(nb::cast<int>(t[0]), nb::cast<int>(t[1]));
  }
  return pairs;
}

std::optional<std::int64_t> memory_limit_from_python(nb::handle limit) {
  if (limit.is_none()) return std::nullopt;
  // 'max_input': the largest operand's size (opt_einsum's spelling), resolved by the planner.
  if (nb::isinstance<nb::str>(limit)) {
    if (std::string_view(nb::borrow<nb::str>(limit).c_str()) == "max_input") {
      return EinsumOptions::kMaxInput;
    }
    throw nb::value_error("memory_limit must be a number of bytes or 'max_input'");
  }
  return nb::cast<std::int64_t>(limit);
}

std::vector<bool> conj_from_python(nb::handle conj) {
  std::vector<bool> flags;
  if (conj.is_none()) return flags;
  if (!nb::isinstance<nb::sequence>(conj) || nb::isinstance<nb::str>(conj)) {
    throw nb::type_error("einsum: conj must be a sequence of booleans, one per operand");
  }
  for (nb::handle item : nb::borrow<nb::sequence>(conj)) {
    const int truth = PyObject_IsTrue(item.ptr());
    if (truth < 0) throw nb::python_error();
    flags.push_back(truth == 1);
  }
  return flags;
}

Semiring semiring_from_python(nb::handle semiring) {
  if (semiring.is_none()) return Semiring::Standard;
  if (!nb::isinstance<nb::str>(semiring)) {
    throw nb::type_error("einsum: semiring must be a string such as 'max_plus'");
  }
  static constexpr std::pair<const char*, Semiring> kNames[] = {
      {"standard", Semiring::Standard},   {"max_plus", Semiring::MaxPlus},
      {"min_plus", Semiring::MinPlus},    {"log_sum_exp", Semiring::LogSumExp},
      {"max_times", Semiring::MaxTimes},
  };
  const std::string_view name = nb::borrow<nb::str>(semiring).c_str();
  for (const auto& [known, value] : kNames) {
    if (name == known) return value;
  }
  throw nb::value_error(("einsum: unknown semiring " + std::string(nb::repr(semiring).c_str()) +
                         "; expected 'standard', 'max_plus', 'min_plus', 'log_sum_exp' or "
                         "'max_times'")
                            .c_str());
}

}  // namespace ein::python
