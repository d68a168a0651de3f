// Tensor methods: geometry, conversion, copies and fills, and the thin forwards to ember/ops.h.
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
  return i->sizes()[maybe_wrap_dim(d, i->dim(), "size")];
}
int64_t Tensor::stride(int64_t d) const {
  const auto& i = impl_checked();
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
Tensor Tensor::clone() const { return ember::clone(*this); }
Tensor Tensor::contiguous() const { return ember::contiguous(*this); }

Tensor& Tensor::copy_(const Tensor& src, bool) {
  EMBER_CHECK(defined() && src.defined(), "copy_: undefined tensor");
  if (GradMode::is_enabled() && (requires_grad() || src.requires_grad())) {
    check_inplace_allowed(*this, "copy_");
    return autograd::detail::copy_under_autograd(*this, src);  // CopyBackwards / CopySlices
  }
  broadcast_shape(src.sizes(), sizes(), "copy_");
  EMBER_CHECK(src.dim() <= dim(), "copy_: source of shape ", src.sizes(),
              " cannot be broadcast to destination of shape ", sizes());
  EMBER_DISPATCH_ALL(scalar_type(), "copy_", [&] {
    using dst_t = scalar_t;
    EMBER_DISPATCH_ALL(src.scalar_type(), "copy_", [&] {
      unary_kernel<dst_t, scalar_t>(*this, src, [](scalar_t v) { return static_cast<dst_t>(v); });
    });
  });
  impl()->storage()->bump_version();
  return *this;
}

Tensor& Tensor::fill_(const Scalar& v) {
  if (GradMode::is_enabled() && requires_grad()) {
    check_inplace_allowed(*this, "fill_");
    return autograd::detail::fill_under_autograd(*this, v, false);
  }
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
  if (GradMode::is_enabled() && requires_grad()) {
    check_inplace_allowed(*this, "zero_");
    return autograd::detail::fill_under_autograd(*this, 0, true);
  }
  return fill_(0);
}

// ---- shape-op forwards ------------------------------------------------------------------------
Tensor Tensor::view(IntArrayRef s) const { return ember::view(*this, s); }
Tensor Tensor::reshape(IntArrayRef s) const { return ember::reshape(*this, s); }
Tensor Tensor::flatten(int64_t a, int64_t b) const { return ember::flatten(*this, a, b); }
Tensor Tensor::unflatten(int64_t d, IntArrayRef s) const { return ember::unflatten(*this, d, s); }
Tensor Tensor::squeeze() const { return ember::squeeze(*this); }
Tensor Tensor::squeeze(int64_t d) const { return ember::squeeze(*this, d); }
Tensor Tensor::unsqueeze(int64_t d) const { return ember::unsqueeze(*this, d); }
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
Tensor Tensor::permute(IntArrayRef d) const { return ember::permute(*this, d); }
Tensor Tensor::transpose(int64_t a, int64_t b) const { return ember::transpose(*this, a, b); }
Tensor Tensor::expand(IntArrayRef s, bool) const { return ember::expand(*this, s); }
Tensor Tensor::repeat(IntArrayRef r) const { return ember::repeat(*this, r); }
Tensor Tensor::as_strided(IntArrayRef s, IntArrayRef st, std::optional<int64_t> o) const {
  return ember::as_strided(*this, s, st, o);
}
Tensor Tensor::narrow(int64_t d, int64_t s, int64_t l) const {
  return ember::narrow(*this, d, s, l);
}
Tensor Tensor::slice(int64_t d, std::optional<int64_t> s, std::optional<int64_t> e,
                     int64_t step) const {
  return ember::slice(*this, d, s, e, step);
}
Tensor Tensor::select(int64_t d, int64_t i) const { return ember::select(*this, d, i); }
std::vector<Tensor> Tensor::split(int64_t s, int64_t d) const { return ember::split(*this, s, d); }
std::vector<Tensor> Tensor::split(IntArrayRef s, int64_t d) const {
  return ember::split(*this, s, d);
}
std::vector<Tensor> Tensor::split_with_sizes(IntArrayRef s, int64_t d) const {
  return ember::split(*this, s, d);
}
std::vector<Tensor> Tensor::chunk(int64_t c, int64_t d) const { return ember::chunk(*this, c, d); }
std::vector<Tensor> Tensor::unbind(int64_t d) const { return ember::unbind(*this, d); }
Tensor Tensor::flip(IntArrayRef d) const { return ember::flip(*this, d); }
Tensor Tensor::t() const { return ember::t(*this); }
Tensor Tensor::diag(int64_t k) const { return ember::diag(*this, k); }
Tensor Tensor::tril(int64_t k) const { return ember::tril(*this, k); }
Tensor Tensor::triu(int64_t k) const { return ember::triu(*this, k); }

// ---- pointwise forwards -----------------------------------------------------------------------
Tensor Tensor::add(const Tensor& o, const Scalar& a) const { return ember::add(*this, o, a); }
Tensor Tensor::add(const Scalar& o, const Scalar& a) const { return ember::add(*this, o, a); }
Tensor Tensor::sub(const Tensor& o, const Scalar& a) const { return ember::sub(*this, o, a); }
Tensor Tensor::sub(const Scalar& o, const Scalar& a) const { return ember::sub(*this, o, a); }
Tensor Tensor::mul(const Tensor& o) const { return ember::mul(*this, o); }
Tensor Tensor::mul(const Scalar& o) const { return ember::mul(*this, o); }
Tensor Tensor::div(const Tensor& o) const { return ember::div(*this, o); }
Tensor Tensor::div(const Scalar& o) const { return ember::div(*this, o); }
Tensor Tensor::addcmul(const Tensor& a, const Tensor& b, const Scalar& v) const {
  return ember::addcmul(*this, a, b, v);
}
Tensor Tensor::addcdiv(const Tensor& a, const Tensor& b, const Scalar& v) const {
  return ember::addcdiv(*this, a, b, v);
}
Tensor Tensor::lerp(const Tensor& e, const Scalar& w) const { return ember::lerp(*this, e, w); }
Tensor Tensor::pow(const Scalar& e) const { return ember::pow(*this, e); }
Tensor Tensor::pow(const Tensor& e) const { return ember::pow(*this, e); }
Tensor Tensor::neg() const { return ember::neg(*this); }
Tensor Tensor::abs() const { return ember::abs(*this); }
Tensor Tensor::exp() const { return ember::exp(*this); }
Tensor Tensor::log() const { return ember::log(*this); }
Tensor Tensor::log1p() const { return ember::log1p(*this); }
Tensor Tensor::log2() const { return ember::log2(*this); }
Tensor Tensor::log10() const { return ember::log10(*this); }
Tensor Tensor::expm1() const { return ember::expm1(*this); }
Tensor Tensor::sqrt() const { return ember::sqrt(*this); }
Tensor Tensor::rsqrt() const { return ember::rsqrt(*this); }
Tensor Tensor::square() const { return ember::square(*this); }
Tensor Tensor::reciprocal() const { return ember::reciprocal(*this); }
Tensor Tensor::sin() const { return ember::sin(*this); }
Tensor Tensor::cos() const { return ember::cos(*this); }
Tensor Tensor::tan() const { return ember::tan(*this); }
Tensor Tensor::asin() const { return ember::asin(*this); }
Tensor Tensor::acos() const { return ember::acos(*this); }
Tensor Tensor::atan() const { return ember::atan(*this); }
Tensor Tensor::sinh() const { return ember::sinh(*this); }
Tensor Tensor::cosh() const { return ember::cosh(*this); }
Tensor Tensor::tanh() const { return ember::tanh(*this); }
Tensor Tensor::sigmoid() const { return ember::sigmoid(*this); }
Tensor Tensor::relu() const { return ember::relu(*this); }
Tensor Tensor::erf() const { return ember::erf(*this); }
Tensor Tensor::sign() const { return ember::sign(*this); }
Tensor Tensor::floor() const { return ember::floor(*this); }
Tensor Tensor::ceil() const { return ember::ceil(*this); }
Tensor Tensor::round() const { return ember::round(*this); }
Tensor Tensor::trunc() const { return ember::trunc(*this); }
Tensor Tensor::frac() const { return ember::frac(*this); }
Tensor Tensor::clamp(std::optional<Scalar> lo, std::optional<Scalar> hi) const {
  return ember::clamp(*this, lo, hi);
}
Tensor Tensor::clamp_min(const Scalar& m) const { return ember::clamp_min(*this, m); }
Tensor Tensor::clamp_max(const Scalar& m) const { return ember::clamp_max(*this, m); }
Tensor Tensor::maximum(const Tensor& o) const { return ember::maximum(*this, o); }
Tensor Tensor::minimum(const Tensor& o) const { return ember::minimum(*this, o); }
Tensor Tensor::remainder(const Scalar& o) const { return ember::remainder(*this, o); }
Tensor Tensor::fmod(const Scalar& o) const { return ember::fmod(*this, o); }
Tensor Tensor::where(const Tensor& c, const Tensor& o) const { return ember::where(c, *this, o); }
Tensor Tensor::masked_fill(const Tensor& m, const Scalar& v) const {
  return ember::masked_fill(*this, m, v);
}
Tensor Tensor::logical_not() const { return ember::logical_not(*this); }
Tensor Tensor::logical_and(const Tensor& o) const { return ember::logical_and(*this, o); }
Tensor Tensor::logical_or(const Tensor& o) const { return ember::logical_or(*this, o); }
Tensor Tensor::logical_xor(const Tensor& o) const { return ember::logical_xor(*this, o); }
Tensor Tensor::isnan() const { return ember::isnan(*this); }
Tensor Tensor::isinf() const { return ember::isinf(*this); }
Tensor Tensor::isfinite() const { return ember::isfinite(*this); }
bool Tensor::equal(const Tensor& o) const { return ember::equal(*this, o); }
bool Tensor::allclose(const Tensor& o, double r, double a, bool n) const {
  return ember::allclose(*this, o, r, a, n);
}
Tensor Tensor::isclose(const Tensor& o, double r, double a, bool n) const {
  return ember::isclose(*this, o, r, a, n);
}

// ---- reductions and linear algebra forwards ---------------------------------------------------
Tensor Tensor::sum(std::optional<ScalarType> t) const { return ember::sum(*this, t); }
Tensor Tensor::sum(IntArrayRef d, bool k, std::optional<ScalarType> t) const {
  return ember::sum(*this, d, k, t);
}
Tensor Tensor::mean(std::optional<ScalarType> t) const { return ember::mean(*this, t); }
Tensor Tensor::mean(IntArrayRef d, bool k, std::optional<ScalarType> t) const {
  return ember::mean(*this, d, k, t);
}
Tensor Tensor::prod(std::optional<ScalarType> t) const { return ember::prod(*this, t); }
Tensor Tensor::prod(int64_t d, bool k, std::optional<ScalarType> t) const {
  return ember::prod(*this, d, k, t);
}
Tensor Tensor::max() const { return ember::max(*this); }
std::tuple<Tensor, Tensor> Tensor::max(int64_t d, bool k) const { return ember::max(*this, d, k); }
Tensor Tensor::min() const { return ember::min(*this); }
std::tuple<Tensor, Tensor> Tensor::min(int64_t d, bool k) const { return ember::min(*this, d, k); }
Tensor Tensor::amax(IntArrayRef d, bool k) const { return ember::amax(*this, d, k); }
Tensor Tensor::amin(IntArrayRef d, bool k) const { return ember::amin(*this, d, k); }
Tensor Tensor::argmax(std::optional<int64_t> d, bool k) const { return ember::argmax(*this, d, k); }
Tensor Tensor::argmin(std::optional<int64_t> d, bool k) const { return ember::argmin(*this, d, k); }
Tensor Tensor::norm(const Scalar& p) const { return ember::norm(*this, p); }
Tensor Tensor::norm(const Scalar& p, IntArrayRef d, bool k) const {
  return ember::norm(*this, p, d, k);
}
Tensor Tensor::var(bool u) const { return ember::var(*this, u); }
Tensor Tensor::var(IntArrayRef d, bool u, bool k) const { return ember::var(*this, d, u, k); }
Tensor Tensor::std(bool u) const { return ember::std(*this, u); }
Tensor Tensor::std(IntArrayRef d, bool u, bool k) const { return ember::std(*this, d, u, k); }
Tensor Tensor::all() const { return ember::all(*this); }
Tensor Tensor::all(int64_t d, bool k) const { return ember::all(*this, d, k); }
Tensor Tensor::any() const { return ember::any(*this); }
Tensor Tensor::any(int64_t d, bool k) const { return ember::any(*this, d, k); }
Tensor Tensor::logsumexp(IntArrayRef d, bool k) const { return ember::logsumexp(*this, d, k); }
Tensor Tensor::cumsum(int64_t d, std::optional<ScalarType> t) const {
  return ember::cumsum(*this, d, t);
}
Tensor Tensor::softmax(int64_t d, std::optional<ScalarType> t) const {
  return ember::softmax(*this, d, t);
}
Tensor Tensor::log_softmax(int64_t d, std::optional<ScalarType> t) const {
  return ember::log_softmax(*this, d, t);
}
Tensor Tensor::mm(const Tensor& o) const { return ember::mm(*this, o); }
Tensor Tensor::bmm(const Tensor& o) const { return ember::bmm(*this, o); }
Tensor Tensor::matmul(const Tensor& o) const { return ember::matmul(*this, o); }
Tensor Tensor::mv(const Tensor& v) const { return ember::mv(*this, v); }
Tensor Tensor::dot(const Tensor& o) const { return ember::dot(*this, o); }
Tensor Tensor::outer(const Tensor& o) const { return ember::outer(*this, o); }
Tensor Tensor::addmm(const Tensor& a, const Tensor& b, const Scalar& beta,
                     const Scalar& alpha) const {
  return ember::addmm(*this, a, b, beta, alpha);
}

// ---- indexing forwards ------------------------------------------------------------------------
Tensor Tensor::index_select(int64_t d, const Tensor& i) const {
  return ember::index_select(*this, d, i);
}
Tensor Tensor::gather(int64_t d, const Tensor& i) const { return ember::gather(*this, d, i); }
Tensor Tensor::scatter(int64_t d, const Tensor& i, const Tensor& s) const {
  return ember::scatter(*this, d, i, s);
}
Tensor Tensor::scatter(int64_t d, const Tensor& i, const Scalar& v) const {
  return ember::scatter(*this, d, i, v);
}
Tensor& Tensor::scatter_(int64_t d, const Tensor& i, const Tensor& s) {
  return inplace(
      *this, s.requires_grad(), "scatter_",
      [&](const Tensor& x) { return ember::scatter(x, d, i, s); },
      [&] { rebase_history(*this, ember::scatter(*this, d, i, s)); });
}
Tensor& Tensor::scatter_(int64_t d, const Tensor& i, const Scalar& v) {
  return inplace(
      *this, false, "scatter_", [&](const Tensor& x) { return ember::scatter(x, d, i, v); },
      [&] { rebase_history(*this, ember::scatter(*this, d, i, v)); });
}
Tensor Tensor::scatter_add(int64_t d, const Tensor& i, const Tensor& s) const {
  return ember::scatter_add(*this, d, i, s);
}
Tensor& Tensor::scatter_add_(int64_t d, const Tensor& i, const Tensor& s) {
  return inplace(
      *this, s.requires_grad(), "scatter_add_",
      [&](const Tensor& x) { return ember::scatter_add(x, d, i, s); },
      [&] { rebase_history(*this, ember::scatter_add(*this, d, i, s)); });
}
Tensor Tensor::index_add(int64_t d, const Tensor& i, const Tensor& s) const {
  return ember::index_add(*this, d, i, s);
}
Tensor Tensor::masked_select(const Tensor& m) const { return ember::masked_select(*this, m); }
Tensor Tensor::nonzero() const { return ember::nonzero(*this); }
Tensor Tensor::operator[](const Tensor& idx) const { return this->index({idx}); }
std::tuple<Tensor, Tensor> Tensor::sort(int64_t d, bool desc) const {
  return ember::sort(*this, d, desc);
}
std::tuple<Tensor, Tensor> Tensor::topk(int64_t k, int64_t d, bool l, bool s) const {
  return ember::topk(*this, k, d, l, s);
}

}  // namespace ember
