#include "support/random_einsum.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <numeric>
#include <utility>

#include "support/compare.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein::test {

namespace {

constexpr int kEllipsisToken = -1;

// One operand's term before it becomes text and a shape.
struct DraftOperand {
  std::vector<int> tokens;          // label ids, kEllipsisToken where '...' stands
  int ellipsis_axes = 0;            // how many of the broadcast '...' axes it covers
  std::vector<bool> unit_labels;    // per label id: its axes here have extent 1 (broadcast)
  std::vector<bool> unit_ellipsis;  // per broadcast '...' axis: extent 1 here
  DType dtype = DType::Float64;
};

struct Draft {
  std::vector<char> letters;    // per label id
  std::vector<Index> extents;   // per label id
  std::vector<Index> ellipsis;  // per broadcast '...' axis
  std::vector<DraftOperand> operands;
  std::optional<std::vector<int>> output;  // label ids and kEllipsisToken; none = implicit
};

template <class T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[static_cast<std::size_t>(uniform_int(rng, 0, Index(i) - 1))]);
  }
}

int pick_operand_count(Rng& rng, const CorpusOptions& o) {
  // Mostly pairs and triples, where the planner and the pairwise kernels do their work.
  static constexpr double kCumulative[] = {0.15, 0.50, 0.75, 0.85, 0.93, 1.0};
  const double u = uniform01(rng);
  int n = 1;
  while (n < 6 && u >= kCumulative[n - 1]) ++n;
  return std::clamp(n, o.min_operands, std::max(o.min_operands, o.max_operands));
}

void draw_labels(Draft& d, Rng& rng, const CorpusOptions& o) {
  std::string pool = "abcdefghijklmnopqrstuvwxyz";
  if (chance(rng, 0.3)) pool += "ABCDEFGHIJKLMNOPQRSTUVWXYZ";  // exercises ASCII order
  std::vector<char> letters(pool.begin(), pool.end());
  shuffle(letters, rng);
  const int n = static_cast<int>(uniform_int(rng, 1, std::clamp(o.max_labels, 1, 52)));
  d.letters.assign(letters.begin(), letters.begin() + n);
  for (int l = 0; l < n; ++l) {
    d.extents.push_back(
        chance(rng, o.p_unit_label) ? 1 : uniform_int(rng, 2, std::max<Index>(2, o.max_extent)));
  }
  if (chance(rng, o.p_zero_label))
    d.extents[static_cast<std::size_t>(uniform_int(rng, 0, n - 1))] = 0;
  if (o.max_ellipsis > 0 && chance(rng, o.p_ellipsis)) {
    const Index e = uniform_int(rng, 0, o.max_ellipsis);
    for (Index i = 0; i < e; ++i)
      d.ellipsis.push_back(chance(rng, 0.2) ? 1 : uniform_int(rng, 2, 4));
  }
}

DraftOperand draw_operand(const Draft& d, bool use_ellipsis, Rng& rng, const CorpusOptions& o,
                          bool single) {
  DraftOperand op;
  const int n = static_cast<int>(d.letters.size());
  std::vector<int> ids(static_cast<std::size_t>(n));
  std::iota(ids.begin(), ids.end(), 0);
  shuffle(ids, rng);
  const int rank = static_cast<int>(uniform_int(rng, single ? 1 : 0, std::min(o.max_rank, n)));
  op.tokens.assign(ids.begin(), ids.begin() + rank);
  if (rank > 0 && chance(rng, o.p_repeat)) {
    op.tokens.push_back(op.tokens[static_cast<std::size_t>(uniform_int(rng, 0, rank - 1))]);
    shuffle(op.tokens, rng);
  }
  op.unit_labels.assign(static_cast<std::size_t>(n), false);
  for (int l : op.tokens) {
    if (chance(rng, o.p_broadcast_axis)) op.unit_labels[static_cast<std::size_t>(l)] = true;
  }
  const int e = static_cast<int>(d.ellipsis.size());
  if (use_ellipsis && chance(rng, 0.7)) {
    op.ellipsis_axes = static_cast<int>(uniform_int(rng, 0, e));
    const auto at = static_cast<std::size_t>(uniform_int(rng, 0, Index(op.tokens.size())));
    op.tokens.insert(op.tokens.begin() + static_cast<std::ptrdiff_t>(at), kEllipsisToken);
  }
  op.unit_ellipsis.assign(static_cast<std::size_t>(e), false);
  for (int i = 0; i < e; ++i) op.unit_ellipsis[static_cast<std::size_t>(i)] = chance(rng, 0.2);
  return op;
}

