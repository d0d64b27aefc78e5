// Element arithmetic for the contraction loops, with NumPy's meaning and no undefined behaviour.
//
// Each dtype computes in an accumulator type `Acc`: integers in the unsigned type of the same
// width (so overflow wraps like NumPy instead of being signed-overflow UB), bool in unsigned char
// (OR of ANDs), complex with the plain (ac - bd, ad + bc) product that NumPy and BLAS use (not the
// C99 Annex G recovery that std::complex's operator* may call into), floats as themselves.
#pragma once

#include <complex>
#include <cstdint>
#include <type_traits>

namespace ein::gemm::detail {

template <class T>
struct Arith {  // float, double
  using Acc = T;
  static Acc load(T v) { return v; }
  static T store(Acc v) { return v; }
  static Acc add(Acc x, Acc y) { return x + y; }
  static Acc mul(Acc a, Acc b) { return a * b; }
  static Acc madd(Acc c, Acc a, Acc b) { return c + a * b; }
};

template <class T>
requires std::is_integral_v<T> &&(!std::is_same_v<T, bool>)struct Arith<T> {
  using Acc = std::make_unsigned_t<T>;
  static Acc load(T v) { return static_cast<Acc>(v); }
  static T store(Acc v) { return static_cast<T>(v); }  // modular since C++20
  static Acc add(Acc x, Acc y) { return static_cast<Acc>(x + y); }
  static Acc mul(Acc a, Acc b) { return static_cast<Acc>(a * b); }
  static Acc madd(Acc c, Acc a, Acc b) { return static_cast<Acc>(c + a * b); }
};

template <>
struct Arith<bool> {
  using Acc = unsigned char;
  static Acc load(bool v) { return v ? 1 : 0; }
  static bool store(Acc v) { return v != 0; }
  static Acc add(Acc x, Acc y) { return static_cast<Acc>(x | y); }
  static Acc mul(Acc a, Acc b) { return static_cast<Acc>(a & b); }
  static Acc madd(Acc c, Acc a, Acc b) { return static_cast<Acc>(c | (a & b)); }
};

template <class R>
struct Arith<std::complex<R>> {
  using Acc = std::complex<R>;
  static Acc load(Acc v) { return v; }
  static Acc store(Acc v) { return v; }
  static Acc add(Acc x, Acc y) { return {x.real() + y.real(), x.imag() + y.imag()}; }
  static Acc mul(Acc a, Acc b) {
    return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
  }
  static Acc madd(Acc c, Acc a, Acc b) { return add(c, mul(a, b)); }
};

// An operand element for the loops, conjugated when Conj (complex types only; conjugating a
// real number changes nothing, so real types ignore the flag and get no extra instantiations).
template <bool Conj, class T>
typename Arith<T>::Acc load_op(T v) {
  if constexpr (Conj && requires { v.imag(); }) {
    const auto x = Arith<T>::load(v);
    return {x.real(), -x.imag()};
  } else {
    return Arith<T>::load(v);
  }
}

// Calls f(std::bool_constant<CA>{}, std::bool_constant<CB>{}) with the conjugation flags as
// compile-time values for complex T; real T always gets <false, false>.
template <class T, class F>
void with_conj(bool conj_a, bool conj_b, const F& f) {
  if constexpr (requires(T v) { v.imag(); }) {
    if (conj_a && conj_b) {
      f(std::true_type{}, std::true_type{});
    } else if (conj_a) {
      f(std::true_type{}, std::false_type{});
    } else if (conj_b) {
      f(std::false_type{}, std::true_type{});
    } else {
      f(std::false_type{}, std::false_type{});
    }
  } else {
    (void)conj_a;
    (void)conj_b;
    f(std::false_type{}, std::false_type{});
  }
}

}  // namespace ein::gemm::detail
