// Training checkpoints (see ember/train/checkpoint.h): the crash-safe epoch directory with its
// `last`/`best` links, and the Trainer's save_checkpoint / resume_from / load_checkpoint.
//
// A checkpoint is a directory `epoch-NNNN` holding model.safetensors,
// optimizer.safetensors(+.json), scheduler.safetensors(+.json) when there is a scheduler, and
// trainer.json (epoch, step, monitor state, the default generator's state, the epoch history). Each
// file is written atomically; the directory is built under a temporary name and renamed into place,
// and then the symlinks `last` and `best` are replaced atomically (a new symlink renamed over the
// old one), so a crash at any instant leaves `last` pointing at a complete checkpoint. Epoch
// directories that neither link points at are removed afterwards.
#include "ember/train/checkpoint.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

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
using detail::number_or_nan;
using detail::number_or_null;

namespace {

constexpr const char* kTrainerFormat = "ember.trainer/1";

// Points `link` at `target` (a name in the same directory), replacing an old link atomically.
void replace_symlink(const fs::path& link, const std::string& target) {
  const fs::path tmp = link.parent_path() / (link.filename().string() + ".tmp");
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_directory_symlink(target, tmp);
  fs::rename(tmp, link);
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
    if (n.rfind("epoch-", 0) != 0 || entry.is_symlink()) continue;
    if (std::find(keep.begin(), keep.end(), n) == keep.end()) fs::remove_all(entry.path(), ec);
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

json read_trainer_json(const fs::path& file) {
  std::ifstream in(file);
  EMBER_CHECK(in.good(), "Trainer::resume_from: cannot read ", file.string());
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    EMBER_CHECK(false, "Trainer::resume_from: ", file.string(), ": not valid JSON (", e.what(),
                ")");
  }
  EMBER_CHECK(j.is_object() && j.value("format", "") == kTrainerFormat,
              "Trainer::resume_from: ", file.string(), " is not a ", kTrainerFormat, " file");
  return j;
}

}  // namespace

fs::path checkpoint_path(const fs::path& path, const std::string& which) {
  const fs::path in_run = path / "checkpoints" / which;
  if (fs::exists(in_run)) return in_run;
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
  fs::create_directories(root);
  const std::string name = checkpoint_dir_name(epoch);
  const fs::path tmp = root / (name + ".tmp");
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
  if (fs::exists(path / "trainer.json")) {
    resume_path_ = path;
  } else if (fs::exists(path / "checkpoints" / "last" / "trainer.json")) {
    resume_path_ = path / "checkpoints" / "last";
    if (options_.run_dir().empty()) options_.run_dir(path);
  } else {
    EMBER_CHECK(false, "Trainer::resume_from: no checkpoint in '", path.string(),
                "' (expected trainer.json there or in checkpoints/last/)");
  }
  return *this;
}

void Trainer::load_checkpoint(const fs::path& dir) {
  const json j = read_trainer_json(dir / "trainer.json");
  EMBER_CHECK(j.at("monitor").get<std::string>() == monitor_,
              "Trainer::resume_from: the checkpoint ", dir.string(), " monitors \"",
              j.at("monitor").get<std::string>(), "\" but this Trainer monitors \"", monitor_,
              "\"");
  const std::string saved_scheduler = j.value("scheduler", "");
  const std::string mine = scheduler_.name();
  EMBER_CHECK(saved_scheduler == mine, "Trainer::resume_from: the checkpoint ", dir.string(),
              " was written with ",
              saved_scheduler.empty() ? "no scheduler" : "a " + saved_scheduler + " scheduler",
              " but this Trainer has ", mine.empty() ? "none" : "a " + mine);
  ember::load(*model_.ptr(), dir / "model.safetensors");
  ember::load(*optimizer_, dir / "optimizer.safetensors");
  if (scheduler_.scheduler) ember::load(*scheduler_.scheduler, dir / "scheduler.safetensors");
  if (scheduler_.plateau) ember::load(*scheduler_.plateau, dir / "scheduler.safetensors");
  state_.epoch = j.at("epoch").get<int64_t>();
  state_.global_step = j.at("global_step").get<int64_t>();
  state_.best_epoch = j.at("best_epoch").get<int64_t>();
  state_.best_value = number_or_nan(j.at("best_value"));
  state_.wait = j.at("wait").get<int64_t>();
  state_.stopped = j.value("stopped", false);
  if (j.contains("train_batches") && j["train_batches"].is_number())
    train_batches_ = j["train_batches"].get<int64_t>();
  epoch_history_.clear();
  for (const auto& e : j.at("history")) {
    EpochLogs rec;
    for (const auto& [k, v] : e.items()) rec[k] = number_or_nan(v);
    epoch_history_.push_back(std::move(rec));
  }
  default_generator().set_state(j.at("rng").get<std::string>());
}

}  // namespace ember::train
