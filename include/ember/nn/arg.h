// Building blocks of the options classes, spelled as libtorch's (torch/arg.h, expanding_array.h).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <vector>

#include "ember/core/array_ref.h"
#include "ember/core/error.h"

/// Declares an option `name` of type `T`: a chainable setter `name(v)`, a getter `name()` and a
/// mutable getter. `struct LinearOptions { EMBER_ARG(bool, bias) = true; };`
#define EMBER_ARG(T, name)                                        \
 public:                                                          \
  inline auto name(const T& new_##name)->decltype(*this) {        \
    this->name##_ = new_##name;                                   \
    return *this;                                                 \
  }                                                               \
  inline auto name(T&& new_##name)->decltype(*this) {             \
    this->name##_ = std::move(new_##name);                        \
    return *this;                                                 \
  }                                                               \
  inline const T& name() const noexcept { return this->name##_; } \
  inline T& name() noexcept { return this->name##_; }             \
                                                                  \
 private:                                                         \
  T name##_

namespace ember {

/// D integers given as one value (repeated) or as a list of exactly D: `Conv2dOptions(1, 8, 3)`
/// and `.stride({2, 1})`. Converts to IntArrayRef.
template <size_t D, typename T = int64_t>
class ExpandingArray {
 public:
  /*implicit*/ ExpandingArray(T v) { values_.fill(v); }
  /*implicit*/ ExpandingArray(std::initializer_list<T> list)
      : ExpandingArray(std::vector<T>(list)) {}
  /*implicit*/ ExpandingArray(const std::vector<T>& list) {
    EMBER_CHECK(list.size() == D, "expected ", D, " values, got ", list.size());
    for (size_t i = 0; i < D; ++i) values_[i] = list[i];
  }
  /*implicit*/ ExpandingArray(const std::array<T, D>& a) : values_(a) {}
  T* data() { return values_.data(); }
  const T* data() const { return values_.data(); }
  static constexpr size_t size() { return D; }
  T& operator[](size_t i) { return values_[i]; }
  const T& operator[](size_t i) const { return values_[i]; }
  T* begin() { return values_.data(); }
  T* end() { return values_.data() + D; }
  const T* begin() const { return values_.data(); }
  const T* end() const { return values_.data() + D; }
  std::vector<T> vec() const { return {begin(), end()}; }
  operator std::vector<T>() const { return vec(); }
  operator ArrayRef<T>() const { return ArrayRef<T>(values_.data(), D); }
  bool operator==(const ExpandingArray&) const = default;

 private:
  std::array<T, D> values_;
};

template <size_t D, typename T>
std::ostream& operator<<(std::ostream& os, const ExpandingArray<D, T>& a) {
  if (D == 1) return os << a[0];
  os << '[';
  for (size_t i = 0; i < D; ++i) os << (i ? ", " : "") << a[i];
  return os << ']';
}

}  // namespace ember
