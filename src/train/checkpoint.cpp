// Training checkpoints (see ember/train/checkpoint.h): the crash-safe epoch directory with its
// `last`/`best` links, and the Trainer's save_checkpoint / resume_from / load_checkpoint.
//
// A checkpoint is a directory `epoch-NNNN` holding model.safetensors, optimizer.safetensors,
// scheduler.safetensors when there is a scheduler (each one file, JSON inside), and trainer.json
// (epoch, step, monitor state, the default generator's state, the epoch history). Each file is
// written atomically; the directory is built under a temporary name and renamed into place, and
// then the symlinks `last` and `best` are replaced atomically (a new symlink renamed over the old
// one), so a crash at any instant leaves `last` pointing at a complete checkpoint. Epoch
// directories that neither link points at are removed afterwards, and so are the temporaries a
// killed or failed write left (on the next write, and at once on failure). Resuming reads and
// validates every file before it changes the model, optimizer, scheduler or generator.
#include "ember/train/checkpoint.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "ember/autograd/grad_mode.h"
#include "ember/core/generator.h"
#include "ember/io/atomic_file.h"
#include "ember/io/serialize.h"
#include "ember/nn/serialize.h"
#include "ember/optim/serialize.h"
#include "ember/train/trainer.h"
#include "train/trainer_json.h"

