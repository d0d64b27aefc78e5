// gemm::run — picks BLAS or ein's own loops for a problem and spreads batches over threads.
#include <algorithm>
#include <utility>

#include "ein/gemm/blas.hpp"
#include "ein/gemm/gemm.hpp"
#include "ein/gemm/loops.hpp"
#include "ein/gemm/packed.hpp"
#include "ein/gemm/shape.hpp"
#include "ein/gemm/tiny.hpp"
#include "ein/support/parallel.hpp"

namespace ein::gemm {

namespace {

using detail::Canonical;
using detail::Cursor;

// OpenBLAS runs GEMMs below about 64^3 multiply-adds on the calling thread, so batches of items
// that small are split across ein's pool instead.
constexpr Index kSmallItemWork = Index{64} * 64 * 64;
constexpr Index kBlasDot = 512;

Index item_work(const Canonical& c) { return detail::sat_mul(detail::sat_mul(c.m, c.n), c.k); }

// Runs item(a_offset, b_offset, c_offset) for every batch item, in parallel over items when
// each is small and there are several.
template <class Item>
void for_each_item(const Canonical& c, bool parallel_items, int threads, const Item& item) {
  const Index items = c.batch.count;
  auto range = [&](Index lo, Index hi) {
    Cursor cur(c.batch);
    cur.seek(lo);
    for (Index i = lo; i < hi; ++i) {
      item(cur.a(), cur.b(), cur.c());
      cur.next();
    }
  };
  const Index work = std::max<Index>(1, item_work(c));
  if (!parallel_items || threads == 1 || items < 2 ||
      detail::sat_mul(items, work) < detail::kSerialWork) {
    range(0, items);
    return;
  }
  support::parallel_for(items, threads, range, std::max<Index>(1, detail::kSerialWork / work));
}

// The buffers of one run (a problem's own pointers, or a compiled plan's per-call ones).
struct Buffers {
  const void* a;
  const void* b;
  void* c;
};

void run_blas(const Canonical& c, const detail::BlasPlan& plan, DType dtype, bool accumulate,
              const Buffers& buf, int threads) {
  const auto* a = static_cast<const unsigned char*>(buf.a);
  const auto* b = static_cast<const unsigned char*>(buf.b);
  auto* out = static_cast<unsigned char*>(buf.c);
  const auto size = static_cast<Index>(itemsize(dtype));
  for_each_item(c, item_work(c) < kSmallItemWork, threads, [&](Index ao, Index bo, Index co) {
    detail::call_blas(plan, dtype, a + ao * size, b + bo * size, out + co * size, accumulate);
  });
}

// Own loops for k >= 2: dots, or blocked GEMM with C's rows contiguous along n.
template <class T>
void run_own(Canonical c, const T* a, const T* b, T* out, bool accumulate, int threads) {
  const Index ma = c.a_m < 0 ? -c.a_m : c.a_m, ka = c.a_k < 0 ? -c.a_k : c.a_k;
  const Index kb = c.b_k < 0 ? -c.b_k : c.b_k, nb = c.b_n < 0 ? -c.b_n : c.b_n;
  const Index cm = c.c_m < 0 ? -c.c_m : c.c_m, cn = c.c_n < 0 ? -c.c_n : c.c_n;
  // Vector outputs whose matrix operand is contiguous along k are independent dots.
  const bool dot_shape = (c.m == 1 && c.n == 1) || (c.n == 1 && ka <= ma) || (c.m == 1 && kb <= nb);
  if (dot_shape) {
    // The output space includes the batch dims, so this also spreads batches over threads.
    detail::dots(c, a, b, out, accumulate, threads);
    return;
  }
  // Row updates run along n: make n the dim C is contiguous along (or a vector's free dim).
  if ((c.n == 1 && c.m > 1) || (c.m > 1 && c.n > 1 && cm < cn)) {
    c.transpose();
    std::swap(a, b);  // C^T = B^T A^T: B's data plays A's role
  }
  const Index items = c.batch.count;
  const Index work = item_work(c);
  // Few or large items: one item at a time, its rows split across threads. Many small items:
  // whole items per thread.
  const bool few_items = items < 2 * support::parallel_chunks(items, threads);
  const bool split_rows = threads != 1 && detail::sat_mul(items, work) >= detail::kSerialWork &&
                          (few_items || work >= kSmallItemWork);
  for_each_item(c, !split_rows, threads, [&](Index ao, Index bo, Index co) {
    if (!split_rows || c.m < 2) {
      detail::gemm_rows(c, a + ao, b + bo, out + co, accumulate, 0, c.m);
      return;
    }
    const Index per_row = std::max<Index>(1, detail::sat_mul(c.n, c.k));
    support::parallel_for(
        c.m, threads,
        [&](Index lo, Index hi) {
          detail::gemm_rows(c, a + ao, b + bo, out + co, accumulate, lo, hi);
        },
        std::max<Index>(1, detail::kSerialWork / per_row));
  });
}

template <class T>
void run_typed(const Canonical& c, bool accumulate, const Buffers& buf, int threads) {
  const T* a = static_cast<const T*>(buf.a);
  const T* b = static_cast<const T*>(buf.b);
  T* out = static_cast<T*>(buf.c);
  if (c.k == 0) {
    if (!accumulate) detail::fill_zero(c, out, threads);
    return;
  }
  if (c.k == 1) {
    detail::elementwise(c, a, b, out, accumulate, threads);
    return;
  }
  run_own(c, a, b, out, accumulate, threads);
}

}  // namespace

namespace detail {

// What run() decides from the problem alone, before looking at buffers.
struct Prepared {
  Canonical c;
  DType dtype = DType::Float64;
  bool accumulate = false;
  bool tiny = false;      // the tiny kernels take it (when use_avx512() holds at run time)
  bool packed = false;    // the packed kernels take it (likewise)
  detail::BlasPlan blas;  // Kind::None: ein's own loops
};

}  // namespace detail

namespace {

void prepare(const GemmProblem& p, detail::Prepared& out) {
  out.c = detail::canonicalize(p);
  out.dtype = p.dtype;
  out.accumulate = p.accumulate;
  const Canonical& c = out.c;
  if (c.empty) return;
  out.tiny = detail::tiny_takes(c, p.dtype);
  // Dots shorter than kBlasDot stay in ein's loops: a BLAS call per output costs more than the
  // arithmetic there (einsum's "bi,bi->b" with small i), and the own loops vectorise too.
  const bool short_dot = c.m == 1 && c.n == 1 && c.k < kBlasDot;
  if (c.k >= 2 && is_inexact(p.dtype) && !short_dot) out.blas = detail::plan_blas(c, p.dtype);
  out.packed =
      !out.tiny && detail::packed_takes(c, p.dtype, out.blas.kind != detail::BlasPlan::Kind::None);
}

void run_prepared(const detail::Prepared& pr, const void* a, const void* b, void* c_data,
                  int threads) {
  const Canonical& c = pr.c;
  if (c.empty) return;
  if (c_data == nullptr) detail::fail("null output pointer");
  // Every route but the k == 0 fill reads A and B.
  if (c.k != 0 && (a == nullptr || b == nullptr)) detail::fail("null operand pointer");
  const Buffers buf{a, b, c_data};
  // Items whose rows fit one vector: register kernels, no BLAS call per item (see tiny.hpp).
  if (pr.tiny && detail::use_avx512()) {
    detail::tiny_run(c, pr.dtype, a, b, c_data, pr.accumulate, threads);
    return;
  }
  if (pr.packed && detail::use_avx512()) {
    detail::packed_run(c, pr.dtype, a, b, c_data, pr.accumulate, threads);
    return;
  }
  if (pr.blas.kind != detail::BlasPlan::Kind::None) {
    run_blas(c, pr.blas, pr.dtype, pr.accumulate, buf, threads);
    return;
  }
  visit_dtype(pr.dtype,
              [&](auto tag) { run_typed<decltype(tag)>(c, pr.accumulate, buf, threads); });
}

}  // namespace

PreparedProblem::PreparedProblem(const GemmProblem& p) {
  auto impl = std::make_shared<detail::Prepared>();
  prepare(p, *impl);
  impl_ = std::move(impl);
}

void run(const PreparedProblem& p, const void* a, const void* b, void* c, int threads) {
  if (!p.valid()) detail::fail("run on an empty PreparedProblem");
  run_prepared(p.impl(), a, b, c, threads);
}

bool blas_compatible(const GemmProblem& p) {
  const Canonical c = detail::canonicalize(p);
  if (c.empty) return is_inexact(p.dtype);
  Canonical shape = c;
  shape.k = std::max<Index>(shape.k, 1);
  return detail::plan_blas(shape, p.dtype).kind != detail::BlasPlan::Kind::None;
}

bool packs_directly(const GemmProblem& p) {
  // float32: a permuting copy then sgemm measured faster than packing strided operands (7.7 vs
  // 10.2 ms for a[::2, ::2] @ b at 1024^3); float64 packed directly beats copy + dgemm.
  if (!detail::use_avx512() || p.dtype != DType::Float64) return false;
  detail::Prepared pr;
  prepare(p, pr);
  return pr.packed && !pr.tiny;
}

void run(const GemmProblem& p, int threads) { run(p, p.a, p.b, p.c, threads); }

void run(const GemmProblem& p, const void* a, const void* b, void* c_data, int threads) {
  // Prepared on the stack (no allocation): the same decisions as a PreparedProblem's.
  detail::Prepared pr;
  prepare(p, pr);
  run_prepared(pr, a, b, c_data, threads);
}

}  // namespace ein::gemm
