#include "ein/exec/workspace.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

#include "ein/error.hpp"
#include "ein/support/fault_injection.hpp"
#include "ein/support/huge_pages.hpp"
#include "ein/support/memory_stats.hpp"

namespace ein::exec {
namespace {

std::size_t rounded_size(std::size_t bytes) { return (bytes + 63) / 64 * 64; }

void release(std::byte* p, std::size_t bytes) {
  if (p == nullptr) return;
  support::note_release(static_cast<std::int64_t>(rounded_size(bytes)));
  std::free(p);
}

struct ThreadBuffer {
  std::byte* data = nullptr;
  std::size_t capacity = 0;
  bool in_use = false;  // a nested run on the same thread gets its own allocation
  ~ThreadBuffer() { release(data, capacity); }
};

thread_local ThreadBuffer t_buffer;

std::byte* allocate(std::size_t bytes) {
  // Rounding up to 64 bytes must not wrap around (a wrapped size would allocate too little).
  const std::size_t rounded = bytes > SIZE_MAX - 63 ? 0 : (bytes + 63) / 64 * 64;
  std::byte* p = nullptr;
  if (rounded != 0 && !support::should_fail_allocation()) {
    p = static_cast<std::byte*>(std::aligned_alloc(64, rounded));
  }
  if (p == nullptr) {
    throw Error(ErrorCode::OutOfMemory,
                "einsum: unable to allocate " + std::to_string(bytes) + " bytes of workspace");
  }
  support::advise_huge_pages(p, rounded);
  support::note_allocation(static_cast<std::int64_t>(rounded));
  return p;
}

}  // namespace

Workspace::Workspace(std::size_t bytes) {
  if (bytes == 0) return;
  if (bytes > kReuseLimit || t_buffer.in_use) {
    data_ = allocate(bytes);
    bytes_ = bytes;
    owned_ = true;
    return;
  }
  if (t_buffer.capacity < bytes) {
    std::byte* p = allocate(bytes);
    release(t_buffer.data, t_buffer.capacity);
    t_buffer.data = p;
    t_buffer.capacity = bytes;
  }
  t_buffer.in_use = true;
  borrowed_ = true;
  data_ = t_buffer.data;
}

Workspace::~Workspace() {
  if (owned_) release(data_, bytes_);
  if (borrowed_) t_buffer.in_use = false;
}

}  // namespace ein::exec
