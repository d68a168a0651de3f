// Dropout noise kernel (see dropout.h).
#include "kernels/cpu/dropout.h"

namespace ember::kernels {

template <class T>
void dropout_noise(T* out, int64_t n, double keep, Generator& gen) {
  const T scale = T(1) / static_cast<T>(keep);
  constexpr uint64_t kMask = (uint64_t(1) << 53) - 1;
  constexpr double kInv53 = 1.0 / static_cast<double>(uint64_t(1) << 53);
  for (int64_t i = 0; i < n; ++i) {
    const double u = static_cast<double>(gen.random64() & kMask) * kInv53;
    out[i] = u < keep ? scale : T(0);
  }
}

template void dropout_noise<float>(float*, int64_t, double, Generator&);
template void dropout_noise<double>(double*, int64_t, double, Generator&);

}  // namespace ember::kernels
