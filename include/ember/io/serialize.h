// ember::save / ember::load (libtorch's torch::save / torch::load) on safetensors files, and the
// extension point modules and optimizers plug into.
//
// Design
// ------
// Everything is stored as a safetensors file (ember/io/safetensors.h), so checkpoints open in
// Python with `safetensors` or a few lines of numpy. Tensors are written contiguous, detached and
// little-endian; every write is atomic (temporary file + fsync + rename), so a failed or
// interrupted save leaves the previous file intact.
//
//   save(tensor, path)                one tensor, named "0"
//   save(std::vector<Tensor>, path)   tensors named "0", "1", ... (their index)
//   save(NamedTensors / std::map)     any names
//   save(obj, path)                   any T with a `to_archive(const T&)` found by ADL (below)
// and the matching load(... &, path). load(Tensor&) and load(std::vector<Tensor>&) replace the
// handles (as libtorch does); load(obj, path) fills an existing object through `from_archive`.
//
// Objects (modules, optimizers, anything with state) are saved through an io::Archive: named
// tensors for the safetensors file, string metadata for its "__metadata__", and an optional JSON
// document (the "sidecar") for what is not a tensor: hyper-parameters, step counts, versions.
// The JSON document is stored in the same file, as the metadata entry "ember.json" (its compact
// text), so an archive is one file written by one atomic write: a crash leaves either the old
// archive or the new one, never half of each. Files of earlier versions kept the document in a
// second file, `path + ".json"` (io::sidecar_path), whose FNV-1a hash the metadata recorded under
// "ember.sidecar"; read_archive still reads that layout, and refuses a pair whose hashes differ.
//
// A type becomes saveable by declaring, in its own namespace (found by argument-dependent
// lookup; no edit of this header needed):
//
//   io::Archive to_archive(const T& obj);                      // for ember::save(obj, path)
//   void from_archive(T& obj, const io::Archive& archive);     // for ember::load(obj, path)
//
// nn (the integrator adds, e.g. in include/ember/nn/serialize.h; Module, named_parameters() and
// named_buffers() as in libtorch):
//
//   namespace ember::nn {
//   inline io::NamedTensors state_tensors(const Module& m) {    // params, then buffers
//     io::NamedTensors out;
//     for (const auto& [name, p] : m.named_parameters()) out.emplace_back(name, p);
//     for (const auto& [name, b] : m.named_buffers()) out.emplace_back(name, b);
//     return out;
//   }
//   inline io::Archive to_archive(const Module& m) { return {state_tensors(m), {}, nullptr}; }
//   inline void from_archive(Module& m, const io::Archive& a) {
//     io::copy_state(state_tensors(m), a.tensors, m.name());  // checks all, then copies
//   }
//   // holders and shared_ptr<Module> (torch::save(model, path) takes either)
//   template <class M>
//   io::Archive to_archive(const std::shared_ptr<M>& m) { return to_archive(*m); }
//   template <class M>
//   void from_archive(std::shared_ptr<M>& m, const io::Archive& a) { from_archive(*m, a); }
//   // and the same pair for ModuleHolder<Impl> (nn::Linear), forwarding to *holder.ptr()
//   }  // namespace ember::nn
//
// (Without hooks, io::load_into(state_tensors(m), path, "Linear") is the same load in one call.)
//
// io::copy_state does what PyTorch's load_state_dict does: it matches names, reports missing and
// unexpected keys and shape mismatches all at once in one ember::Error (and copies nothing then),
// otherwise copies under NoGradGuard with copy_ (casting dtype as PyTorch does), in place, so
// parameters keep their identity (optimizers still point at them).
//
// optim (PyTorch's Optimizer.state_dict() split in two: tensors to safetensors, the rest to JSON):
//
//   namespace ember::optim {
//   inline io::Archive to_archive(const Optimizer& o) {
//     io::Archive a;
//     a.sidecar = {{"format", "ember.optimizer/1"}, {"type", o.name()},
//                  {"param_groups", /* [{"lr": 0.1, "momentum": 0.9, ..., "params": [0, 1]}] */},
//                  {"state", /* {"0": {"step": 12}, ...}: per-parameter scalars */}};
//     // per-parameter tensors, keyed by the parameter's index over all groups, as PyTorch:
//     //   a.tensors.emplace_back("state.0.exp_avg", ...), ("state.0.momentum_buffer", ...)
//     return a;
//   }
//   inline void from_archive(Optimizer& o, const io::Archive& a) {
//     EMBER_CHECK(a.sidecar.is_object(), "load: optimizer state needs its JSON sidecar");
//     // check the group/parameter counts match, then restore options, steps, and tensors
//     // (io::copy_state into existing buffers, or clone() for fresh state).
//   }
//   }  // namespace ember::optim
//
// Both hooks can also be written for a plain struct, which is how tests/io/serialize_test.cpp
// exercises them without nn or optim.
#pragma once

