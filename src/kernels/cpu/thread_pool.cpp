// Ember's thread pool behind parallel_for (see parallel.h), and set_num_threads/get_num_threads.
//
// One pool of num_threads() - 1 workers; the calling thread is the last worker. A job is a range
// cut into n fixed chunks; threads claim chunks from one atomic word, so when a worker is slow to
// wake (another process has its core) the caller simply runs that chunk itself. Waiting is a
// short bounded spin (~50 µs, the gap between two ops of a training step) and then a futex sleep:
// an idle ember never holds a core that another process wants. libgomp's default, spinning for
// hundreds of milliseconds, made 2-thread training 10x slower beside two busy processes.
//
// One job runs at a time. A parallel_for that finds the pool busy (another user thread is using
// it) runs serially on its own thread instead of waiting; one inside a chunk runs serially too.
// After fork() the child starts a fresh pool on first use (the parent's workers do not exist
// there); the old pool's memory is abandoned, never touched.
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ember/core/error.h"
#include "ember/core/threads.h"
#include "kernels/cpu/parallel.h"

namespace ember::kernels {
namespace {

thread_local bool t_in_parallel = false;
thread_local int t_chunk = 0;

void futex_wait(std::atomic<uint32_t>& word, uint32_t expected) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}
void futex_wake_all(std::atomic<uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr,
          nullptr, 0);
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spins while `waiting()` holds, for at most about kSpin; returns false if it gave up.
constexpr auto kSpin = std::chrono::microseconds(50);
template <class Pred>
bool spin_while(Pred waiting) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (int i = 1; waiting(); ++i) {
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() > until) return false;
  }
  return true;
}

// A positive integer from the environment, or 0. OMP_NUM_THREADS may be a list ("4,2"): the
// first entry is the outer level, which is ours.
int env_threads(const char* name) {
  const char* s = std::getenv(name);
  if (!s || !*s) return 0;
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (end == s || (*end != '\0' && *end != ',') || v <= 0 || v > 4096) return 0;
  return static_cast<int>(v);
}

int default_threads() {
  for (const char* var : {"EMBER_NUM_THREADS", "OMP_NUM_THREADS"})
    if (int n = env_threads(var)) return n;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

std::atomic<int> g_num_threads{0};  // 0: not yet read from the environment

int wanted_threads() {
  int n = g_num_threads.load(std::memory_order_relaxed);
  if (n == 0) {
    int expected = 0;
    n = default_threads();
    if (!g_num_threads.compare_exchange_strong(expected, n)) n = expected;
  }
  return n;
}

class Pool {
 public:
  // The mutex serialising jobs; try-locked by run_parallel.
  std::mutex busy;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Caller holds `busy`. Stops the workers and starts n - 1 new ones.
  void resize(int n) {
    stop_workers();
    for (int i = 1; i < n; ++i) workers_.emplace_back([this] { worker_loop(); });
  }

  // Caller holds `busy`; n >= 2 chunks.
  void run(int64_t begin, int64_t end, int n, detail::ChunkFn fn, const void* ctx) {
    fn_ = fn;
    ctx_ = ctx;
    begin_ = begin;
    len_ = end - begin;
    error_ = nullptr;
    done_.store(0, std::memory_order_relaxed);
    const uint32_t job = ++job_;
    claim_.store(uint64_t(job) << 32 | uint64_t(n) << 16,
                 std::memory_order_seq_cst);  // publishes the job
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      wake_.fetch_add(1, std::memory_order_seq_cst);
      futex_wake_all(wake_);
    }
    run_chunks(job);
    const uint32_t total = static_cast<uint32_t>(n);
    if (!spin_while([&] { return done_.load(std::memory_order_acquire) != total; })) {
      caller_waits_.store(true, std::memory_order_seq_cst);
      for (uint32_t d; (d = done_.load(std::memory_order_seq_cst)) != total;) futex_wait(done_, d);
      caller_waits_.store(false, std::memory_order_relaxed);
    }
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Claims chunks of `job` until none is left. claim_ = job (32 bits) | chunks (16) | next (16).
  void run_chunks(uint32_t job) {
    for (uint64_t w = claim_.load(std::memory_order_acquire);;) {
      if (static_cast<uint32_t>(w >> 32) != job) return;
      const int n = static_cast<int>(w >> 16 & 0xffff), i = static_cast<int>(w & 0xffff);
      if (i >= n) return;
      if (!claim_.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel)) continue;
      run_chunk(i, n);
      if (done_.fetch_add(1, std::memory_order_seq_cst) + 1 == static_cast<uint32_t>(n) &&
          caller_waits_.load(std::memory_order_seq_cst))
        futex_wake_all(done_);
      w = claim_.load(std::memory_order_acquire);
    }
  }

  void run_chunk(int i, int n) {
    const int64_t b = begin_ + len_ * i / n, e = begin_ + len_ * (i + 1) / n;
    t_in_parallel = true;
    t_chunk = i;
    try {
      fn_(ctx_, b, e);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mu_);
      if (!error_) error_ = std::current_exception();
    }
    t_in_parallel = false;
    t_chunk = 0;
  }

  void worker_loop() {
    uint32_t seen = job_;  // written before the thread started
    for (;;) {
      auto idle = [&] {
        return static_cast<uint32_t>(claim_.load(std::memory_order_seq_cst) >> 32) == seen &&
               !stop_flag();
      };
      if (!spin_while(idle)) {
        for (;;) {
          const uint32_t ticket = wake_.load(std::memory_order_seq_cst);
          sleepers_.fetch_add(1, std::memory_order_seq_cst);
          const bool still_idle = idle();
          if (still_idle) futex_wait(wake_, ticket);
          sleepers_.fetch_sub(1, std::memory_order_seq_cst);
          if (!still_idle || !idle()) break;
        }
      }
      if (stop_flag()) return;
      seen = static_cast<uint32_t>(claim_.load(std::memory_order_acquire) >> 32);
      run_chunks(seen);
    }
  }

  bool stop_flag() const { return stop_atomic_.load(std::memory_order_acquire); }

  void stop_workers() {
    if (workers_.empty()) return;
    stop_atomic_.store(true, std::memory_order_seq_cst);
    wake_.fetch_add(1, std::memory_order_seq_cst);
    futex_wake_all(wake_);
    for (auto& t : workers_) t.join();
    workers_.clear();
    stop_atomic_.store(false, std::memory_order_seq_cst);
  }

  std::vector<std::thread> workers_;
  std::atomic<bool> stop_atomic_{false};
  // The current job (written by the caller before it publishes claim_).
  detail::ChunkFn fn_ = nullptr;
  const void* ctx_ = nullptr;
  int64_t begin_ = 0, len_ = 0;
  uint32_t job_ = 0;
  std::atomic<uint64_t> claim_{0};
  std::atomic<uint32_t> done_{0};
  std::atomic<bool> caller_waits_{false};
  // Sleeping workers wait on wake_, a ticket bumped for each job published while one sleeps.
  std::atomic<uint32_t> wake_{0};
  std::atomic<int> sleepers_{0};
  std::mutex error_mu_;
  std::exception_ptr error_;
};

