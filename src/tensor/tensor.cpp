// Tensor methods: geometry, conversion, copies and fills, and the op methods that are not plain
// forwards to a free function (the op table, ember/ops_table.h, defines those in tensor.h).
#include "ember/tensor/tensor.h"

#include <algorithm>

#include "ember/autograd/grad_mode.h"
#include "ember/ops.h"
#include "ember/tensor/indexing.h"
#include "ops/inplace.h"

namespace ember {

using namespace ops;  // NOLINT

int64_t Tensor::size(int64_t d) const {
  const auto& i = impl_checked();
  EMBER_CHECK(i->dim() > 0, "size: dimension specified as ", d, " but tensor has no dimensions");
  return i->sizes()[maybe_wrap_dim(d, i->dim(), "size")];
}
int64_t Tensor::stride(int64_t d) const {
  const auto& i = impl_checked();
  EMBER_CHECK(i->dim() > 0, "stride: dimension specified as ", d, " but tensor has no dimensions");
  return i->strides()[maybe_wrap_dim(d, i->dim(), "stride")];
}

std::string Tensor::toString() const {
  return std::string("CPU") + to_string(scalar_type()) + "Type";
}

Scalar Tensor::item() const {
  EMBER_CHECK(numel() == 1, "item: a Tensor with ", numel(),
              " elements cannot be converted to Scalar (shape ", sizes(), ")");
  return EMBER_DISPATCH_ALL(scalar_type(), "item", [&]() -> Scalar {
    return Scalar(*static_cast<const scalar_t*>(impl()->data()));
  });
}

Tensor Tensor::to(Device d, bool non_blocking, bool copy) const {
  EMBER_CHECK(d.is_cpu(), "to: device ", d, " is not available (ember was built for CPU only)");
  return copy ? clone() : *this;
}
Tensor Tensor::to(Device d, ScalarType t, bool non_blocking, bool copy) const {
  return to(d, non_blocking, false).to(t, non_blocking, copy);
}
Tensor Tensor::to(const TensorOptions& o, bool non_blocking, bool copy) const {
  Tensor r = to(o.device(), non_blocking, false);
  return o.has_dtype() ? r.to(o.dtype(), non_blocking, copy) : (copy ? r.clone() : r);
}
Tensor Tensor::to(const Tensor& other, bool non_blocking, bool copy) const {
  return to(other.device(), other.scalar_type(), non_blocking, copy);
}
Tensor Tensor::cuda() const {
  EMBER_ERROR("cuda: CUDA is not available (ember was built for CPU only)");
}

Tensor& Tensor::copy_(const Tensor& src, bool) {
  EMBER_CHECK(defined() && src.defined(), "copy_: undefined tensor");
  return apply_inplace<OldValue::kUnread>(
      *this, src.requires_grad(), "copy_", [&](const Tensor& old) { return copied_from(old, src); },
      [&] {
        broadcast_shape(src.sizes(), sizes(), "copy_");
        EMBER_CHECK(src.dim() <= dim(), "copy_: source of shape ", src.sizes(),
                    " cannot be broadcast to destination of shape ", sizes());
        EMBER_DISPATCH_ALL(scalar_type(), "copy_", [&] {
          using dst_t = scalar_t;
          EMBER_DISPATCH_ALL(src.scalar_type(), "copy_", [&] {
            unary_kernel<dst_t, scalar_t>(*this, src,
                                          [](scalar_t v) { return static_cast<dst_t>(v); });
          });
        });
        impl()->storage()->bump_version();
      });
}

Tensor& Tensor::fill_(const Scalar& v) {
  if (GradMode::is_enabled() && requires_grad())  // FillBackward2
    return apply_inplace<OldValue::kUnread>(
        *this, false, "fill_", [&](const Tensor& old) { return filled_like(old, v, false); },
        [] {});
  // Writes only: the memory may be uninitialised (empty, new outputs), and reading it, even to
  // ignore it, is undefined for bool (UBSan reports invalid bool loads).
  EMBER_DISPATCH_ALL(scalar_type(), "fill_", [&] {
    const scalar_t x = v.to<scalar_t>();
    if (is_contiguous()) {
      std::fill_n(static_cast<scalar_t*>(data_ptr()), numel(), x);
    } else {
      unary_kernel<scalar_t, scalar_t>(*this, scalar_tensor(v, scalar_type()),
                                       [](scalar_t y) { return y; });
    }
  });
  impl()->storage()->bump_version();
  return *this;
}
Tensor& Tensor::fill_(const Tensor& v) {
  EMBER_CHECK(v.dim() == 0, "fill_: only supports 0-dimension value tensor but got tensor with ",
              v.dim(), " dimensions");
  return fill_(v.item());
}
Tensor& Tensor::zero_() {
  if (GradMode::is_enabled() && requires_grad())  // ZeroBackward0
    return apply_inplace<OldValue::kUnread>(
        *this, false, "zero_", [&](const Tensor& old) { return filled_like(old, 0, true); }, [] {});
  return fill_(0);
}

// ---- methods that are not plain forwards (the op table, ops_table.h, defines those) ---------
Tensor Tensor::where(const Tensor& c, const Tensor& o) const { return ember::where(c, *this, o); }
Tensor Tensor::expand(IntArrayRef s, bool) const { return ember::expand(*this, s); }
Tensor Tensor::slice(int64_t d, std::optional<int64_t> s, std::optional<int64_t> e,
                     int64_t step) const {
  return ember::slice(*this, d, s, e, step);
}
std::vector<Tensor> Tensor::split_with_sizes(IntArrayRef s, int64_t d) const {
  return ember::split(*this, s, d);
}
Tensor Tensor::operator[](const Tensor& idx) const { return this->index({idx}); }

// ---- in-place shape ops: new geometry, same storage --------------------------------------------
Tensor& Tensor::squeeze_() {
  Tensor r = ember::squeeze(detach());
  impl()->set_geometry(r.sizes(), r.strides(), r.storage_offset());
  return *this;
}
Tensor& Tensor::squeeze_(int64_t d) {
  Tensor r = ember::squeeze(detach(), d);
  impl()->set_geometry(r.sizes(), r.strides(), r.storage_offset());
  return *this;
}
Tensor& Tensor::unsqueeze_(int64_t d) {
  Tensor r = ember::unsqueeze(detach(), d);
  impl()->set_geometry(r.sizes(), r.strides(), r.storage_offset());
  return *this;
}
Tensor& Tensor::transpose_(int64_t a, int64_t b) {
  Tensor r = ember::transpose(detach(), a, b);
  impl()->set_geometry(r.sizes(), r.strides(), r.storage_offset());
  return *this;
}

// ---- in-place scatter ---------------------------------------------------------------------------
Tensor& Tensor::scatter_(int64_t d, const Tensor& i, const Tensor& s) {
  return apply_inplace(
      *this, s.requires_grad(), "scatter_",
      [&](const Tensor& x) { return ember::scatter(x, d, i, s); },
      [&] { copy_result_into(*this, ember::scatter(*this, d, i, s)); });
}
Tensor& Tensor::scatter_(int64_t d, const Tensor& i, const Scalar& v) {
  return apply_inplace(
      *this, false, "scatter_", [&](const Tensor& x) { return ember::scatter(x, d, i, v); },
      [&] { copy_result_into(*this, ember::scatter(*this, d, i, v)); });
}
Tensor& Tensor::scatter_add_(int64_t d, const Tensor& i, const Tensor& s) {
  return apply_inplace(
      *this, s.requires_grad(), "scatter_add_",
      [&](const Tensor& x) { return ember::scatter_add(x, d, i, s); },
      [&] { copy_result_into(*this, ember::scatter_add(*this, d, i, s)); });
}

}  // namespace ember