// Shrinks the biggest extents until the reference's loop count fits the budget.
void fit_work(Draft& d, const CorpusOptions& o) {
  std::vector<Index*> sizes;
  std::vector<bool> used(d.letters.size(), false);
  int covered = 0;
  for (const DraftOperand& op : d.operands) {
    for (int l : op.tokens) {
      if (l != kEllipsisToken) used[static_cast<std::size_t>(l)] = true;
    }
    covered = std::max(covered, op.ellipsis_axes);
  }
  for (std::size_t l = 0; l < used.size(); ++l) {
    if (used[l]) sizes.push_back(&d.extents[l]);
  }
  for (std::size_t i = d.ellipsis.size() - static_cast<std::size_t>(covered); i < d.ellipsis.size();
       ++i) {
    sizes.push_back(&d.ellipsis[i]);
  }
  auto work = [&] {
    double w = 1;
    for (const Index* s : sizes) w *= static_cast<double>(std::max<Index>(*s, 1));
    return w;
  };
  while (work() > static_cast<double>(o.max_work)) {
    Index* biggest = *std::max_element(sizes.begin(), sizes.end(),
                                       [](const Index* a, const Index* b) { return *a < *b; });
    if (*biggest <= 1) break;
    --*biggest;
  }
}

void draw_output(Draft& d, Rng& rng, const CorpusOptions& o) {
  if (chance(rng, o.p_implicit)) return;
  std::vector<bool> used(d.letters.size(), false);
  bool any_ellipsis = false;
  bool covers_axes = false;
  for (const DraftOperand& op : d.operands) {
    for (int l : op.tokens) {
      if (l == kEllipsisToken) {
        any_ellipsis = true;
      } else {
        used[static_cast<std::size_t>(l)] = true;
      }
    }
    covers_axes = covers_axes || op.ellipsis_axes > 0;
  }
  std::vector<int> out;
  for (std::size_t l = 0; l < used.size(); ++l) {
    if (used[l] && chance(rng, 0.5)) out.push_back(static_cast<int>(l));
  }
  shuffle(out, rng);
  // NumPy requires '...' in an explicit output whenever a '...' covers an axis.
  if (covers_axes || (any_ellipsis && chance(rng, 0.3)) ||
      (o.p_ellipsis > 0 && chance(rng, 0.03))) {
    const auto at = static_cast<std::size_t>(uniform_int(rng, 0, Index(out.size())));
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), kEllipsisToken);
  }
  d.output = std::move(out);
}

std::string term_text(const Draft& d, const std::vector<int>& tokens, bool spaces, Rng& rng) {
  std::string s;
  for (int t : tokens) {
    if (spaces && chance(rng, 0.3)) s += ' ';
    s += t == kEllipsisToken ? std::string("...")
                             : std::string(1, d.letters[static_cast<std::size_t>(t)]);
  }
  if (spaces && chance(rng, 0.3)) s += ' ';
  return s;
}

Shape operand_shape(const Draft& d, const DraftOperand& op) {
  Shape shape;
  const std::size_t e = d.ellipsis.size();
  for (int t : op.tokens) {
    if (t != kEllipsisToken) {
      const auto l = static_cast<std::size_t>(t);
      shape.push_back(op.unit_labels[l] ? 1 : d.extents[l]);
      continue;
    }
    for (std::size_t i = e - static_cast<std::size_t>(op.ellipsis_axes); i < e; ++i) {
      shape.push_back(op.unit_ellipsis[i] ? 1 : d.ellipsis[i]);
    }
  }
  return shape;
}

Tensor make_operand(DType dtype, const Shape& shape, Rng& rng, const CorpusOptions& o) {
  std::vector<int> wide;  // axes that can be shown as a stride-0 broadcast
  for (std::size_t a = 0; a < shape.size(); ++a) {
    if (shape[a] > 1) wide.push_back(static_cast<int>(a));
  }
  if (!wide.empty() && chance(rng, o.p_zero_stride)) {
    const int axis = wide[static_cast<std::size_t>(uniform_int(rng, 0, Index(wide.size()) - 1))];
    return random_broadcast(dtype, shape, axis, rng);
  }
  if (chance(rng, o.p_odd_strides)) return random_view(dtype, shape, rng);
  return random_tensor(dtype, shape, rng);
}

