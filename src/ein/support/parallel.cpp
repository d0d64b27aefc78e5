// The persistent pool behind parallel_for.
//
// A parallel_for publishes a Job that lives on the caller's stack. Pool threads that pick the job
// up register as helpers; every participant (caller included) claims chunk numbers from an atomic
// counter until none are left. The caller, once the counter runs out, unlinks the job so no new
// helper can join and waits until the helpers that joined have left; at that point every chunk
// is finished and the job may go out of scope. No allocation happens per call.
#include "ein/support/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ein::support {

namespace {

struct Job {
  detail::ChunkBody body{};
  Index n = 0;
  int chunks = 0;
  std::atomic<int> next_chunk{0};
  // Guarded by the pool mutex:
  int helpers_wanted = 0;  // pool threads that may still join
  // Pool threads currently working on this job. Changed under the mutex; atomic so that the
  // caller can poll it without the lock before it sleeps (see Pool::run).
  std::atomic<int> helpers_in{0};
  bool linked = false;     // in the pool's job list
  Job* next = nullptr;
  std::exception_ptr error;  // first exception thrown by a body
};

// Claims and runs chunks until none are left; records the first exception.
void work_on(Job& job, std::mutex& error_mutex) {
  for (;;) {
    const int c = job.next_chunk.fetch_add(1, std::memory_order_relaxed);
    if (c >= job.chunks) return;
    Index begin = 0, end = 0;
    chunk_range(job.n, job.chunks, c, begin, end);
    try {
      job.body.call(job.body.object, c, begin, end);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!job.error) job.error = std::current_exception();
    }
  }
}

class Pool {
 public:
  explicit Pool(int workers) {
    threads_.reserve(static_cast<std::size_t>(workers));
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { worker_loop(); });
  }

  // Never destroyed (see instance()), so worker threads never race with static destructors.
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  static Pool& instance() {
    // Leaked on purpose: a pool torn down during static destruction could deadlock or touch
    // freed state if some other static object's destructor still runs a parallel_for.
    static Pool* pool = new Pool(std::max(1, default_threads() - 1));
    return *pool;
  }

  void run(Job& job) {
    // Copied while holding the mutex: pool threads decrement job.helpers_wanted as they join.
    int wake = 0;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      job.helpers_wanted = std::min(job.chunks - 1, static_cast<int>(threads_.size()));
      wake = job.helpers_wanted;
      job.linked = true;
      pending_.fetch_add(1, std::memory_order_release);
      job.next = nullptr;
      if (tail_ == nullptr) {
        head_ = tail_ = &job;
      } else {
        tail_->next = &job;
        tail_ = &job;
      }
    }
    if (wake >= static_cast<int>(threads_.size())) {
      work_cv_.notify_all();
    } else {
      for (int i = 0; i < wake; ++i) work_cv_.notify_one();
    }
    work_on(job, error_mutex_);
    std::unique_lock<std::mutex> lock(mutex_);
    unlink(job);
    if (job.helpers_in.load(std::memory_order_relaxed) > 0) {
      // The helpers are finishing their last chunks: poll briefly instead of sleeping at once,
      // for the same reason workers poll (a wake-up costs tens of microseconds).
      lock.unlock();
      poll_until([&] { return job.helpers_in.load(std::memory_order_acquire) == 0; });
      lock.lock();
    }
    done_cv_.wait(lock, [&] { return job.helpers_in.load(std::memory_order_relaxed) == 0; });
  }

 private:
  void unlink(Job& job) {
    if (!job.linked) return;
    Job* prev = nullptr;
    for (Job* j = head_; j != nullptr; prev = j, j = j->next) {
      if (j != &job) continue;
      (prev == nullptr ? head_ : prev->next) = j->next;
      if (tail_ == j) tail_ = prev;
      break;
    }
    job.linked = false;
    pending_.fetch_sub(1, std::memory_order_relaxed);
  }

  // After a job a worker polls for the next one for a while before it sleeps on the condition
  // variable: waking a sleeping thread takes tens of microseconds on a virtual machine (futex,
  // then the hypervisor schedules the vCPU), which cost more than it saved on work of ~100 us
  // (8192 batched 8x8 products ran 1.16x faster on two threads instead of 2x). Repeated
  // contractions, the common case, find the workers awake. The poll reads one atomic and
  // pauses between reads, so it yields the core's pipeline to a sibling hyperthread.
  template <class Done>
  static void poll_until(const Done& done) {
    using Clock = std::chrono::steady_clock;
    const auto until = Clock::now() + std::chrono::microseconds(kPollMicroseconds);
    for (int i = 0;; ++i) {
      if (done()) return;
#if defined(__x86_64__) || defined(__i386__)
      _mm_pause();
#endif
      if (i % 64 == 63 && Clock::now() >= until) return;
    }
  }

  void worker_loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (head_ == nullptr) {
        lock.unlock();
        poll_until([this] { return pending_.load(std::memory_order_acquire) > 0; });
        lock.lock();
      }
      work_cv_.wait(lock, [&] { return head_ != nullptr; });
      Job& job = *head_;
      job.helpers_in.fetch_add(1, std::memory_order_relaxed);
      if (--job.helpers_wanted <= 0) unlink(job);
      lock.unlock();
      work_on(job, error_mutex_);
      lock.lock();
      if (job.helpers_in.fetch_sub(1, std::memory_order_release) == 1) done_cv_.notify_all();
    }
  }

  std::mutex mutex_;
  std::mutex error_mutex_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  Job* head_ = nullptr;
  Job* tail_ = nullptr;
  static constexpr int kPollMicroseconds = 200;
  std::atomic<int> pending_{0};  // jobs linked in the list (head_ != nullptr), for the poll
  std::vector<std::thread> threads_;
};

}  // namespace

int default_threads() noexcept {
  // Read once: glibc answers hardware_concurrency() by reading /sys on every call (three system
  // calls, about 2 us), which dominated small contractions that ask for their thread count.
  static const int threads = [] {
    const unsigned hc = std::thread::hardware_concurrency();
    return hc == 0 ? 1 : static_cast<int>(hc);
  }();
  return threads;
}

int parallel_chunks(Index n, int threads, Index grain) noexcept {
  if (n <= 0) return 0;
  if (threads <= 0) threads = default_threads();
  if (grain < 1) grain = 1;
  const Index by_grain = std::max<Index>(1, n / grain);
  return static_cast<int>(std::min<Index>(threads, by_grain));
}

namespace detail {

void run_chunks(Index n, int threads, ChunkBody body, Index grain) {
  const int chunks = parallel_chunks(n, threads, grain);
  if (chunks == 0) return;
  if (chunks == 1) {
    body.call(body.object, 0, 0, n);
    return;
  }
  Job job;
  job.body = body;
  job.n = n;
  job.chunks = chunks;
  Pool::instance().run(job);
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace detail

void parallel_for(Index n, int threads, const std::function<void(Index begin, Index end)>& body,
                  Index grain) {
  parallel_for<std::function<void(Index, Index)>>(n, threads, body, grain);
}

}  // namespace ein::support
