// ArrayRef / IntArrayRef: a non-owning view of a contiguous list (libtorch's c10::ArrayRef), and
// SmallVector-like inline storage for shapes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <vector>

namespace ember {

template <class T>
class ArrayRef {
 public:
  constexpr ArrayRef() = default;
  constexpr ArrayRef(const T& one) : data_(&one), size_(1) {}  // NOLINT: implicit like libtorch
  constexpr ArrayRef(const T* data, size_t size) : data_(data), size_(size) {}
  ArrayRef(const std::vector<T>& v) : data_(v.data()), size_(v.size()) {}  // NOLINT
  constexpr ArrayRef(std::initializer_list<T> l)                           // NOLINT
      : data_(l.begin() == l.end() ? nullptr : l.begin()), size_(l.size()) {}
  template <size_t N>
  constexpr ArrayRef(const T (&arr)[N]) : data_(arr), size_(N) {}  // NOLINT

  constexpr const T* data() const { return data_; }
  constexpr size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr const T* begin() const { return data_; }
  constexpr const T* end() const { return data_ + size_; }
  constexpr const T& operator[](size_t i) const { return data_[i]; }
  constexpr const T& front() const { return data_[0]; }
  constexpr const T& back() const { return data_[size_ - 1]; }
  std::vector<T> vec() const { return std::vector<T>(begin(), end()); }
  bool equals(ArrayRef o) const {
    if (size_ != o.size_) return false;
    for (size_t i = 0; i < size_; ++i)
      if (!(data_[i] == o.data_[i])) return false;
    return true;
  }
  friend bool operator==(ArrayRef a, ArrayRef b) { return a.equals(b); }
  friend bool operator!=(ArrayRef a, ArrayRef b) { return !a.equals(b); }
  operator std::vector<T>() const { return vec(); }  // NOLINT

 private:
  const T* data_ = nullptr;
  size_t size_ = 0;
};

using IntArrayRef = ArrayRef<int64_t>;

/// Prints "[2, 3]" — the shape notation used in every error message.
template <class T>
std::ostream& operator<<(std::ostream& os, ArrayRef<T> a) {
  os << '[';
  for (size_t i = 0; i < a.size(); ++i) os << (i ? ", " : "") << a[i];
  return os << ']';
}

/// Inline storage for up to N elements, heap beyond. Shapes and strides live here so a tiny
/// tensor costs no extra allocation.
template <class T, size_t N>
class SmallVec {
 public:
  SmallVec() = default;
  explicit SmallVec(size_t n, T v = T()) { resize(n, v); }
  SmallVec(ArrayRef<T> a) { assign(a); }  // NOLINT
  SmallVec(const SmallVec& o) { assign(o.ref()); }
  SmallVec& operator=(const SmallVec& o) {
    if (this != &o) assign(o.ref());
    return *this;
  }
  SmallVec(SmallVec&& o) noexcept { move_from(o); }
  SmallVec& operator=(SmallVec&& o) noexcept {
    if (this != &o) {
      release();
      move_from(o);
    }
    return *this;
  }
  ~SmallVec() { release(); }

  void assign(ArrayRef<T> a) {
    resize_for_overwrite(a.size());
    for (size_t i = 0; i < a.size(); ++i) data_[i] = a[i];
  }
  /// Resizes leaving new elements unset: the caller writes every one of them.
  void resize_for_overwrite(size_t n) {
    if (n > cap_) grow(n);
    size_ = n;
  }
  void resize(size_t n, T v = T()) {
    if (n > cap_) grow(n);
    for (size_t i = size_; i < n; ++i) data_[i] = v;
    size_ = n;
  }
  void push_back(T v) {
    if (size_ == cap_) grow(cap_ * 2);
    data_[size_++] = v;
  }
  void insert(size_t pos, T v) {
    push_back(v);
    for (size_t i = size_ - 1; i > pos; --i) data_[i] = data_[i - 1];
    data_[pos] = v;
  }
  void erase(size_t pos) {
    for (size_t i = pos; i + 1 < size_; ++i) data_[i] = data_[i + 1];
    --size_;
  }
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& back() { return data_[size_ - 1]; }
  ArrayRef<T> ref() const { return ArrayRef<T>(data_, size_); }
  operator ArrayRef<T>() const { return ref(); }  // NOLINT

 private:
  void grow(size_t n) {
    T* p = new T[n];
    for (size_t i = 0; i < size_; ++i) p[i] = data_[i];
    release();
    data_ = p;
    cap_ = n;
  }
  void release() {
    if (data_ != inline_) delete[] data_;
    data_ = inline_;
    cap_ = N;
  }
  void move_from(SmallVec& o) {
    if (o.data_ == o.inline_) {
      for (size_t i = 0; i < o.size_; ++i) inline_[i] = o.inline_[i];
      data_ = inline_;
      cap_ = N;
    } else {
      data_ = o.data_;
      cap_ = o.cap_;
      o.data_ = o.inline_;
      o.cap_ = N;
    }
    size_ = o.size_;
    o.size_ = 0;
  }
  T inline_[N];
  T* data_ = inline_;
  size_t size_ = 0;
  size_t cap_ = N;
};

using DimVector = SmallVec<int64_t, 5>;

template <class T, size_t N>
std::ostream& operator<<(std::ostream& os, const SmallVec<T, N>& v) {
  return os << v.ref();
}

}  // namespace ember
