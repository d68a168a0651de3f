// Saving optimizers and schedulers: ember::save(optimizer, path) / ember::load(optimizer, path)
// (libtorch's torch::save/torch::load) through the io archive hooks (ember/io/serialize.h).
//
// An optimizer is PyTorch's state_dict() split in two: its per-parameter tensors go to the
// safetensors tensors as "state.<i>.<name>" (i: the parameter's index over all groups, in order;
// name: PyTorch's, e.g. "state.0.exp_avg"), and the rest to the archive's JSON document (stored
// inside the same file's metadata, see io::write_archive):
//   {"format": "ember.optimizer/1", "type": "Adam",
//    "param_groups": [{"lr": 0.001, "betas": [0.9, 0.999], ..., "params": [0, 1]}],
//    "state": {"0": {"step": 12}, "1": {"step": 12}}}
// load() fills an optimizer built over the same parameters: it checks the type and the group
// sizes, restores each group's options and every parameter's state (fresh copies, converted to
// the parameter's dtype), so training continues exactly as if it had not stopped.
//
// Schedulers save their position ("last_epoch", "step_count", "base_lrs", "last_lr"; for
// ReduceLROnPlateau "best", "num_bad_epochs", "cooldown_counter") in the JSON document alone.
// Load them after building the scheduler; load_state also writes the restored rates into the
// optimizer, so the order of loading the optimizer and the scheduler does not matter.
//
// Loading validates everything before changing anything: every field must be present (where
// saving writes it), of its JSON type, finite and in range (an optimizer's options pass the same
// checks as its constructor: "Adam: param_groups[0]: Invalid beta parameter at index 0: 1.5"),
// every tensor finite and of the parameter's shape. On any error the optimizer or scheduler is
// left exactly as it was. The read_* / restore pairs below split a load in those two phases, so
// a caller restoring several objects (the Trainer's resume) can validate all of them first.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "ember/io/serialize.h"
#include "ember/optim/optimizer.h"
#include "ember/optim/schedulers/lr_scheduler.h"
#include "ember/optim/schedulers/schedulers.h"

namespace ember::optim {

// ---- OptimizerDict <-> JSON (nlohmann's to_json/from_json, found by argument-dependent lookup)

void to_json(nlohmann::json& j, const OptimizerDict& d);
/// Numbers (finite), flags, text and lists of numbers; a null is an absent key (PyTorch writes
/// None). Anything else throws ember::Error naming the key.
void from_json(const nlohmann::json& j, OptimizerDict& d);

// ---- optimizers -------------------------------------------------------------------------------

/// An optimizer's restored options and state, validated, not yet applied.
struct OptimizerSnapshot {
  std::vector<std::unique_ptr<OptimizerOptions>> options;  ///< one per parameter group
  Optimizer::StateMap state;
};

io::Archive to_archive(const Optimizer& o);
/// Validates `a` against `o` (its type, groups, parameters' shapes) and returns what
/// restore_optimizer() applies; changes nothing. Throws ember::Error naming the field.
OptimizerSnapshot read_optimizer_state(const Optimizer& o, const io::Archive& a);
/// Applies a snapshot read for `o` (cannot fail).
void restore_optimizer(Optimizer& o, OptimizerSnapshot&& snapshot) noexcept;
/// read_optimizer_state, then restore_optimizer.
void from_archive(Optimizer& o, const io::Archive& a);

// ---- schedulers ---------------------------------------------------------------------------------

void to_json(nlohmann::json& j, const LRSchedulerState& s);
void from_json(const nlohmann::json& j, LRSchedulerState& s);
void to_json(nlohmann::json& j, const ReduceLROnPlateauState& s);
void from_json(const nlohmann::json& j, ReduceLROnPlateauState& s);

io::Archive to_archive(const LRScheduler& s);
io::Archive to_archive(const ReduceLROnPlateau& s);
/// Validates `a` as `s`'s saved state (format, type, counters, one finite non-negative rate per
/// parameter group of its optimizer); changes nothing. s.load_state() of the result cannot fail.
LRSchedulerState read_scheduler_state(const LRScheduler& s, const io::Archive& a);
ReduceLROnPlateauState read_scheduler_state(const ReduceLROnPlateau& s, const io::Archive& a);
void from_archive(LRScheduler& s, const io::Archive& a);
void from_archive(ReduceLROnPlateau& s, const io::Archive& a);

}  // namespace ember::optim
