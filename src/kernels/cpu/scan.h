// The first-order linear recurrence along the middle axis of an (O, R, I) buffer,
// y[k] = a[k]·y[k∓1] + b[k]: the scan behind prod's zero-safe backward (ops/reduce.cpp). No
// Tensor, no autograd.
#pragma once

#include <cstdint>

namespace ember::kernels {

/// For each of the O·I lines: forward, y[0] = b[0] and y[r] = a[r]·y[r-1] + b[r]; reverse,
/// y[R-1] = b[R-1] and y[r] = a[r]·y[r+1] + b[r]. a[0] (reverse: a[R-1]) is not read. All three
/// buffers are contiguous (O, R, I); float and double.
template <class T>
void linear_scan(T* y, const T* a, const T* b, int64_t O, int64_t R, int64_t I, bool reverse);

}  // namespace ember::kernels
