// Accuracy, MeanMetric and the early-stopping monitor (see ember/train/metrics.h).
#include "ember/train/metrics.h"

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/core/error.h"
#include "ember/ops.h"

namespace ember::train {

int64_t batch_size_of(const Tensor& output) { return output.dim() == 0 ? 1 : output.size(0); }

void Accuracy::update(const Tensor& output, const Tensor& target) {
  EMBER_CHECK(output.defined() && target.defined(), name(), ": output and target must be defined");
  NoGradGuard no_grad;
  const bool multiclass = output.dim() == 2 && output.size(1) >= 2;
  Tensor correct;
  if (multiclass) {
    EMBER_CHECK(target.dim() == 1 && target.size(0) == output.size(0), name(), ": output ",
                output.sizes(), " holds scores of ", output.size(1),
                " classes, so the target must be (", output.size(0),
                ") class indices, but it has shape ", target.sizes());
    correct = eq(argmax(output, 1), target.to(kLong));
  } else {
    EMBER_CHECK(output.dim() == 1 || (output.dim() == 2 && output.size(1) == 1), name(),
                ": output must be (N, C) class scores or (N) / (N, 1) binary scores, got ",
                output.sizes());
    EMBER_CHECK(target.numel() == output.numel() && target.dim() >= 1 && target.dim() <= 2 &&
                    target.size(0) == output.size(0),
                name(), ": binary output ", output.sizes(),
                " needs a target of the same length, got ", target.sizes());
    correct = eq(gt(output.reshape({-1}), threshold_), gt(target.reshape({-1}).to(kDouble), 0.5));
  }
  correct_ += sum(correct.to(kLong)).item<int64_t>();
  count_ += output.size(0);
}

double Accuracy::compute() const {
  return count_ == 0 ? std::nan("") : static_cast<double>(correct_) / static_cast<double>(count_);
}

void MeanMetric::update(const Tensor& output, const Tensor& target) {
  NoGradGuard no_grad;
  const double n = static_cast<double>(batch_size_of(output));
  sum_ += fn_(output, target) * n;
  weight_ += n;
}

double MeanMetric::compute() const { return weight_ == 0 ? std::nan("") : sum_ / weight_; }

EarlyStopping::EarlyStopping(MonitorMode mode, std::optional<int64_t> patience, double min_delta)
    : mode_(mode), patience_(patience), min_delta_(min_delta) {
  EMBER_CHECK(mode == MonitorMode::kMin || mode == MonitorMode::kMax,
              "EarlyStopping: mode must be kMin or kMax (resolve kAuto first)");
  EMBER_CHECK(!patience || *patience >= 1, "EarlyStopping: patience must be at least 1, got ",
              patience.value_or(0));
  EMBER_CHECK(min_delta >= 0, "EarlyStopping: min_delta must be non-negative, got ", min_delta);
  best_ = mode == MonitorMode::kMin ? INFINITY : -INFINITY;
}

bool EarlyStopping::update(double value) {
  const bool improved =
      mode_ == MonitorMode::kMin ? value < best_ - min_delta_ : value > best_ + min_delta_;
  if (improved) {
    best_ = value;
    wait_ = 0;
  } else {
    ++wait_;
  }
  return improved;
}

}  // namespace ember::train
