// Workspace memory for running a plan.
//
// Small workspaces come from a per-thread buffer that is reused across runs, so running a
// compiled expression repeatedly does not allocate. Large ones (over kReuseLimit) are allocated
// for the run and released after it, so one big einsum does not pin memory forever.
#pragma once

#include <cstddef>
#include <memory>

namespace ein::exec {

class Workspace {
 public:
  static constexpr std::size_t kReuseLimit = std::size_t{64} << 20;  // 64 MiB

  explicit Workspace(std::size_t bytes);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  [[nodiscard]] std::byte* data() const noexcept { return data_; }

 private:
  std::byte* data_ = nullptr;
  std::size_t bytes_ = 0;
  bool owned_ = false;  // allocated for this run (else the thread's buffer)
  bool borrowed_ = false;
};

}  // namespace ein::exec
