// addcmul_/addcdiv_'s fused loop on contiguous same-shape buffers: o += v·a·b (o += v·a / b).
#pragma once

#include <cstdint>

namespace ember::kernels {

/// o[i] += v * a[i] * b[i] (float and double).
template <class T>
void addcmul(T* o, const T* a, const T* b, T v, int64_t n);
/// o[i] += v * a[i] / b[i] (float and double).
template <class T>
void addcdiv(T* o, const T* a, const T* b, T v, int64_t n);

}  // namespace ember::kernels
