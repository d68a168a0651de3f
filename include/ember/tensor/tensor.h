// Tensor: the handle users hold. Cheap to copy (one ref count), views share storage. The op
// methods (x.add(y), x.sum(1)) come from the op table, ember/ops_table.h, which also declares
// their free functions (ember::add); the other ops are declared in ember/ops.h.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "ember/core/array_ref.h"
#include "ember/core/error.h"
#include "ember/core/scalar.h"
#include "ember/core/tensor_options.h"
#include "ember/tensor/tensor_impl.h"

namespace ember {

namespace autograd {
class Node;
}
namespace indexing {
class TensorIndex;
}
template <class T, size_t N>
class TensorAccessor;
class Tensor;

// The op table (ember/ops_table.h) declares each op's free function here, before the class, so
// that the methods it defines inside the class can forward to them. A row's parameter list gets
// `const Tensor& self` in front (EMBER_OP_SELF_) and its argument list `*this` (EMBER_OP_THIS_).
#define EMBER_OP_SELF_(...) (const Tensor& self __VA_OPT__(, ) __VA_ARGS__)
#define EMBER_OP_THIS_(...) (*this __VA_OPT__(, ) __VA_ARGS__)
#define EMBER_OP(name, params, args, ...) __VA_ARGS__ name EMBER_OP_SELF_ params;
#define EMBER_INPLACE(name, params)
#include "ember/ops_table.h"
#undef EMBER_OP
#undef EMBER_INPLACE

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(intrusive_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- identity and geometry -----------------------------------------------------------------
  bool defined() const { return static_cast<bool>(impl_); }
  TensorImpl* unsafeGetTensorImpl() const { return impl_.get(); }
  const intrusive_ptr<TensorImpl>& impl() const { return impl_; }
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }
  int64_t use_count() const { return impl_.use_count(); }
  void reset() { impl_.reset(); }

  int64_t dim() const { return impl_checked()->dim(); }
  int64_t ndimension() const { return dim(); }
  int64_t numel() const { return impl_checked()->numel(); }
  IntArrayRef sizes() const { return impl_checked()->sizes(); }
  IntArrayRef shape() const { return sizes(); }
  IntArrayRef strides() const { return impl_checked()->strides(); }
  int64_t size(int64_t d) const;
  int64_t stride(int64_t d) const;
  int64_t storage_offset() const { return impl_checked()->storage_offset(); }
  ScalarType scalar_type() const { return impl_checked()->dtype(); }
  ScalarType dtype() const { return scalar_type(); }
  Device device() const { return impl_checked()->device(); }
  bool is_cpu() const { return device().is_cpu(); }
  bool is_cuda() const { return device().is_cuda(); }
  Layout layout() const { return kStrided; }
  TensorOptions options() const { return TensorOptions().dtype(scalar_type()).device(device()); }
  bool is_contiguous() const { return impl_checked()->is_contiguous(); }
  int64_t element_size() const { return ember::element_size(scalar_type()); }
  int64_t itemsize() const { return element_size(); }
  int64_t nbytes() const { return numel() * element_size(); }
  bool is_floating_point() const { return ember::is_floating_point(scalar_type()); }
  std::string toString() const;  // "CPUFloatType"

  // ---- data access ---------------------------------------------------------------------------
  template <class T>
  T* data_ptr() const;
  void* data_ptr() const { return impl_checked()->data(); }
  template <class T>
  T item() const;
  Scalar item() const;
  template <class T, size_t N>
  TensorAccessor<T, N> accessor() const&;
  template <class T, size_t N>
  TensorAccessor<T, N> accessor() && = delete;

