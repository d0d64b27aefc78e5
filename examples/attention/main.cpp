// Multi-head self-attention, one einsum at a time.
//
//   ein_attention_example                      the walk-through at batch 2, seq 10, dim 16, 8 heads
//   ein_attention_example BATCH SEQ DIM HEADS [REPEATS]
//                                              the timed pipeline at another size (a benchmark)
//
// Every product below is ein::einsum (the same engine as numpy.einsum, planned and run on BLAS);
// splitting and merging heads are einops-style rearranges, which are views where strides allow.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "ein/ein.hpp"
#include "ein/nn.hpp"
#include "ein/rearrange.hpp"
#include "print_tensor.hpp"

namespace {

void show(const char* what, const ein::Tensor& t, const char* how) {
  std::cout << "  " << what << ": " << ein::shape_to_string(t.shape()) << "  <- " << how << '\n';
}

double max_abs_difference(const ein::Tensor& a, const ein::Tensor& b) {
  const auto x = a.to_vector<double>(), y = b.to_vector<double>();
  double m = 0;
  for (std::size_t i = 0; i < x.size(); ++i) m = std::max(m, std::fabs(x[i] - y[i]));
  return m;
}

void walk_through() {
  const ein::Index batch = 2, seq = 10, dim = 16;
  const int heads = 8;
  const ein::Index dh = dim / heads;
  std::cout << "Multi-head self-attention: batch " << batch << ", sequence " << seq << ", width "
            << dim << ", " << heads << " heads of " << dh << " features\n";
  // Deterministic inputs NumPy can reproduce (the formula is in ein/nn.hpp).
  const ein::AttentionInputs in = ein::make_attention_inputs(batch, seq, dim);

  // 1. Project: x @ W for each of q, k, v. One GEMM each: (batch*seq, dim) x (dim, dim).
  const ein::Tensor q = ein::einsum("bnd,de->bne", {in.x, in.w_q});
  const ein::Tensor k = ein::einsum("bnd,de->bne", {in.x, in.w_k});
  const ein::Tensor v = ein::einsum("bnd,de->bne", {in.x, in.w_v});
  show("q, k, v", q, "einsum('bnd,de->bne', x, W)");

  // 2. Split heads: the last axis is (h d), h varying slowest. A view: no data moves.
  const ein::AxisSizes h = {{"h", heads}};
  const ein::Tensor qh = ein::rearrange(q, "b n (h d) -> b h n d", h);
  const ein::Tensor kh = ein::rearrange(k, "b n (h d) -> b h n d", h);
  const ein::Tensor vh = ein::rearrange(v, "b n (h d) -> b h n d", h);
  show("q per head", qh, "rearrange('b n (h d) -> b h n d', h=8)");
  std::cout << "    (a view of q: same buffer " << (qh.data() == q.data() ? "yes" : "no")
            << ", strides " << ein::shape_to_string(qh.strides()) << ")\n";

  // 3. Scores: every query against every key, per batch and head; a batched GEMM.
  const ein::Tensor scores = ein::multiply(ein::einsum("bhid,bhjd->bhij", {qh, kh}),
                                           1.0 / std::sqrt(static_cast<double>(dh)));
  show("scores", scores, "einsum('bhid,bhjd->bhij', q, k) / sqrt(d)");
  const std::array<ein::OperandSpec, 2> specs = {ein::OperandSpec::of(qh),
                                                 ein::OperandSpec::of(kh)};
  std::cout << ein::einsum_path("bhid,bhjd->bhij", specs).to_string() << '\n';

  // 4. Softmax over the keys (numerically stable; the one step einsum cannot do).
  const ein::Tensor weights = ein::softmax(scores, -1);
  show("weights", weights, "softmax(scores, axis=-1)");

  // 5. Weighted sum of the values, then merge the heads back (a copy: h and n swapped places).
  const ein::Tensor o = ein::einsum("bhij,bhjd->bhid", {weights, vh});
  show("per-head output", o, "einsum('bhij,bhjd->bhid', weights, v)");
  const ein::Tensor merged = ein::rearrange(o, "b h n d -> b n (h d)");
  show("merged", merged, "rearrange('b h n d -> b n (h d)')");

  // 6. Output projection.
  const ein::Tensor out = ein::einsum("bne,ef->bnf", {merged, in.w_o});
  show("output", out, "einsum('bne,ef->bnf', merged, W_o)");
  example::print("output[0, :2]", out.select(0, 0).slice(0, 0, 2));

  // The library function computes the same thing.
  const ein::Tensor same = ein::multi_head_attention(in.x, in.w_q, in.w_k, in.w_v, in.w_o, heads);
  std::cout << "\nmulti_head_attention(...) differs from the walk-through by at most "
            << max_abs_difference(out, same) << "\n\n";

  // Keras's batch_dot is not matmul: only axis 0 is a batch axis.
  const ein::Tensor a = ein::Tensor::zeros(ein::DType::Float32, {9, 8, 7, 4, 2});
  const ein::Tensor b = ein::Tensor::zeros(ein::DType::Float32, {9, 8, 7, 2, 5});
  std::cout << "batch_dot (9,8,7,4,2)·(9,8,7,2,5) -> "
            << ein::shape_to_string(ein::keras::batch_dot(a, b).shape()) << ", matmul -> "
            << ein::shape_to_string(ein::matmul(a, b).shape()) << "\n\n";

  // The timed version of the same pipeline (what `ein demo` prints).
  std::cout << ein::attention_demo({}).to_string();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 1) {
      walk_through();
      return 0;
    }
    if (argc < 5 || argc > 6) {
      std::cerr << "usage: " << argv[0] << " [BATCH SEQ DIM HEADS [REPEATS]]\n";
      return 2;
    }
    ein::AttentionDemoOptions o;
    o.batch = std::atoll(argv[1]);
    o.seq = std::atoll(argv[2]);
    o.dim = std::atoll(argv[3]);
    o.heads = std::atoi(argv[4]);
    o.repeats = argc == 6 ? std::atoi(argv[5]) : 5;
    std::cout << ein::attention_demo(o).to_string();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
