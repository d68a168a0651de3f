// libFuzzer target for restoring optimizer state (ember::load(optimizer, path) after the file's
// JSON document is parsed): any JSON text, as the document of an archive whose tensors are valid
// state, loads into an Adam, SGD, RMSprop or Adagrad (picked by the first byte) or throws
// ember::Error (anything else — a crash, a sanitizer report, another exception — is a bug). A
// refused load must leave the optimizer exactly as it was; a load that succeeds must leave
// options the optimizer's constructor would accept. Built and run by scripts/run-fuzz.sh.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "ember/core/error.h"
#include "ember/ops.h"
#include "ember/optim/adagrad.h"
#include "ember/optim/adam.h"
#include "ember/optim/rmsprop.h"
#include "ember/optim/serialize.h"
#include "ember/optim/sgd.h"

namespace {

using namespace ember;

// Everything an optimizer holds, as text.
std::string snapshot(const optim::Optimizer& o) {
  io::Archive a = optim::to_archive(o);
  std::string s = a.sidecar.dump();
  for (auto& [name, t] : a.tensors) {
    s += name;
    const Tensor c = t.to(kDouble).contiguous();
    for (int64_t i = 0; i < c.numel(); ++i) s += " " + std::to_string(c.data_ptr<double>()[i]);
  }
  return s;
}

std::unique_ptr<optim::Optimizer> make(int kind, const std::vector<Tensor>& params) {
  switch (kind) {
    case 0:
      return std::make_unique<optim::Adam>(params, optim::AdamOptions(0.01).amsgrad(true));
    case 1:
      return std::make_unique<optim::SGD>(params, optim::SGDOptions(0.1).momentum(0.9));
    case 2:
      return std::make_unique<optim::RMSprop>(params, optim::RMSpropOptions(0.01));
    default:
      return std::make_unique<optim::Adagrad>(params, optim::AdagradOptions(0.1));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int kind = data[0] & 3;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(data + 1, data + size);
  } catch (const nlohmann::json::exception&) {
    return 0;  // read_archive refuses text that is not JSON before any hook runs
  }
  // Valid tensors for the state: those of the same optimizer after one step.
  std::vector<Tensor> params = {ones({2}, kDouble).requires_grad_(),
                                ones({3}, kDouble).requires_grad_()};
  std::unique_ptr<optim::Optimizer> saved = make(kind, params);
  for (Tensor& p : params) p.mutable_grad() = full(p.sizes(), 0.5, kDouble);
  saved->step();
  io::Archive archive = optim::to_archive(*saved);
  archive.sidecar = std::move(doc);

  std::vector<Tensor> mine = {zeros({2}, kDouble).requires_grad_(),
                              zeros({3}, kDouble).requires_grad_()};
  std::unique_ptr<optim::Optimizer> o = make(kind, mine);
  const std::string before = snapshot(*o);
  try {
    optim::from_archive(*o, archive);
  } catch (const Error&) {
    if (snapshot(*o) != before) __builtin_trap();  // a refused load changed the optimizer
    return 0;
  }
  for (const auto& g : o->param_groups()) o->check_options(g.options());  // must not throw
  // And it can take a step.
  for (Tensor& p : mine) p.mutable_grad() = full(p.sizes(), 0.25, kDouble);
  o->step();
  return 0;
}
