// ein._ein.einsum / einsum_path: the C++ half of ein.einsum. The Python layer (ein/_einsum.py)
// parses NumPy's arguments; this file views the operands without copying, finds or compiles the
// plan, allocates the NumPy result and runs the plan with the GIL released.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "buffer.hpp"
#include "numpy_bridge.hpp"
#include "options.hpp"
#include "plan_cache.hpp"

namespace ein::python {
namespace {

// Views args[first:] as operands. Returns false when one cannot be viewed and `strict` is false
// (the caller then answers NotImplemented and the Python layer converts the operands); with
// `strict` raises TypeError naming the operand instead.
bool hold_operands(nb::tuple args, std::size_t first, bool strict, HeldOperands& held) {
  for (std::size_t i = 0; i < held.size(); ++i) {
    nb::handle obj = args[first + i];
    if (!strict && !is_exact_ndarray(obj)) return false;
    if (const char* why = held.acquire(i, obj.ptr())) {
      if (!strict) return false;
      throw nb::type_error(
          ("einsum: operand " + std::to_string(i) + " cannot be used: " + why).c_str());
    }
  }
  return true;
}

nb::object run_einsum(const CachedPlan& plan, const HeldOperands& ops, nb::handle operand0,
                      nb::handle out, bool fortran) {
  if (!out.is_none()) {
    HeldBuffer out_buffer;
    TensorView out_view;
    if (const char* why = out_buffer.acquire(out.ptr(), true, out_view)) {
      throw nb::type_error((std::string("einsum: out cannot be written: ") + why).c_str());
    }
    run_plan(plan, ops.views(), out_view);
    return nb::borrow(out);
  }
  if (plan.is_view) {
    const TensorView& v = ops.view(0);
    TensorView view(v.data(), v.dtype(), plan.view_shape, plan.view_strides);
    return scalar_if_0d(view_to_numpy(view, operand0, ops.readonly(0)), plan.out_rank);
  }
  nb::object result = new_array(plan.out_shape, plan.out_dtype, fortran);
  {
    HeldBuffer result_buffer;
    TensorView result_view;
    if (const char* why = result_buffer.acquire(result.ptr(), true, result_view)) {
      throw nb::type_error((std::string("einsum: internal: fresh result array: ") + why).c_str());
    }
    run_plan(plan, ops.views(), result_view);
  }
  return scalar_if_0d(std::move(result), plan.out_rank);
}

// einsum(args, optimize, dtype=None, out=None, fortran=False, path=None, memory_limit=None,
//        strict=False): args = (subscripts, *operands). Non-strict calls (the fast route taken
// when only subscripts, NumPy arrays and optimize are given) answer NotImplemented for anything
// the Python layer must convert first.
nb::object einsum_entry(nb::tuple args, nb::handle optimize, nb::handle dtype, nb::handle out,
                        bool fortran, nb::handle path, nb::handle memory_limit, bool strict,
                        nb::handle acc_dtype, nb::handle semiring, nb::handle conj) {
  if (args.size() < 2 || !nb::isinstance<nb::str>(args[0])) {
    if (!strict) return nb::borrow(Py_NotImplemented);
    throw nb::type_error("einsum: expected a subscripts string and at least one operand");
  }
  EinsumRequest request;
  std::optional<std::string> name = path_finder_name(optimize, strict);
  if (!name) return nb::borrow(Py_NotImplemented);
  request.options.optimize = std::move(*name);
  request.options.path = path_from_python(path);
  request.options.memory_limit = memory_limit_from_python(memory_limit);
  if (!dtype.is_none()) request.options.dtype = dtype_from_python_name(nb::str(dtype).c_str());
  if (!acc_dtype.is_none()) {
    request.options.acc_dtype = dtype_from_python_name(nb::str(acc_dtype).c_str());
  }
  request.options.semiring = semiring_from_python(semiring);
  request.options.conj = conj_from_python(conj);
  // Conjugated operands are computed, never returned as views of the operand.
  request.allow_view =
      out.is_none() && dtype.is_none() && acc_dtype.is_none() && request.options.conj.empty();
  request.subscripts = nb::borrow<nb::str>(args[0]).c_str();

  HeldOperands ops(args.size() - 1);
  if (!hold_operands(args, 1, strict, ops)) return nb::borrow(Py_NotImplemented);
  std::shared_ptr<const CachedPlan> plan = get_plan(global_plan_cache(), request, ops.views());
  return run_einsum(*plan, ops, args[1], out, fortran);
}

// The common out= call (subscripts, NumPy arrays, optimize, an out of exactly the result's dtype
// and shape): the plan runs straight into out. Anything else answers NotImplemented and takes
// the Python layer's general route (NumPy's promotion of the computation dtype to out's, casts,
// its error messages), which costs ~10 us of Python per call.
nb::object einsum_fast_out(nb::tuple args, nb::handle optimize, nb::handle out) {
  if (args.size() < 2 || !nb::isinstance<nb::str>(args[0]) || !is_exact_ndarray(out)) {
    return nb::borrow(Py_NotImplemented);
  }
  EinsumRequest request;
  std::optional<std::string> name = path_finder_name(optimize, false);
  if (!name) return nb::borrow(Py_NotImplemented);
  request.options.optimize = std::move(*name);
  request.allow_view = false;
  request.subscripts = nb::borrow<nb::str>(args[0]).c_str();
  HeldOperands ops(args.size() - 1);
  if (!hold_operands(args, 1, false, ops)) return nb::borrow(Py_NotImplemented);
  HeldBuffer out_buffer;
  TensorView out_view;
  if (out_buffer.acquire(out.ptr(), true, out_view) != nullptr) {
    return nb::borrow(Py_NotImplemented);  // read-only or odd out: the general route says why
  }
  std::shared_ptr<const CachedPlan> plan = get_plan(global_plan_cache(), request, ops.views());
  if (plan->is_view || out_view.dtype() != plan->out_dtype ||
      out_view.shape() != plan->expression.output_shape()) {
    return nb::borrow(Py_NotImplemented);
  }
  run_plan(*plan, ops.views(), out_view);
  return nb::borrow(out);
}

// einsum_path(subscripts, operands, optimize, path, memory_limit, dtype) -> (pairs, report).
std::pair<ContractionPath, std::string> einsum_path_entry(const std::string& subscripts,
                                                          nb::tuple operands, nb::handle optimize,
                                                          nb::handle path, nb::handle memory_limit,
                                                          nb::handle dtype, nb::handle semiring) {
  EinsumOptions options;
  options.optimize = *path_finder_name(optimize, true);
  options.path = path_from_python(path);
  options.memory_limit = memory_limit_from_python(memory_limit);
  if (!dtype.is_none()) options.dtype = dtype_from_python_name(nb::str(dtype).c_str());
  options.semiring = semiring_from_python(semiring);
  HeldOperands ops(operands.size());
  hold_operands(operands, 0, true, ops);
  std::vector<OperandSpec> specs;
  for (const TensorView& v : ops.views()) specs.push_back(OperandSpec::of(v));
  PathInfo info;
  {
    nb::gil_scoped_release release;
    info = einsum_path(subscripts, specs, options);
  }
  return {info.path, info.to_string()};
}

}  // namespace

void bind_einsum(nb::module_& m) {
  m.def("einsum", &einsum_entry, nb::arg("args"), nb::arg("optimize").none(),
        nb::arg("dtype").none() = nb::none(), nb::arg("out").none() = nb::none(),
        nb::arg("fortran") = false, nb::arg("path").none() = nb::none(),
        nb::arg("memory_limit").none() = nb::none(), nb::arg("strict") = false,
        nb::arg("acc_dtype").none() = nb::none(), nb::arg("semiring").none() = nb::none(),
        nb::arg("conj").none() = nb::none(),
        "einsum((subscripts, *operands), optimize, ...) -> array | scalar | NotImplemented.\n\n"
        "Internal: use ein.einsum.");
  // The common call (subscripts, NumPy arrays, optimize) with two parameters: nanobind's
  // dispatcher fills nine defaults per call on "einsum" above, which costs about as much as the
  // plan-cache lookup itself on 3x3 operands.
  m.def(
      "einsum_fast",
      [](nb::tuple args, nb::handle optimize) {
        const nb::handle none = nb::none();
        return einsum_entry(args, optimize, none, none, false, none, none, false, none, none, none);
      },
      nb::arg("args"), nb::arg("optimize").none(),
      "einsum_fast((subscripts, *operands), optimize) -> array | scalar | NotImplemented.\n\n"
      "Internal: ein.einsum's route for plain calls.");
  m.def("einsum_fast_out", &einsum_fast_out, nb::arg("args"), nb::arg("optimize").none(),
        nb::arg("out"),
        "einsum_fast_out((subscripts, *operands), optimize, out) -> out | NotImplemented.\n\n"
        "Internal: ein.einsum's route for plain calls with out=.");
  m.def("einsum_path", &einsum_path_entry, nb::arg("subscripts"), nb::arg("operands"),
        nb::arg("optimize").none(), nb::arg("path").none() = nb::none(),
        nb::arg("memory_limit").none() = nb::none(), nb::arg("dtype").none() = nb::none(),
        nb::arg("semiring").none() = nb::none(),
        "einsum_path(subscripts, operands, optimize, ...) -> (pairs, report).\n\n"
        "Internal: use ein.einsum_path.");
  m.def(
      "clear_plan_cache", [] { global_plan_cache().clear(); },
      "Forgets every compiled plan ein.einsum has cached.");
  m.def(
      "save_plans",
      // The GIL stays held: the snapshot shares plans that own Python objects.
      [](const std::string& path) { return save_cache(global_plan_cache(), path); },
      nb::arg("path"), "Saves ein.einsum's compiled plans to a plan file; returns their number.");
  m.def(
      "load_plans", [](const std::string& path) { return load_cache(global_plan_cache(), path); },
      nb::arg("path"), "Loads a plan file into ein.einsum's cache; returns the plans loaded.");
  m.def(
      "plan_cache_size", [] { return global_plan_cache().size(); },
      "How many compiled plans ein.einsum holds.");
}

}  // namespace ein::python
