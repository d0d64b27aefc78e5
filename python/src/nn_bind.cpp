// ein._ein's deep-learning front doors: softmax, attention, einops (rearrange, reduce, repeat,
// pack, unpack) and Keras's batch_dot / dot / Dot. NumPy arrays in (viewed without copying), the
// C++ call with the GIL released, NumPy arrays out. Results that are views of an input (rearrange
// and unpack when strides allow) are handed to NumPy as views whose base keeps the input alive,
// so np.shares_memory holds as it does for einops on NumPy. The Python layer (ein/_nn.py,
// ein/keras.py) converts other inputs and parses keyword sizes and Keras's axes.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "buffer.hpp"
#include "ein/nn.hpp"
#include "ein/rearrange.hpp"
#include "numpy_bridge.hpp"

namespace ein::python {
namespace {

// An optional operand (attention's mask): None, or an array viewed like Held.
struct HeldOptional {
  HeldBuffer buffer;
  std::optional<TensorView> view;
  HeldOptional(nb::handle obj, const char* function, const char* name) {
    if (obj.is_none()) return;
    TensorView v;
    if (const char* why = buffer.acquire(obj.ptr(), false, v)) {
      throw nb::type_error(
          (std::string(function) + ": " + name + " cannot be used: " + why).c_str());
    }
    view = v;
  }
};

// A list of operands (einops's list inputs, pack).
struct HeldList {
  HeldOperands operands;
  HeldList(const nb::list& items, const char* function)
      : operands(static_cast<std::size_t>(items.size())) {
    for (std::size_t i = 0; i < operands.size(); ++i) {
      if (const char* why = operands.acquire(i, items[i].ptr())) {
        throw nb::type_error((std::string(function) + ": tensor " + std::to_string(i) +
                              " cannot be used: " + why)
                                 .c_str());
      }
    }
  }
};

// A result computed from borrowed views: without an owner it is a view of the input `owner`
// (einops returns views on NumPy too), so NumPy gets a view whose base keeps that input alive;
// with an owner it is a buffer of its own, handed over without copying.
nb::object result_to_numpy(Tensor r, nb::handle owner, bool readonly) {
  if (r.owner() == nullptr && r.data() != nullptr) return view_to_numpy(r.view(), owner, readonly);
  return tensor_to_numpy(std::move(r));
}

template <class F>
nb::object unary(nb::handle a, const char* name, F&& f) {
  Held ha(a, name, "x");
  Tensor r;
  {
    nb::gil_scoped_release release;
    r = f(ha.view);
  }
  return tensor_to_numpy(std::move(r));
}

template <class F>
nb::object binary(nb::handle a, nb::handle b, const char* name, F&& f) {
  Held ha(a, name, "x");
  Held hb(b, name, "y");
  Tensor r;
  {
    nb::gil_scoped_release release;
    r = f(ha.view, hb.view);
  }
  return tensor_to_numpy(std::move(r));
}

template <class F>
nb::object on_list(const nb::list& items, const char* name, F&& f) {
  HeldList held(items, name);
  Tensor r;
  {
    nb::gil_scoped_release release;
    r = f(held.operands.views());
  }
  return tensor_to_numpy(std::move(r));
}

void bind_softmax_attention(nb::module_& m) {
  m.def(
      "softmax",
      [](nb::handle x, int axis) {
        return unary(x, "softmax", [axis](const TensorView& v) { return softmax(v, axis); });
      },
      nb::arg("x"), nb::arg("axis"), "Internal: use ein.softmax.");
  m.def(
      "log_softmax",
      [](nb::handle x, int axis) {
        return unary(x, "log_softmax",
                     [axis](const TensorView& v) { return log_softmax(v, axis); });
      },
      nb::arg("x"), nb::arg("axis"), "Internal: use ein.log_softmax.");
  m.def(
      "scaled_dot_product_attention",
      [](nb::handle q, nb::handle k, nb::handle v, nb::handle mask, std::optional<double> scale,
         bool causal) {
        const char* name = "scaled_dot_product_attention";
        Held hq(q, name, "q");
        Held hk(k, name, "k");
        Held hv(v, name, "v");
        HeldOptional hm(mask, name, "mask");
        Tensor r;
        {
          nb::gil_scoped_release release;
          r = scaled_dot_product_attention(hq.view, hk.view, hv.view, hm.view, scale, causal);
        }
        return tensor_to_numpy(std::move(r));
      },
      nb::arg("q"), nb::arg("k"), nb::arg("v"), nb::arg("mask").none(), nb::arg("scale").none(),
      nb::arg("causal"), "Internal: use ein.scaled_dot_product_attention.");
  m.def(
      "multi_head_attention",
      [](nb::handle x, nb::handle w_q, nb::handle w_k, nb::handle w_v, nb::handle w_o, int heads,
         nb::handle mask, bool causal) {
        const char* name = "multi_head_attention";
        Held hx(x, name, "x");
        Held hq(w_q, name, "w_q");
        Held hk(w_k, name, "w_k");
        Held hv(w_v, name, "w_v");
        Held ho(w_o, name, "w_o");
        HeldOptional hm(mask, name, "mask");
        Tensor r;
        {
          nb::gil_scoped_release release;
          r = multi_head_attention(hx.view, hq.view, hk.view, hv.view, ho.view, heads, hm.view,
                                   causal);
        }
        return tensor_to_numpy(std::move(r));
      },
      nb::arg("x"), nb::arg("w_q"), nb::arg("w_k"), nb::arg("w_v"), nb::arg("w_o"),
      nb::arg("heads"), nb::arg("mask").none(), nb::arg("causal"),
      "Internal: use ein.multi_head_attention.");
}

void bind_einops(nb::module_& m) {
  m.def(
      "rearrange",
      [](nb::handle x, const std::string& pattern, const AxisSizes& sizes) {
        Held hx(x, "rearrange", "tensor");
        Tensor r;
        {
          nb::gil_scoped_release release;
          r = rearrange(hx.view, pattern, sizes);
        }
        return result_to_numpy(std::move(r), x, hx.buffer.readonly());
      },
      nb::arg("x"), nb::arg("pattern"), nb::arg("sizes"), "Internal: use ein.rearrange.");
  m.def(
      "rearrange_list",
      [](const nb::list& xs, const std::string& pattern, const AxisSizes& sizes) {
        return on_list(xs, "rearrange", [&](std::span<const TensorView> v) {
          return rearrange(v, pattern, sizes);
        });
      },
      nb::arg("xs"), nb::arg("pattern"), nb::arg("sizes"), "Internal: use ein.rearrange.");
  m.def(
      "reduce",
      [](nb::handle x, const std::string& pattern, const std::string& reduction,
         const AxisSizes& sizes) {
        Held hx(x, "reduce", "tensor");
        Tensor r;
        {
          nb::gil_scoped_release release;
          r = reduce(hx.view, pattern, std::string_view(reduction), sizes);
        }
        return tensor_to_numpy(std::move(r));
      },
      nb::arg("x"), nb::arg("pattern"), nb::arg("reduction"), nb::arg("sizes"),
      "Internal: use ein.reduce.");
  m.def(
      "reduce_list",
      [](const nb::list& xs, const std::string& pattern, const std::string& reduction,
         const AxisSizes& sizes) {
        return on_list(xs, "reduce", [&](std::span<const TensorView> v) {
          return reduce(v, pattern, std::string_view(reduction), sizes);
        });
      },
      nb::arg("xs"), nb::arg("pattern"), nb::arg("reduction"), nb::arg("sizes"),
      "Internal: use ein.reduce.");
  m.def(
      "repeat",
      [](nb::handle x, const std::string& pattern, const AxisSizes& sizes) {
        Held hx(x, "repeat", "tensor");
        Tensor r;
        {
          nb::gil_scoped_release release;
          r = repeat(hx.view, pattern, sizes);
        }
        return tensor_to_numpy(std::move(r));
      },
      nb::arg("x"), nb::arg("pattern"), nb::arg("sizes"), "Internal: use ein.repeat.");
  m.def(
      "repeat_list",
      [](const nb::list& xs, const std::string& pattern, const AxisSizes& sizes) {
        return on_list(xs, "repeat", [&](std::span<const TensorView> v) {
          return repeat(v, pattern, sizes);
        });
      },
      nb::arg("xs"), nb::arg("pattern"), nb::arg("sizes"), "Internal: use ein.repeat.");
  m.def(
      "pack",
      [](const nb::list& xs, const std::string& pattern) {
        HeldList held(xs, "pack");
        Packed p;
        {
          nb::gil_scoped_release release;
          p = pack(held.operands.views(), pattern);
        }
        nb::list shapes;
        for (const Shape& s : p.packed_shapes) shapes.append(shape_tuple(s));
        return nb::make_tuple(tensor_to_numpy(std::move(p.tensor)), shapes);
      },
      nb::arg("xs"), nb::arg("pattern"), "Internal: use ein.pack.");
  m.def(
      "unpack",
      [](nb::handle x, const std::vector<std::vector<Index>>& packed_shapes,
         const std::string& pattern) {
        Held hx(x, "unpack", "tensor");
        std::vector<Shape> shapes;
        shapes.reserve(packed_shapes.size());
        for (const auto& s : packed_shapes) shapes.emplace_back(s.begin(), s.end());
        std::vector<Tensor> parts;
        {
          nb::gil_scoped_release release;
          parts = unpack(hx.view, shapes, pattern);
        }
        nb::list out;
        for (Tensor& t : parts) out.append(result_to_numpy(std::move(t), x, hx.buffer.readonly()));
        return out;
      },
      nb::arg("x"), nb::arg("packed_shapes"), nb::arg("pattern"), "Internal: use ein.unpack.");
}

void bind_keras(nb::module_& m) {
  // axes: None (Keras's defaults) or one axis per input; an int axes has its own entry points
  // because Keras reads a negative int against each input's rank separately.
  m.def(
      "keras_batch_dot",
      [](nb::handle x, nb::handle y, std::optional<std::pair<int, int>> axes) {
        return binary(x, y, "batch_dot", [&](const TensorView& a, const TensorView& b) {
          return axes ? keras::batch_dot(a, b, *axes) : keras::batch_dot(a, b);
        });
      },
      nb::arg("x"), nb::arg("y"), nb::arg("axes").none(), "Internal: use ein.keras.batch_dot.");
  m.def(
      "keras_batch_dot_int",
      [](nb::handle x, nb::handle y, int axes) {
        return binary(x, y, "batch_dot", [axes](const TensorView& a, const TensorView& b) {
          return keras::batch_dot(a, b, axes);
        });
      },
      nb::arg("x"), nb::arg("y"), nb::arg("axes"), "Internal: use ein.keras.batch_dot.");
  m.def(
      "keras_dot",
      [](nb::handle x, nb::handle y) {
        return binary(x, y, "dot",
                      [](const TensorView& a, const TensorView& b) { return keras::dot(a, b); });
      },
      nb::arg("x"), nb::arg("y"), "Internal: use ein.keras.dot.");
  m.def(
      "keras_dot_layer",
      [](nb::handle x, nb::handle y, std::pair<int, int> axes, bool normalize) {
        return binary(x, y, "Dot", [&](const TensorView& a, const TensorView& b) {
          return keras::dot_layer(a, b, axes, normalize);
        });
      },
      nb::arg("x"), nb::arg("y"), nb::arg("axes"), nb::arg("normalize"),
      "Internal: use ein.keras.Dot.");
  m.def(
      "keras_dot_layer_int",
      [](nb::handle x, nb::handle y, int axes, bool normalize) {
        return binary(x, y, "Dot", [&](const TensorView& a, const TensorView& b) {
          return keras::dot_layer(a, b, axes, normalize);
        });
      },
      nb::arg("x"), nb::arg("y"), nb::arg("axes"), nb::arg("normalize"),
      "Internal: use ein.keras.Dot.");
  m.def(
      "keras_l2_normalize",
      [](nb::handle x, int axis, double epsilon) {
        return unary(x, "l2_normalize", [&](const TensorView& a) {
          return keras::l2_normalize(a, axis, epsilon);
        });
      },
      nb::arg("x"), nb::arg("axis"), nb::arg("epsilon"), "Internal: use ein.keras.l2_normalize.");
}

}  // namespace

void bind_nn(nb::module_& m) {
  bind_softmax_attention(m);
  bind_einops(m);
  bind_keras(m);
}

}  // namespace ein::python
