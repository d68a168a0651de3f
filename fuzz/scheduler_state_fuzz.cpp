// libFuzzer target for restoring learning-rate scheduler state (ember::load(scheduler, path)
// after the file's JSON document is parsed): any JSON text loads into a StepLR, OneCycleLR,
// CosineAnnealingLR or ReduceLROnPlateau (picked by the first byte) or throws ember::Error
// (anything else — a crash, a sanitizer report, another exception — is a bug). A refused load
// leaves the scheduler and its optimizer's rates as they were; a scheduler that loads can step
// on. Built and run by scripts/run-fuzz.sh.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ember/core/error.h"
#include "ember/ops.h"
#include "ember/optim/serialize.h"
#include "ember/optim/sgd.h"

namespace {

using namespace ember;

template <class S>
void run(S& s, optim::SGD& sgd, const io::Archive& a) {
  const std::string before = nlohmann::json(s.state()).dump();
  const double lr = sgd.param_groups()[0].options().lr();
  try {
    optim::from_archive(s, a);
  } catch (const Error&) {
    if (nlohmann::json(s.state()).dump() != before) __builtin_trap();
    if (sgd.param_groups()[0].options().lr() != lr) __builtin_trap();
    return;
  }
  for (const double v : s.get_last_lr())
    if (!(v >= 0)) __builtin_trap();
  if constexpr (std::is_same_v<S, optim::ReduceLROnPlateau>) {
    s.step(1.0);
    s.step(2.0);
  } else {
    try {
      s.step();  // OneCycleLR refuses to step past its total: an ember::Error, fine
      s.step();
    } catch (const Error&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  io::Archive a;
  try {
    a.sidecar = nlohmann::json::parse(data + 1, data + size);
  } catch (const nlohmann::json::exception&) {
    return 0;
  }
  Tensor w = ones({2}).requires_grad_();
  optim::SGD sgd({w}, optim::SGDOptions(0.1).momentum(0.9));
  switch (data[0] & 3) {
    case 0: {
      optim::StepLR s(sgd, 3, 0.5);
      run(s, sgd, a);
      break;
    }
    case 1: {
      optim::OneCycleLR s(sgd, 1.0, 50);
      run(s, sgd, a);
      break;
    }
    case 2: {
      optim::CosineAnnealingLR s(sgd, 10);
      run(s, sgd, a);
      break;
    }
    default: {
      optim::ReduceLROnPlateau s(sgd);
      run(s, sgd, a);
      break;
    }
  }
  return 0;
}
