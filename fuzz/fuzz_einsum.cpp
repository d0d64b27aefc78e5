// End-to-end fuzzing: ein::einsum (and einsum_into, Expression) against the loop-nest reference
// (tests/support/reference_einsum.hpp) on small random expressions built from the input bytes.
//
// Values are small integers and halves, so every sum ein and the reference compute is exact in
// every dtype and results must agree exactly, whatever the path, GEMM route and thread count.
// Integer cases may use extreme values (wrap-around must match NumPy's). Real float cases may hold
// NaN and +-Inf: then an element must be non-finite in ein's result exactly where it is in the
// reference's (ein contracts pairwise, so e.g. 2*Inf - 1*Inf (NaN) may become (2-1)*Inf (Inf)
// as with NumPy's optimize=True; what must never happen is a NaN or Inf silently dropped).
// Sometimes the output is written over operand 0's own memory (einsum_into with out aliasing an
// input), which must give the same answer as a fresh output. Sometimes the call runs again under
// a memory_limit: the executor then slices the contraction into chunks, and the result must be
// the same (every sum is exact), or the budget must be refused with MemoryLimit.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "ein/einsum.hpp"
#include "fuzz_util.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein::fuzz {
namespace {

constexpr char kLetters[] = "abcdefAB";
constexpr const char* kFinders[] = {"auto", "greedy", "optimal", "dp", "branch-1", "none"};
constexpr Index kMaxWork = 4096;

struct Case {
  std::string subscripts;
  std::vector<Tensor> operands;
  EinsumOptions options;
  bool specials = false;  // NaN/Inf present
  int alias_mode = 0;     // 0: einsum; 1: einsum_into a strided out; 2: out aliases operand 0
  std::optional<std::int64_t> memory_limit;  // a second run under this budget (bytes)
};

template <class T>
T small_value(FuzzedDataProvider& in, bool extreme, bool special) {
  const int pick = in.ConsumeIntegral<std::uint8_t>();
  if constexpr (std::is_same_v<T, bool>) {
    return (pick & 1) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    if (extreme && pick >= 240) {
      constexpr T kEdge[] = {std::numeric_limits<T>::max(), std::numeric_limits<T>::min(),
                             std::numeric_limits<T>::max() / 2 + 1, -1};
      return kEdge[pick % 4];
    }
    return static_cast<T>(pick % 7) - 3;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (special && pick >= 244) {
      constexpr T kSpecial[] = {std::numeric_limits<T>::quiet_NaN(),
                                std::numeric_limits<T>::infinity(),
                                -std::numeric_limits<T>::infinity(), T(0)};
      return kSpecial[pick % 4];
    }
    return static_cast<T>(static_cast<int>(pick % 9) - 4) / 2;  // -2, -1.5, ..., 2
  } else {
    using R = typename T::value_type;
    const R re = static_cast<R>(static_cast<int>(pick % 9) - 4) / 2;
    const R im = static_cast<R>(static_cast<int>(in.ConsumeIntegral<std::uint8_t>() % 5) - 2);
    return {re, im};
  }
}

Tensor make_operand(FuzzedDataProvider& in, DType dtype, const Shape& shape, bool extreme,
                    bool special) {
  Tensor t = Tensor::empty(dtype, shape);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(t.data());
    for (Index i = 0; i < t.numel(); ++i) p[i] = small_value<T>(in, extreme, special);
  });
  // Odd strides, reversed and permuted axes, NaN-filled gaps (reading one spoils the result).
  if (in.ConsumeBool()) {
    test::Rng rng = test::make_rng(in.ConsumeIntegral<std::uint32_t>());
    return test::odd_strided_copy(t, rng);
  }
  return t;
}

