// libFuzzer target for a checkpoint's trainer.json (what Trainer::resume_from reads first): any
// bytes either parse into a validated state or throw ember::Error (anything else — a crash, a
// sanitizer report, another exception — is a bug). What parses must hold together: one history
// record per epoch, best_epoch and wait within the epochs, a generator state that restores.
// Built and run by scripts/run-fuzz.sh.
#include <cmath>
#include <cstdint>
#include <string_view>

#include "ember/core/error.h"
#include "ember/core/generator.h"
#include "train/trainer_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ember::train::detail::TrainerFile t;
  try {
    t = ember::train::detail::parse_trainer_file(text, "trainer.json");
  } catch (const ember::Error&) {
    return 0;  // rejected cleanly
  }
  if (t.epoch < 0 || t.global_step < 0 || t.history.size() != static_cast<uint64_t>(t.epoch))
    __builtin_trap();
  if (t.best_epoch < 0 || t.best_epoch > t.epoch || t.wait < 0 || t.wait > t.epoch)
    __builtin_trap();
  if (t.train_batches && *t.train_batches < 1) __builtin_trap();
  for (const auto& rec : t.history)
    for (const auto& [k, v] : rec)
      if (std::isinf(v)) __builtin_trap();
  ember::Generator g;
  g.set_state(t.rng);  // validated: must not throw
  (void)g.random();
  return 0;
}