#include <concepts>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ember/core/error.h"
#include "ember/io/safetensors.h"
#include "ember/tensor/tensor.h"

namespace ember {
namespace io {

/// What an object becomes on disk, and what ember::load hands back to it.
struct Archive {
  NamedTensors tensors;                         ///< → the safetensors file
  std::map<std::string, std::string> metadata;  ///< → its "__metadata__" (user keys)
  nlohmann::json sidecar;                       ///< → metadata "ember.json"; null: none
};

/// The old layout's sidecar file of `path`: ".json" appended ("opt.safetensors.json").
std::filesystem::path sidecar_path(const std::filesystem::path& path);

/// Writes `archive` as one safetensors file, atomically, its JSON document (when not null) in the
/// metadata entry "ember.json". The keys "ember.json" and "ember.sidecar" are reserved.
void write_archive(const std::filesystem::path& path, const Archive& archive);

/// Reads an archive written by write_archive (or any safetensors file: then sidecar is null), or
/// one in the old two-file layout. Throws when the JSON is not valid, or when an old-layout file
/// names a sidecar that is missing or has another hash.
Archive read_archive(const std::filesystem::path& path);

/// Names the copy_state could not match (filled only when strict is false).
struct CopyStateResult {
  std::vector<std::string> missing_keys;     ///< in targets, not in source
  std::vector<std::string> unexpected_keys;  ///< in source, not in targets
};

/// Copies each source tensor into the target of the same name, in place and under NoGradGuard
/// (PyTorch's load_state_dict). First checks everything: duplicate names, undefined targets,
/// shape mismatches and (when `strict`) missing or unexpected keys are all reported in one
/// ember::Error naming `owner` ("Error(s) in loading state for Linear: ..."), and then nothing
/// is copied. Dtypes are converted as copy_ does.
CopyStateResult copy_state(const NamedTensors& targets, const NamedTensors& source,
                           std::string_view owner, bool strict = true);

/// copy_state's checks alone: throws what copy_state would throw, copies nothing.
CopyStateResult check_state(const NamedTensors& targets, const NamedTensors& source,
                            std::string_view owner, bool strict = true);

/// Reads the safetensors file at `path` and copy_state()s its tensors into `targets`; errors are
/// prefixed with "load: <path>: ". The one-call form of load_state_dict for code without hooks.
CopyStateResult load_into(const NamedTensors& targets, const std::filesystem::path& path,
                          std::string_view owner, bool strict = true);

/// A type ember::save can store: `to_archive(obj)` is found by argument-dependent lookup.
template <class T>
concept Saveable = requires(const T& obj) {
  { to_archive(obj) } -> std::same_as<Archive>;
};

/// A type ember::load can fill: `from_archive(obj, archive)` is found by ADL.
template <class T>
concept Loadable = requires(T& obj, const Archive& archive) {
  from_archive(obj, archive);
};

}  // namespace io

/// Saves one tensor (named "0") to a safetensors file at `path`, atomically.
void save(const Tensor& tensor, const std::filesystem::path& path);
/// Saves tensors named "0", "1", ... (their index).
void save(const std::vector<Tensor>& tensors, const std::filesystem::path& path);
/// Saves tensors under their names (in the file they are ordered as the safetensors spec's
/// reference writer orders them; read order is file order).
void save(const io::NamedTensors& tensors, const std::filesystem::path& path);
void save(const std::map<std::string, Tensor>& tensors, const std::filesystem::path& path);

/// Loads the file's single tensor into `tensor` (replacing the handle). Throws when the file
/// holds no tensor or several.
void load(Tensor& tensor, const std::filesystem::path& path);
/// Loads tensors named "0" ... "n-1" into `tensors` (replacing its contents), in index order.
void load(std::vector<Tensor>& tensors, const std::filesystem::path& path);
/// Loads every tensor with its name, in file order (replacing the contents).
void load(io::NamedTensors& tensors, const std::filesystem::path& path);
void load(std::map<std::string, Tensor>& tensors, const std::filesystem::path& path);

/// Saves any object with a `to_archive` hook (modules, optimizers; see the top of this file).
template <io::Saveable T>
void save(const T& obj, const std::filesystem::path& path) {
  io::write_archive(path, to_archive(obj));
}

/// Loads into an existing object with a `from_archive` hook. Errors from the hook are prefixed
/// with "load: <path>: ".
template <io::Loadable T>
void load(T& obj, const std::filesystem::path& path) {
  const io::Archive archive = io::read_archive(path);
  try {
    from_archive(obj, archive);
  } catch (const Error& e) {
    throw Error("load: " + path.string() + ": " + e.what());
  }
}

}  // namespace ember
