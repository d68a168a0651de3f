// Learning-rate schedules with PyTorch 1.13's numbers: StepLR, MultiStepLR, ExponentialLR,
// CosineAnnealingLR, LinearLR, OneCycleLR (per batch), and ReduceLROnPlateau (on a metric).
// libtorch 1.13's StepLR decays one call later than PyTorch's; these follow PyTorch.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ember/nn/arg.h"
#include "ember/optim/schedulers/lr_scheduler.h"

namespace ember::optim {

/// lr = base_lr · gamma^⌊epoch / step_size⌋.
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);
  const char* name() const override { return "StepLR"; }

 protected:
  std::vector<double> get_lr() override;
  int64_t step_size_;
  double gamma_;
};

/// lr = base_lr · gamma^(number of milestones ≤ epoch); repeated milestones count twice.
class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, std::vector<int64_t> milestones, double gamma = 0.1);
  const char* name() const override { return "MultiStepLR"; }

 protected:
  std::vector<double> get_lr() override;
  std::vector<int64_t> milestones_;
  double gamma_;
};

/// lr = base_lr · gamma^epoch.
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);
  const char* name() const override { return "ExponentialLR"; }

 protected:
  std::vector<double> get_lr() override;
  double gamma_;
};

/// lr = eta_min + (base_lr − eta_min)·(1 + cos(π·epoch/T_max))/2 (SGDR without restarts;
/// past T_max it rises again, as PyTorch's).
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0);
  const char* name() const override { return "CosineAnnealingLR"; }

 protected:
  std::vector<double> get_lr() override;
  int64_t T_max_;
  double eta_min_;
};

/// Linear warm-up (or decay) of the factor from start_factor to end_factor over total_iters
/// epochs: lr = base_lr · (start + (end − start)·min(epoch, total_iters)/total_iters).
class LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0,
           int64_t total_iters = 5);
  const char* name() const override { return "LinearLR"; }

 protected:
  std::vector<double> get_lr() override;
  double start_factor_, end_factor_;
  int64_t total_iters_;
};

struct OneCycleLROptions {
  enum AnnealStrategy { cos, linear };
  OneCycleLROptions(double max_lr, int64_t total_steps)  // NOLINT
      : max_lr_({max_lr}), total_steps_(total_steps) {}
  OneCycleLROptions(std::vector<double> max_lr, int64_t total_steps)
      : max_lr_(std::move(max_lr)), total_steps_(total_steps) {}
  /// One value for every group, or one per group.
  EMBER_ARG(std::vector<double>, max_lr);
  EMBER_ARG(int64_t, total_steps);
  EMBER_ARG(double, pct_start) = 0.3;
  EMBER_ARG(AnnealStrategy, anneal_strategy) = cos;
  /// Cycles momentum (SGD, RMSprop) or beta1 (Adam, AdamW) inversely to the learning rate.
  EMBER_ARG(bool, cycle_momentum) = true;
  EMBER_ARG(double, base_momentum) = 0.85;
  EMBER_ARG(double, max_momentum) = 0.95;
  EMBER_ARG(double, div_factor) = 25;
  EMBER_ARG(double, final_div_factor) = 1e4;
  EMBER_ARG(bool, three_phase) = false;
};

/// The 1cycle policy (Smith & Topin), stepped once per batch: from max_lr/div_factor up to
/// max_lr over pct_start of total_steps, then down to initial_lr/final_div_factor (three_phase:
/// back to initial_lr first). step() past total_steps throws, as PyTorch's.
class OneCycleLR : public LRScheduler {
 public:
  OneCycleLR(Optimizer& optimizer, OneCycleLROptions options);
  OneCycleLR(Optimizer& optimizer, double max_lr, int64_t total_steps)
      : OneCycleLR(optimizer, OneCycleLROptions(max_lr, total_steps)) {}
  const char* name() const override { return "OneCycleLR"; }
  const OneCycleLROptions& options() const { return options_; }

 protected:
  std::vector<double> get_lr() override;

 private:
  struct Phase {
    double end_step;
    int start_lr, end_lr;              // indices into a group's {initial, max, min} learning rates
    int start_momentum, end_momentum;  // indices into {max, base} momentum
  };
  double anneal(double start, double end, double pct) const;
  double group_momentum(size_t group) const;
  void set_group_momentum(size_t group, double momentum);

  OneCycleLROptions options_;
  std::vector<Phase> phases_;
  std::vector<double> initial_lrs_, max_lrs_, min_lrs_;
};

/// What ReduceLROnPlateau needs to resume (PyTorch's state_dict fields).
struct ReduceLROnPlateauState {
  int64_t last_epoch = 0;
  double best = 0;
  int64_t num_bad_epochs = 0;
  int64_t cooldown_counter = 0;
  std::vector<double> last_lr;
};

/// Divides the learning rates by 1/factor when a metric has stopped improving for `patience`
/// epochs (step(metric) once per epoch), then waits `cooldown` epochs.
class ReduceLROnPlateau {
 public:
  enum SchedulerMode { min, max };
  enum ThresholdMode { rel, abs };
  /// min_lr: empty (0 for every group), one value, or one per group.
  explicit ReduceLROnPlateau(Optimizer& optimizer, SchedulerMode mode = min, double factor = 0.1,
                             int64_t patience = 10, double threshold = 1e-4,
                             ThresholdMode threshold_mode = rel, int64_t cooldown = 0,
                             std::vector<double> min_lr = {}, double eps = 1e-8);
  ReduceLROnPlateau(const ReduceLROnPlateau&) = delete;
  ReduceLROnPlateau& operator=(const ReduceLROnPlateau&) = delete;

  void step(double metric);
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }
  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  bool in_cooldown() const { return cooldown_counter_ > 0; }
  const char* name() const { return "ReduceLROnPlateau"; }

  ReduceLROnPlateauState state() const;
  void load_state(const ReduceLROnPlateauState& state);

 private:
  bool is_better(double a, double best) const;
  void reduce_lr();

  Optimizer& optimizer_;
  SchedulerMode mode_;
  double factor_;
  int64_t patience_;
  double threshold_;
  ThresholdMode threshold_mode_;
  int64_t cooldown_;
  std::vector<double> min_lrs_;
  double eps_;
  int64_t last_epoch_ = 0;
  double best_;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
  std::vector<double> last_lr_;
};

/// libtorch 2's name.
using ReduceLROnPlateauScheduler = ReduceLROnPlateau;

}  // namespace ember::optim
