// Factories: tensor({{1, 2}, {3, 4}}), zeros, ones, full, empty, eye, arange, linspace, rand,
// randn, randint, randperm, *_like, from_blob.
#pragma once

#include <functional>
#include <initializer_list>
#include <type_traits>
#include <vector>

#include "ember/core/generator.h"
#include "ember/tensor/tensor.h"

namespace ember {

Tensor empty(IntArrayRef size, const TensorOptions& o = {});
Tensor zeros(IntArrayRef size, const TensorOptions& o = {});
Tensor ones(IntArrayRef size, const TensorOptions& o = {});
Tensor full(IntArrayRef size, const Scalar& v, const TensorOptions& o = {});
Tensor eye(int64_t n, const TensorOptions& o = {});
Tensor eye(int64_t n, int64_t m, const TensorOptions& o = {});
/// arange(end), arange(start, end, step): float dtype if any bound is floating, else int64.
Tensor arange(const Scalar& end, const TensorOptions& o = {});
Tensor arange(const Scalar& start, const Scalar& end, const TensorOptions& o = {});
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step,
              const TensorOptions& o = {});
Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& o = {});
Tensor rand(IntArrayRef size, const TensorOptions& o = {});
Tensor randn(IntArrayRef size, const TensorOptions& o = {});
Tensor rand(IntArrayRef size, Generator& gen, const TensorOptions& o = {});
Tensor randn(IntArrayRef size, Generator& gen, const TensorOptions& o = {});
Tensor randint(int64_t high, IntArrayRef size, const TensorOptions& o = dtype(kLong));
Tensor randint(int64_t low, int64_t high, IntArrayRef size, const TensorOptions& o = dtype(kLong));
Tensor randperm(int64_t n, const TensorOptions& o = dtype(kLong));
Tensor bernoulli(const Tensor& p);
Tensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement = false);
Tensor normal(double mean, double std, IntArrayRef size, const TensorOptions& o = {});

Tensor empty_like(const Tensor& t, const TensorOptions& o = {});
Tensor zeros_like(const Tensor& t, const TensorOptions& o = {});
Tensor ones_like(const Tensor& t, const TensorOptions& o = {});
Tensor full_like(const Tensor& t, const Scalar& v, const TensorOptions& o = {});
Tensor rand_like(const Tensor& t, const TensorOptions& o = {});
Tensor randn_like(const Tensor& t, const TensorOptions& o = {});
Tensor randint_like(const Tensor& t, int64_t low, int64_t high, const TensorOptions& o = {});

/// Wraps external memory without copying; `deleter` runs when the last view is gone.
Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& o = {});
Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const TensorOptions& o = {});
Tensor from_blob(void* data, IntArrayRef sizes, const std::function<void(void*)>& deleter,
                 const TensorOptions& o = {});

// ---- tensor(...) from values and nested braced lists ----------------------------------------
namespace detail {
/// A nested initializer list of numbers flattened with its shape and the dtype libtorch infers
/// (torch/detail/TensorDataContainer.h, compute_desired_dtype): bool → kBool, uint8 → kByte,
/// other integers → kLong, floating → the default dtype. Values are kept as Scalars so int64
/// values beyond 2^53 stay exact. (libtorch rejects lists mixing C++ types; ember promotes.)
class ListInit {
 public:
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  ListInit(T v) : is_scalar_(true) {  // NOLINT
    if constexpr (std::is_same_v<T, bool>) {
      values_.emplace_back(v);
      type_ = kBool;
    } else if constexpr (std::is_integral_v<T>) {
      values_.emplace_back(static_cast<int64_t>(v));
      type_ = std::is_same_v<T, uint8_t> ? kByte : kLong;
    } else {
      values_.emplace_back(static_cast<double>(v));
      type_ = get_default_dtype();
    }
  }
  ListInit(std::initializer_list<ListInit> l);  // NOLINT
  ScalarType inferred_dtype() const { return type_; }
  const std::vector<int64_t>& shape() const { return shape_; }
  const std::vector<Scalar>& values() const { return values_; }

 private:
  std::vector<Scalar> values_;
  std::vector<int64_t> shape_;
  ScalarType type_ = kFloat;
  bool is_scalar_ = false;
};

/// A 1-D tensor of dtype `dst` from `n` values of dtype `src` at `data` (converted, copied).
Tensor tensor_from_data(const void* data, ScalarType src, int64_t n, ScalarType dst,
                        const TensorOptions& o);
template <class T>
concept HasScalarType = requires {
  CppTypeToScalarType<T>::value;
};
}  // namespace detail

Tensor tensor(detail::ListInit values, const TensorOptions& o = {});
/// From a std::vector, with libtorch's dtype: bool → kBool, uint8 → kByte, other integers →
/// kLong, floating → the default dtype (so std::vector<double> gives kFloat, as in libtorch).
template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
Tensor tensor(const std::vector<T>& values, const TensorOptions& o = {}) {
  const ScalarType inferred = std::is_same_v<T, bool>       ? kBool
                              : std::is_floating_point_v<T> ? get_default_dtype()
                              : std::is_same_v<T, uint8_t>  ? kByte
                                                            : kLong;
  const ScalarType dst = o.has_dtype() ? o.dtype() : inferred;
  const auto n = static_cast<int64_t>(values.size());
  if constexpr (std::is_same_v<T, bool>) {  // std::vector<bool> is a bit field
    std::vector<uint8_t> b(values.begin(), values.end());
    return detail::tensor_from_data(b.data(), kBool, n, dst, o);
  } else if constexpr (detail::HasScalarType<T>) {
    return detail::tensor_from_data(values.data(), CppTypeToScalarType<T>::value, n, dst, o);
  } else if constexpr (std::is_integral_v<T>) {
    std::vector<int64_t> v(values.begin(), values.end());
    return detail::tensor_from_data(v.data(), kLong, n, dst, o);
  } else {
    std::vector<double> v(values.begin(), values.end());
    return detail::tensor_from_data(v.data(), kDouble, n, dst, o);
  }
}
template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
Tensor tensor(ArrayRef<T> values, const TensorOptions& o = {}) {
  return tensor(values.vec(), o);
}
/// A 0-dim tensor holding one value (torch::scalar_tensor).
Tensor scalar_tensor(const Scalar& v, const TensorOptions& o = {});

}  // namespace ember
