// parallel_for on ember's own thread pool: the one way kernels run on several threads.
//
// Grain policy (the only one): a loop is worth splitting when it does at least kGrain elementary
// operations (a multiply-add, a load and a store: about 10 µs of one core). Callers pass a grain
// in *iterations*: `grain_for(cost)` turns "each iteration does `cost` operations" into the
// number of iterations one chunk must have; multiply-adds inside a BLAS call count
// 1/kMultiplyAddsPerOp each (two 16-lane FMA units do 32 per cycle). A range shorter than one grain
// runs on the calling thread with no synchronisation at all.
//
// Chunks are fixed by (range, grain, num_threads()) alone, never by timing, so per-chunk partial
// results combined in chunk order are deterministic for a given thread count. Inside a chunk,
// thread_num() is the chunk's index (0 .. num_threads()-1): index per-chunk scratch with it.
#pragma once

#include <algorithm>
#include <cstdint>

namespace ember::kernels {

constexpr int64_t kGrain = 32768;
constexpr int64_t kMultiplyAddsPerOp = 32;

/// Iterations per chunk for a loop whose iterations each cost `cost` elementary operations.
constexpr int64_t grain_for(int64_t cost) {
  return std::max<int64_t>(1, kGrain / std::max<int64_t>(1, cost));
}

/// Threads a parallel_for started on this thread may use (1 inside a parallel_for).
int num_threads();
/// Index of the running chunk inside a parallel_for; 0 outside.
int thread_num();
/// True inside a parallel_for chunk (nested parallel_for calls run serially).
bool in_parallel();

namespace detail {
using ChunkFn = void (*)(const void* ctx, int64_t begin, int64_t end);
void run_parallel(int64_t begin, int64_t end, int64_t grain, ChunkFn fn, const void* ctx);
/// Runs fn over [begin, end) on this thread as chunk 0 of 1 (a parallel_for nested in a chunk),
/// so that per-chunk scratch sized by num_threads() (1 there) is indexed by thread_num() 0.
void run_nested(int64_t begin, int64_t end, ChunkFn fn, const void* ctx);
}  // namespace detail

/// Calls f(b, e) on disjoint sub-ranges covering [begin, end), each at least `grain` iterations
/// long (but the last), on up to num_threads() threads. The first exception thrown by any chunk
/// is rethrown on the calling thread after every chunk has finished.
template <class F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& f) {
  if (begin >= end) return;
  constexpr detail::ChunkFn call = [](const void* ctx, int64_t b, int64_t e) {
    (*static_cast<const F*>(ctx))(b, e);
  };
  if (in_parallel()) return detail::run_nested(begin, end, call, &f);
  if (end - begin <= grain || num_threads() == 1) return f(begin, end);
  detail::run_parallel(begin, end, grain, call, &f);
}

/// For the duration of its scope, parallel_for calls on this thread run serially (data-loader
/// workers, which are already one of several threads).
class SerialGuard {
 public:
  SerialGuard();
  ~SerialGuard();
  SerialGuard(const SerialGuard&) = delete;
  SerialGuard& operator=(const SerialGuard&) = delete;

 private:
  bool prev_;
};

}  // namespace ember::kernels
