// Dropout's noise on raw pointers: Bernoulli(keep) draws scaled by 1 / keep, drawn from a
// Generator in PyTorch's order. No Tensor, no autograd.
#pragma once

#include <cstdint>

#include "ember/core/generator.h"

namespace ember::kernels {

/// out[i] = 1 / keep with probability keep, else 0, for i < n, in one pass: the draws of
/// PyTorch's CPU bernoulli_(keep) (u = 53 random bits / 2⁵³ from random64(), kept when
/// u < keep) and its div_(keep) applied as the kept value. Serial: the draws are one sequence.
template <class T>
void dropout_noise(T* out, int64_t n, double keep, Generator& gen);

}  // namespace ember::kernels
