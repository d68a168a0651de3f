// ReduceLROnPlateau: PyTorch 1.13's is_better, patience, cooldown and min_lr rules.
#include <algorithm>
#include <limits>

#include "ember/optim/schedulers/schedulers.h"

namespace ember::optim {

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, SchedulerMode mode, double factor,
                                     int64_t patience, double threshold,
                                     ThresholdMode threshold_mode, int64_t cooldown,
                                     std::vector<double> min_lr, double eps)
    : optimizer_(optimizer),
      mode_(mode),
      factor_(factor),
      patience_(patience),
      threshold_(threshold),
      threshold_mode_(threshold_mode),
      cooldown_(cooldown),
      eps_(eps) {
  EMBER_CHECK(factor < 1.0, "ReduceLROnPlateau: Factor should be < 1.0, got ", factor);
  const size_t groups = optimizer.param_groups().size();
  if (min_lr.empty()) min_lr = {0.0};
  EMBER_CHECK(min_lr.size() == 1 || min_lr.size() == groups, "ReduceLROnPlateau: expected ", groups,
              " min_lrs, got ", min_lr.size());
  min_lrs_ = min_lr.size() == 1 ? std::vector<double>(groups, min_lr[0]) : min_lr;
  best_ = mode == min ? std::numeric_limits<double>::infinity()
                      : -std::numeric_limits<double>::infinity();
  for (const auto& group : optimizer.param_groups()) last_lr_.push_back(group.options().get_lr());
}

bool ReduceLROnPlateau::is_better(double a, double best) const {
  if (mode_ == min && threshold_mode_ == rel) return a < best * (1. - threshold_);
  if (mode_ == min && threshold_mode_ == abs) return a < best - threshold_;
  if (mode_ == max && threshold_mode_ == rel) return a > best * (threshold_ + 1.);
  return a > best + threshold_;
}

void ReduceLROnPlateau::step(double metric) {
  last_epoch_ += 1;
  if (is_better(metric, best_)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    num_bad_epochs_ += 1;
  }
  if (in_cooldown()) {
    cooldown_counter_ -= 1;
    num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
  }
  if (num_bad_epochs_ > patience_) {
    reduce_lr();
    cooldown_counter_ = cooldown_;
    num_bad_epochs_ = 0;
  }
  last_lr_.clear();
  for (const auto& group : optimizer_.param_groups()) last_lr_.push_back(group.options().get_lr());
}

void ReduceLROnPlateau::reduce_lr() {
  auto& groups = optimizer_.param_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    const double old_lr = groups[i].options().get_lr();
    const double new_lr = std::max(old_lr * factor_, min_lrs_[i]);
    if (old_lr - new_lr > eps_) groups[i].options().set_lr(new_lr);
  }
}

ReduceLROnPlateauState ReduceLROnPlateau::state() const {
  return {last_epoch_, best_, num_bad_epochs_, cooldown_counter_, last_lr_};
}

void ReduceLROnPlateau::load_state(const ReduceLROnPlateauState& state) {
  const size_t n = optimizer_.param_groups().size();
  EMBER_CHECK(state.last_lr.size() == n, "ReduceLROnPlateau: the saved state has ",
              state.last_lr.size(), " parameter groups, the optimizer has ", n);
  last_epoch_ = state.last_epoch;
  best_ = state.best;
  num_bad_epochs_ = state.num_bad_epochs;
  cooldown_counter_ = state.cooldown_counter;
  last_lr_ = state.last_lr;
  for (size_t i = 0; i < n; ++i) optimizer_.param_groups()[i].options().set_lr(last_lr_[i]);
}

}  // namespace ember::optim