  // ---- autograd ------------------------------------------------------------------------------
  bool requires_grad() const;
  Tensor& set_requires_grad(bool r);
  Tensor& requires_grad_(bool r = true) { return set_requires_grad(r); }
  const Tensor& grad() const;
  Tensor& mutable_grad();
  bool is_leaf() const;
  void retain_grad() const;
  bool retains_grad() const;
  const std::shared_ptr<autograd::Node>& grad_fn() const;
  uint32_t output_nr() const;
  uint32_t _version() const { return impl_checked()->storage()->version(); }
  void backward(const Tensor& gradient = {}, std::optional<bool> retain_graph = std::nullopt,
                bool create_graph = false,
                std::optional<std::vector<Tensor>> inputs = std::nullopt) const;
  Tensor detach() const;
  Tensor& detach_();
  /// Makes this tensor use `new_data`'s memory, dtype and shape while keeping its identity,
  /// requires_grad and grad (libtorch's set_data; Module::to uses it).
  void set_data(const Tensor& new_data);
  Tensor data() const { return detach(); }
  /// Calls `hook(grad)` when this tensor's gradient is computed; a defined return value
  /// replaces the gradient. Returns a handle for remove_hook.
  template <class F>
  unsigned register_hook(F&& hook) const {
    if constexpr (std::is_void_v<std::invoke_result_t<F&, const Tensor&>>)
      return _register_hook([h = std::forward<F>(hook)](const Tensor& g) mutable {
        h(g);
        return Tensor();
      });
    else
      return _register_hook(std::function<Tensor(const Tensor&)>(std::forward<F>(hook)));
  }
  unsigned _register_hook(std::function<Tensor(const Tensor&)> hook) const;
  void remove_hook(unsigned handle) const;

  // ---- conversion ----------------------------------------------------------------------------
  Tensor to(ScalarType t, bool non_blocking = false, bool copy = false) const;
  Tensor to(Device d, bool non_blocking = false, bool copy = false) const;
  /// `t.to(kCPU)`: without this overload the call is ambiguous between Device and TensorOptions.
  Tensor to(DeviceType d, bool non_blocking = false, bool copy = false) const {
    return to(Device(d), non_blocking, copy);
  }
  Tensor to(Device d, ScalarType t, bool non_blocking = false, bool copy = false) const;
  Tensor to(const TensorOptions& o, bool non_blocking = false, bool copy = false) const;
  Tensor to(const Tensor& other, bool non_blocking = false, bool copy = false) const;
  Tensor type_as(const Tensor& other) const { return to(other.scalar_type()); }
  Tensor cpu() const { return to(Device(kCPU)); }
  Tensor cuda() const;
  Tensor toType(ScalarType t) const { return to(t); }
  Tensor& copy_(const Tensor& src, bool non_blocking = false);
  Tensor& fill_(const Scalar& v);
  Tensor& fill_(const Tensor& v);
  Tensor& zero_();
  Tensor& normal_(double mean = 0, double std = 1);
  Tensor& uniform_(double from = 0, double to = 1);
  Tensor& bernoulli_(double p = 0.5);
  Tensor& random_(int64_t from, int64_t to);

  // ---- ops: the methods of the op table (ember/ops_table.h) -----------------------------------
#define EMBER_OP(name, params, args, ...) \
  __VA_ARGS__ name params const { return ::ember::name EMBER_OP_THIS_ args; }
#define EMBER_INPLACE(name, params) Tensor& name params;
#include "ember/ops_table.h"
#undef EMBER_OP
#undef EMBER_INPLACE

