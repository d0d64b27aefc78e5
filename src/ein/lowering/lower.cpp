// Lowering: parsed expression + path -> a flat list of Steps (see plan.hpp).
//
// Each pairwise contraction is classified by label groups (batch / contracted / free_a / free_b)
// and handed to gemm as (batch, m, n, k). A group acts as one GEMM dimension when its labels are
// "foldable" on the value's strides; an operand that cannot be folded, or whose dtype differs from
// the computation dtype, is first copied into the workspace in GEMM-friendly label order (the
// blocked permutation kernel does that copy). The last contraction writes straight into the
// output when the output's strides fold too.
#include <algorithm>
#include <numeric>

#include "ein/lowering/layout.hpp"
#include "ein/lowering/plan.hpp"
#include "ein/path/path.hpp"
#include "ein/semiring/semiring.hpp"
#include "ein/support/checked.hpp"

namespace ein::lowering {
namespace {

struct Value {
  ValueRef ref;
  Layout layout;
  DType dtype;
  // The value stands for the conjugate of its data (a conj= operand, or copies and sums of one:
  // conjugation commutes with both); GEMM steps conjugate as they load.
  bool conj = false;
};

std::vector<int> concat(std::initializer_list<const std::vector<int>*> parts) {
  std::vector<int> out;
  for (const auto* p : parts) out.insert(out.end(), p->begin(), p->end());
  return out;
}

// Sorts `labels` by their position in `layout`.
void sort_by(std::vector<int>& labels, const Layout& layout) {
  std::stable_sort(labels.begin(), labels.end(),
                   [&](int x, int y) { return layout.find(x) < layout.find(y); });
}

class Lowerer {
 public:
  Lowerer(Plan& plan, const EinsumOptions& options) : plan_(plan), options_(options) {}

  const std::vector<Index>& extents() const { return plan_.expr.extents; }

  ValueRef allocate(Index numel) {
    const auto isz = static_cast<Index>(itemsize(plan_.dtype));
    const Index bytes = support::checked_mul(std::max<Index>(numel, 1), isz, "workspace size");
    ValueRef r;
    r.kind = ValueRef::Kind::Workspace;
    // Offsets of values of a cache line or more are 64-byte aligned (whole lines, aligned SIMD);
    // smaller ones only 16-byte (every dtype's alignment), so that many tiny intermediates do
    // not inflate small memory budgets. The running total is checked like every byte count.
    const Index align = bytes >= 64 ? 64 : 16;
    const auto used = static_cast<Index>(plan_.workspace_bytes);
    const Index offset = support::checked_add(used, align - 1, "workspace size") / align * align;
    r.offset = static_cast<std::size_t>(offset);
    plan_.workspace_bytes =
        static_cast<std::size_t>(support::checked_add(offset, bytes, "workspace size"));
    return r;
  }

  // Copies (and converts to the computation dtype) `v` into the workspace with labels `order`.
  Value to_workspace(const Value& v, const std::vector<int>& order) {
    Value out{allocate(numel_of(order, extents())), contiguous_layout(order, extents()),
              plan_.dtype, v.conj};
    emit_copy(v, out);
    return out;
  }

  // A Copy step from `src` to `dst` (same label set; dst's label order rules).
  void emit_copy(const Value& src, const Value& dst) {
    StridedStep s;
    s.op = StridedStep::Op::Copy;
    s.shape = extents_of(dst.layout.labels, extents());
    s.src = src.ref;
    s.src_dtype = src.dtype;
    s.dst = dst.ref;
    s.dst_dtype = dst.dtype;
    s.dst_strides = dst.layout.strides;
    for (int l : dst.layout.labels) s.src_strides.push_back(src.layout.stride_of(l));
    s.describe = (src.dtype != dst.dtype ? "convert " : "copy ") +
                 src.layout.to_string(plan_.expr.label_chars) + "->" +
                 dst.layout.to_string(plan_.expr.label_chars);
    s.finalize();
    plan_.steps.emplace_back(std::move(s));
  }

  // A Reduce step: sums src over the labels dst lacks.
  void emit_reduce(const Value& src, const Value& dst) {
    StridedStep s;
    s.op = StridedStep::Op::Reduce;
    s.shape = extents_of(src.layout.labels, extents());
    s.src = src.ref;
    s.src_dtype = src.dtype;
    s.src_strides = src.layout.strides;
    s.dst = dst.ref;
    s.dst_dtype = dst.dtype;
    for (int l : src.layout.labels)
      s.dst_strides.push_back(dst.layout.has(l) ? dst.layout.stride_of(l) : 0);
    s.describe = "sum " + src.layout.to_string(plan_.expr.label_chars) + "->" +
                 dst.layout.to_string(plan_.expr.label_chars);
    s.finalize();
    plan_.steps.emplace_back(std::move(s));
  }