// Product over operands of their largest |element|: a bound on the magnitude of one term.
double term_scale(const EinsumCase& c) {
  double scale = 1;
  for (const Tensor& t : c.operands) {
    double m = 0;
    for (const complex128& v : t.to_vector<complex128>()) m = std::max(m, std::abs(v));
    scale *= m;
  }
  return scale;
}

}  // namespace

EinsumCase random_einsum_case(std::uint64_t seed, const CorpusOptions& options) {
  Rng rng = make_rng(seed);
  Draft d;
  const int n = pick_operand_count(rng, options);
  draw_labels(d, rng, options);
  // Without broadcast '...' axes a '...' still appears now and then, covering no axes.
  const bool use_ellipsis = !d.ellipsis.empty() || (options.p_ellipsis > 0 && chance(rng, 0.1));
  for (int k = 0; k < n; ++k)
    d.operands.push_back(draw_operand(d, use_ellipsis, rng, options, n == 1));
  fit_work(d, options);
  draw_output(d, rng, options);

  const std::vector<DType>& dtypes = options.dtypes;
  auto pick_dtype = [&] {
    return dtypes[static_cast<std::size_t>(uniform_int(rng, 0, Index(dtypes.size()) - 1))];
  };
  const bool mixed = chance(rng, options.p_mixed_dtypes);
  const DType common = pick_dtype();
  const bool spaces = chance(rng, options.p_spaces);

  EinsumCase c;
  c.seed = seed;
  for (std::size_t k = 0; k < d.operands.size(); ++k) {
    if (k > 0) c.subscripts += ',';
    c.subscripts += term_text(d, d.operands[k].tokens, spaces, rng);
  }
  if (d.output) c.subscripts += "->" + term_text(d, *d.output, spaces, rng);
  for (const DraftOperand& op : d.operands) {
    const DType dtype = mixed ? pick_dtype() : common;
    c.operands.push_back(make_operand(dtype, operand_shape(d, op), rng, options));
  }
  return c;
}

std::vector<TensorView> EinsumCase::views() const { return {operands.begin(), operands.end()}; }

std::vector<Shape> EinsumCase::shapes() const {
  std::vector<Shape> s;
  s.reserve(operands.size());
  for (const Tensor& t : operands) s.push_back(t.shape());
  return s;
}

expr::ParsedExpression EinsumCase::parsed() const { return expr::parse(subscripts, shapes()); }

Index EinsumCase::summation_length() const { return parsed().summation_length(); }

DType EinsumCase::result_dtype() const {
  const std::vector<TensorView> v = views();
  return einsum_result_dtype(v);
}

std::string EinsumCase::describe() const {
  std::string s = "seed " + std::to_string(seed) + ": einsum(\"" + subscripts + "\"";
  for (const Tensor& t : operands) {
    s += ", " + std::string(dtype_name(t.dtype())) + " " + shape_to_string(t.shape()) +
         " strides " + shape_to_string(t.strides());
  }
  s += "); rerun with EIN_SEED=" + std::to_string(seed);
  return s;
}

std::vector<OperandSpec> specs_of(std::span<const TensorView> views) {
  std::vector<OperandSpec> specs;
  specs.reserve(views.size());
  for (const TensorView& v : views) specs.push_back(OperandSpec::of(v));
  return specs;
}

std::vector<std::uint64_t> corpus_seeds(std::uint64_t first, int count) {
  if (const char* env = std::getenv("EIN_SEED"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const unsigned long long seed = std::strtoull(env, &end, 10);
    if (end != nullptr && *end == '\0') return {static_cast<std::uint64_t>(seed)};
  }
  std::vector<std::uint64_t> seeds;
  seeds.reserve(static_cast<std::size_t>(std::max(count, 0)));
  for (int i = 0; i < count; ++i) seeds.push_back(first + static_cast<std::uint64_t>(i));
  return seeds;
}

::testing::AssertionResult matches_reference(const EinsumCase& c, const Tensor& actual,
                                             std::optional<DType> dtype) {
  const std::vector<TensorView> v = c.views();
  const Tensor expected = reference_einsum(c.subscripts, v, dtype);
  ::testing::AssertionResult r =
      tensors_close(actual, expected, c.summation_length(), term_scale(c));
  if (!r) r << "\n" << c.describe();
  return r;
}

}  // namespace ein::test
