// The bias terms of a convolution on raw pointers: adding a per-channel bias to NCHW planes and
// its gradient (the per-channel sum of dy). No Tensor, no autograd.
#pragma once

#include <cstdint>

namespace ember::kernels {

/// y (N, C, HW) += b[c] on every plane of channel c.
template <class T>
void add_channel_bias(T* y, const T* b, int64_t n, int64_t c, int64_t hw);
/// db (C) = Σ over (N, HW) of dy (N, C, HW), accumulated in double (overwrites db).
template <class T>
void channel_sum(T* db, const T* dy, int64_t n, int64_t c, int64_t hw);

}  // namespace ember::kernels
