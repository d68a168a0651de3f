// Optimizer state in PyTorch's own layout, for .pt files (ember/io/pt.h): what
// torch.optim.Optimizer.state_dict() returns and load_state_dict() takes, so an optimizer's state
// moves between PyTorch and ember in both directions.
//
//   {"state": {0: {"step": tensor(3.), "exp_avg": ..., "exp_avg_sq": ...}, 1: {...}},
//    "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0.0,
//                      "amsgrad": False, "params": [0, 1]}]}
//
// Parameters are numbered over all groups in order; "state" holds the parameters that have state.
// Steps are float32 0-d tensors for Adam, AdamW and Adagrad (as PyTorch 1.12+ keeps them) and
// ints for RMSprop. Group options are the ones ember's optimizer has (PyTorch fills in its other
// keys, such as "maximize", with their defaults when it loads the dict).
//
//   ember::pt::save(optim::pt_state_dict(adam), "adam.pt");          // torch.load +
//   load_state_dict optim::load_pt_state_dict(adam, ember::pt::load("adam.pt"));      // from
//   optimizer.state_dict()
#pragma once

#include "ember/io/pt.h"
#include "ember/optim/optimizer.h"

namespace ember::optim {

/// PyTorch's Optimizer.state_dict() of `optimizer` (tensors are the optimizer's own: save or
/// clone before stepping again).
pt::Value pt_state_dict(const Optimizer& optimizer);

/// Restores `optimizer` from a state in PyTorch's layout (torch.optim's state_dict(), or
/// pt_state_dict). The optimizer must have as many groups, with as many parameters each, as the
/// state; state tensors must have their parameter's shape and are copied (converted to its
/// dtype). Group options ember does not know ("maximize", "foreach", ...) are ignored; a None
/// keeps the current value. Nothing changes when an ember::Error is thrown.
void load_pt_state_dict(Optimizer& optimizer, const pt::Value& state);

}  // namespace ember::optim
