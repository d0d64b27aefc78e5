#include "openblas_peer.hpp"

#include <cblas.h>

#include <memory>
#include <vector>

namespace bench {
namespace {

using ein::Index;

// Row-major C = op(A) op(B) with beta = 0, for float and double.
template <class T>
void gemm(bool trans_b, Index m, Index n, Index k, const T* a, Index lda, const T* b, Index ldb,
          T* c, Index ldc) {
  const auto tb = trans_b ? CblasTrans : CblasNoTrans;
  const auto i = [](Index v) { return static_cast<blasint>(v); };
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, tb, i(m), i(n), i(k), 1.0f, a, i(lda), b, i(ldb), 0.0f,
                c, i(ldc));
  } else {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, tb, i(m), i(n), i(k), 1.0, a, i(lda), b, i(ldb), 0.0,
                c, i(ldc));
  }
}

template <class T>
T dot(Index n, const T* x, const T* y) {
  if constexpr (std::is_same_v<T, float>) {
    return cblas_sdot(static_cast<blasint>(n), x, 1, y, 1);
  } else {
    return cblas_ddot(static_cast<blasint>(n), x, 1, y, 1);
  }
}

template <class T>
void gemv(Index m, Index n, const T* a, const T* x, T* y) {
  const auto i = [](Index v) { return static_cast<blasint>(v); };
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, i(m), i(n), 1.0f, a, i(n), x, 1, 0.0f, y, 1);
  } else {
    cblas_dgemv(CblasRowMajor, CblasNoTrans, i(m), i(n), 1.0, a, i(n), x, 1, 0.0, y, 1);
  }
}

template <class T>
std::function<void()> runner(const Prepared& p, const ein::Tensor& out) {
  const std::string& name = p.c->name;
  const std::vector<ein::Shape>& s = p.c->shapes;
  std::vector<const T*> in;
  for (const auto& t : p.tensors) in.push_back(t.template data_as<T>());
  T* c = out.data_as<T>();
  const auto starts_with = [&](const char* prefix) { return name.rfind(prefix, 0) == 0; };

  if (starts_with("matmul_") || name == "tiny_3x3") {  // ij,jk->ik
    const Index m = s[0][0], k = s[0][1], n = s[1][1];
    return [=] { gemm<T>(false, m, n, k, in[0], k, in[1], n, c, n); };
  }
  if (name == "tiny_2x2x2") {  // ijk,jkl->il: (i, jk) @ (jk, l)
    const Index m = s[0][0], k = s[0][1] * s[0][2], n = s[1][2];
    return [=] { gemm<T>(false, m, n, k, in[0], k, in[1], n, c, n); };
  }
  if (starts_with("bmm_")) {  // bij,bjk->bik, one GEMM per batch
    const Index b = s[0][0], m = s[0][1], k = s[0][2], n = s[1][2];
    return [=] {
      for (Index i = 0; i < b; ++i) {
        gemm<T>(false, m, n, k, in[0] + i * m * k, k, in[1] + i * k * n, n, c + i * m * n, n);
      }
    };
  }
  if (name == "attn_scores") {  // bhid,bhjd->bhij: Q K^T per (b, h)
    const Index bh = s[0][0] * s[0][1], m = s[0][2], k = s[0][3], n = s[1][2];
    return [=] {
      for (Index i = 0; i < bh; ++i) {
        gemm<T>(true, m, n, k, in[0] + i * m * k, k, in[1] + i * n * k, k, c + i * m * n, n);
      }
    };
  }
  if (name == "attn_values") {  // bhij,bhjd->bhid: P V per (b, h)
    const Index bh = s[0][0] * s[0][1], m = s[0][2], k = s[0][3], n = s[1][3];
    return [=] {
      for (Index i = 0; i < bh; ++i) {
        gemm<T>(false, m, n, k, in[0] + i * m * k, k, in[1] + i * k * n, n, c + i * m * n, n);
      }
    };
  }
  if (name == "md_nd_mn") {  // A B^T
    const Index m = s[0][0], k = s[0][1], n = s[1][0];
    return [=] { gemm<T>(true, m, n, k, in[0], k, in[1], k, c, n); };
  }
  if (name == "outer") {  // a rank-1 GEMM (ger would accumulate into c)
    const Index m = s[0][0], n = s[1][0];
    return [=] { gemm<T>(false, m, n, 1, in[0], 1, in[1], n, c, n); };
  }
  if (name == "matvec") {
    const Index m = s[0][0], n = s[0][1];
    return [=] { gemv<T>(m, n, in[0], in[1], c); };
  }
  if (name == "dot_1d" || name == "dot_2d") {
    const Index n = p.tensors[0].numel();
    return [=] { *c = dot<T>(n, in[0], in[1]); };
  }
  if (name == "chain4") {  // ab,bc,cd,de->ae in the cheapest order: (A (B C)) D
    const Index a = s[0][0], b = s[0][1], cc = s[1][1], d = s[2][1], e = s[3][1];
    auto t1 = std::make_shared<std::vector<T>>(static_cast<std::size_t>(b * d));
    auto t2 = std::make_shared<std::vector<T>>(static_cast<std::size_t>(a * d));
    return [=] {
      gemm<T>(false, b, d, cc, in[1], cc, in[2], d, t1->data(), d);
      gemm<T>(false, a, d, b, in[0], b, t1->data(), d, t2->data(), d);
      gemm<T>(false, a, e, d, t2->data(), d, in[3], e, c, e);
    };
  }
  return {};
}

}  // namespace

bool openblas_supports(const Case& c) {
  static const char* const kNames[] = {"tiny_3x3", "tiny_2x2x2", "attn_scores", "attn_values",
                                       "md_nd_mn", "outer",      "matvec",      "dot_1d",
                                       "dot_2d",   "chain4"};
  if (c.heads > 0) return false;
  if (c.name.rfind("matmul_", 0) == 0 || c.name.rfind("bmm_", 0) == 0) return true;
  for (const char* n : kNames) {
    if (c.name == n) return true;
  }
  return false;
}

std::function<void()> openblas_runner(const Prepared& p, const ein::Tensor& out) {
  if (p.c->heads > 0) return {};
  if (p.c->dtype == ein::DType::Float32) return runner<float>(p, out);
  return runner<double>(p, out);
}

}  // namespace bench
