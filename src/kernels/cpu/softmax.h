// softmax and log_softmax along the middle axis of an (O, R, I) buffer, max-subtracted, with the
// normaliser accumulated in double. No Tensor, no autograd.
#pragma once

#include <cstdint>

namespace ember::kernels {

/// dst = softmax (log: log_softmax) of src along R, for each of the O·I lines (float, double).
template <class T>
void softmax_forward(T* dst, const T* src, int64_t O, int64_t R, int64_t I, bool log);

}  // namespace ember::kernels
