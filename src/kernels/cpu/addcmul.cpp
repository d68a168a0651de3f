// The fused addcmul/addcdiv loops of addcmul.h, split across threads by parallel_for.
#include "kernels/cpu/addcmul.h"

#include "kernels/cpu/parallel.h"

namespace ember::kernels {

template <class T>
void addcmul(T* o, const T* a, const T* b, T v, int64_t n) {
  parallel_for(0, n, grain_for(1), [=](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) o[i] += v * a[i] * b[i];
  });
}

template <class T>
void addcdiv(T* o, const T* a, const T* b, T v, int64_t n) {
  parallel_for(0, n, grain_for(1), [=](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) o[i] += v * a[i] / b[i];
  });
}

template void addcmul<float>(float*, const float*, const float*, float, int64_t);
template void addcmul<double>(double*, const double*, const double*, double, int64_t);
template void addcdiv<float>(float*, const float*, const float*, float, int64_t);
template void addcdiv<double>(double*, const double*, const double*, double, int64_t);

}  // namespace ember::kernels
