// Runs the worked examples of the reference notes through ein and prints inputs and results.
// Every line can be checked against NumPy: the expected values are in the comments.
#include <cstdint>
#include <exception>
#include <iostream>
#include <vector>

#include "ein/ein.hpp"
#include "print_tensor.hpp"

using ein::DType;
using ein::Tensor;
using example::print;

namespace {

Tensor ints(const std::vector<std::int64_t>& v, ein::Shape shape) {
  return Tensor::from_vector<std::int64_t>(v, std::move(shape));
}

void section(const char* title) { std::cout << "\n== " << title << " ==\n"; }

void run() {
  section("einsum('ij->ji', a): transpose");
  const Tensor a = ints({1, 2, 3, 4, 5, 6}, {2, 3});
  print("a", a);
  print("einsum('ij->ji', a)", ein::einsum("ij->ji", {a}));  // [[1, 4], [2, 5], [3, 6]]

  section("einsum('ii', m): trace");
  const Tensor m = ints({1, 2, 3, 4}, {2, 2});
  print("m", m);
  print("einsum('ii', m)", ein::einsum("ii", {m}));  // 5

  section("einsum('ij,jk->ik', m, n): matrix product");
  const Tensor n = ints({5, 6, 7, 8}, {2, 2});
  print("n", n);
  print("einsum('ij,jk->ik', m, n)", ein::einsum("ij,jk->ik", {m, n}));  // [[19, 22], [43, 50]]

  section("dot of matrices equals matmul");
  print("dot(m, n)", ein::dot(m, n));        // [[19, 22], [43, 50]]
  print("matmul(m, n)", ein::matmul(m, n));  // the same

  section("dot of vectors");
  print("dot([1, 2, 3], [4, 5, 6])", ein::dot(ints({1, 2, 3}, {3}), ints({4, 5, 6}, {3})));  // 32

  section("dot of a 3-D tensor and a vector sums over the last axis");
  const Tensor t3 = ints({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {2, 2, 3});
  print("a", t3);
  print("dot(a, [1, 0, 1])", ein::dot(t3, ints({1, 0, 1}, {3})));  // [[4, 10], [16, 22]]

  section("dot of two 3-D tensors: a's last axis with b's second-to-last");
  const Tensor A = ints({1, 2, 3, 4}, {2, 1, 2});
  const Tensor B = ints({5, 6, 7, 8}, {2, 2, 1});
  print("A", A);
  print("B", B);
  print("dot(A, B)", ein::dot(A, B));  // shape (2, 1, 2, 1): [[[[17], [23]]], [[[39], [53]]]]

  section("shapes");
  const Tensor d =
      ein::dot(Tensor::ones(DType::Float64, {2, 3, 4}), Tensor::ones(DType::Float64, {7, 4, 5}));
  std::cout << "dot(ones((2, 3, 4)), ones((7, 4, 5))).shape = " << ein::shape_to_string(d.shape())
            << "   # (2, 3, 7, 5)\n";
  const Tensor mm = ein::matmul(Tensor::ones(DType::Float64, {9, 8, 7, 4, 2}),
                                Tensor::ones(DType::Float64, {9, 8, 7, 2, 5}));
  std::cout << "matmul(ones((9, 8, 7, 4, 2)), ones((9, 8, 7, 2, 5))).shape = "
            << ein::shape_to_string(mm.shape()) << "   # (9, 8, 7, 4, 5)\n";

  section("tensordot(v, u, axes=1)");
  std::vector<double> values;
  for (int i = 1; i <= 2; ++i) {
    for (int j = 1; j <= 3; ++j) {
      for (int k = 1; k <= 4; ++k) values.push_back(100.0 * i + 10.0 * j + k);
    }
  }
  const Tensor v = Tensor::from_vector<double>(values, {2, 3, 4});
  const Tensor u = Tensor::ones(DType::Float64, {4});
  print("v", v);
  print("u", u);
  print("tensordot(v, u, 1)", ein::tensordot(v, u, 1));  // [[450, 490, 530], [850, 890, 930]]

  section("multiply: the Hadamard product");
  const Tensor h1 = ints({1, 2, 3, 4, 5, 6}, {2, 3}), h2 = ints({7, 8, 9, 10, 11, 12}, {2, 3});
  print("multiply(x, y)", ein::multiply(h1, h2));  // [[7, 16, 27], [40, 55, 72]]
}

}  // namespace

int main() {
  try {
    run();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
