#include "plan_cache.hpp"

#include <cstring>
#include <vector>

#include "ein/plan_file.hpp"
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

void finish_plan(CachedPlan& plan, Expression expression, const EinsumRequest& request) {
  plan.expression = std::move(expression);
  plan.subscripts = std::string(request.subscripts);
  plan.allow_view = request.allow_view;
  Index elements = checked_numel(plan.expression.output_shape());
  for (const OperandSpec& spec : plan.expression.operand_specs()) {
    elements += checked_numel(spec.shape);
  }
  plan.out_dtype = plan.expression.output_dtype();
  plan.out_rank = static_cast<int>(plan.expression.output_shape().size());
  plan.release_gil = elements >= kReleaseGilElements ||
                     plan.expression.info().optimized_flops >= kReleaseGilFlops;
}

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
  key.push_back(o.acc_dtype ? static_cast<char>(*o.acc_dtype) : '\x7f');
  key.push_back(static_cast<char>(o.gemm_route));
  key.push_back(static_cast<char>(o.semiring));
  append_int(key, static_cast<std::int64_t>(o.conj.size()));
  for (bool c : o.conj) key.push_back(c ? '1' : '0');
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
  for (const TensorView& v : operands) specs.push_back(OperandSpec::of(v));
  finish_plan(*plan, Expression::compile(request.subscripts, specs, request.options), request);
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

std::vector<std::shared_ptr<const CachedPlan>> PlanCache::snapshot() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<const CachedPlan>> out;
  out.reserve(plans_.size());
  for (const auto& [key, plan] : plans_) out.push_back(plan);
  return out;
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

std::size_t save_cache(PlanCache& cache, const std::string& path) {
  std::vector<SavedPlan> saved;
  for (const auto& plan : cache.snapshot()) {
    if (plan->is_view) continue;  // nothing to plan: recomputed on first use
    saved.push_back({plan->subscripts + (plan->allow_view ? "\x01v" : "\x01-"), plan->expression});
  }
  save_plans(path, saved);
  return saved.size();
}

std::size_t load_cache(PlanCache& cache, const std::string& path) {
  std::vector<SavedPlan> loaded = load_plans(path);
  // Every record is checked before any is inserted: a bad file changes nothing.
  std::vector<std::pair<std::string, std::shared_ptr<const CachedPlan>>> entries;
  for (std::size_t k = 0; k < loaded.size(); ++k) {
    SavedPlan& saved = loaded[k];
    const std::string& tag = saved.tag;
    const std::size_t mark = tag.rfind('\x01');
    if (mark == std::string::npos || mark + 2 != tag.size() ||
        (tag[mark + 1] != 'v' && tag[mark + 1] != '-')) {
      throw Error(ErrorCode::IoError,
                  "load_plans: record " + std::to_string(k) + " is not an ein.einsum cache entry");
    }
    EinsumRequest request;
    const std::string subscripts = tag.substr(0, mark);
    request.subscripts = subscripts;
    request.allow_view = tag[mark + 1] == 'v';
    request.options = saved.expression.options();
    const std::vector<OperandSpec>& specs = saved.expression.operand_specs();
    // The tag must denote the plan's own contraction (else a crafted file could make a cached
    // key run another einsum): parsing it for the plan's shapes gives the same equation.
    EinsumOptions plain;
    plain.optimize = "none";
    std::string equation;
    try {
      equation = einsum_path(subscripts, specs, plain).equation;
    } catch (const Error& e) {
      throw Error(ErrorCode::IoError, "load_plans: record " + std::to_string(k) +
                                          ": its subscripts do not parse: " + e.what());
    }
    if (equation != saved.expression.info().equation) {
      throw Error(ErrorCode::IoError, "load_plans: record " + std::to_string(k) + ": subscripts '" +
                                          subscripts + "' do not match the plan's equation '" +
                                          saved.expression.info().equation + "'");
    }
    std::vector<TensorView> views;
    for (const OperandSpec& spec : specs) {
      views.emplace_back(nullptr, spec.dtype, spec.shape, spec.strides);
    }
    // A view-eligible single-operand einsum that sums nothing is cached as a view, not a plan.
    if (request.allow_view && views.size() == 1 && einsum_view(subscripts, views[0])) continue;
    std::string key;
    append_options_key(key, request);
    for (const TensorView& v : views) append_operand_key(key, v);
    auto plan = std::make_shared<CachedPlan>();
    finish_plan(*plan, std::move(saved.expression), request);
    plan->out_shape = shape_tuple(plan->expression.output_shape());
    entries.emplace_back(std::move(key), std::move(plan));
  }
  for (auto& [key, plan] : entries) cache.insert(std::move(key), std::move(plan));
  return entries.size();
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
