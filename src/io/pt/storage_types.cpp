// The table of PyTorch's storage classes and the globals of PyTorch's weights_only allow-list
// (torch/_weights_only_unpickler.py, 1.13 and 2.x).
#include "io/pt/storage_types.h"

#include <iterator>

#include "ember/core/error.h"

namespace ember::pt::pickle {

namespace {

constexpr StorageType kTypes[] = {
    {"FloatStorage", "float32", true, kFloat},
    {"DoubleStorage", "float64", true, kDouble},
    {"LongStorage", "int64", true, kLong},
    {"IntStorage", "int32", true, kInt},
    {"ByteStorage", "uint8", true, kByte},
    {"BoolStorage", "bool", true, kBool},
    {"UntypedStorage", "uint8", true, kByte},  // bytes, as PyTorch loads it
    {"HalfStorage", "float16", false, kFloat},
    {"BFloat16Storage", "bfloat16", false, kFloat},
    {"ShortStorage", "int16", false, kFloat},
    {"CharStorage", "int8", false, kFloat},
    {"ComplexFloatStorage", "complex64", false, kFloat},
    {"ComplexDoubleStorage", "complex128", false, kFloat},
    {"QInt8Storage", "qint8", false, kFloat},
    {"QUInt8Storage", "quint8", false, kFloat},
    {"QInt32Storage", "qint32", false, kFloat},
    {"QUInt4x2Storage", "quint4x2", false, kFloat},
    {"QUInt2x4Storage", "quint2x4", false, kFloat},
};

}  // namespace

int64_t storage_row(std::string_view name) {
  for (size_t i = 0; i < std::size(kTypes); ++i)
    if (name == kTypes[i].name) return static_cast<int64_t>(i);
  return -1;
}

const StorageType& storage_type(int64_t row) {
  EMBER_ASSERT(row >= 0 && row < static_cast<int64_t>(std::size(kTypes)));
  return kTypes[row];
}

const StorageType& storage_type_of(ScalarType t) {
  for (const StorageType& s : kTypes)
    if (s.supported && s.dtype == t) return s;
  EMBER_ERROR("pt: no storage class for dtype ", t);
}

bool allowed_by_pytorch_only(std::string_view module, std::string_view name) {
  if (module == "torch._utils") return name.substr(0, 8) == "_rebuild";
  if (module == "torch._tensor") return name == "_rebuild_from_type_v2";
  if (module == "torch.serialization") return name == "_get_layout";
  if (module == "torch" || module == "torch.cuda") {
    constexpr std::string_view kDtypes[] = {
        "complex32", "complex64", "complex128", "float16", "float32", "float64", "bfloat16",
        "int8",      "int16",     "int32",      "int64",   "uint8",   "bool"};
    for (std::string_view d : kDtypes)
      if (name == d) return true;
    return name == "Tensor" || (name.size() > 6 && name.substr(name.size() - 6) == "Tensor");
  }
  return false;
}

}  // namespace ember::pt::pickle
