// Allocation of tensor buffers (64-byte aligned, overflow-checked, OutOfMemory on failure).
#pragma once

#include <memory>

#include "ein/tensor.hpp"

namespace ein {

std::shared_ptr<void> allocate_storage(DType dtype, Index numel);

}  // namespace ein
