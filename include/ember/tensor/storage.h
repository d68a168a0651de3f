// Storage: a ref-counted, 64-byte-aligned buffer shared by a tensor and its views. It also holds
// the version counter that autograd uses to detect in-place changes to saved tensors (views and
// detached aliases share it, as in PyTorch).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <new>

#include "ember/tensor/intrusive_ptr.h"

namespace ember {

class StorageImpl final : public RefCounted {
 public:
  /// Owned, uninitialised memory of `nbytes` bytes.
  explicit StorageImpl(int64_t nbytes);
  /// Borrowed memory (from_blob); `deleter` (may be empty) runs when the last user is gone.
  StorageImpl(void* data, int64_t nbytes, std::function<void(void*)> deleter);
  ~StorageImpl();
  /// Storage living inside `block` (a small tensor's single allocation, see
  /// TensorImpl::make_contiguous): `block` is freed when this storage dies.
  struct InBlock {
    void* block;
  };
  StorageImpl(void* data, int64_t nbytes, InBlock in_block);
  /// Frees the enclosing block when there is one (C++20 destroying delete).
  void operator delete(StorageImpl* p, std::destroying_delete_t);

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
  void* block_ = nullptr;
};

}  // namespace ember
