// ScalarType (dtype), its names, sizes and PyTorch's type-promotion lattice.
#pragma once

#include <cstdint>
#include <ostream>

namespace ember {

enum class ScalarType : int8_t { Byte = 0, Int = 1, Long = 2, Float = 3, Double = 4, Bool = 5 };
constexpr int kNumScalarTypes = 6;

constexpr ScalarType kUInt8 = ScalarType::Byte, kByte = ScalarType::Byte;
constexpr ScalarType kInt32 = ScalarType::Int, kInt = ScalarType::Int;
constexpr ScalarType kInt64 = ScalarType::Long, kLong = ScalarType::Long;
constexpr ScalarType kFloat32 = ScalarType::Float, kFloat = ScalarType::Float;
constexpr ScalarType kFloat64 = ScalarType::Double, kDouble = ScalarType::Double;
constexpr ScalarType kBool = ScalarType::Bool;

using Dtype = ScalarType;

constexpr int64_t element_size(ScalarType t) {
  switch (t) {
    case ScalarType::Byte:
    case ScalarType::Bool:
      return 1;
    case ScalarType::Int:
    case ScalarType::Float:
      return 4;
    case ScalarType::Long:
    case ScalarType::Double:
      return 8;
  }
  return 0;
}
constexpr bool is_floating_point(ScalarType t) {
  return t == ScalarType::Float || t == ScalarType::Double;
}
constexpr bool is_integral(ScalarType t, bool include_bool = false) {
  return t == ScalarType::Byte || t == ScalarType::Int || t == ScalarType::Long ||
         (include_bool && t == ScalarType::Bool);
}
/// PyTorch's names: "Float", "Double", "Long", "Int", "Byte", "Bool".
const char* to_string(ScalarType t);
std::ostream& operator<<(std::ostream& os, ScalarType t);

/// torch.promote_types: the smallest type both values fit in (bool < uint8 < int32 < int64 <
/// float32 < float64).
ScalarType promote_types(ScalarType a, ScalarType b);

/// The dtype floating-point factories and int→float promotion use (torch.get_default_dtype()).
ScalarType get_default_dtype();
void set_default_dtype(ScalarType t);

template <class T>
struct CppTypeToScalarType;
template <>
struct CppTypeToScalarType<uint8_t> {
  static constexpr ScalarType value = kByte;
};
template <>
struct CppTypeToScalarType<int32_t> {
  static constexpr ScalarType value = kInt;
};
template <>
struct CppTypeToScalarType<int64_t> {
  static constexpr ScalarType value = kLong;
};
template <>
struct CppTypeToScalarType<float> {
  static constexpr ScalarType value = kFloat;
};
template <>
struct CppTypeToScalarType<double> {
  static constexpr ScalarType value = kDouble;
};
template <>
struct CppTypeToScalarType<bool> {
  static constexpr ScalarType value = kBool;
};

}  // namespace ember

/// Calls `__VA_ARGS__` (a generic lambda body using `scalar_t`) with scalar_t bound to the C++
/// type of `TYPE`. The one place dtype switches are written.
#define EMBER_DISPATCH_CASE(ENUM, CTYPE, ...) \
  case ::ember::ScalarType::ENUM: {           \
    using scalar_t = CTYPE;                   \
    return __VA_ARGS__();                     \
  }
#define EMBER_DISPATCH_ALL(TYPE, NAME, ...)                           \
  [&] {                                                               \
    switch (TYPE) {                                                   \
      EMBER_DISPATCH_CASE(Float, float, __VA_ARGS__)                  \
      EMBER_DISPATCH_CASE(Double, double, __VA_ARGS__)                \
      EMBER_DISPATCH_CASE(Long, int64_t, __VA_ARGS__)                 \
      EMBER_DISPATCH_CASE(Int, int32_t, __VA_ARGS__)                  \
      EMBER_DISPATCH_CASE(Byte, uint8_t, __VA_ARGS__)                 \
      EMBER_DISPATCH_CASE(Bool, bool, __VA_ARGS__)                    \
    }                                                                 \
    ::ember::detail::throw_error(NAME, ": unsupported dtype ", TYPE); \
  }()
#define EMBER_DISPATCH_FLOATING(TYPE, NAME, ...)                                             \
  [&] {                                                                                      \
    switch (TYPE) {                                                                          \
      EMBER_DISPATCH_CASE(Float, float, __VA_ARGS__)                                         \
      EMBER_DISPATCH_CASE(Double, double, __VA_ARGS__)                                       \
      default:                                                                               \
        break;                                                                               \
    }                                                                                        \
    ::ember::detail::throw_error(NAME, ": expected a floating-point tensor but got ", TYPE); \
  }()
/// All numeric types except bool.
#define EMBER_DISPATCH_NUMERIC(TYPE, NAME, ...)                               \
  [&] {                                                                       \
    switch (TYPE) {                                                           \
      EMBER_DISPATCH_CASE(Float, float, __VA_ARGS__)                          \
      EMBER_DISPATCH_CASE(Double, double, __VA_ARGS__)                        \
      EMBER_DISPATCH_CASE(Long, int64_t, __VA_ARGS__)                         \
      EMBER_DISPATCH_CASE(Int, int32_t, __VA_ARGS__)                          \
      EMBER_DISPATCH_CASE(Byte, uint8_t, __VA_ARGS__)                         \
      default:                                                                \
        break;                                                                \
    }                                                                         \
    ::ember::detail::throw_error(NAME, ": not implemented for dtype ", TYPE); \
  }()