bool build_case(FuzzedDataProvider& in, Case& c) {
  const int n = in.ConsumeIntegralInRange(1, 4);
  const int num_letters = in.ConsumeIntegralInRange(1, 6);
  Index extents[8];
  Index work = 1;
  for (int l = 0; l < num_letters; ++l) {
    const int e = in.ConsumeIntegralInRange(0, 15);
    extents[l] = e == 0 ? 0 : 1 + e % 4;  // 0 rarely, else 1..4
    work *= std::max<Index>(extents[l], 1);
  }
  // '...' axes shared by the operands that use it, right-aligned NumPy-style.
  const int num_ell = in.ConsumeIntegralInRange(0, 2);
  Index ell[2];
  for (int k = 0; k < num_ell; ++k) {
    ell[k] = in.ConsumeIntegralInRange<Index>(1, 3);
    work *= ell[k];
  }
  if (work > kMaxWork) return false;

  const bool same_dtype = in.ConsumeBool();
  const DType first = kAllDTypes[in.ConsumeIntegralInRange(0, kNumDTypes - 1)];
  std::vector<DType> dtypes;
  DType result = first;
  for (int i = 0; i < n; ++i) {
    dtypes.push_back(same_dtype ? first : kAllDTypes[in.ConsumeIntegralInRange(0, kNumDTypes - 1)]);
    result = promote_types(result, dtypes.back());
  }
  const bool extreme = is_integer(result) || result == DType::Bool;
  c.specials = is_floating(result) && in.ConsumeIntegralInRange(0, 3) == 0;

  std::vector<bool> used(static_cast<std::size_t>(num_letters), false);
  bool any_ellipsis = false;
  for (int i = 0; i < n; ++i) {
    const int rank = in.ConsumeIntegralInRange(0, 4);
    const bool ellipsis = num_ell > 0 && in.ConsumeIntegralInRange(0, 3) == 0;
    Shape shape;
    std::string term;
    for (int a = 0; a < rank; ++a) {
      const int l = in.ConsumeIntegralInRange(0, num_letters - 1);
      used[static_cast<std::size_t>(l)] = true;
      term += kLetters[l];
      // Extent 1 broadcasts against the label's extent (except inside a diagonal: keep it).
      const bool broadcast =
          in.ConsumeIntegralInRange(0, 9) == 0 && term.find(kLetters[l]) == term.size() - 1;
      shape.push_back(broadcast ? 1 : extents[l]);
    }
    if (ellipsis) {
      any_ellipsis = true;
      const int covered = in.ConsumeIntegralInRange(0, num_ell);
      const std::size_t at = static_cast<std::size_t>(in.ConsumeIntegralInRange(0, rank));
      term.insert(at, "...");
      Shape ell_shape;
      for (int k = num_ell - covered; k < num_ell; ++k) {
        ell_shape.push_back(in.ConsumeIntegralInRange(0, 4) == 0 ? 1 : ell[k]);
      }
      shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(at), ell_shape.begin(),
                   ell_shape.end());
    }
    c.subscripts += (i ? "," : "") + term;
    c.operands.push_back(
        make_operand(in, dtypes[static_cast<std::size_t>(i)], shape, extreme, c.specials));
  }
  if (in.ConsumeBool()) {  // explicit output: some used letters in some order, '...' kept
    std::vector<std::string> tokens;
    if (any_ellipsis) tokens.emplace_back("...");
    for (int l = 0; l < num_letters; ++l) {
      if (used[static_cast<std::size_t>(l)] && in.ConsumeBool()) {
        const int at = in.ConsumeIntegralInRange<int>(0, static_cast<int>(tokens.size()));
        tokens.insert(tokens.begin() + at, std::string(1, kLetters[l]));
      }
    }
    c.subscripts += "->";
    for (const auto& t : tokens) c.subscripts += t;
  }
  c.options.optimize = kFinders[in.ConsumeIntegralInRange(0, 5)];
  c.options.gemm_route = static_cast<GemmRoute>(in.ConsumeIntegralInRange(0, 2));
  c.options.threads = in.ConsumeIntegralInRange(1, 3);
  c.alias_mode = in.ConsumeIntegralInRange(0, 2);
  // Read last, so inputs written before this option existed decode as they did (no limit).
  if (in.ConsumeBool()) {
    const int kind = in.ConsumeIntegralInRange(0, 3);
    c.memory_limit = kind == 0   ? EinsumOptions::kMaxInput
                     : kind == 1 ? std::int64_t{0}
                                 : in.ConsumeIntegralInRange<std::int64_t>(1, 4 * kMaxWork);
  }
  return true;
}

// Exact equality, NaN matching NaN and -0 matching 0; with specials only finiteness must agree.
template <class T>
bool same(T a, T b, bool specials) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a) || std::isnan(b) || std::isinf(a) || std::isinf(b)) {
      if (specials) return !std::isfinite(a) && !std::isfinite(b);
      return (std::isnan(a) && std::isnan(b)) || a == b;
    }
    return a == b;
  } else if constexpr (std::is_same_v<T, complex64> || std::is_same_v<T, complex128>) {
    return same(a.real(), b.real(), specials) && same(a.imag(), b.imag(), specials);
  } else {
    return a == b;
  }
}

