// parallel_for on ember's thread pool: coverage, chunking, exceptions, nesting, user threads,
// fork, and the thread-count settings.
#include "kernels/cpu/parallel.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ember/core/error.h"
#include "ember/core/threads.h"

namespace ember::kernels {
namespace {

// Restores the thread count a test changes.
struct ThreadCount {
  int saved = get_num_threads();
  explicit ThreadCount(int n) { set_num_threads(n); }
  ~ThreadCount() { set_num_threads(saved); }
};

TEST(ParallelFor, CoversTheRangeExactlyOnce) {
  ThreadCount threads(4);
  for (int64_t n : {1, 2, 3, 7, 100, 4097}) {
    std::vector<std::atomic<int>> hits(n);
    parallel_for(0, n, 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) hits[i]++;
    });
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << "n=" << n << " i=" << i;
  }
}

TEST(ParallelFor, ChunksAreContiguousAtLeastAGrainAndIndexedByThreadNum) {
  ThreadCount threads(3);
  std::vector<std::pair<int64_t, int64_t>> chunks(num_threads(), {-1, -1});
  parallel_for(10, 1010, 100, [&](int64_t b, int64_t e) { chunks[thread_num()] = {b, e}; });
  // 1000 iterations, grain 100, 3 threads: three chunks cut at len * i / 3.
  EXPECT_EQ(chunks[0], std::make_pair(int64_t(10), int64_t(343)));
  EXPECT_EQ(chunks[1], std::make_pair(int64_t(343), int64_t(676)));
  EXPECT_EQ(chunks[2], std::make_pair(int64_t(676), int64_t(1010)));
}

TEST(ParallelFor, ShortRangesRunOnTheCallingThread) {
  ThreadCount threads(4);
  const auto me = std::this_thread::get_id();
  std::thread::id ran;
  parallel_for(0, 50, 100, [&](int64_t b, int64_t e) {
    EXPECT_EQ(b, 0);
    EXPECT_EQ(e, 50);
    ran = std::this_thread::get_id();
  });
  EXPECT_EQ(ran, me);
  EXPECT_FALSE(in_parallel());
}

TEST(ParallelFor, UsesOtherThreadsForLongRanges) {
  ThreadCount threads(2);
  std::atomic<int> others{0};
  const auto me = std::this_thread::get_id();
  for (int rep = 0; rep < 50 && others == 0; ++rep)
    parallel_for(0, 2, 1, [&](int64_t, int64_t) {
      if (std::this_thread::get_id() != me) others++;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let the worker claim one
    });
  EXPECT_GT(others.load(), 0);
}

TEST(ParallelFor, RethrowsTheFirstExceptionOnTheCaller) {
  ThreadCount threads(4);
  std::atomic<int> ran{0};
  auto body = [&](int64_t b, int64_t) {
    ran++;
    if (b == 0) throw Error("chunk zero failed");
  };
  try {
    parallel_for(0, 4, 1, body);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "chunk zero failed");
  }
  EXPECT_EQ(ran.load(), 4);  // every chunk finished before the rethrow
  // The pool still works afterwards.
  std::atomic<int64_t> sum{0};
  parallel_for(0, 1000, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) sum += i;
  });
  EXPECT_EQ(sum.load(), 999 * 1000 / 2);
}

TEST(ParallelFor, NestedCallsRunSerially) {
  ThreadCount threads(4);
  std::atomic<int> inner_chunks{0};
  parallel_for(0, 4, 1, [&](int64_t, int64_t) {
    EXPECT_TRUE(in_parallel());
    EXPECT_EQ(num_threads(), 1);
    parallel_for(0, 1000, 1, [&](int64_t b, int64_t e) {
      EXPECT_EQ(e - b, 1000);
      inner_chunks++;
    });
  });
  EXPECT_EQ(inner_chunks.load(), 4);
}

TEST(ParallelFor, NestedCallIsChunkZeroOfOne) {
  // Scratch sized by num_threads() inside a chunk (1) must be indexable by thread_num() in a
  // nested call; the outer chunk's index comes back after it.
  ThreadCount threads(4);
  std::vector<int> outer_ok(4, 0);
  parallel_for(0, 4, 1, [&](int64_t b, int64_t) {
    const int chunk = thread_num();
    std::vector<int> scratch(num_threads(), 0);
    parallel_for(0, 10, 1, [&](int64_t, int64_t) { scratch.at(thread_num())++; });
    EXPECT_EQ(scratch, std::vector<int>{1});
    outer_ok[b] = thread_num() == chunk;
  });
  EXPECT_EQ(outer_ok, (std::vector<int>{1, 1, 1, 1}));
}

TEST(ParallelFor, SafeFromSeveralUserThreads) {
  ThreadCount threads(2);
  constexpr int kUsers = 4, kReps = 200;
  std::vector<int64_t> sums(kUsers, 0);
  std::vector<std::thread> users;
  for (int u = 0; u < kUsers; ++u)
    users.emplace_back([&, u] {
      for (int r = 0; r < kReps; ++r) {
        std::vector<int64_t> part(num_threads(), 0);
        parallel_for(0, 10000, 100, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) part[thread_num()] += i;
        });
        for (int64_t p : part) sums[u] += p;
      }
    });
  for (auto& t : users) t.join();
  for (int u = 0; u < kUsers; ++u) EXPECT_EQ(sums[u], int64_t(kReps) * 9999 * 10000 / 2);
}

TEST(ParallelFor, SerialGuardKeepsAThreadSerial) {
  ThreadCount threads(4);
  SerialGuard guard;
  EXPECT_EQ(num_threads(), 1);
  int calls = 0;
  parallel_for(0, 1000, 1, [&](int64_t, int64_t) { ++calls; });
  EXPECT_EQ(calls, 1);
}

TEST(ParallelFor, WorksInAForkedChild) {
  ThreadCount threads(2);
  parallel_for(0, 2, 1, [](int64_t, int64_t) {});  // the parent's pool exists
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::atomic<int64_t> sum{0};
    parallel_for(0, 1000, 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) sum += i;
    });
    _exit(sum.load() == 999 * 1000 / 2 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(ParallelFor, GrainForTurnsCostIntoIterations) {
  EXPECT_EQ(grain_for(1), kGrain);
  EXPECT_EQ(grain_for(kGrain), 1);
  EXPECT_EQ(grain_for(10 * kGrain), 1);
  EXPECT_EQ(grain_for(0), kGrain);
}

TEST(Threads, SetNumThreadsChangesThePool) {
  ThreadCount threads(3);
  EXPECT_EQ(get_num_threads(), 3);
  EXPECT_EQ(num_threads(), 3);
  set_num_threads(1);
  int calls = 0;
  parallel_for(0, 1000, 1, [&](int64_t, int64_t) { ++calls; });
  EXPECT_EQ(calls, 1);
  EXPECT_THROW(set_num_threads(0), Error);
}

}  // namespace
}  // namespace ember::kernels
