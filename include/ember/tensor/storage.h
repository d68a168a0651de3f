// Storage: a ref-counted, 64-byte-aligned buffer shared by a tensor and its views. It also holds
// the version counter that autograd uses to detect in-place changes to saved tensors (views and
// detached aliases share it, as in PyTorch).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "ember/tensor/intrusive_ptr.h"

namespace ember {

class StorageImpl final : public RefCounted {
 public:
  /// Owned, uninitialised memory of `nbytes` bytes.
  explicit StorageImpl(int64_t nbytes);
  /// Borrowed memory (from_blob); `deleter` (may be empty) runs when the last user is gone.
  StorageImpl(void* data, int64_t nbytes, std::function<void(void*)> deleter);
  ~StorageImpl();

  void* data() const { return data_; }
  int64_t nbytes() const { return nbytes_; }
  uint32_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_;
  int64_t nbytes_;
  uint32_t version_ = 0;
  bool owned_;
  std::unique_ptr<std::function<void(void*)>> deleter_;
};

}  // namespace ember
