#include "print_array.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

namespace ein::cli {

namespace {

constexpr int kLineWidth = 75;
constexpr Index kThreshold = 1000;
constexpr Index kEdgeItems = 3;
constexpr int kPrecision = 8;

// Shortest round-trip text of a float or double, in the given notation, limited to `precision`
// digits after the point (NumPy's dragon4 with unique=True and a precision cut-off).
template <class R>
std::string float_digits(R x, std::chars_format fmt, int precision) {
  char buf[512];
  auto r = std::to_chars(buf, buf + sizeof buf, x, fmt);
  std::string s(buf, r.ptr);
  const auto point = s.find('.');
  const auto e = s.find('e');
  const std::size_t frac_end = e == std::string::npos ? s.size() : e;
  const std::size_t frac = point == std::string::npos ? 0 : frac_end - point - 1;
  if (frac > static_cast<std::size_t>(precision)) {
    r = std::to_chars(buf, buf + sizeof buf, x, fmt, precision);
    s.assign(buf, r.ptr);
    // Trim the zeros rounding may leave ("0.30000000" -> "0.3").
    const auto p2 = s.find('.');
    const auto e2 = s.find('e');
    std::size_t end = e2 == std::string::npos ? s.size() : e2;
    std::size_t keep = end;
    while (keep > p2 + 1 && s[keep - 1] == '0') --keep;
    s.erase(keep, end - keep);
  }
  if (s.find('.') == std::string::npos) {  // NumPy always shows the point: "1." / "1.e+00"
    const auto e3 = s.find('e');
    s.insert(e3 == std::string::npos ? s.size() : e3, ".");
  }
  return s;
}

// Parts of a formatted float: sign and integer digits, fraction digits, exponent ("-05").
struct FloatParts {
  std::string int_part, frac_part, exp_part;
};

FloatParts split_float(const std::string& s) {
  FloatParts p;
  const auto e = s.find('e');
  const std::string mant = s.substr(0, e);
  if (e != std::string::npos) p.exp_part = s.substr(e + 1);
  const auto point = mant.find('.');
  p.int_part = mant.substr(0, point);
  p.frac_part = mant.substr(point + 1);
  return p;
}

// NumPy's FloatingFormat for one real component (sign_plus for the imaginary part of complex).
template <class R>
class FloatFormat {
 public:
  FloatFormat(const std::vector<R>& values, bool sign_plus) : sign_plus_(sign_plus) {
    std::vector<R> finite;
    bool any_neg_inf = false, any_nonfinite = false;
    for (R v : values) {
      if (std::isfinite(v)) {
        finite.push_back(v);
      } else {
        any_nonfinite = true;
        any_neg_inf |= std::isinf(v) && v < 0;
      }
    }
    R max_abs = 0, min_abs = std::numeric_limits<R>::infinity();
    bool any_nonzero = false;
    for (R v : finite) {
      if (v == 0) continue;
      any_nonzero = true;
      max_abs = std::max(max_abs, std::abs(v));
      min_abs = std::min(min_abs, std::abs(v));
    }
    // NumPy 2.3+ switches to scientific notation from 10^min(8, decimal precision of the type):
    // 1e8 for double, 1e6 for float.
    const R cutoff = std::is_same_v<R, float> ? R(1e6) : R(1e8);
    exp_ = any_nonzero && (max_abs >= cutoff || min_abs < R(0.0001) || max_abs / min_abs > R(1000));
    for (R v : finite) {
      const FloatParts p = split_float(render_unique(v));
      pad_left_ = std::max(pad_left_, p.int_part.size());
      if (exp_) {
        precision_ = std::max(precision_, p.frac_part.size());
        exp_size_ = std::max(exp_size_, p.exp_part.size() - 1);
      } else {
        pad_right_ = std::max(pad_right_, p.frac_part.size());
      }
    }
    if (exp_) pad_right_ = exp_size_ + 2 + precision_;
    if (any_nonfinite) {
      const std::size_t offset = pad_right_ + 1;
      const std::size_t inf_len = 3 + ((any_neg_inf || sign_plus_) ? 1 : 0);
      pad_left_ = std::max(
          {pad_left_, 3 > offset ? 3 - offset : 0, inf_len > offset ? inf_len - offset : 0});
    }
  }

