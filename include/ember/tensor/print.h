// Printing tensors the way libtorch does: values, then "[ CPUFloatType{2,2} ]".
#pragma once

#include <ostream>

#include "ember/tensor/tensor.h"

namespace ember {

std::ostream& operator<<(std::ostream& os, const Tensor& t);
/// Prints with a line width (libtorch's print(stream, tensor, linesize)).
std::ostream& print(std::ostream& os, const Tensor& t, int64_t linesize = 80);

}  // namespace ember
