// TensorImpl: sizes, strides, storage offset, dtype, device and (when autograd is involved) a
// pointer to AutogradMeta. Tensor is a cheap handle to one of these.
#pragma once

#include <memory>
#include <new>

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
  /// A new contiguous tensor of uninitialised memory. Small ones are a single allocation that
  /// holds this TensorImpl, its StorageImpl and the data (the per-op overhead of tiny tensors
  /// is mostly allocation).
  /// Sizes whose byte count overflows, or memory that cannot be had, raise an ember::Error
  /// naming `op` and the shape.
  static intrusive_ptr<TensorImpl> make_contiguous(IntArrayRef sizes, ScalarType dtype,
                                                   const char* op = "empty");
  /// Destroys the impl; frees it unless it lives in its storage's block (C++20 destroying
  /// delete).
  void operator delete(TensorImpl* p, std::destroying_delete_t);

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
  /// Takes `src`'s storage, dtype, device and geometry (Tensor::set_data); keeps autograd state.
  void set_data_from(const TensorImpl& src);

  /// For a view made while grad mode was on: the tensor that owns the memory (never itself a
  /// view). Autograd uses it to route in-place changes of the view to the base's history.
  const intrusive_ptr<TensorImpl>& view_base() const { return view_base_; }
  void set_view_base(intrusive_ptr<TensorImpl> base) { view_base_ = std::move(base); }

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
  intrusive_ptr<StorageImpl> block_;  // the storage whose block holds this impl, if any
  intrusive_ptr<TensorImpl> view_base_;

  struct ContiguousTag {};
  TensorImpl(ContiguousTag, intrusive_ptr<StorageImpl> storage, ScalarType dtype,
             IntArrayRef sizes);
};

/// Row-major strides for `sizes`.
DimVector contiguous_strides(IntArrayRef sizes);
/// Product of sizes; throws on negative sizes and on overflow (naming `op`).
int64_t compute_numel(IntArrayRef sizes, const char* op = "tensor");
/// compute_numel × the dtype's size, checked for overflow.
int64_t compute_nbytes(IntArrayRef sizes, ScalarType dtype, const char* op = "tensor");

}  // namespace ember
