// LRScheduler: the base of the epoch-indexed learning-rate schedules (PyTorch's _LRScheduler;
// libtorch's torch::optim::LRScheduler). Construction performs PyTorch's initial step, so the
// optimizer's learning rates are the schedule's values at epoch 0; each step() then advances one
// epoch (or batch, for OneCycleLR) with PyTorch 1.13's chainable formulas.
//
//   optim::StepLR scheduler(optimizer, /*step_size=*/30, /*gamma=*/0.1);
//   for (int epoch = 0; epoch < 100; ++epoch) { train(...); scheduler.step(); }
#pragma once

#include <cstdint>
#include <vector>

#include "ember/optim/optimizer.h"

namespace ember::optim {

/// What a scheduler needs to resume: PyTorch's state_dict() fields of the base class.
struct LRSchedulerState {
  int64_t last_epoch = -1;
  int64_t step_count = 0;
  std::vector<double> base_lrs;
  std::vector<double> last_lr;
};

class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  /// Advances one epoch and writes the new learning rates into the optimizer's groups.
  void step();
  /// The learning rates the last step() (or the constructor) set, one per group.
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  /// The epoch the current learning rates belong to (0 after construction).
  int64_t last_epoch() const { return last_epoch_; }
  /// Each group's learning rate when the scheduler was built (PyTorch's initial_lr).
  const std::vector<double>& base_lrs() const { return base_lrs_; }

  /// Resumable state (saved by ember::save through optim/serialize.h).
  virtual LRSchedulerState state() const;
  virtual void load_state(const LRSchedulerState& state);
  /// The scheduler's name for saved files and errors ("StepLR").
  virtual const char* name() const = 0;

 protected:
  /// The new learning rates for epoch last_epoch_ (PyTorch's chainable get_lr()).
  virtual std::vector<double> get_lr() = 0;
  /// Must be called at the end of the derived constructor (PyTorch's _initial_step()): the
  /// base constructor cannot call the derived get_lr().
  void initial_step();
  /// The groups' current learning rates.
  std::vector<double> get_current_lrs() const;

  Optimizer& optimizer_;
  int64_t last_epoch_ = -1;
  int64_t step_count_ = 0;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
};

}  // namespace ember::optim
