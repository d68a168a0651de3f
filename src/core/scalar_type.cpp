// dtype names and promotion.
#include "ember/core/scalar_type.h"

#include "ember/core/error.h"

namespace ember {

const char* to_string(ScalarType t) {
  switch (t) {
    case ScalarType::Byte:
      return "Byte";
    case ScalarType::Int:
      return "Int";
    case ScalarType::Long:
      return "Long";
    case ScalarType::Float:
      return "Float";
    case ScalarType::Double:
      return "Double";
    case ScalarType::Bool:
      return "Bool";
  }
  return "Unknown";
}

std::ostream& operator<<(std::ostream& os, ScalarType t) { return os << to_string(t); }

ScalarType promote_types(ScalarType a, ScalarType b) {
  if (a == b) return a;
  // Rank along bool < uint8 < int32 < int64 < float32 < float64 (all pairs of ember's dtypes
  // promote to the larger one in PyTorch's table).
  auto rank = [](ScalarType t) {
    switch (t) {
      case ScalarType::Bool:
        return 0;
      case ScalarType::Byte:
        return 1;
      case ScalarType::Int:
        return 2;
      case ScalarType::Long:
        return 3;
      case ScalarType::Float:
        return 4;
      case ScalarType::Double:
        return 5;
    }
    return 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

namespace {
ScalarType g_default_dtype = ScalarType::Float;
}
ScalarType get_default_dtype() { return g_default_dtype; }
void set_default_dtype(ScalarType t) {
  EMBER_CHECK(is_floating_point(t),
              "set_default_dtype: only floating-point types are allowed, got ", t);
  g_default_dtype = t;
}

}  // namespace ember