  // ---- ops whose method is not a plain forward ----------------------------------------------
  /// where(condition, *this, other)
  Tensor where(const Tensor& condition, const Tensor& other) const;
  Tensor view_as(const Tensor& o) const { return view(o.sizes()); }
  Tensor reshape_as(const Tensor& o) const { return reshape(o.sizes()); }
  Tensor expand(IntArrayRef size, bool implicit = false) const;
  Tensor expand_as(const Tensor& o) const { return expand(o.sizes()); }
  Tensor slice(int64_t dim = 0, std::optional<int64_t> start = std::nullopt,
               std::optional<int64_t> end = std::nullopt, int64_t step = 1) const;
  std::vector<Tensor> split_with_sizes(IntArrayRef split_sizes, int64_t dim = 0) const;
  Tensor index(ArrayRef<indexing::TensorIndex> indices) const;
  Tensor index(std::initializer_list<indexing::TensorIndex> indices) const;
  Tensor& index_put_(ArrayRef<indexing::TensorIndex> indices, const Tensor& v);
  Tensor& index_put_(ArrayRef<indexing::TensorIndex> indices, const Scalar& v);
  Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& v);
  Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& v);
  Tensor operator[](int64_t i) const { return select(0, i); }
  Tensor operator[](const Tensor& index) const;

  // ---- operators (in-place) ------------------------------------------------------------------
  Tensor& operator+=(const Tensor& o) { return add_(o); }
  Tensor& operator+=(const Scalar& o) { return add_(o); }
  Tensor& operator-=(const Tensor& o) { return sub_(o); }
  Tensor& operator-=(const Scalar& o) { return sub_(o); }
  Tensor& operator*=(const Tensor& o) { return mul_(o); }
  Tensor& operator*=(const Scalar& o) { return mul_(o); }
  Tensor& operator/=(const Tensor& o) { return div_(o); }
  Tensor& operator/=(const Scalar& o) { return div_(o); }
  Tensor operator-() const { return neg(); }
  Tensor operator~() const { return logical_not(); }

  void print() const;

 private:
  const intrusive_ptr<TensorImpl>& impl_checked() const;
  intrusive_ptr<TensorImpl> impl_;
};

#undef EMBER_OP_SELF_
#undef EMBER_OP_THIS_

using TensorList = ArrayRef<Tensor>;
using tensor_list = std::vector<Tensor>;

// Binary operators with tensors and scalars on both sides.
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, const Scalar& b);
Tensor operator+(const Scalar& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Scalar& b);
Tensor operator-(const Scalar& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Scalar& b);
Tensor operator*(const Scalar& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Scalar& b);
Tensor operator/(const Scalar& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Scalar& b);
Tensor operator!=(const Tensor& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Scalar& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Scalar& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Scalar& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Scalar& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Scalar& b);
Tensor operator&&(const Tensor& a, const Tensor& b);
Tensor operator||(const Tensor& a, const Tensor& b);
Tensor operator&(const Tensor& a, const Tensor& b);
Tensor operator|(const Tensor& a, const Tensor& b);

// ---- inline hot accessors -------------------------------------------------------------------
inline const intrusive_ptr<TensorImpl>& Tensor::impl_checked() const {
  EMBER_CHECK(impl_, "tensor: operation on an undefined Tensor");
  return impl_;
}

template <class T>
T* Tensor::data_ptr() const {
  EMBER_CHECK(defined(), "data_ptr: undefined tensor");
  EMBER_CHECK(CppTypeToScalarType<T>::value == scalar_type(), "data_ptr: expected scalar type ",
              CppTypeToScalarType<T>::value, " but found ", scalar_type());
  return static_cast<T*>(impl_->data());
}

template <class T>
T Tensor::item() const {
  return item().to<T>();
}

/// Element access with compile-time rank (libtorch's `t.accessor<float, 2>()[i][j]`).
template <class T, size_t N>
class TensorAccessor {
 public:
  TensorAccessor(T* data, const int64_t* sizes, const int64_t* strides)
      : data_(data), sizes_(sizes), strides_(strides) {}
  decltype(auto) operator[](int64_t i) const {
    if constexpr (N == 1) {
      return (data_[i * strides_[0]]);
    } else {
      return TensorAccessor<T, N - 1>(data_ + i * strides_[0], sizes_ + 1, strides_ + 1);
    }
  }
  int64_t size(int64_t d) const { return sizes_[d]; }
  int64_t stride(int64_t d) const { return strides_[d]; }
  T* data() const { return data_; }

 private:
  T* data_;
  const int64_t* sizes_;
  const int64_t* strides_;
};

template <class T, size_t N>
TensorAccessor<T, N> Tensor::accessor() const& {
  EMBER_CHECK(dim() == static_cast<int64_t>(N), "accessor: expected ", N, " dims but tensor has ",
              dim());
  return TensorAccessor<T, N>(data_ptr<T>(), sizes().data(), strides().data());
}

}  // namespace ember