  // Sums out the labels of `v` not in `keep` into a new workspace value.
  Value reduce(Value v, const std::vector<char>& keep) {
    std::vector<int> kept;
    for (int l : v.layout.labels) {
      if (keep[l]) kept.push_back(l);
    }
    if (kept.size() == v.layout.labels.size()) return v;
    if (v.dtype != plan_.dtype) v = to_workspace(v, v.layout.labels);
    Value out{allocate(numel_of(kept, extents())), contiguous_layout(kept, extents()), plan_.dtype,
              v.conj};
    emit_reduce(v, out);
    return out;
  }

  // The single-operand case: `v` into the output.
  void single(const Value& v, const Layout& out_layout) {
    Value out{ValueRef{ValueRef::Kind::Output, -1, 0}, out_layout, plan_.dtype};
    if (v.layout.labels.size() == out_layout.labels.size()) {
      emit_copy(v, out);
    } else {
      Value src = v.dtype == plan_.dtype ? v : to_workspace(v, v.layout.labels);
      emit_reduce(src, out);
    }
    if (v.conj) emit_conjugate(out);
  }

  // Conjugates a value in place (the output of a conj= single-operand einsum).
  void emit_conjugate(const Value& v) {
    StridedStep s;
    s.op = StridedStep::Op::Conjugate;
    s.shape = extents_of(v.layout.labels, extents());
    s.src = s.dst = v.ref;
    s.src_dtype = s.dst_dtype = plan_.dtype;
    s.src_strides = s.dst_strides = v.layout.strides;
    s.describe = "conj " + v.layout.to_string(plan_.expr.label_chars);
    s.finalize();
    plan_.steps.emplace_back(std::move(s));
  }

  // One pairwise contraction. `out` is the output layout for the last step, else null.
  Value pair(Value a, Value b, const std::vector<char>& keep, const Layout* out) {
    std::vector<int> batch, con, fa, fb;
    for (int l : a.layout.labels) {
      if (b.layout.has(l)) {
        (keep[l] ? batch : con).push_back(l);
      } else {
        fa.push_back(l);
      }
    }
    for (int l : b.layout.labels) {
      if (!a.layout.has(l)) fb.push_back(l);
    }
    if (out != nullptr) {
      sort_by(batch, *out);
      sort_by(fa, *out);
      sort_by(fb, *out);
    }
    // The contracted labels must be in one order for both operands; take B's if A's doesn't fold
    // in B but B's folds in both.
    if (!foldable(b.layout, con, extents())) {
      std::vector<int> con_b = con;
      sort_by(con_b, b.layout);
      if (foldable(a.layout, con_b, extents()) && foldable(b.layout, con_b, extents())) con = con_b;
    }
    const bool force = options_.gemm_route == GemmRoute::PermuteThenGemm;
    bool a_ok = !force && a.dtype == plan_.dtype && foldable(a.layout, fa, extents()) &&
                foldable(a.layout, con, extents());
    bool b_ok = !force && b.dtype == plan_.dtype && foldable(b.layout, con, extents()) &&
                foldable(b.layout, fb, extents());
    bool c_direct =
        out != nullptr && !force && foldable(*out, fa, extents()) && foldable(*out, fb, extents());

    // An outer product (nothing summed) whose free labels interleave in the output, as in
    // outer3's last step ik,j->ijk: a free group that does not fold in the output would send the
    // whole result through a workspace and a permuting copy. Instead every label of such a group
    // but its innermost becomes a batch dim (stride 0 in the other operand), and the step writes
    // the output in place: the elementwise loops take any strides.
    if (out != nullptr && !force && con.empty() && a_ok && b_ok && !c_direct) {
      auto in_out = [&](const std::vector<int>& g) {
        return std::all_of(g.begin(), g.end(), [&](int l) { return out->has(l); });
      };
      if (in_out(fa) && in_out(fb)) {
        auto split = [&](std::vector<int>& group) {
          if (group.size() < 2 || foldable(*out, group, extents())) return;
          batch.insert(batch.end(), group.begin(), group.end() - 1);
          group.erase(group.begin(), group.end() - 1);
        };
        split(fa);
        split(fb);
        sort_by(batch, *out);
        c_direct = true;  // single labels and output-folding groups are all that is left
      }
    }

    Layout c_layout = contiguous_layout(concat({&batch, &fa, &fb}), extents());
    auto build = [&](const Layout& al, const Layout& bl, const Layout& cl) {
      return make_problem(al, bl, cl, batch, con, fa, fb);
    };
    // (Nothing summed: the elementwise loops take any strides at full speed, and batch may
    // hold free labels of one operand, which the other cannot be copied along.)
    if (a_ok && b_ok && options_.gemm_route == GemmRoute::Auto && !con.empty()) {
      // BLAS needs one unit stride per matrix; when the views don't give it and the work is
      // big enough for a copy to pay off, permute both operands first.
      gemm::GemmProblem p = build(a.layout, b.layout, c_direct ? *out : c_layout);
      const double work =
          static_cast<double>(p.m) * static_cast<double>(p.n) * static_cast<double>(p.k);
      // (ein's packed kernels read such strides directly where they apply: no copy then.)
      if (is_inexact(plan_.dtype) && !gemm::blas_compatible(p) && work >= 32768.0 &&
          gemm::choose_family(p) != gemm::Family::Hadamard && !gemm::packs_directly(p)) {
        a_ok = b_ok = false;
        c_direct = false;
      }
    }
    if (!a_ok) a = to_workspace(a, concat({&batch, &fa, &con}));
    if (!b_ok) b = to_workspace(b, concat({&batch, &con, &fb}));
    Value c;
    c.dtype = plan_.dtype;
    if (c_direct) {
      c.ref = ValueRef{ValueRef::Kind::Output, -1, 0};
      c.layout = *out;
    } else {
      c.ref = allocate(numel_of(c_layout.labels, extents()));
      c.layout = c_layout;
    }
    GemmStep step{a.ref, b.ref, c.ref, build(a.layout, b.layout, c.layout), {}};
    step.problem.conj_a = a.conj;
    step.problem.conj_b = b.conj;
    step.prepared = gemm::PreparedProblem(step.problem);
    plan_.steps.emplace_back(std::move(step));
    if (out != nullptr && !c_direct) {
      Value o{ValueRef{ValueRef::Kind::Output, -1, 0}, *out, plan_.dtype};
      emit_copy(c, o);
      return o;
    }
    return c;
  }

