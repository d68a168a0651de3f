// OneCycleLR: PyTorch 1.13's phases, annealing and momentum cycling.
#include <cmath>
#include <numbers>

#include "ember/optim/adam.h"
#include "ember/optim/adamw.h"
#include "ember/optim/rmsprop.h"
#include "ember/optim/schedulers/schedulers.h"
#include "ember/optim/sgd.h"

namespace ember::optim {
namespace {

enum { kInitial = 0, kMax = 1, kMin = 2 };     // learning rates of a group
enum { kMaxMomentum = 0, kBaseMomentum = 1 };  // momentums

// The momentum a scheduler may cycle: SGD's and RMSprop's momentum, Adam's and AdamW's beta1.
double* momentum_of(OptimizerOptions& o) {
  if (auto* sgd = dynamic_cast<SGDOptions*>(&o)) return &sgd->momentum();
  if (auto* rms = dynamic_cast<RMSpropOptions*>(&o)) return &rms->momentum();
  if (auto* adam = dynamic_cast<AdamOptions*>(&o)) return &std::get<0>(adam->betas());
  if (auto* adamw = dynamic_cast<AdamWOptions*>(&o)) return &std::get<0>(adamw->betas());
  return nullptr;
}

}  // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, OneCycleLROptions options)
    : LRScheduler(optimizer), options_(std::move(options)) {
  const auto& o = options_;
  const size_t groups = optimizer.param_groups().size();
  EMBER_CHECK(o.total_steps() > 0, "OneCycleLR: Expected positive integer total_steps, but got ",
              o.total_steps());
  EMBER_CHECK(o.pct_start() >= 0 && o.pct_start() <= 1,
              "OneCycleLR: Expected float between 0 and 1 pct_start, but got ", o.pct_start());
  EMBER_CHECK(o.max_lr().size() == 1 || o.max_lr().size() == groups, "OneCycleLR: expected ",
              groups, " values for max_lr, got ", o.max_lr().size());
  const double total = static_cast<double>(o.total_steps()), pct = o.pct_start();
  if (o.three_phase()) {
    phases_ = {{pct * total - 1, kInitial, kMax, kMaxMomentum, kBaseMomentum},
               {2 * pct * total - 2, kMax, kInitial, kBaseMomentum, kMaxMomentum},
               {total - 1, kInitial, kMin, kMaxMomentum, kMaxMomentum}};
  } else {
    phases_ = {{pct * total - 1, kInitial, kMax, kMaxMomentum, kBaseMomentum},
               {total - 1, kMax, kMin, kBaseMomentum, kMaxMomentum}};
  }
  for (size_t i = 0; i < groups; ++i) {
    const double max_lr = o.max_lr().size() == 1 ? o.max_lr()[0] : o.max_lr()[i];
    max_lrs_.push_back(max_lr);
    initial_lrs_.push_back(max_lr / o.div_factor());
    min_lrs_.push_back(initial_lrs_.back() / o.final_div_factor());
  }
  base_lrs_ = initial_lrs_;  // PyTorch's initial_lr
  if (o.cycle_momentum()) {
    for (size_t i = 0; i < groups; ++i) {
      EMBER_CHECK(momentum_of(optimizer.param_groups()[i].options()),
                  "OneCycleLR: ", optimizer.name(),
                  " has no momentum to cycle; pass cycle_momentum(false)");
      set_group_momentum(i, o.max_momentum());
    }
  }
  initial_step();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (options_.anneal_strategy() == OneCycleLROptions::cos)
    return end + (start - end) / 2.0 * (std::cos(std::numbers::pi * pct) + 1);
  return (end - start) * pct + start;
}

void OneCycleLR::set_group_momentum(size_t group, double momentum) {
  *momentum_of(optimizer_.param_groups()[group].options()) = momentum;
}

std::vector<double> OneCycleLR::get_lr() {
  const double step = static_cast<double>(last_epoch_);
  EMBER_CHECK(last_epoch_ <= options_.total_steps(), "OneCycleLR: Tried to step ", last_epoch_ + 1,
              " times. The specified number of total steps is ", options_.total_steps());
  const double momentums[] = {options_.max_momentum(), options_.base_momentum()};
  std::vector<double> lrs;
  for (size_t g = 0; g < optimizer_.param_groups().size(); ++g) {
    const double group_lrs[] = {initial_lrs_[g], max_lrs_[g], min_lrs_[g]};
    double start_step = 0, lr = 0, momentum = 0;
    for (size_t i = 0; i < phases_.size(); ++i) {
      const Phase& phase = phases_[i];
      if (step <= phase.end_step || i == phases_.size() - 1) {
        const double pct = (step - start_step) / (phase.end_step - start_step);
        lr = anneal(group_lrs[phase.start_lr], group_lrs[phase.end_lr], pct);
        momentum = anneal(momentums[phase.start_momentum], momentums[phase.end_momentum], pct);
        break;
      }
      start_step = phase.end_step;
    }
    lrs.push_back(lr);
    if (options_.cycle_momentum()) set_group_momentum(g, momentum);
  }
  return lrs;
}

}  // namespace ember::optim
