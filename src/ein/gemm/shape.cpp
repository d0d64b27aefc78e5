#include "ein/gemm/shape.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace ein::gemm::detail {

namespace {
Index mag(Index s) { return s < 0 ? -s : s; }
}  // namespace

void fail(const char* what) { throw Error(ErrorCode::Internal, std::string("gemm: ") + what); }

void Dims::canonicalize() {
  int kept = 0;
  for (int i = 0; i < rank; ++i) {
    if (dim[static_cast<std::size_t>(i)].extent != 1) {
      dim[static_cast<std::size_t>(kept++)] = dim[static_cast<std::size_t>(i)];
    }
  }
  rank = kept;
  // A stable insertion sort: std::stable_sort may allocate a temporary buffer, and this runs on
  // every GEMM step of a compiled plan, which must not allocate (there are few dims).
  const auto before = [](const Dim3& x, const Dim3& y) {
    if (mag(x.c) != mag(y.c)) return mag(x.c) > mag(y.c);
    if (mag(x.a) != mag(y.a)) return mag(x.a) > mag(y.a);
    return mag(x.b) > mag(y.b);
  };
  for (int i = 1; i < rank; ++i) {
    const Dim3 d = dim[static_cast<std::size_t>(i)];
    int j = i;
    for (; j > 0 && before(d, dim[static_cast<std::size_t>(j - 1)]); --j) {
      dim[static_cast<std::size_t>(j)] = dim[static_cast<std::size_t>(j - 1)];
    }
    dim[static_cast<std::size_t>(j)] = d;
  }
  int folded = 0;
  for (int i = 0; i < rank; ++i) {
    const Dim3 d = dim[static_cast<std::size_t>(i)];
    if (folded > 0) {
      Dim3& prev = dim[static_cast<std::size_t>(folded - 1)];
      if (prev.a == d.extent * d.a && prev.b == d.extent * d.b && prev.c == d.extent * d.c) {
        prev = {prev.extent * d.extent, d.a, d.b, d.c};
        continue;
      }
    }
    dim[static_cast<std::size_t>(folded++)] = d;
  }
  rank = folded;
  count = 1;
  for (int i = 0; i < rank; ++i) count *= dim[static_cast<std::size_t>(i)].extent;
}

void Canonical::transpose() {
  std::swap(m, n);
  // New A (m' x k) is old B^T, new B (k x n') is old A^T.
  const Index old_a_m = a_m, old_a_k = a_k;
  a_m = b_n;
  a_k = b_k;
  b_k = old_a_k;
  b_n = old_a_m;
  std::swap(c_m, c_n);
  std::swap(conj_a, conj_b);
  for (int i = 0; i < batch.rank; ++i)
    std::swap(batch.dim[static_cast<std::size_t>(i)].a, batch.dim[static_cast<std::size_t>(i)].b);
}

Canonical canonicalize(const GemmProblem& p) {
  if (p.m < 0 || p.n < 0 || p.k < 0) fail("negative extent");
  if (p.batch.size() > 64) fail("more than 64 batch dims");
  Canonical c;
  c.conj_a = p.conj_a && is_complex(p.dtype);
  c.conj_b = p.conj_b && is_complex(p.dtype);
  c.m = p.m;
  c.n = p.n;
  c.k = p.k;
  c.a_m = p.m == 1 ? 0 : p.a_m_stride;
  c.a_k = p.k == 1 ? 0 : p.a_k_stride;
  c.b_k = p.k == 1 ? 0 : p.b_k_stride;
  c.b_n = p.n == 1 ? 0 : p.b_n_stride;
  c.c_m = p.m == 1 ? 0 : p.c_m_stride;
  c.c_n = p.n == 1 ? 0 : p.c_n_stride;
  bool empty = p.m == 0 || p.n == 0;
  for (const BatchDim& d : p.batch) {
    if (d.extent < 0) fail("negative batch extent");
    if (d.extent == 0) empty = true;
    c.batch.push({d.extent, d.a_stride, d.b_stride, d.c_stride});
  }
  c.empty = empty;
  if (!empty) c.batch.canonicalize();
  return c;
}

void Cursor::seek(Index pos) {
  a_ = b_ = c_ = 0;
  for (int i = d_.rank - 1; i >= 0; --i) {
    const Dim3& d = d_[i];
    const Index x = pos % d.extent;
    pos /= d.extent;
    idx_[static_cast<std::size_t>(i)] = x;
    a_ += x * d.a;
    b_ += x * d.b;
    c_ += x * d.c;
  }
}

void Cursor::next() {
  for (int i = d_.rank - 1; i >= 0; --i) {
    const Dim3& d = d_[i];
    Index& x = idx_[static_cast<std::size_t>(i)];
    if (++x < d.extent) {
      a_ += d.a;
      b_ += d.b;
      c_ += d.c;
      return;
    }
    a_ -= (d.extent - 1) * d.a;
    b_ -= (d.extent - 1) * d.b;
    c_ -= (d.extent - 1) * d.c;
    x = 0;
  }
}

}  // namespace ein::gemm::detail
