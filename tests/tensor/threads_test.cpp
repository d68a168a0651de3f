// set_num_threads / get_num_threads (libtorch's spelling) steer the kernels' thread pool.
#include "ember/core/threads.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kernels/cpu/parallel.h"
#include "support/support.h"

namespace ember {
namespace {

using ::testing::HasSubstr;

TEST(Threads, SetAndGetRoundTripAndReachTheKernels) {
  const int before = get_num_threads();
  set_num_threads(1);
  EXPECT_EQ(get_num_threads(), 1);
  // A kernel large enough to go parallel computes the same sum on one thread (0 + ... + n-1).
  const int64_t n = 1 << 20;
  EXPECT_EQ(arange(n, kLong).sum().item<int64_t>(), n * (n - 1) / 2);
  EXPECT_EQ(kernels::num_threads(), 1);
  int chunks = 0;
  kernels::parallel_for(0, n, 1, [&](int64_t, int64_t) { ++chunks; });
  EXPECT_EQ(chunks, 1);
  set_num_threads(before);
  EXPECT_EQ(get_num_threads(), before);
}

TEST(Threads, NonPositiveCountIsAnError) {
  EXPECT_THAT(testing::error_of([] { set_num_threads(0); }),
              HasSubstr("set_num_threads: expected a positive number of threads, got 0"));
}

}  // namespace
}  // namespace ember
