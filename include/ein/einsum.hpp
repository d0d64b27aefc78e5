// einsum with NumPy's exact semantics, its path report, and compiled expressions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ein/options.hpp"
#include "ein/tensor.hpp"

namespace ein {

// Shape, strides and dtype of one operand: what an Expression is compiled for.
struct OperandSpec {
  DType dtype = DType::Float64;
  Shape shape;
  Strides strides;  // empty means C-contiguous
  static OperandSpec of(const TensorView& v) { return {v.dtype(), v.shape(), v.strides()}; }
};

// One pairwise (or single-operand) step of a plan, for reports.
struct StepInfo {
  std::vector<int> operands;  // positions in the operand list at that step
  std::string contraction;    // e.g. "ijk,kl->ijl"
  int scaling = 0;            // number of distinct labels involved
  double flops = 0;           // estimated FLOPs of this step
  std::string kernel;         // kernel family chosen: "gemm", "batched_gemm", "permute", ...
};

// A label the executor loops over in chunks to keep a plan within its memory limit.
struct SliceInfo {
  std::string label;    // as in the equation
  Index extent = 0;     // the label's full extent
  Index chunk = 0;      // elements per chunk (the last chunk may be smaller)
  Index chunks = 0;     // number of chunks
  bool summed = false;  // a contracted label: chunks' results are added up
};

// What einsum_path returns: the path and a printable report like NumPy's.
struct PathInfo {
  ContractionPath path;
  std::string equation;  // canonical, explicit form
  double naive_flops = 0;
  double optimized_flops = 0;
  double speedup() const { return optimized_flops > 0 ? naive_flops / optimized_flops : 1.0; }
  Index largest_intermediate = 0;  // elements
  std::vector<StepInfo> steps;
  // Under a memory limit: the bytes allowed, the labels sliced to stay within them (empty when
  // the plan fits whole) and the workspace bytes the plan needs (intermediates + buffers).
  std::optional<std::int64_t> memory_limit;
  std::vector<SliceInfo> slices;
  std::int64_t workspace_bytes = 0;
  std::string to_string() const;
};

// Computes the einsum into a new C-contiguous tensor.
Tensor einsum(std::string_view subscripts, std::span<const TensorView> operands,
              const EinsumOptions& options = {});
inline Tensor einsum(std::string_view subscripts, std::initializer_list<TensorView> operands,
                     const EinsumOptions& options = {}) {
  return einsum(subscripts, std::span<const TensorView>(operands.begin(), operands.size()),
                options);
}
// NumPy's out=: writes into `out` (shape must match; the result is cast to out's dtype under
// casting='safe'). On any error `out` is untouched. `out` may overlap the operands.
void einsum_into(std::string_view subscripts, std::span<const TensorView> operands,
                 const TensorView& out, const EinsumOptions& options = {});

// NumPy returns a view for single-operand einsums that sum nothing ('ij->ji', 'ii->i'): the view
// of `operand` such an einsum denotes, or nullopt when the einsum sums over a label. Front doors
// that can keep `operand` alive (Python) use it to avoid a copy.
std::optional<TensorView> einsum_view(std::string_view subscripts, const TensorView& operand);

PathInfo einsum_path(std::string_view subscripts, std::span<const OperandSpec> operands,
                     const EinsumOptions& options = {});

class CompiledPlan;  // internal

// An einsum compiled for fixed operand shapes, strides and dtypes: all validation, planning and
// workspace sizing happen in compile(); run() checks only that the operands match the specs.
//
// Running allocates nothing from ein when `out` is C-contiguous, has the plan's dtype and does
// not overlap an operand, and the plan computes in its result dtype (storage dtypes such as
// int8/float16 and acc_dtype= compute in a wider dtype into a buffer first; otherwise the result
// is computed aside and copied, as NumPy does):
// every kernel's loop nest is planned at compile time, and the workspace is the calling thread's
// reusable buffer (allocated on that thread's first run of a plan that big; plans above 64 MiB of
// workspace allocate per run). The overload taking `workspace` uses the caller's memory instead
// and never allocates. OpenBLAS may allocate its own buffers inside large GEMMs.
class Expression {
 public:
  static Expression compile(std::string_view subscripts, std::span<const OperandSpec> operands,
                            const EinsumOptions& options = {});
  // Allocates the output and runs.
  Tensor operator()(std::span<const TensorView> operands) const;
  // Writes into `out` (output shape and dtype must match exactly).
  void run(std::span<const TensorView> operands, const TensorView& out) const;
  // Same, with the intermediates in `workspace` (at least workspace_bytes() bytes; 64-byte
  // alignment is best, element alignment is required). Throws ein::Error(InvalidArgument) when it
  // is too small or misaligned.
  void run(std::span<const TensorView> operands, const TensorView& out,
           std::span<std::byte> workspace) const;

  const Shape& output_shape() const;
  DType output_dtype() const;
  const PathInfo& info() const;
  std::size_t workspace_bytes() const;
  // The options and operand specs it was compiled with.
  const EinsumOptions& options() const;
  const std::vector<OperandSpec>& operand_specs() const;

  // Persistent plans (ein/plan_file.hpp saves many to a file): a versioned, checksummed record
  // of what defines the plan — the canonical equation, the operand specs, the options and the
  // complete contraction path — so loading skips the path search. deserialize() treats the
  // bytes as untrusted: every length and enum is bounds-checked, the checksum verified, and the
  // plan rebuilt through compile() with all of its validation; any defect is an
  // ein::Error(IoError) naming it. Expressions with more than 52 labels cannot be saved
  // (InvalidArgument).
  [[nodiscard]] std::vector<std::byte> serialize() const;
  static Expression deserialize(std::span<const std::byte> bytes);

 private:
  std::shared_ptr<const CompiledPlan> plan_;
};

}  // namespace ein
