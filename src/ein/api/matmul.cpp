// numpy.matmul as an einsum with '...' for the broadcast batch axes.
#include <string>

#include "ein/api/labels.hpp"
#include "ein/elementwise/broadcast.hpp"
#include "ein/products.hpp"

namespace ein {

namespace {

constexpr const char* kSignature = "(n?,k),(k,m?)->(n?,m?)";

// NumPy's batch broadcasting check, with a message that names the operand and axis at fault.
void check_batch_axes(const TensorView& a, const TensorView& b) {
  const int ba = a.rank() - 2, bb = b.rank() - 2;  // batch ranks (negative: none)
  for (int i = 1; i <= ba && i <= bb; ++i) {
    const Index ea = a.extent(ba - i), eb = b.extent(bb - i);
    if (ea != eb && ea != 1 && eb != 1) {
      throw Error(ErrorCode::ShapeMismatch,
                  "matmul: operands could not be broadcast together: batch axis " +
                      std::to_string(ba - i) + " of operand 0 " +
                      elementwise::compact_shape(a.shape()) + " has extent " + std::to_string(ea) +
                      " but batch axis " + std::to_string(bb - i) + " of operand 1 " +
                      elementwise::compact_shape(b.shape()) + " has extent " + std::to_string(eb));
    }
  }
}

}  // namespace

Tensor matmul(const TensorView& a, const TensorView& b) {
  for (int i = 0; i < 2; ++i) {
    if ((i == 0 ? a : b).rank() == 0) {
      throw Error(ErrorCode::ShapeMismatch,
                  "matmul: Input operand " + std::to_string(i) +
                      " does not have enough dimensions (has 0, gufunc core with signature " +
                      kSignature + " requires 1)");
    }
  }
  // A 1-D a acts as a row (1, k) and a 1-D b as a column (k, 1); the added axis is then dropped,
  // which in einsum terms simply means the label never exists.
  const Index ka = a.extent(-1), kb = b.extent(b.rank() >= 2 ? -2 : -1);
  if (ka != kb) {
    throw Error(ErrorCode::ShapeMismatch,
                std::string("matmul: Input operand 1 has a mismatch in its core dimension 0, with "
                            "gufunc signature ") +
                    kSignature + " (size " + std::to_string(kb) + " is different from " +
                    std::to_string(ka) + ")");
  }
  check_batch_axes(a, b);
  const bool a_matrix = a.rank() >= 2, b_matrix = b.rank() >= 2;
  const std::string ta = a_matrix ? "...ij" : "j";
  const std::string tb = b_matrix ? "...jk" : "j";
  const std::string out = std::string(a_matrix || b_matrix ? "..." : "") + (a_matrix ? "i" : "") +
                          (b_matrix ? "k" : "");
  return api::contract2(ta, a, tb, b, out);
}

}  // namespace ein