void compare(const Tensor& got, const Tensor& want, const Case& c, const char* what) {
  const std::string where = std::string(what) + " of einsum('" + c.subscripts + "', optimize='" +
                            c.options.optimize + "')";
  check(got.dtype() == want.dtype(), "dtype " + where);
  check(got.shape() == want.shape(), "shape " + shape_to_string(got.shape()) + " vs " +
                                         shape_to_string(want.shape()) + " " + where);
  visit_dtype(want.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const Tensor g = got.contiguous(), w = want.contiguous();
    const T* gp = static_cast<const T*>(g.data());
    const T* wp = static_cast<const T*>(w.data());
    for (Index i = 0; i < w.numel(); ++i) {
      if (!same(gp[i], wp[i], c.specials))
        fail("element " + std::to_string(i) + " differs: " + where);
    }
  });
}

// The same einsum under a memory budget (operand 0 still holds its original values: alias mode 2
// is skipped here). A budget that no slicing can meet must be refused with MemoryLimit before
// anything runs; otherwise einsum and a compiled Expression give the unlimited result.
void run_within_memory_limit(const Case& c, const std::vector<TensorView>& views,
                             const Tensor& want) {
  if (c.alias_mode == 2) return;
  EinsumOptions limited = c.options;
  limited.memory_limit = c.memory_limit;
  const std::string budget = " under memory_limit=" + std::to_string(*c.memory_limit);
  Tensor got;
  try {
    got = einsum(c.subscripts, views, limited);
  } catch (const Error& e) {
    check(e.code() == ErrorCode::MemoryLimit, std::string("einsum") + budget + " failed with " +
                                                  error_code_name(e.code()) + ": " + e.what() +
                                                  " for " + c.subscripts);
    return;
  }
  compare(got, want, c, ("einsum" + budget).c_str());
  std::vector<OperandSpec> specs;
  for (const auto& v : views) specs.push_back(OperandSpec::of(v));
  const Expression e = Expression::compile(c.subscripts, specs, limited);
  compare(e(views), want, c, ("Expression" + budget).c_str());
}

void run(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  Case c;
  if (!build_case(in, c)) return;
  std::vector<TensorView> views(c.operands.begin(), c.operands.end());
  Tensor want;
  try {
    want = test::reference_einsum(c.subscripts, views);
  } catch (const Error&) {
    // The reference rejects it (e.g. an explicit output dropped a broadcast '...'): ein must too.
    check(!accepts([&] { (void)einsum(c.subscripts, views, c.options); }),
          "ein accepts what the reference rejects: " + c.subscripts);
    return;
  }
  Tensor got;
  if (!accepts([&] { got = einsum(c.subscripts, views, c.options); })) {
    fail("ein rejects what the reference accepts: " + c.subscripts);
  }
  compare(got, want, c, "einsum");

  // A compiled Expression gives the same result, and so does writing into an existing out.
  std::vector<OperandSpec> specs;
  for (const auto& v : views) specs.push_back(OperandSpec::of(v));
  const Expression e = Expression::compile(c.subscripts, specs, c.options);
  compare(e(views), want, c, "Expression");
  if (c.alias_mode == 1) {
    // Fortran-ordered out (reversed axes): not the layout the plan writes.
    Shape reversed(want.shape().rbegin(), want.shape().rend());
    Tensor out = Tensor::ones(want.dtype(), reversed).transpose();
    e.run(views, out);
    compare(out, want, c, "Expression::run into a transposed out");
  } else if (c.alias_mode == 2 && c.operands[0].shape() == want.shape() &&
             c.operands[0].dtype() == want.dtype()) {
    // out is operand 0 itself: NumPy's answer is the one computed from the original values.
    einsum_into(c.subscripts, views, c.operands[0], c.options);
    compare(c.operands[0], want, c, "einsum_into with out aliasing operand 0");
  }
  if (c.memory_limit) run_within_memory_limit(c, views, want);
}

}  // namespace
}  // namespace ein::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ein::fuzz::run(data, size);
  return 0;
}
