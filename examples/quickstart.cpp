// ein in a page: wrap your own memory, contract with einsum, use the NumPy-style front doors.
#include <cstdio>
#include <exception>
#include <iostream>
#include <vector>

#include "ein/ein.hpp"
#include "print_tensor.hpp"

int main() {
  try {
    // 1. Views over caller memory: no copy. Strides are in elements and may be negative or zero.
    std::vector<double> a_data = {1, 2, 3, 4, 5, 6};  // a 2x3 matrix, row-major
    std::vector<double> b_data = {1, 0, 0, 1, 1, 1};  // a 3x2 matrix
    const ein::TensorView a = ein::TensorView::of(a_data.data(), {2, 3});
    const ein::TensorView b = ein::TensorView::of(b_data.data(), {3, 2});
    // The same buffer as a's transpose, by strides alone.
    const ein::TensorView at = ein::TensorView::of(a_data.data(), {3, 2}, {1, 3});

    // 2. einsum with NumPy's semantics returns an owning, C-contiguous ein::Tensor.
    example::print("einsum('ij,jk->ik', a, b)", ein::einsum("ij,jk->ik", {a, b}));
    example::print("einsum('ij->j', a)", ein::einsum("ij->j", {a}));
    example::print("einsum('ji,jk->ik', a^T view, b)", ein::einsum("ji,jk->ik", {at, b}));

    // 3. NumPy's front doors: same results as numpy.dot / matmul / tensordot / sum.
    example::print("dot(a, b)", ein::dot(a, b));
    example::print("matmul(a, b)", ein::matmul(a, b));
    example::print("sum(a, axis=1)", ein::sum(a, std::vector<int>{1}));
    example::print("a * 2.5", ein::multiply(a, 2.5));

    // 4. Mistakes are ein::Error values that say what, where, and what was expected.
    try {
      (void)ein::dot(a, a);
    } catch (const ein::Error& e) {
      std::cout << "dot(a, a) -> " << ein::error_code_name(e.code()) << ": " << e.what() << '\n';
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