namespace ember::train {

namespace fs = std::filesystem;
using json = nlohmann::json;
using detail::mode_name;
using detail::number_or_null;

namespace {

constexpr const char* kTrainerFormat = "ember.trainer/1";  // also in trainer_file.cpp

// Points `link` at `target` (a name in the same directory), replacing an old link atomically.
void replace_symlink(const fs::path& link, const std::string& target) {
  const fs::path tmp = link.parent_path() / (link.filename().string() + ".tmp");
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_directory_symlink(target, tmp);
  fs::rename(tmp, link);
}

// "epoch-" followed by digits only.
bool is_epoch_name(std::string_view n) {
  if (n.size() <= 6 || n.substr(0, 6) != "epoch-") return false;
  for (char c : n.substr(6))
    if (c < '0' || c > '9') return false;
  return true;
}

// Removes the epoch directories of `root` that neither `last` nor `best` points at.
void remove_unlinked_epochs(const fs::path& root) {
  std::vector<std::string> keep;
  for (const char* link : {"last", "best"}) {
    const fs::path l = root / link;
    if (fs::is_symlink(l)) keep.push_back(fs::read_symlink(l).string());
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string n = entry.path().filename().string();
    if (!is_epoch_name(n) || entry.is_symlink()) continue;  // only our own "epoch-NNNN"
    if (std::find(keep.begin(), keep.end(), n) == keep.end()) fs::remove_all(entry.path(), ec);
  }
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// What an interrupted write_epoch_checkpoint leaves in `root`: `epoch-NNNN.tmp/` (a partial
// checkpoint), `last.tmp`/`best.tmp` (a link not yet renamed), `epoch-NNNN.old/` (a checkpoint
// being replaced: put back when its replacement never arrived), and write_file_atomic's
// temporaries. Only those names; best effort.
void clean_stale_checkpoint_files(const fs::path& root) {
  std::error_code ec;
  io::remove_stale_temporaries(root);
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
    entries.push_back(it->path());
  for (const fs::path& p : entries) {
    const std::string n = p.filename().string();
    std::error_code e2;
    if (n == "last.tmp" || n == "best.tmp") {
      if (fs::is_symlink(fs::symlink_status(p, e2))) fs::remove(p, e2);
    } else if (ends_with(n, ".tmp") && is_epoch_name(std::string_view(n).substr(0, n.size() - 4))) {
      fs::remove_all(p, e2);
    } else if (ends_with(n, ".old") && is_epoch_name(std::string_view(n).substr(0, n.size() - 4))) {
      const fs::path final_dir = root / n.substr(0, n.size() - 4);
      if (fs::exists(final_dir, e2))
        fs::remove_all(p, e2);
      else
        fs::rename(p, final_dir, e2);
    }
  }
}

json history_json(const std::vector<EpochLogs>& epochs) {
  json history = json::array();
  for (const auto& e : epochs) {
    json o = json::object();
    for (const auto& [k, v] : e) o[k] = number_or_null(v);
    history.push_back(o);
  }
  return history;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  EMBER_CHECK(in.good(), "Trainer::resume_from: cannot read ", file.string());
  std::ostringstream os;
  os << in.rdbuf();
  EMBER_CHECK(!in.bad(), "Trainer::resume_from: cannot read ", file.string());
  return os.str();
}

// io::read_archive with every error as ember::Error (its own messages name the file).
io::Archive read_archive_of(const fs::path& path) {
  try {
    return io::read_archive(path);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    EMBER_ERROR("load: ", path.string(), ": ", e.what());
  }
}

// Runs `check` (a validation of `path`'s contents), prefixing its errors with "load: <path>: "
// as ember::load does.
template <class F>
auto validated(const fs::path& path, F&& check) {
  try {
    return check();
  } catch (const Error& e) {
    throw Error("load: " + path.string() + ": " + e.what());
  }
}

}  // namespace

fs::path checkpoint_path(const fs::path& path, const std::string& which) {
  const fs::path in_run = path / "checkpoints" / which;
  std::error_code ec;
  if (fs::exists(in_run, ec)) return in_run;
  return path / which;
}

std::string checkpoint_dir_name(int64_t epoch) {
  std::ostringstream os;
  os << "epoch-";
  os.width(4);
  os.fill('0');
  os << epoch;
  return os.str();
}

void write_epoch_checkpoint(const fs::path& root, int64_t epoch,
                            const std::function<void(const fs::path&)>& write_files, bool link_last,
                            bool link_best) {
  const std::string name = checkpoint_dir_name(epoch);
  const fs::path tmp = root / (name + ".tmp");
  try {
    fs::create_directories(root);
    clean_stale_checkpoint_files(root);
    std::error_code ec;
    fs::remove_all(tmp, ec);
    write_files(tmp);
    io::sync_directory(tmp);
    const fs::path final_dir = root / name;
    if (fs::exists(final_dir)) {  // left by a run that went further before a resume
      const fs::path old = root / (name + ".old");
      fs::remove_all(old, ec);
      fs::rename(final_dir, old);
      fs::rename(tmp, final_dir);
      fs::remove_all(old, ec);
    } else {
      fs::rename(tmp, final_dir);
    }
    if (link_last) replace_symlink(root / "last", name);
    if (link_best) replace_symlink(root / "best", name);
    io::sync_directory(root);
    remove_unlinked_epochs(root);
  } catch (...) {
    // A failed write (a full disk) must not leave a partial checkpoint behind. The caller's own
    // exceptions (from write_files) pass unchanged; the file system's become ember::Error.
    std::error_code ec;
    fs::remove_all(tmp, ec);
    clean_stale_checkpoint_files(root);
    try {
      throw;
    } catch (const fs::filesystem_error& e) {
      EMBER_ERROR("write_epoch_checkpoint: ", (root / name).string(), ": ", e.what());
    }
  }
}

// ---- the Trainer's checkpoints ---------------------------------------------------------------

std::string SchedulerSlot::name() const {
  return scheduler ? scheduler->name() : plateau ? plateau->name() : "";
}

void Trainer::save_checkpoint(const fs::path& dir) const {
  fs::create_directories(dir);
  ember::save(*model_.ptr(), dir / "model.safetensors");
  ember::save(*optimizer_, dir / "optimizer.safetensors");
  if (scheduler_.scheduler) ember::save(*scheduler_.scheduler, dir / "scheduler.safetensors");
  if (scheduler_.plateau) ember::save(*scheduler_.plateau, dir / "scheduler.safetensors");
  const json state = {
      {"format", kTrainerFormat},
      {"epoch", state_.epoch},
      {"global_step", state_.global_step},
      {"monitor", monitor_},
      {"monitor_mode", mode_name(monitor_mode_)},
      {"best_epoch", state_.best_epoch},
      {"best_value", number_or_null(state_.best_value)},
      {"wait", state_.wait},
      {"stopped", state_.stopped},
      {"scheduler", scheduler_.name()},
      {"train_batches", train_batches_ ? json(*train_batches_) : json(nullptr)},
      {"rng", default_generator().get_state()},
      {"history", history_json(epoch_history_)},
  };
  io::write_file_atomic(dir / "trainer.json", state.dump(2) + "\n");
}

Trainer& Trainer::resume_from(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path / "trainer.json", ec)) {
    resume_path_ = path;
  } else if (fs::exists(path / "checkpoints" / "last" / "trainer.json", ec)) {
    resume_path_ = path / "checkpoints" / "last";
    if (options_.run_dir().empty()) options_.run_dir(path);
  } else {
    EMBER_CHECK(false, "Trainer::resume_from: no checkpoint in '", path.string(),
                "' (expected trainer.json there or in checkpoints/last/)");
  }
  return *this;
}

