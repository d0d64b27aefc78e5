#include "plan_cache.hpp"

#include <cstring>
#include <vector>

#include "numpy_bridge.hpp"

namespace ein::python {
namespace {

void append_bytes(std::string& key, const void* p, std::size_t n) {
  key.append(static_cast<const char*>(p), n);
}
void append_int(std::string& key, std::int64_t v) { append_bytes(key, &v, sizeof v); }

// Below this much work, holding the GIL is cheaper than releasing and re-taking it.
constexpr double kReleaseGilFlops = 65536;
constexpr Index kReleaseGilElements = 16384;

}  // namespace

void append_operand_key(std::string& key, const TensorView& operand) {
  key.push_back(static_cast<char>(operand.dtype()));
  key.push_back(static_cast<char>(operand.rank()));
  for (int i = 0; i < operand.rank(); ++i) {
    const Index extent = operand.shape()[static_cast<std::size_t>(i)];
    append_int(key, extent);
    append_int(key, extent > 1 ? operand.strides()[static_cast<std::size_t>(i)] : 0);
  }
}

void append_options_key(std::string& key, const EinsumRequest& request) {
  const EinsumOptions& o = request.options;
  key.push_back(request.allow_view ? 'v' : '-');
  key.push_back(o.dtype ? static_cast<char>(*o.dtype) : '\x7f');
  key.push_back(static_cast<char>(o.gemm_route));
  append_int(key, o.threads);
  append_int(key, o.memory_limit ? *o.memory_limit : -1);
  append_int(key, static_cast<std::int64_t>(o.path.size()));
  for (const auto& [i, j] : o.path) {
    append_int(key, i);
    append_int(key, j);
  }
  key.append(o.optimize);
  key.push_back('\0');
  key.append(request.subscripts);
  key.push_back('\0');
}

std::shared_ptr<CachedPlan> compile_plan(const EinsumRequest& request,
                                         std::span<const TensorView> operands) {
  auto plan = std::make_shared<CachedPlan>();
  if (request.allow_view && operands.size() == 1) {
    if (std::optional<TensorView> view = einsum_view(request.subscripts, operands[0])) {
      plan->is_view = true;
      plan->out_dtype = view->dtype();
      plan->out_rank = view->rank();
      plan->view_shape = view->shape();
      plan->view_strides = view->strides();
      plan->release_gil = false;
      return plan;
    }
  }
  std::vector<OperandSpec> specs;
  specs.reserve(operands.size());
  Index elements = 0;
  for (const TensorView& v : operands) {
    specs.push_back(OperandSpec::of(v));
    elements += v.numel();
  }
  plan->expression = Expression::compile(request.subscripts, specs, request.options);
  plan->out_dtype = plan->expression.output_dtype();
  plan->out_rank = static_cast<int>(plan->expression.output_shape().size());
  elements += checked_numel(plan->expression.output_shape());
  plan->release_gil = elements >= kReleaseGilElements ||
                      plan->expression.info().optimized_flops >= kReleaseGilFlops;
  return plan;
}

std::shared_ptr<const CachedPlan> PlanCache::find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = plans_.find(key);
  return it == plans_.end() ? nullptr : it->second;
}

void PlanCache::insert(std::string key, std::shared_ptr<const CachedPlan> plan) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (plans_.size() >= capacity_) plans_.clear();
  plans_.insert_or_assign(std::move(key), std::move(plan));
}

void PlanCache::clear() {
  // Destroy the plans outside the lock: their Python objects' destructors may run Python code.
  std::unordered_map<std::string, std::shared_ptr<const CachedPlan>> old;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    old.swap(plans_);
  }
}

std::size_t PlanCache::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  return plans_.size();
}

PlanCache& global_plan_cache() {
  static PlanCache* cache = new PlanCache(4096);
  return *cache;
}

std::shared_ptr<const CachedPlan> get_plan(PlanCache& cache, const EinsumRequest& request,
                                           std::span<const TensorView> operands) {
  // The key buffer is reused: a hit then costs no allocation for the key.
  thread_local std::string key;
  key.clear();
  append_options_key(key, request);
  for (const TensorView& v : operands) append_operand_key(key, v);
  if (std::shared_ptr<const CachedPlan> hit = cache.find(key)) return hit;

  std::shared_ptr<CachedPlan> plan;
  {
    // Planning an expression with many operands can take a while; let other threads run.
    nb::gil_scoped_release release;
    plan = compile_plan(request, operands);
  }
  if (!plan->is_view) plan->out_shape = shape_tuple(plan->expression.output_shape());
  cache.insert(key, plan);
  return plan;
}

void run_plan(const CachedPlan& plan, std::span<const TensorView> operands, const TensorView& out) {
  if (plan.release_gil) {
    nb::gil_scoped_release release;
    plan.expression.run(operands, out);
  } else {
    plan.expression.run(operands, out);
  }
}

}  // namespace ein::python