 private:
  gemm::GemmProblem make_problem(const Layout& a, const Layout& b, const Layout& c,
                                 const std::vector<int>& batch, const std::vector<int>& con,
                                 const std::vector<int>& fa, const std::vector<int>& fb) const {
    gemm::GemmProblem p;
    p.dtype = plan_.dtype;
    // Batch labels fold where all three values allow it. A batch label one operand lacks (a
    // free label of the other, see pair()) has stride 0 there.
    auto stride = [](const Layout& lay, int l) { return lay.has(l) ? lay.stride_of(l) : Index{0}; };
    for (int l : batch) {
      const Index e = extents()[l];
      if (!p.batch.empty()) {
        auto& prev = p.batch.back();
        if (prev.a_stride == stride(a, l) * e && prev.b_stride == stride(b, l) * e &&
            prev.c_stride == c.stride_of(l) * e) {
          prev.extent *= e;
          prev.a_stride = stride(a, l);
          prev.b_stride = stride(b, l);
          prev.c_stride = c.stride_of(l);
          continue;
        }
      }
      p.batch.push_back(gemm::BatchDim{e, stride(a, l), stride(b, l), c.stride_of(l)});
    }
    auto prod = [&](const std::vector<int>& g) {
      Index n = 1;
      for (int l : g) n *= extents()[l];
      return n;
    };
    auto inner = [](const Layout& lay, const std::vector<int>& g) {
      return g.empty() ? Index{0} : lay.stride_of(g.back());
    };
    p.m = prod(fa);
    p.n = prod(fb);
    p.k = prod(con);
    p.a_m_stride = inner(a, fa);
    p.a_k_stride = inner(a, con);
    p.b_k_stride = inner(b, con);
    p.b_n_stride = inner(b, fb);
    p.c_m_stride = inner(c, fa);
    p.c_n_stride = inner(c, fb);
    p.accumulate = false;
    return p;
  }

