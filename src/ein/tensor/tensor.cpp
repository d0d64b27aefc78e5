#include "ein/tensor.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "ein/support/checked.hpp"
#include "ein/support/fault_injection.hpp"
#include "ein/support/huge_pages.hpp"
#include "ein/support/memory_stats.hpp"
#include "ein/tensor/storage.hpp"

namespace ein {

std::shared_ptr<void> allocate_storage(DType dtype, Index numel) {
  const Index bytes =
      support::checked_mul(numel, static_cast<Index>(itemsize(dtype)), "tensor byte size");
  auto out_of_memory = [&] {
    return Error(ErrorCode::OutOfMemory,
                 "unable to allocate " + std::to_string(bytes) + " bytes for a tensor");
  };
  // 64-byte alignment: a cache line and an AVX-512 register. Rounding up must not overflow.
  if (bytes > INT64_MAX - 63) throw out_of_memory();
  const auto rounded = static_cast<std::size_t>((bytes + 63) / 64 * 64);
  const std::size_t size = rounded == 0 ? 64 : rounded;
  void* p = support::should_fail_allocation() ? nullptr : std::aligned_alloc(64, size);
  if (p == nullptr) throw out_of_memory();
  support::advise_huge_pages(p, size);
  support::note_allocation(static_cast<std::int64_t>(size));
  try {
    // The control block is a second allocation; if it fails, shared_ptr frees p itself.
    return {p, [size](void* q) {
              support::note_release(static_cast<std::int64_t>(size));
              std::free(q);
            }};
  } catch (const std::bad_alloc&) {
    throw out_of_memory();
  }
}

Tensor Tensor::empty(DType dtype, Shape shape) {
  const Index n = checked_numel(shape);
  auto storage = allocate_storage(dtype, n);
  TensorView v(storage.get(), dtype, std::move(shape));
  return {std::move(storage), std::move(v)};
}

Tensor Tensor::zeros(DType dtype, Shape shape) {
  Tensor t = empty(dtype, std::move(shape));
  // All-zero bytes are zero for every dtype (IEEE 0.0, integer 0, false).
  std::memset(t.data(), 0, static_cast<std::size_t>(t.numel()) * itemsize(dtype));
  return t;
}

Tensor Tensor::ones(DType dtype, Shape shape) {
  Tensor t = empty(dtype, std::move(shape));
  visit_storage_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(t.data());
    for (Index i = 0; i < t.numel(); ++i) p[i] = convert_value<T>(1);
  });
  return t;
}

Tensor Tensor::arange(Index n, DType dtype) {
  Tensor t = empty(dtype, {n});
  visit_storage_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(t.data());
    for (Index i = 0; i < n; ++i) p[i] = convert_value<T>(i);
  });
  return t;
}

Tensor Tensor::reshape(std::span<const Index> shape) const {
  if (view_.can_reshape_as_view(shape)) return wrap(view_.reshape(shape));
  Tensor c = copy();
  return c.wrap(c.view_.reshape(shape));
}

Tensor Tensor::copy() const {
  Tensor t = empty(dtype(), shape());
  copy_into(view_, t.view_);
  return t;
}

Tensor Tensor::contiguous() const { return is_contiguous() ? *this : copy(); }

Tensor Tensor::astype(DType dtype) const {
  Tensor t = empty(dtype, shape());
  copy_into(view_, t.view_);
  return t;
}

}  // namespace ein
