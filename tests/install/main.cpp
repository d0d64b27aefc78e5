// A downstream project: find_package(ein) from an installed prefix, einsum over caller memory.
#include <cstdio>
#include <ein/ein.hpp>

int main() {
  float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  const ein::Tensor r = ein::einsum(
      "ij,jk->ik", {ein::TensorView::of(a, {2, 2}), ein::TensorView::of(b, {2, 2})});
  const bool ok = r.to_vector<float>() == std::vector<float>{19, 22, 43, 50};
  std::printf("find_package(ein) consumer: %s\n", ok ? "ok" : "WRONG RESULT");
  return ok ? 0 : 1;
}
