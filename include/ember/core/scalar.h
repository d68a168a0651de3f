// Scalar: a number of any dtype passed to ops (`x + 2`, `full({2}, 1.5)`, `clamp(x, 0)`).
#pragma once

#include <cstdint>
#include <ostream>
#include <type_traits>

#include "ember/core/scalar_type.h"

namespace ember {

class Scalar {
 public:
  Scalar() : Scalar(int64_t(0)) {}
  template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  Scalar(T v) : d_(static_cast<double>(v)), tag_(Tag::Double) {}  // NOLINT
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Scalar(T v) : i_(static_cast<int64_t>(v)), tag_(Tag::Long) {}  // NOLINT
  template <class T, std::enable_if_t<std::is_same_v<T, bool>, int> = 0>
  Scalar(T v) : i_(v ? 1 : 0), tag_(Tag::Bool) {}  // NOLINT

  bool is_floating_point() const { return tag_ == Tag::Double; }
  bool is_integral(bool include_bool = false) const {
    return tag_ == Tag::Long || (include_bool && tag_ == Tag::Bool);
  }
  bool is_boolean() const { return tag_ == Tag::Bool; }
  /// The dtype a wrapped number of this kind has: Double, Long or Bool.
  ScalarType type() const {
    return tag_ == Tag::Double ? kDouble : tag_ == Tag::Long ? kLong : kBool;
  }

  double toDouble() const { return tag_ == Tag::Double ? d_ : static_cast<double>(i_); }
  float toFloat() const { return static_cast<float>(toDouble()); }
  int64_t toLong() const { return tag_ == Tag::Double ? static_cast<int64_t>(d_) : i_; }
  int32_t toInt() const { return static_cast<int32_t>(toLong()); }
  bool toBool() const { return tag_ == Tag::Double ? d_ != 0 : i_ != 0; }
  template <class T>
  T to() const {
    if constexpr (std::is_same_v<T, bool>)
      return toBool();
    else if constexpr (std::is_floating_point_v<T>)
      return static_cast<T>(toDouble());
    else
      return static_cast<T>(toLong());
  }
  Scalar operator-() const { return tag_ == Tag::Double ? Scalar(-d_) : Scalar(-i_); }

 private:
  enum class Tag : int8_t { Double, Long, Bool };
  union {
    double d_;
    int64_t i_;
  };
  Tag tag_;
};

inline std::ostream& operator<<(std::ostream& os, const Scalar& s) {
  if (s.is_floating_point()) return os << s.toDouble();
  if (s.is_boolean()) return os << (s.toBool() ? "true" : "false");
  return os << s.toLong();
}

}  // namespace ember
