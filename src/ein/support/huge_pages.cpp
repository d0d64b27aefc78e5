#include "ein/support/huge_pages.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace ein::support {

void advise_huge_pages(void* p, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (p == nullptr || bytes < kHugePageAdviceBytes) return;
  const long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  const auto size = static_cast<std::uintptr_t>(page);
  // madvise wants a page-aligned start: advise the whole pages inside the block.
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + size - 1) / size * size;
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) / size * size;
  if (end > begin) {
    (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
#else
  (void)p;
  (void)bytes;
#endif
}

}  // namespace ein::support
