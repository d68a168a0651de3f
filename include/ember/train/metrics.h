// Training metrics (accuracy, the mean of any per-batch function) and the monitor that decides
// which epoch is best and when to stop early. Used by train::Trainer; usable on their own:
//
//   train::Accuracy acc;
//   for (auto& batch : *loader) acc.update(model(batch.data), batch.target);
//   double a = acc.compute();   // fraction of correct predictions over every example seen
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "ember/tensor/tensor.h"

namespace ember::train {

/// A value accumulated over the batches of an epoch: reset(), update() per batch, compute().
class Metric {
 public:
  explicit Metric(std::string name) : name_(std::move(name)) {}
  virtual ~Metric() = default;
  /// The name under which the value is logged ("accuracy" → "train/accuracy", "val/accuracy").
  const std::string& name() const { return name_; }
  virtual void reset() = 0;
  /// Adds one batch: `output` is the model's output (detached), `target` the batch's target.
  virtual void update(const Tensor& output, const Tensor& target) = 0;
  /// The value over every batch since reset(); NaN before the first update.
  virtual double compute() const = 0;
  /// Whether larger values are better (used when a monitor's mode is kAuto).
  virtual bool higher_is_better() const { return true; }
  virtual std::unique_ptr<Metric> clone() const = 0;

 private:
  std::string name_;
};

/// Top-1 accuracy, the fraction of examples predicted right.
///  - output (N, C), C ≥ 2, and target (N) of class indices: prediction argmax over C;
///  - output (N) or (N, 1) (binary logits) and target (N) or (N, 1) of 0/1 (any dtype):
///    prediction output > threshold (0 for logits; use 0.5 for probabilities).
/// Shape mismatches throw ember::Error naming "Accuracy" and the shapes.
class Accuracy : public Metric {
 public:
  explicit Accuracy(double threshold = 0.0, std::string name = "accuracy")
      : Metric(std::move(name)), threshold_(threshold) {}
  void reset() override { correct_ = count_ = 0; }
  void update(const Tensor& output, const Tensor& target) override;
  double compute() const override;
  std::unique_ptr<Metric> clone() const override { return std::make_unique<Accuracy>(*this); }
  int64_t correct() const { return correct_; }
  int64_t count() const { return count_; }

 private:
  double threshold_;
  int64_t correct_ = 0, count_ = 0;
};

/// The mean over examples of a per-batch value: each batch's `fn(output, target)` weighs as many
/// examples as the batch has (output.size(0); 1 for a 0-d output). With a `fn` that returns a
/// batch mean, the result is the mean over the whole epoch.
class MeanMetric : public Metric {
 public:
  using Fn = std::function<double(const Tensor& output, const Tensor& target)>;
  MeanMetric(std::string name, Fn fn, bool higher_is_better = true)
      : Metric(std::move(name)), fn_(std::move(fn)), higher_is_better_(higher_is_better) {}
  void reset() override { sum_ = weight_ = 0; }
  void update(const Tensor& output, const Tensor& target) override;
  double compute() const override;
  bool higher_is_better() const override { return higher_is_better_; }
  std::unique_ptr<Metric> clone() const override { return std::make_unique<MeanMetric>(*this); }

 private:
  Fn fn_;
  bool higher_is_better_;
  double sum_ = 0, weight_ = 0;
};

/// Examples in a batch: output.size(0), or 1 for a 0-d tensor.
int64_t batch_size_of(const Tensor& output);

/// Whether a smaller or a larger monitored value is better.
enum class MonitorMode { kAuto, kMin, kMax };

/// Tracks the best value of a monitored metric and the epochs since it last improved (the
/// early-stopping counter, Keras's and Lightning's `wait`). A value improves on the best when it
/// is smaller (kMin) than best − min_delta, or larger (kMax) than best + min_delta; NaN never
/// improves. With a patience, should_stop() becomes true once `patience` epochs in a row did not
/// improve.
class EarlyStopping {
 public:
  /// mode must be kMin or kMax; min_delta ≥ 0; patience ≥ 1 when given.
  explicit EarlyStopping(MonitorMode mode = MonitorMode::kMin,
                         std::optional<int64_t> patience = std::nullopt, double min_delta = 0);
  /// Records one epoch's value; returns whether it is a new best.
  bool update(double value);
  bool should_stop() const { return patience_ && wait_ >= *patience_; }
  /// The best value so far (+inf for kMin, -inf for kMax before the first improvement).
  double best() const { return best_; }
  /// Epochs since the last improvement.
  int64_t wait() const { return wait_; }
  MonitorMode mode() const { return mode_; }
  /// Restores the counters (resuming from a checkpoint).
  void restore(double best, int64_t wait) {
    best_ = best;
    wait_ = wait;
  }

 private:
  MonitorMode mode_;
  std::optional<int64_t> patience_;
  double min_delta_;
  double best_;
  int64_t wait_ = 0;
};

}  // namespace ember::train
