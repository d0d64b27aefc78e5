// ein._ein.Expression: an einsum compiled for fixed operand shapes (ein.contract_expression).
//
// Plans are compiled per (dtypes, strides) of the operands it is called with and kept in the
// object's own small cache, so calling it again on new arrays of the same kind costs a lookup,
// the result allocation and the run.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <memory>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "buffer.hpp"
#include "numpy_bridge.hpp"
#include "options.hpp"
#include "plan_cache.hpp"

namespace ein::python {
namespace {

class CompiledExpression {
 public:
  CompiledExpression(std::string subscripts, std::vector<Shape> shapes, nb::handle optimize,
                     nb::handle path, nb::handle memory_limit, nb::handle dtype)
      : subscripts_(std::move(subscripts)), shapes_(std::move(shapes)), cache_(64) {
    request_.options.optimize = *path_finder_name(optimize, true);
    request_.options.path = path_from_python(path);
    request_.options.memory_limit = memory_limit_from_python(memory_limit);
    if (!dtype.is_none()) {
      request_.options.dtype = dtype_from_python_name(nb::str(dtype).c_str());
    }
    request_.allow_view = dtype.is_none();
    request_.subscripts = subscripts_;
  }
  CompiledExpression(const CompiledExpression&) = delete;
  CompiledExpression& operator=(const CompiledExpression&) = delete;

  // Compiles now for operands of these dtypes (C-contiguous), so mistakes surface at
  // construction and the first call is as fast as the others.
  void prepare(const std::vector<std::string>& dtypes) {
    if (dtypes.size() != shapes_.size()) {
      throw nb::value_error("Expression.prepare: one dtype per operand expected");
    }
    std::vector<TensorView> specs;
    for (std::size_t i = 0; i < shapes_.size(); ++i) {
      // No data: only the shape, strides and dtype matter to compilation.
      specs.emplace_back(nullptr, dtype_from_python_name(dtypes[i].c_str()), shapes_[i]);
    }
    last_ = get_plan(cache_, request_, specs);
  }

  nb::object call(nb::tuple operands, nb::handle out, bool strict) {
    const std::size_t n = operands.size();
    if (n != shapes_.size()) {
      throw nb::value_error(("expression " + subscripts_ + " takes " +
                             std::to_string(shapes_.size()) + " operands, got " + std::to_string(n))
                                .c_str());
    }
    HeldOperands held(n);
    for (std::size_t i = 0; i < n; ++i) {
      nb::handle obj = operands[i];
      if (!strict && !is_exact_ndarray(obj)) return nb::borrow(Py_NotImplemented);
      if (const char* why = held.acquire(i, obj.ptr())) {
        if (!strict) return nb::borrow(Py_NotImplemented);
        throw nb::type_error(("operand " + std::to_string(i) + " cannot be used: " + why).c_str());
      }
      if (held.view(i).shape() != shapes_[i]) {
        throw nb::value_error(("expression " + subscripts_ + " was compiled for operand " +
                               std::to_string(i) + " of shape " + shape_to_string(shapes_[i]) +
                               ", got shape " + shape_to_string(held.view(i).shape()))
                                  .c_str());
      }
    }
    const std::span<const TensorView> views = held.views();
    std::shared_ptr<const CachedPlan> plan = get_plan(cache_, request_, views);
    last_ = plan;
    if (!out.is_none()) {
      HeldBuffer out_buffer;
      TensorView out_view;
      if (const char* why = out_buffer.acquire(out.ptr(), true, out_view)) {
        throw nb::type_error((std::string("out cannot be written: ") + why).c_str());
      }
      run_plan(*plan, views, out_view);
      return nb::borrow(out);
    }
    if (plan->is_view) {
      TensorView view(views[0].data(), views[0].dtype(), plan->view_shape, plan->view_strides);
      return scalar_if_0d(view_to_numpy(view, operands[0], held.readonly(0)), plan->out_rank);
    }
    nb::object result = new_array(plan->out_shape, plan->out_dtype);
    {
      HeldBuffer result_buffer;
      TensorView result_view;
      if (const char* why = result_buffer.acquire(result.ptr(), true, result_view)) {
        throw nb::type_error((std::string("internal: fresh result array: ") + why).c_str());
      }
      run_plan(*plan, views, result_view);
    }
    return scalar_if_0d(std::move(result), plan->out_rank);
  }

  [[nodiscard]] const std::string& subscripts() const { return subscripts_; }
  [[nodiscard]] const std::vector<Shape>& shapes() const { return shapes_; }
  [[nodiscard]] std::size_t num_plans() { return cache_.size(); }

  // The path and report of the plan compiled most recently (paths do not depend on strides).
  [[nodiscard]] nb::object path() const {
    nb::list steps;
    if (last_ && !last_->is_view) {
      for (const auto& [i, j] : last_->expression.info().path) steps.append(nb::make_tuple(i, j));
    }
    return steps;
  }
  [[nodiscard]] std::string report() const {
    if (!last_) return "";
    if (last_->is_view) return "  Complete contraction:  " + subscripts_ + " (a view, no work)\n";
    return last_->expression.info().to_string();
  }

 private:
  std::string subscripts_;
  std::vector<Shape> shapes_;
  EinsumRequest request_;
  PlanCache cache_;
  std::shared_ptr<const CachedPlan> last_;
};

}  // namespace

void bind_expression(nb::module_& m) {
  nb::class_<CompiledExpression>(m, "Expression",
                                 "An einsum compiled for fixed operand shapes (internal; use "
                                 "ein.contract_expression).")
      .def(nb::init<std::string, std::vector<Shape>, nb::handle, nb::handle, nb::handle,
                    nb::handle>(),
           nb::arg("subscripts"), nb::arg("shapes"), nb::arg("optimize").none(),
           nb::arg("path").none() = nb::none(), nb::arg("memory_limit").none() = nb::none(),
           nb::arg("dtype").none() = nb::none())
      .def("prepare", &CompiledExpression::prepare, nb::arg("dtypes"))
      .def("call", &CompiledExpression::call, nb::arg("operands"),
           nb::arg("out").none() = nb::none(), nb::arg("strict") = false)
      .def_prop_ro("subscripts", &CompiledExpression::subscripts)
      .def_prop_ro("shapes", &CompiledExpression::shapes)
      .def_prop_ro("path", &CompiledExpression::path)
      .def_prop_ro("report", &CompiledExpression::report)
      .def("num_plans", &CompiledExpression::num_plans);
}

}  // namespace ein::python