  Plan& plan_;
  const EinsumOptions& options_;
};

DType computation_dtype(std::span<const OperandSpec> operands, const EinsumOptions& options) {
  if (options.dtype) {
    // With acc_dtype, dtype is only the result's type (accumulate wide, store narrow): the
    // operands must fit the accumulator instead (accumulator_dtype checks).
    for (std::size_t i = 0; i < operands.size() && !options.acc_dtype; ++i) {
      if (!can_cast_safely(operands[i].dtype, *options.dtype)) {
        throw Error(ErrorCode::DTypeMismatch,
                    "einsum: cannot cast operand " + std::to_string(i) + " from dtype('" +
                        std::string(dtype_name(operands[i].dtype)) + "') to dtype('" +
                        std::string(dtype_name(*options.dtype)) +
                        "') according to the rule 'safe'");
      }
    }
    return *options.dtype;
  }
  if (operands.empty()) throw Error(ErrorCode::InvalidArgument, "einsum: no operands given");
  DType d = operands[0].dtype;
  for (const auto& op : operands) d = promote_types(d, op.dtype);
  return d;
}

// The dtype the kernels compute in for a result of dtype `result`: options.acc_dtype when given
// (a compute dtype every operand casts to safely), else the compute dtype of the result (int32
// for int8/uint8/int16, float32 for float16/bfloat16, itself otherwise).
DType accumulator_dtype(std::span<const OperandSpec> operands, DType result,
                        const EinsumOptions& options) {
  if (!options.acc_dtype) return compute_dtype_of(result);
  const DType acc = *options.acc_dtype;
  if (is_storage_only(acc)) {
    throw Error(ErrorCode::DTypeMismatch,
                "einsum: acc_dtype " + std::string(dtype_name(acc)) +
                    " is a storage dtype; accumulate in bool, int32, int64, float32, float64, "
                    "complex64 or complex128");
  }
  for (std::size_t i = 0; i < operands.size(); ++i) {
    if (!can_cast_safely(operands[i].dtype, acc)) {
      throw Error(ErrorCode::DTypeMismatch,
                  "einsum: acc_dtype " + std::string(dtype_name(acc)) + " cannot hold operand " +
                      std::to_string(i) + "'s dtype " + std::string(dtype_name(operands[i].dtype)) +
                      " (it must be a dtype the operands cast to safely)");
    }
  }
  return acc;
}

PathInfo single_operand_info(const Plan& plan) {
  PathInfo info;
  info.equation = plan.expr.equation();
  Index n = 1;
  for (Index e : plan.expr.extents)
    n = e == 0 ? 0 : (n > INT64_MAX / std::max<Index>(e, 1) ? n : n * e);
  info.naive_flops = info.optimized_flops = static_cast<double>(n);
  info.largest_intermediate = checked_numel(plan.output_shape);
  StepInfo s;
  s.operands = {0};
  s.contraction = info.equation;
  s.scaling = plan.expr.num_labels;
  s.flops = static_cast<double>(n);
  info.steps.push_back(s);
  return info;
}

}  // namespace

Plan lower_parsed(expr::ParsedExpression parsed, std::span<const OperandSpec> operands,
                  const EinsumOptions& options) {
  Plan plan;
  plan.expr = std::move(parsed);
  plan.operands.assign(operands.begin(), operands.end());
  for (auto& op : plan.operands) {
    if (op.strides.empty()) op.strides = contiguous_strides(op.shape);
    // Validates ranks, extents and byte spans (no memory is touched).
    (void)TensorView(nullptr, op.dtype, op.shape, op.strides);
  }
  plan.result_dtype = computation_dtype(plan.operands, options);
  plan.dtype = accumulator_dtype(plan.operands, plan.result_dtype, options);
  plan.threads = options.threads;
  plan.semiring = options.semiring;
  semiring::check_dtype(plan.semiring, plan.dtype);
  if (!options.conj.empty() && options.conj.size() != plan.operands.size()) {
    throw Error(ErrorCode::InvalidArgument,
                "einsum: conj has " + std::to_string(options.conj.size()) + " flags for " +
                    std::to_string(plan.operands.size()) +
                    " operands (give one per operand, or none)");
  }
  plan.output_shape = plan.expr.output_shape();
  // The output's byte size must fit too, whichever path is chosen (some paths write it directly,
  // others through the workspace), so that compile fails, not run.
  (void)support::checked_mul(checked_numel(plan.output_shape),
                             static_cast<Index>(itemsize(plan.dtype)), "output byte size");
  plan.output_strides = contiguous_strides(plan.output_shape);
  plan.zero_fill = std::find(plan.expr.extents.begin(), plan.expr.extents.end(), Index{0}) !=
                   plan.expr.extents.end();

  const int n = static_cast<int>(plan.operands.size());
  std::vector<Value> values;
  for (int i = 0; i < n; ++i) {
    values.push_back(
        Value{ValueRef{ValueRef::Kind::Operand, i, 0},
              operand_layout(plan.expr, i, plan.operands[i].shape, plan.operands[i].strides),
              plan.operands[i].dtype,
              !options.conj.empty() && options.conj[static_cast<std::size_t>(i)] &&
                  is_complex(plan.operands[i].dtype)});
  }
  const Layout out_layout = output_layout(plan.expr, plan.output_strides);
  Lowerer lw(plan, options);
  const auto num_labels = static_cast<std::size_t>(plan.expr.num_labels);

  if (n == 1) {
    plan.info = single_operand_info(plan);
    if (!options.path.empty()) path::validate_path(options.path, n);
    if (!plan.zero_fill) lw.single(values[0], out_layout);
    return plan;
  }

  // Labels needed by the output or by more than one operand survive single-operand work.
  std::vector<int> count(num_labels, 0);
  for (const auto& v : values) {
    for (int l : v.layout.labels) ++count[l];
  }
  std::vector<char> needed(num_labels, 0);
  for (int l : out_layout.labels) needed[l] = 1;
  for (std::size_t l = 0; l < num_labels; ++l) needed[l] = needed[l] || count[l] > 1;
  if (!plan.zero_fill) {
    for (auto& v : values) v = lw.reduce(v, needed);
  } else {
    for (auto& v : values) {
      std::vector<int> kept;
      for (int l : v.layout.labels) {
        if (needed[l]) kept.push_back(l);
      }
      v.layout = contiguous_layout(kept, plan.expr.extents);
    }
  }

  path::PathProblem problem;
  for (const auto& v : values) problem.inputs.push_back(v.layout.labels);
  problem.output = out_layout.labels;
  problem.extents = plan.expr.extents;
  if (const auto limit = memory_limit_bytes(plan, options)) {
    problem.memory_limit = static_cast<double>(*limit) / static_cast<double>(itemsize(plan.dtype));
  }
  ContractionPath path_pairs;
  if (!options.path.empty()) {
    path::validate_path(options.path, n);
    path_pairs = options.path;
  } else {
    path_pairs = path::find_path(options.optimize, problem);
  }
  plan.info = path::make_path_info(problem, path_pairs, plan.expr.label_chars);
  plan.info.equation = plan.expr.equation();

  if (plan.zero_fill) return plan;
  // A path that stops early (the planner's memory-limit fallback) leaves the rest to be
  // contracted at once; ein contracts it pairwise, left to right.
  {
    int remaining = n - static_cast<int>(path_pairs.size());
    while (remaining > 1) {
      path_pairs.emplace_back(0, 1);
      --remaining;
    }
  }
  plan.executed_path = path_pairs;
  std::vector<Value> live = values;
  for (std::size_t s = 0; s < path_pairs.size(); ++s) {
    auto [i, j] = path_pairs[s];
    Value a = live[i], b = live[j];
    live.erase(live.begin() + std::max(i, j));
    live.erase(live.begin() + std::min(i, j));
    std::vector<char> keep(num_labels, 0);
    for (int l : out_layout.labels) keep[l] = 1;
    for (const auto& v : live) {
      for (int l : v.layout.labels) keep[l] = 1;
    }
    const bool last = live.empty();
    const std::size_t before = plan.steps.size();
    live.push_back(lw.pair(a, b, keep, last ? &out_layout : nullptr));
    for (std::size_t k = before; k < plan.steps.size(); ++k) {
      if (const auto* g = std::get_if<GemmStep>(&plan.steps[k]); g && s < plan.info.steps.size()) {
        plan.info.steps[s].kernel = gemm::family_name(gemm::choose_family(g->problem));
        if (plan.semiring != Semiring::Standard) {
          plan.info.steps[s].kernel =
              std::string(semiring::name(plan.semiring)) + " " + plan.info.steps[s].kernel;
        }
      }
    }
  }
  return plan;
}

std::optional<std::int64_t> memory_limit_bytes(const Plan& plan, const EinsumOptions& options) {
  if (!options.memory_limit) return std::nullopt;
  const std::int64_t limit = *options.memory_limit;
  if (limit == EinsumOptions::kMaxInput) {
    Index largest = 0;
    for (const auto& op : plan.operands) largest = std::max(largest, checked_numel(op.shape));
    return support::checked_mul(largest, static_cast<Index>(itemsize(plan.dtype)),
                                "memory_limit ('max_input')");
  }
  if (limit < 0) {
    throw Error(ErrorCode::InvalidArgument,
                "einsum: memory_limit must be a number of bytes >= 0 or 'max_input', got " +
                    std::to_string(limit));
  }
  return limit;
}

Plan lower(std::string_view subscripts, std::span<const OperandSpec> operands,
           const EinsumOptions& options) {
  std::vector<Shape> shapes;
  shapes.reserve(operands.size());
  for (const auto& op : operands) shapes.push_back(op.shape);
  return lower_parsed(expr::parse(subscripts, shapes), operands, options);
}

}  // namespace ein::lowering
