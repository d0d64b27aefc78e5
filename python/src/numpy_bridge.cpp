#include "numpy_bridge.hpp"

#include <nanobind/ndarray.h>

#include <array>
#include <complex>
#include <cstdint>
#include <string>
#include <vector>

namespace ein::python {
namespace {

// Borrowed forever: the module needs numpy for as long as it is loaded, and never dropping these
// references keeps them valid during interpreter shutdown, when destructors of statics would run
// after Python is gone.
struct NumpyRefs {
  PyObject* ndarray_type = nullptr;
  PyObject* empty = nullptr;
  PyObject* axis_error = nullptr;
  PyObject* empty_tuple = nullptr;
  PyObject* order_f = nullptr;
  std::array<PyObject*, kNumEveryDType> dtypes{};  // indexed by DType's value
};
NumpyRefs g_numpy;

nb::dlpack::dtype dlpack_dtype(DType dtype) {
  switch (dtype) {
    // 16-bit floats are no C++ arithmetic type nanobind knows: DLPack's codes by hand.
    case DType::Float16:
      return {static_cast<std::uint8_t>(nb::dlpack::dtype_code::Float), 16, 1};
    case DType::BFloat16:
      return {static_cast<std::uint8_t>(nb::dlpack::dtype_code::Bfloat), 16, 1};
    default:
      return visit_storage_dtype(dtype, [](auto tag) -> nb::dlpack::dtype {
        using T = decltype(tag);
        if constexpr (is_half_v<T>) {
          return {};  // handled above
        } else {
          return nb::dtype<T>();
        }
      });
  }
}

template <bool ReadOnly>
nb::object export_view(const TensorView& view, nb::handle owner) {
  std::vector<std::size_t> shape(view.shape().begin(), view.shape().end());
  const std::vector<std::int64_t> strides(view.strides().begin(), view.strides().end());
  using Array =
      std::conditional_t<ReadOnly, nb::ndarray<nb::numpy, nb::ro>, nb::ndarray<nb::numpy>>;
  Array array(view.data(), shape.size(), shape.data(), owner, strides.data(),
              dlpack_dtype(view.dtype()));
  nb::object result = array.cast();
  // DLPack says only "64-bit integer"; NumPy then picks 'q' (long long) where its default int64
  // is 'l' (long) on Linux. Equal dtypes, but reprs and typecodes would differ from NumPy's.
  nb::handle canonical = numpy_dtype(view.dtype());
  nb::object actual = result.attr("dtype");
  if (!actual.is(canonical)) result = result.attr("view")(canonical);
  return result;
}

}  // namespace

void init_numpy_bridge() {
  nb::module_ np = nb::module_::import_("numpy");
  g_numpy.ndarray_type = nb::object(np.attr("ndarray")).release().ptr();
  g_numpy.empty = nb::object(np.attr("empty")).release().ptr();
  nb::object axis_error;
  try {
    axis_error = nb::module_::import_("numpy.exceptions").attr("AxisError");
  } catch (const nb::python_error&) {
    axis_error = np.attr("AxisError");  // NumPy < 1.25
  }
  g_numpy.axis_error = axis_error.release().ptr();
  g_numpy.empty_tuple = nb::make_tuple().release().ptr();
  g_numpy.order_f = nb::str("F").release().ptr();
  for (DType t : kEveryDType) {
    if (t == DType::BFloat16) {
      // Not NumPy's: ml_dtypes provides it where installed (importing it registers the name).
      try {
        nb::module_::import_("ml_dtypes");
        g_numpy.dtypes[static_cast<std::size_t>(t)] =
            np.attr("dtype")(nb::str("bfloat16")).release().ptr();
      } catch (const nb::python_error&) {
        g_numpy.dtypes[static_cast<std::size_t>(t)] = nullptr;
      }
      continue;
    }
    g_numpy.dtypes[static_cast<std::size_t>(t)] =
        np.attr("dtype")(nb::str(dtype_name(t).data(), dtype_name(t).size())).release().ptr();
  }
}

bool is_exact_ndarray(nb::handle obj) noexcept {
  return reinterpret_cast<PyObject*>(Py_TYPE(obj.ptr())) == g_numpy.ndarray_type;
}

nb::handle numpy_dtype(DType dtype) {
  PyObject* t = g_numpy.dtypes[static_cast<std::size_t>(dtype)];
  if (t == nullptr) {
    throw nb::type_error(("ein cannot return a " + std::string(dtype_name(dtype)) +
                          " array to NumPy without the ml_dtypes package; pass dtype= to get "
                          "another result dtype")
                             .c_str());
  }
  return t;
}

DType dtype_from_python_name(const char* name) {
  const std::optional<DType> t = dtype_from_name(name);
  if (!t) {
    throw nb::type_error(("ein does not support dtype " + std::string(name) +
                          " (supported: bool, int8, uint8, int16, int32, int64, float16, "
                          "bfloat16, float32, float64, complex64, complex128)")
                             .c_str());
  }
  return *t;
}

nb::handle numpy_axis_error() { return g_numpy.axis_error; }

nb::object shape_tuple(std::span<const Index> shape) {
  nb::object t = nb::steal(PyTuple_New(static_cast<Py_ssize_t>(shape.size())));
  if (!t.is_valid()) throw nb::python_error();
  for (std::size_t i = 0; i < shape.size(); ++i) {
    PyObject* v = PyLong_FromLongLong(shape[i]);
    if (v == nullptr) throw nb::python_error();
    PyTuple_SetItem(t.ptr(), static_cast<Py_ssize_t>(i), v);  // steals v
  }
  return t;
}

nb::object new_array(nb::handle shape, DType dtype, bool fortran) {
  PyObject* args[3] = {shape.ptr(), numpy_dtype(dtype).ptr(), g_numpy.order_f};
  PyObject* r = PyObject_Vectorcall(g_numpy.empty, args, fortran ? 3 : 2, nullptr);
  if (r == nullptr) throw nb::python_error();
  return nb::steal(r);
}

nb::object tensor_to_numpy(Tensor tensor) {
  auto* holder = new Tensor(std::move(tensor));
  nb::capsule owner(holder, [](void* p) noexcept { delete static_cast<Tensor*>(p); });
  TensorView view = holder->view();
  if (view.data() == nullptr) {
    // An empty tensor may have no buffer; NumPy wants a non-null pointer even for no elements.
    return new_array(shape_tuple(view.shape()), view.dtype());
  }
  return export_view<false>(view, owner);
}

nb::object view_to_numpy(const TensorView& view, nb::handle owner, bool readonly) {
  return readonly ? export_view<true>(view, owner) : export_view<false>(view, owner);
}

nb::object scalar_if_0d(nb::object array, int rank) {
  if (rank != 0) return array;
  PyObject* r = PyObject_GetItem(array.ptr(), g_numpy.empty_tuple);
  if (r == nullptr) throw nb::python_error();
  return nb::steal(r);
}

}  // namespace ein::python
