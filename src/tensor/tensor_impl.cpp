// Storage allocation and TensorImpl geometry.
#include "ember/tensor/tensor_impl.h"

#include <cstdlib>
#include <iomanip>
#include <new>
#include <sstream>

#include "ember/autograd/node.h"
#include "ember/core/error.h"

namespace ember {

namespace {
constexpr size_t kAlignment = 64;
}

StorageImpl::StorageImpl(int64_t nbytes) : nbytes_(nbytes), owned_(true) {
  size_t n = static_cast<size_t>(nbytes > 0 ? nbytes : 1);
  n = (n + kAlignment - 1) / kAlignment * kAlignment;
  data_ = std::aligned_alloc(kAlignment, n);
  if (!data_) throw std::bad_alloc();
}

StorageImpl::StorageImpl(void* data, int64_t nbytes, std::function<void(void*)> deleter)
    : data_(data), nbytes_(nbytes), owned_(false) {
  if (deleter) deleter_ = std::make_unique<std::function<void(void*)>>(std::move(deleter));
}

StorageImpl::StorageImpl(void* data, int64_t nbytes, InBlock in_block)
    : data_(data), nbytes_(nbytes), owned_(false), block_(in_block.block) {}

void StorageImpl::operator delete(StorageImpl* p, std::destroying_delete_t) {
  void* block = p->block_;
  p->~StorageImpl();
  if (block)
    std::free(block);
  else
    ::operator delete(p, sizeof(StorageImpl));
}

StorageImpl::~StorageImpl() {
  if (owned_)
    std::free(data_);
  else if (deleter_)
    (*deleter_)(data_);
}

DimVector contiguous_strides(IntArrayRef sizes) {
  DimVector strides(sizes.size());
  int64_t s = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = s;
    s *= sizes[i] > 0 ? sizes[i] : 1;
  }
  return strides;
}

int64_t compute_numel(IntArrayRef sizes, const char* op) {
  int64_t n = 1;
  for (int64_t s : sizes) EMBER_CHECK(s >= 0, op, ": negative dimension ", s, " in size ", sizes);
  for (int64_t s : sizes)
    EMBER_CHECK(!__builtin_mul_overflow(n, s, &n), op,
                ": Storage size calculation overflowed with sizes=", sizes);
  return n;
}

int64_t compute_nbytes(IntArrayRef sizes, ScalarType dtype, const char* op) {
  int64_t nbytes = 0;
  EMBER_CHECK(!__builtin_mul_overflow(compute_numel(sizes, op), element_size(dtype), &nbytes), op,
              ": Storage size calculation overflowed with sizes=", sizes);
  return nbytes;
}

namespace {
std::string format_bytes(int64_t n) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 6) v /= 1024, ++u;
  std::ostringstream s;
  if (u == 0)
    s << n << " bytes";
  else
    s << std::setprecision(3) << v << " " << units[u];
  return s.str();
}
}  // namespace

TensorImpl::TensorImpl(intrusive_ptr<StorageImpl> storage, ScalarType dtype, IntArrayRef sizes,
                       IntArrayRef strides, int64_t offset, Device device)
    : storage_(std::move(storage)),
      sizes_(sizes),
      strides_(strides),
      offset_(offset),
      dtype_(dtype),
      device_(device) {
  refresh();
}

TensorImpl::~TensorImpl() = default;

void TensorImpl::operator delete(TensorImpl* p, std::destroying_delete_t) {
  // Take the block's reference out first: releasing it may free the memory *p lives in.
  intrusive_ptr<StorageImpl> block = std::move(p->block_);
  p->~TensorImpl();
  if (!block) ::operator delete(p, sizeof(TensorImpl));
}

TensorImpl::TensorImpl(ContiguousTag, intrusive_ptr<StorageImpl> storage, ScalarType dtype,
                       IntArrayRef sizes)
    : storage_(std::move(storage)), sizes_(sizes), offset_(0), dtype_(dtype), device_(kCPU) {
  strides_.resize_for_overwrite(sizes.size());
  int64_t s = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides_[i] = s;
    s *= sizes[i] > 0 ? sizes[i] : 1;
  }
  numel_ = 1;
  for (int64_t d : sizes) numel_ *= d;
}

intrusive_ptr<TensorImpl> TensorImpl::make_contiguous(IntArrayRef sizes, ScalarType dtype,
                                                      const char* op) {
  const int64_t nbytes = compute_nbytes(sizes, dtype, op);
  constexpr int64_t kInlineBytes = 512;  // small enough for malloc's thread cache
  if (nbytes > kInlineBytes) {
    intrusive_ptr<StorageImpl> storage;
    try {
      storage = intrusive_ptr<StorageImpl>::make(nbytes);
    } catch (const std::bad_alloc&) {
      EMBER_CHECK(false, op, ": cannot allocate ", format_bytes(nbytes), " for shape ", sizes);
    }
    return intrusive_ptr<TensorImpl>(
        new TensorImpl(ContiguousTag{}, std::move(storage), dtype, sizes));
  }
  // One block: [TensorImpl | StorageImpl | data], data 16-byte aligned (malloc's alignment).
  constexpr size_t kStorageAt =
      (sizeof(TensorImpl) + alignof(StorageImpl) - 1) / alignof(StorageImpl) * alignof(StorageImpl);
  constexpr size_t kDataAt = (kStorageAt + sizeof(StorageImpl) + 15) / 16 * 16;
  char* block = static_cast<char*>(std::malloc(kDataAt + static_cast<size_t>(nbytes)));
  if (!block) throw std::bad_alloc();
  intrusive_ptr<StorageImpl> storage(
      new (block + kStorageAt) StorageImpl(block + kDataAt, nbytes, StorageImpl::InBlock{block}));
  TensorImpl* impl = new (block) TensorImpl(ContiguousTag{}, storage, dtype, sizes);
  impl->block_ = std::move(storage);
  return intrusive_ptr<TensorImpl>(impl);
}

void TensorImpl::set_geometry(IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  sizes_ = sizes;
  strides_ = strides;
  offset_ = offset;
  refresh();
}

void TensorImpl::set_storage(intrusive_ptr<StorageImpl> storage, int64_t offset) {
  storage_ = std::move(storage);
  offset_ = offset;
}

void TensorImpl::set_data_from(const TensorImpl& src) {
  storage_ = src.storage_;
  dtype_ = src.dtype_;
  device_ = src.device_;
  set_geometry(src.sizes_, src.strides_, src.offset_);
}

void TensorImpl::refresh() {
  numel_ = compute_numel(sizes_);
  contiguous_ = true;
  int64_t expected = 1;
  for (size_t i = sizes_.size(); i-- > 0;) {
    if (sizes_[i] == 1) continue;
    if (strides_[i] != expected) {
      contiguous_ = false;
      break;
    }
    expected *= sizes_[i];
  }
  if (numel_ == 0) contiguous_ = true;
}

autograd::AutogradMeta& TensorImpl::ensure_autograd_meta() {
  if (!autograd_) autograd_ = std::make_unique<autograd::AutogradMeta>();
  return *autograd_;
}

void TensorImpl::clear_autograd_meta() { autograd_.reset(); }

}  // namespace ember