  std::string operator()(R v) const {
    if (!std::isfinite(v)) {
      std::string s = std::isnan(v) ? (sign_plus_ ? "+nan" : "nan")
                                    : (v < 0 ? "-inf" : (sign_plus_ ? "+inf" : "inf"));
      const std::size_t width = pad_left_ + pad_right_ + 1;
      return std::string(width > s.size() ? width - s.size() : 0, ' ') + s;
    }
    FloatParts p = split_float(render_unique(v));
    if (exp_ && p.frac_part.size() < precision_) {
      // All numbers show the same number of digits ("1.0e+00" beside "1.5e-05"); the extra ones
      // are the value's own digits, correctly rounded, as NumPy's min_digits gives.
      char buf[128];
      const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific,
                                   static_cast<int>(precision_));
      std::string s(buf, r.ptr);
      if (sign_plus_ && s[0] != '-') s.insert(0, "+");
      p = split_float(s);
    }
    if (exp_) {
      std::string digits = p.exp_part.substr(1);
      while (digits.size() < exp_size_) digits.insert(0, "0");
      p.exp_part = p.exp_part.substr(0, 1) + digits;
    }
    std::string s =
        std::string(pad_left_ > p.int_part.size() ? pad_left_ - p.int_part.size() : 0, ' ') +
        p.int_part + "." + p.frac_part;
    if (exp_) return s + "e" + p.exp_part;
    return s +
           std::string(pad_right_ > p.frac_part.size() ? pad_right_ - p.frac_part.size() : 0, ' ');
  }

 private:
  std::string render_unique(R v) const {
    std::string s = float_digits(v, exp_ ? std::chars_format::scientific : std::chars_format::fixed,
                                 kPrecision);
    if (sign_plus_ && s[0] != '-') s.insert(0, "+");
    return s;
  }

  bool sign_plus_;
  bool exp_ = false;
  std::size_t pad_left_ = 0, pad_right_ = 0, precision_ = 0, exp_size_ = 0;
};

// How one element prints, given all the elements that will be shown.
using ElementFormatter = std::function<std::string(const void*)>;

template <class T>
ElementFormatter make_formatter(const std::vector<T>& shown) {
  if constexpr (std::is_same_v<T, bool>) {
    return
        [](const void* p) { return *static_cast<const bool*>(p) ? std::string(" True") : "False"; };
  } else if constexpr (std::is_integral_v<T>) {
    std::size_t width = 0;
    for (T v : shown) width = std::max(width, std::to_string(v).size());
    return [width](const void* p) {
      const std::string s = std::to_string(*static_cast<const T*>(p));
      return std::string(width - std::min(width, s.size()), ' ') + s;
    };
  } else if constexpr (is_complex_v<T>) {
    using R = typename T::value_type;
    std::vector<R> re, im;
    for (const T& v : shown) {
      re.push_back(v.real());
      im.push_back(v.imag());
    }
    FloatFormat<R> fr(re, false), fi(im, true);
    return [fr, fi](const void* p) {
      const T v = *static_cast<const T*>(p);
      std::string i = fi(v.imag());
      const auto end = i.find_last_not_of(' ') + 1;
      i.insert(end, "j");
      return fr(v.real()) + i;
    };
  } else {
    FloatFormat<T> f(shown, false);
    return [f](const void* p) { return f(*static_cast<const T*>(p)); };
  }
}

// A 0-d array prints as its scalar would (Python's repr for floats: "1.0", "1e-05", "1e+20").
template <class T>
std::string scalar_text(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "True" : "False";
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(v);
  } else if constexpr (is_complex_v<T>) {
    const auto part = [](auto x) {
      std::string s = scalar_text(x);
      if (s.size() > 2 && s.ends_with(".0") && s.find('e') == std::string::npos)
        s.resize(s.size() - 2);
      return s;
    };
    std::string im = part(v.imag());
    if (im[0] != '-') im.insert(0, "+");
    if (v.real() == 0 && !std::signbit(v.real())) return part(v.imag()) + "j";
    return "(" + part(v.real()) + im + "j)";
  } else {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    const T a = std::abs(v);
    if (a != 0 && (a < T(1e-4) || a >= T(1e16))) {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
      return std::string(buf, r.ptr);
    }
    char buf[512];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    std::string s(buf, r.ptr);
    if (s.find('.') == std::string::npos) s += ".0";
    return s;
  }
}

