// The pickle side of PyTorch archives: a restricted unpickler (the opcodes torch.save emits and
// the globals PyTorch's weights_only unpickler allows) that builds a pt::Value, and a pickler
// that writes a pt::Value as torch.save does (protocol 2, storages as persistent ids).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/io/pt.h"
#include "ember/tensor/storage.h"

namespace ember::pt::pickle {

/// Hands the unpickler the storage of persistent id ('storage', <class>, key, location, numel):
/// `nbytes` = numel * element_size(dtype), already overflow-checked. Called once per key.
using StorageLoader = std::function<intrusive_ptr<StorageImpl>(const std::string& key,
                                                               ScalarType dtype, uint64_t nbytes)>;

/// What a pickle comes from: torch.save's zip archive; a TorchScript archive (torch.jit.save,
/// libtorch's torch::save), whose objects of __torch__ classes (NEWOBJ, then BUILD with their
/// attributes) become OrderedDicts of their attributes; or the legacy (pre-1.6) stream, whose
/// persistent ids have a sixth field, a storage view, which must be None.
enum class Format { Zip, TorchScript, Legacy };

/// Unpickles `bytes` (data.pkl) up to its STOP opcode; `end`, if given, receives the offset
/// after it. Every problem is an ember::Error "<source>: data.pkl: <problem> (at byte N)".
Value unpickle(std::string_view bytes, const StorageLoader& load_storage, const std::string& source,
               Format format = Format::Zip, size_t* end = nullptr);

/// A storage the pickle refers to, to be written as record data/<key>.
struct StorageRecord {
  std::string key;
  intrusive_ptr<StorageImpl> storage;
};

struct Pickled {
  std::string bytes;                    ///< data.pkl
  std::vector<StorageRecord> storages;  ///< in order of first use (keys "0", "1", ...)
};

/// Pickles `value` as torch.save does. `detach` writes every tensor with requires_grad false.
Pickled pickle(const Value& value, bool detach = false);

/// PyTorch's storage class name of an ember dtype ("FloatStorage").
const char* storage_class(ScalarType t);

}  // namespace ember::pt::pickle