// Transactional: every file is read and validated into temporaries first; only then are the
// model, optimizer, scheduler, generator and the Trainer's own state replaced, by steps that
// cannot fail. On any error all of them are exactly as before the call.
void Trainer::load_checkpoint(const fs::path& dir) {
  const fs::path file = dir / "trainer.json";
  const detail::TrainerFile t = detail::parse_trainer_file(read_text(file), file.string());
  EMBER_CHECK(t.monitor == monitor_, "Trainer::resume_from: the checkpoint ", dir.string(),
              " monitors \"", t.monitor, "\" but this Trainer monitors \"", monitor_, "\"");
  const std::string mine = scheduler_.name();
  EMBER_CHECK(t.scheduler == mine, "Trainer::resume_from: the checkpoint ", dir.string(),
              " was written with ",
              t.scheduler.empty() ? "no scheduler" : "a " + t.scheduler + " scheduler",
              " but this Trainer has ", mine.empty() ? "none" : "a " + mine);

  // Phase 1: read and validate.
  nn::Module& model = *model_.ptr();
  const fs::path model_path = dir / "model.safetensors";
  const io::Archive model_archive = read_archive_of(model_path);
  const io::NamedTensors model_state = nn::state_dict(model);
  validated(model_path,
            [&] { return io::check_state(model_state, model_archive.tensors, model.name()); });
  const fs::path opt_path = dir / "optimizer.safetensors";
  const io::Archive opt_archive = read_archive_of(opt_path);
  optim::OptimizerSnapshot opt =
      validated(opt_path, [&] { return optim::read_optimizer_state(*optimizer_, opt_archive); });
  const fs::path sched_path = dir / "scheduler.safetensors";
  const size_t groups = optimizer_->param_groups().size();
  auto check_groups = [&](size_t n) {
    EMBER_CHECK(n == groups, scheduler_.name(), ": the saved state has ", n,
                " parameter groups, the optimizer has ", groups);
  };
  std::optional<optim::LRSchedulerState> sched;
  std::optional<optim::ReduceLROnPlateauState> plateau;
  const io::Archive sched_archive = mine.empty() ? io::Archive{} : read_archive_of(sched_path);
  if (scheduler_.scheduler) {
    sched = validated(sched_path, [&] {
      auto s = optim::read_scheduler_state(*scheduler_.scheduler, sched_archive);
      check_groups(s.last_lr.size());
      return s;
    });
  }
  if (scheduler_.plateau) {
    plateau = validated(sched_path, [&] {
      auto s = optim::read_scheduler_state(*scheduler_.plateau, sched_archive);
      check_groups(s.last_lr.size());
      return s;
    });
  }

  // Phase 2: commit (nothing here can fail: all of it was checked above).
  {
    NoGradGuard no_grad;
    io::copy_state(model_state, model_archive.tensors, model.name());
  }
  optim::restore_optimizer(*optimizer_, std::move(opt));
  if (sched) scheduler_.scheduler->load_state(*sched);
  if (plateau) scheduler_.plateau->load_state(*plateau);
  state_.epoch = t.epoch;
  state_.global_step = t.global_step;
  state_.best_epoch = t.best_epoch;
  state_.best_value = t.best_value;
  state_.wait = t.wait;
  state_.stopped = t.stopped;
  if (t.train_batches) train_batches_ = *t.train_batches;
  epoch_history_.assign(t.history.begin(), t.history.end());
  default_generator().set_state(t.rng);
}

}  // namespace ember::train