// NumPy's _formatArray: nested brackets, wrapping at the line width with a hanging indent.
class Layout {
 public:
  Layout(const Tensor& c, ElementFormatter fmt, bool summarize)
      : c_(c), fmt_(std::move(fmt)), summarize_(summarize) {}

  std::string run() {
    std::vector<Index> index;
    return recurse(index, " ", kLineWidth);
  }

 private:
  static void extend_line(std::string& s, std::string& line, const std::string& word, int width,
                          const std::string& prefix) {
    const bool wrap =
        static_cast<int>(line.size() + word.size()) > width && line.size() > prefix.size();
    if (wrap) {
      const auto end = line.find_last_not_of(' ');
      s += line.substr(0, end == std::string::npos ? 0 : end + 1) + "\n";
      line = prefix;
    }
    line += word;
  }

  std::string element(const std::vector<Index>& index) const {
    Index flat = 0;
    for (std::size_t a = 0; a < index.size(); ++a) flat = flat * c_.shape()[a] + index[a];
    const auto* base = static_cast<const std::byte*>(c_.data());
    return fmt_(base + flat * static_cast<Index>(c_.view().itemsize()));
  }

  std::string recurse(std::vector<Index>& index, const std::string& hanging, int width) {
    const int axis = static_cast<int>(index.size());
    const int left = c_.rank() - axis;
    if (left == 0) return element(index);
    const std::string next_hanging = hanging + " ";
    const int next_width = width - 1;
    const Index n = c_.shape()[axis];
    const bool summary = summarize_ && 2 * kEdgeItems < n;
    const Index leading = summary ? kEdgeItems : 0;
    const Index trailing = summary ? kEdgeItems : n;
    const auto child = [&](Index i) {
      index.push_back(i);
      std::string s = recurse(index, next_hanging, next_width);
      index.pop_back();
      return s;
    };
    std::string s;
    if (left == 1) {
      // Room for the closing bracket is kept on every line (NumPy's elem_width).
      const int elem_width = width - 1;
      std::string line = hanging;
      for (Index i = 0; i < leading; ++i) {
        extend_line(s, line, child(i), elem_width, hanging);
        line += " ";
      }
      if (summary) {
        extend_line(s, line, "...", elem_width, hanging);
        line += " ";
      }
      for (Index i = trailing; i > 1; --i) {
        extend_line(s, line, child(n - i), elem_width, hanging);
        line += " ";
      }
      extend_line(s, line, child(n - 1), elem_width, hanging);
      s += line;
    } else {
      const std::string sep(static_cast<std::size_t>(left - 1), '\n');
      for (Index i = 0; i < leading; ++i) s += hanging + child(i) + sep;
      if (summary) s += hanging + "..." + sep;
      for (Index i = trailing; i > 1; --i) s += hanging + child(n - i) + sep;
      s += hanging + child(n - 1);
    }
    return "[" + s.substr(hanging.size()) + "]";
  }

  const Tensor& c_;
  ElementFormatter fmt_;
  bool summarize_;
};

// The elements NumPy looks at to choose the format: all, or the edges of each axis.
template <class T>
void gather_shown(const Tensor& c, bool summarize, std::vector<T>& out) {
  const T* data = static_cast<const T*>(c.data());
  std::vector<Index> idx(c.rank(), 0);
  const std::function<void(int, Index)> walk = [&](int axis, Index flat) {
    if (axis == c.rank()) {
      out.push_back(data[flat]);
      return;
    }
    const Index n = c.shape()[axis];
    for (Index i = 0; i < n; ++i) {
      if (summarize && n > 2 * kEdgeItems && i == kEdgeItems) i = n - kEdgeItems;
      walk(axis + 1, flat * n + i);
    }
  };
  walk(0, 0);
}

}  // namespace

std::string format_array(const TensorView& array) {
  const Tensor c = Tensor::borrow(array).contiguous();
  if (c.rank() == 0) {
    return visit_dtype(c.dtype(), [&](auto tag) {
      using T = decltype(tag);
      return scalar_text(*static_cast<const T*>(c.data()));
    });
  }
  if (c.numel() == 0) return "[]";
  const bool summarize = c.numel() > kThreshold;
  ElementFormatter fmt = visit_dtype(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> shown;
    gather_shown(c, summarize, shown);
    return make_formatter(shown);
  });
  return Layout(c, std::move(fmt), summarize).run();
}

}  // namespace ein::cli