// The pool is created on first use and never destroyed: worker threads may still be asleep in it
// while static destructors run at exit, and after fork() the child abandons the parent's.
std::atomic<Pool*> g_pool{nullptr};
std::mutex g_pool_mu;

void forget_pool_in_child() {
  g_pool.store(nullptr);
  new (&g_pool_mu) std::mutex;  // the parent's lock state means nothing here
}

Pool& pool() {
  Pool* p = g_pool.load(std::memory_order_acquire);
  if (p) return *p;
  std::lock_guard<std::mutex> lock(g_pool_mu);
  p = g_pool.load(std::memory_order_relaxed);
  if (!p) {
    static const bool registered = [] {
      return pthread_atfork(nullptr, nullptr, forget_pool_in_child) == 0;
    }();
    (void)registered;
    p = new Pool;
    g_pool.store(p, std::memory_order_release);
  }
  return *p;
}

}  // namespace

int num_threads() { return t_in_parallel ? 1 : wanted_threads(); }
int thread_num() { return t_chunk; }
bool in_parallel() { return t_in_parallel; }

SerialGuard::SerialGuard() : prev_(t_in_parallel) { t_in_parallel = true; }
SerialGuard::~SerialGuard() { t_in_parallel = prev_; }

namespace detail {

void run_nested(int64_t begin, int64_t end, ChunkFn fn, const void* ctx) {
  struct ChunkZero {
    int prev = t_chunk;
    ChunkZero() { t_chunk = 0; }
    ~ChunkZero() { t_chunk = prev; }
  } scope;
  fn(ctx, begin, end);
}

void run_parallel(int64_t begin, int64_t end, int64_t grain, ChunkFn fn, const void* ctx) {
  const int nt = wanted_threads();
  const int64_t len = end - begin, g = std::max<int64_t>(grain, 1);
  const int n = static_cast<int>(std::min<int64_t>({nt, (len + g - 1) / g, 0xffff}));
  Pool& p = pool();
  std::unique_lock<std::mutex> lock(p.busy, std::try_to_lock);
  if (n < 2 || !lock.owns_lock()) {  // too little work, or another thread has the pool
    fn(ctx, begin, end);
    return;
  }
  if (p.size() != nt) p.resize(nt);
  p.run(begin, end, n, fn, ctx);
}

}  // namespace detail
}  // namespace ember::kernels

namespace ember {

void set_num_threads(int n) {
  EMBER_CHECK(n > 0, "set_num_threads: expected a positive number of threads, got ", n);
  kernels::g_num_threads.store(n);
}

int get_num_threads() { return kernels::wanted_threads(); }

}  // namespace ember
