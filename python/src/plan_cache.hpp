// Compiled einsum plans keyed on everything a plan depends on, so that repeated calls on arrays of
// the same shapes, strides and dtypes skip parsing and planning (the Python call overhead target
// is a few hundred nanoseconds on tiny arrays).
#pragma once

#include <nanobind/nanobind.h>

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ein/einsum.hpp"

namespace ein::python {

namespace nb = nanobind;

// What one einsum call asks for, besides its operands.
struct EinsumRequest {
  std::string_view subscripts;
  EinsumOptions options;
  // NumPy returns a view of the operand for single-operand einsums that sum nothing; allowed only
  // when no out= and no dtype= were given.
  bool allow_view = false;
};

// A compiled einsum plus what the binding needs to run it quickly. Python objects in here are
// only touched with the GIL held.
struct CachedPlan {
  Expression expression;  // unset for views
  std::string subscripts;  // as the caller spelled them (plan files store them as the tag)
  bool allow_view = false;
  nb::object out_shape;   // tuple for numpy.empty
  DType out_dtype = DType::Float64;
  int out_rank = 0;
  // Releasing and re-taking the GIL costs about 100 ns; tiny problems keep it.
  bool release_gil = true;
  // A view of operand 0 (NumPy's view result): shape and strides, data pointer from the call.
  bool is_view = false;
  Shape view_shape;
  Strides view_strides;
};

// Appends the part of a cache key that describes one operand. Strides of extent-1 axes do not
// matter to a plan and are left out, so more calls share a plan.
void append_operand_key(std::string& key, const TensorView& operand);
// Appends the options' part of a cache key.
void append_options_key(std::string& key, const EinsumRequest& request);

// Fills a plan's fields from a compiled expression and the request it answers.
void finish_plan(CachedPlan& plan, Expression expression, const EinsumRequest& request);

// Compiles a plan (the GIL may be released by the caller). Throws ein::Error on user mistakes.
std::shared_ptr<CachedPlan> compile_plan(const EinsumRequest& request,
                                         std::span<const TensorView> operands);

// A bounded map key -> plan. When full it is emptied: simpler than LRU and, for the workloads a
// plan cache serves (the same few expressions in a loop), just as good.
class PlanCache {
 public:
  explicit PlanCache(std::size_t capacity) : capacity_(capacity) {}
  std::shared_ptr<const CachedPlan> find(const std::string& key);
  void insert(std::string key, std::shared_ptr<const CachedPlan> plan);
  void clear();
  std::size_t size();
  // Every plan held now (for saving them).
  std::vector<std::shared_ptr<const CachedPlan>> snapshot();
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  std::mutex mutex_;  // the GIL serialises callers today; this keeps free-threaded builds correct
  std::unordered_map<std::string, std::shared_ptr<const CachedPlan>> plans_;
  std::size_t capacity_;
};

// The cache behind ein.einsum (leaked on purpose: it holds Python objects, which must not be
// released after the interpreter has shut down).
PlanCache& global_plan_cache();

// Finds or compiles the plan for these operands (compiling with the GIL released).
std::shared_ptr<const CachedPlan> get_plan(PlanCache& cache, const EinsumRequest& request,
                                           std::span<const TensorView> operands);

// Plan files for the cache (ein.save_plans / ein.load_plans): every compiled (non-view) plan,
// tagged with the caller's subscripts. Loading rebuilds each cache key from the record's own
// contents and accepts a tag only when it denotes the same contraction as the plan. Return the
// number of plans written / loaded.
std::size_t save_cache(PlanCache& cache, const std::string& path);
std::size_t load_cache(PlanCache& cache, const std::string& path);

// Runs `plan` into `out` (any layout; may overlap the operands; cast safely to out's dtype).
void run_plan(const CachedPlan& plan, std::span<const TensorView> operands, const TensorView& out);

}  // namespace ein::python
