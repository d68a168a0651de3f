// Saving modules: ember::save(model, path) / ember::load(model, path) (libtorch's torch::save and
// torch::load), plus state_dict()/load_state_dict() as in PyTorch. Parameters, then buffers,
// under their dotted names ("fc1.weight", "bn.running_mean"), in a safetensors file.
#pragma once

#include <memory>

#include "ember/io/serialize.h"
#include "ember/nn/module.h"

namespace ember::nn {

/// Parameters then buffers with their dotted names: what a checkpoint of `module` holds.
inline io::NamedTensors state_dict(const Module& module) {
  io::NamedTensors out;
  for (const auto& [name, p] : module.named_parameters()) out.emplace_back(name, p);
  for (const auto& [name, b] : module.named_buffers()) out.emplace_back(name, b);
  return out;
}
/// Copies `state` into the module in place (PyTorch's load_state_dict; strict by default).
inline io::CopyStateResult load_state_dict(Module& module, const io::NamedTensors& state,
                                           bool strict = true) {
  return io::copy_state(state_dict(module), state, module.name(), strict);
}

inline io::Archive to_archive(const Module& m) { return {state_dict(m), {}, nullptr}; }
inline void from_archive(Module& m, const io::Archive& a) { load_state_dict(m, a.tensors); }

template <class M>
io::Archive to_archive(const std::shared_ptr<M>& m) {
  return to_archive(static_cast<const Module&>(*m));
}
template <class M>
void from_archive(std::shared_ptr<M>& m, const io::Archive& a) {
  from_archive(static_cast<Module&>(*m), a);
}
template <class M>
io::Archive to_archive(const ModuleHolder<M>& m) {
  return to_archive(static_cast<const Module&>(*m));
}
template <class M>
void from_archive(ModuleHolder<M>& m, const io::Archive& a) {
  from_archive(static_cast<Module&>(*m), a);
}

}  // namespace ember::nn
