// TensorImpl: sizes, strides, storage offset, dtype, device and (when autograd is involved) a
// pointer to AutogradMeta. Tensor is a cheap handle to one of these.
#pragma once

#include <memory>

#include "ember/core/array_ref.h"
#include "ember/core/device.h"
#include "ember/core/scalar_type.h"
#include "ember/tensor/storage.h"

namespace ember {

namespace autograd {
struct AutogradMeta;
}

class TensorImpl final : public RefCounted {
 public:
  TensorImpl(intrusive_ptr<StorageImpl> storage, ScalarType dtype, IntArrayRef sizes,
             IntArrayRef strides, int64_t offset, Device device = Device(kCPU));
  ~TensorImpl();

  IntArrayRef sizes() const { return sizes_; }
  IntArrayRef strides() const { return strides_; }
  int64_t dim() const { return static_cast<int64_t>(sizes_.size()); }
  int64_t numel() const { return numel_; }
  int64_t storage_offset() const { return offset_; }
  ScalarType dtype() const { return dtype_; }
  Device device() const { return device_; }
  bool is_contiguous() const { return contiguous_; }
  const intrusive_ptr<StorageImpl>& storage() const { return storage_; }
  void* data() const {
    return static_cast<char*>(storage_->data()) + offset_ * element_size(dtype_);
  }

  /// Re-points this impl at new geometry (used by in-place shape ops such as squeeze_).
  void set_geometry(IntArrayRef sizes, IntArrayRef strides, int64_t offset);
  void set_storage(intrusive_ptr<StorageImpl> storage, int64_t offset);

  autograd::AutogradMeta* autograd_meta() const { return autograd_.get(); }
  autograd::AutogradMeta& ensure_autograd_meta();
  void clear_autograd_meta();

 private:
  void refresh();
  intrusive_ptr<StorageImpl> storage_;
  DimVector sizes_, strides_;
  int64_t offset_;
  int64_t numel_ = 1;
  ScalarType dtype_;
  Device device_;
  bool contiguous_ = true;
  std::unique_ptr<autograd::AutogradMeta> autograd_;
};

/// Row-major strides for `sizes`.
DimVector contiguous_strides(IntArrayRef sizes);
/// Product of sizes; throws on negative sizes (naming `op`).
int64_t compute_numel(IntArrayRef sizes, const char* op = "tensor");

}  // namespace ember
