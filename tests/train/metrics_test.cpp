// train metrics (accuracy, mean) and the early-stopping rule, on their own (the Trainer's use of
// them: trainer_test.cpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "ember/core/error.h"
#include "ember/ember.h"
#include "ember/train/trainer.h"

namespace ember {
namespace {

using ::testing::HasSubstr;

TEST(Metrics, AccuracyOfKnownMulticlassOutputs) {
  train::Accuracy acc;
  EXPECT_TRUE(std::isnan(acc.compute()));
  // argmax: 1, 0, 1, 2 vs targets 1, 1, 1, 2 → 3 of 4
  acc.update(tensor({{0.1f, 0.9f, 0.0f}, {0.8f, 0.2f, 0.0f}, {0.3f, 0.7f, 0.1f}, {0.f, 0.f, 5.f}}),
             tensor({1, 1, 1, 2}));
  EXPECT_EQ(acc.correct(), 3);
  EXPECT_DOUBLE_EQ(acc.compute(), 0.75);
  // a second batch of 2, both wrong → 3 of 6
  acc.update(tensor({{1.f, 0.f, 0.f}, {0.f, 1.f, 0.f}}), tensor({2, 2}));
  EXPECT_DOUBLE_EQ(acc.compute(), 0.5);
  acc.reset();
  EXPECT_EQ(acc.count(), 0);
}

TEST(Metrics, AccuracyOfBinaryLogitsAndProbabilities) {
  train::Accuracy logits;  // threshold 0
  logits.update(tensor({2.f, -1.f, 0.5f, -3.f}), tensor({1.f, 0.f, 0.f, 1.f}));
  EXPECT_DOUBLE_EQ(logits.compute(), 0.5);
  train::Accuracy probs(0.5);
  probs.update(tensor({{0.9f}, {0.2f}, {0.6f}}), tensor({{1}, {0}, {1}}));
  EXPECT_DOUBLE_EQ(probs.compute(), 1.0);
}

TEST(Metrics, AccuracyRejectsMismatchedShapes) {
  train::Accuracy acc;
  EXPECT_THAT(
      [&] {
        acc.update(ones({4, 3}), zeros({3}, kLong));
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("accuracy: output [4, 3]")));
  EXPECT_THROW(acc.update(ones({4, 3, 2}), zeros({4}, kLong)), Error);
  EXPECT_THROW(acc.update(ones({4}), zeros({5})), Error);
}

TEST(Metrics, MeanMetricWeighsBatchesByTheirSize) {
  train::MeanMetric m("first",
                      [](const Tensor& out, const Tensor&) { return out[0].item<double>(); });
  m.update(full({3}, 1.0), Tensor());  // value 1 for 3 examples
  m.update(full({1}, 5.0), Tensor());  // value 5 for 1 example
  EXPECT_DOUBLE_EQ(m.compute(), (3 * 1.0 + 5.0) / 4);
}

TEST(EarlyStopping, StopsAfterPatienceEpochsWithoutImprovement) {
  train::EarlyStopping es(train::MonitorMode::kMin, /*patience=*/2);
  const std::vector<double> seq = {1.0, 0.8, 0.9, 0.85, 0.7};
  std::vector<bool> improved;
  int64_t stopped_at = 0;
  for (size_t i = 0; i < seq.size() && !stopped_at; ++i) {
    improved.push_back(es.update(seq[i]));
    if (es.should_stop()) stopped_at = static_cast<int64_t>(i) + 1;
  }
  EXPECT_EQ(stopped_at, 4);
  EXPECT_EQ(improved, (std::vector<bool>{true, true, false, false}));
  EXPECT_DOUBLE_EQ(es.best(), 0.8);
}

TEST(EarlyStopping, MaxModeMinDeltaAndNaN) {
  train::EarlyStopping es(train::MonitorMode::kMax, 3, /*min_delta=*/0.1);
  EXPECT_TRUE(es.update(0.5));
  EXPECT_FALSE(es.update(0.55));  // not by more than min_delta
  EXPECT_FALSE(es.update(std::nan("")));
  EXPECT_TRUE(es.update(0.7));
  EXPECT_EQ(es.wait(), 0);
  EXPECT_FALSE(es.should_stop());
  EXPECT_THROW(train::EarlyStopping(train::MonitorMode::kAuto), Error);
  EXPECT_THROW(train::EarlyStopping(train::MonitorMode::kMin, 0), Error);
}

// A metric whose value is scripted per epoch (set by a callback at the start of each epoch).

}  // namespace
}  // namespace ember
