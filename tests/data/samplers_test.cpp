// Samplers: index sequences of the sequential, random and distributed samplers (the distributed
// arithmetic as libtorch's).
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "ember/autograd.h"
#include "ember/data.h"

namespace ember::data::samplers {
namespace {

using Indices = std::vector<size_t>;

template <class S>
std::vector<Indices> drain(S& s, size_t batch_size) {
  std::vector<Indices> out;
  while (auto b = s.next(batch_size)) out.push_back(*b);
  return out;
}

TEST(SequentialSampler, YieldsInOrderAndResets) {
  SequentialSampler s(5);
  EXPECT_EQ(drain(s, 2), (std::vector<Indices>{{0, 1}, {2, 3}, {4}}));
  EXPECT_EQ(s.index(), 5u);
  EXPECT_FALSE(s.next(2).has_value());
  s.reset();
  EXPECT_EQ(drain(s, 5), (std::vector<Indices>{{0, 1, 2, 3, 4}}));
  s.reset(2);
  EXPECT_EQ(drain(s, 5), (std::vector<Indices>{{0, 1}}));
}

TEST(RandomSampler, PermutationComesFromTheDefaultGenerator) {
  manual_seed(42);
  Tensor expected = randperm(10);
  manual_seed(42);
  RandomSampler s(10);
  auto batches = drain(s, 4);
  ASSERT_EQ(batches.size(), 3u);
  Indices all;
  for (auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(all[i], size_t(expected[i].item<int64_t>()));
  s.reset();  // a new permutation, still of 0..9
  Indices again = *s.next(10);
  std::sort(again.begin(), again.end());
  Indices iota(10);
  std::iota(iota.begin(), iota.end(), 0);
  EXPECT_EQ(again, iota);
  s.reset(3);
  EXPECT_EQ(s.next(10)->size(), 3u);
  EXPECT_THROW(RandomSampler(-1), Error);
}

TEST(RandomSampler, Int32IndexDtypeGivesTheSamePermutation) {
  manual_seed(5);
  RandomSampler a(50);
  manual_seed(5);
  RandomSampler b(50, kInt);
  EXPECT_EQ(a.next(50), b.next(50));
}

TEST(DistributedSequentialSampler, SplitsIntoEqualSharesWrappingAround) {
  // 10 examples, 3 replicas: ceil(10 / 3) = 4 each, the last share wraps to 0, 1.
  std::vector<Indices> shares;
  for (size_t rank = 0; rank < 3; ++rank) {
    DistributedSequentialSampler s(10, 3, rank);
    Indices all;
    for (auto& b : drain(s, 3)) all.insert(all.end(), b.begin(), b.end());
    shares.push_back(all);
  }
  EXPECT_EQ(shares, (std::vector<Indices>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 0, 1}}));
  DistributedSequentialSampler no_dup(10, 3, 2, /*allow_duplicates=*/false);
  EXPECT_EQ(drain(no_dup, 10), (std::vector<Indices>{{6, 7, 8}}));
}

TEST(DistributedRandomSampler, SharesPartitionOnePermutationPerEpoch) {
  Indices all;
  for (size_t rank = 0; rank < 4; ++rank) {
    DistributedRandomSampler s(12, 4, rank);
    EXPECT_EQ(s.num_replicas(), 4u);
    for (auto& b : drain(s, 2)) all.insert(all.end(), b.begin(), b.end());
  }
  ASSERT_EQ(all.size(), 12u);
  Indices sorted = all;
  std::sort(sorted.begin(), sorted.end());
  Indices iota(12);
  std::iota(iota.begin(), iota.end(), 0);
  EXPECT_EQ(sorted, iota);

  DistributedRandomSampler a(12, 2, 0), b(12, 2, 0);
  EXPECT_EQ(a.next(6), b.next(6));  // same epoch, same order
  a.set_epoch(1);
  a.reset();
  b.reset();
  EXPECT_NE(a.next(6), b.next(6));
  EXPECT_EQ(a.epoch(), 1u);
}

TEST(DistributedSampler, ChecksRankAndReplicas) {
  EXPECT_THROW(DistributedRandomSampler(10, 0, 0), Error);
  EXPECT_THROW(DistributedSequentialSampler(10, 2, 2), Error);
}

TEST(DistributedSampler, DrivesADataLoader) {
  auto ds = datasets::TensorDataset(arange(10)).map(transforms::Stack<>());
  auto loader = make_data_loader(std::move(ds), DistributedSequentialSampler(10, 2, 1),
                                 DataLoaderOptions().batch_size(2));
  std::vector<int64_t> got;
  for (auto& batch : *loader)
    for (int64_t i = 0; i < batch.data.numel(); ++i) got.push_back(batch.data[i].item<int64_t>());
  EXPECT_EQ(got, (std::vector<int64_t>{5, 6, 7, 8, 9}));
}

}  // namespace
}  // namespace ember::data::samplers
