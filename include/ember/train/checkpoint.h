// Training checkpoints on disk. A checkpoint root (by default `<run_dir>/checkpoints`) holds one
// directory per kept epoch and two symlinks:
//
//   epoch-0004/  model.safetensors  optimizer.safetensors  scheduler.safetensors
//                trainer.json       (epoch, step, monitor state, generator state, epoch history)
//   epoch-0007/  ...
//   last -> epoch-0007
//   best -> epoch-0004
//
// Trainer::save_checkpoint writes the files of one checkpoint; write_epoch_checkpoint publishes
// them crash-safely; Trainer::resume_from reads them back. The callbacks::Checkpoint callback
// does this after every epoch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace ember::train {

/// The checkpoint directory `which` ("last" or "best") of a run directory or a checkpoint root:
/// `<path>/checkpoints/<which>` if that exists, else `<path>/<which>`. Load a model from it with
/// ember::load(model, train::checkpoint_path(run, "best") / "model.safetensors").
std::filesystem::path checkpoint_path(const std::filesystem::path& path,
                                      const std::string& which = "last");

/// The directory name of epoch `epoch`'s checkpoint: "epoch-0004".
std::string checkpoint_dir_name(int64_t epoch);

/// Writes epoch `epoch`'s checkpoint under `root` so that a crash at any instant leaves `last`
/// pointing at a complete checkpoint: `write_files(dir)` fills `root/epoch-NNNN.tmp` (use
/// io::write_file_atomic or ember::save for each file), which is synced and renamed to
/// `root/epoch-NNNN` (replacing one a longer run left there before a resume). Then the `last`
/// (when `link_last`) and `best` (when `link_best`) symlinks are replaced atomically (a new link
/// renamed over the old one), `root` is synced, and the epoch directories that no link points
/// at are removed. Creates `root` if needed. Before writing, it removes what an interrupted
/// earlier write left in `root` (`epoch-NNNN.tmp/`, `last.tmp`, `best.tmp`, write_file_atomic's
/// temporaries; an `epoch-NNNN.old/` whose replacement never arrived is renamed back). On any
/// failure the partial `epoch-NNNN.tmp/` is removed; file system failures (also those of
/// `write_files`) throw ember::Error naming the checkpoint, other exceptions pass unchanged.
void write_epoch_checkpoint(const std::filesystem::path& root, int64_t epoch,
                            const std::function<void(const std::filesystem::path&)>& write_files,
                            bool link_last, bool link_best);

}  // namespace ember::train
