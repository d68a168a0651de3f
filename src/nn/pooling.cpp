// The pooling modules: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d (printing as libtorch,
// forward = the functional op). The ops are in ops/nn/pool.cpp.
#include "ember/nn/modules/pooling.h"

#include <string>

namespace ember::nn {

template <size_t D, class Derived>
MaxPoolImpl<D, Derived>::MaxPoolImpl(const MaxPoolOptions<D>& options)
    : Cloneable<Derived>("MaxPool" + std::to_string(D) + "d"), options(options) {}

template <size_t D, class Derived>
void MaxPoolImpl<D, Derived>::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::MaxPool" << D << "d(kernel_size=" << options.kernel_size()
     << ", stride=" << options.stride() << ", padding=" << options.padding()
     << ", dilation=" << options.dilation() << ", ceil_mode=" << options.ceil_mode() << ")";
}

template <size_t D, class Derived>
Tensor MaxPoolImpl<D, Derived>::forward(const Tensor& input) {
  if constexpr (D == 1)
    return functional::max_pool1d(input, options);
  else
    return functional::max_pool2d(input, options);
}

template <size_t D, class Derived>
std::tuple<Tensor, Tensor> MaxPoolImpl<D, Derived>::forward_with_indices(const Tensor& input) {
  if constexpr (D == 1)
    return functional::max_pool1d_with_indices(input, options);
  else
    return functional::max_pool2d_with_indices(input, options);
}

template <size_t D, class Derived>
AvgPoolImpl<D, Derived>::AvgPoolImpl(const AvgPoolOptions<D>& options)
    : Cloneable<Derived>("AvgPool" + std::to_string(D) + "d"), options(options) {}

template <size_t D, class Derived>
void AvgPoolImpl<D, Derived>::pretty_print(std::ostream& os) const {
  os << "torch::nn::AvgPool" << D << "d(kernel_size=" << options.kernel_size()
     << ", stride=" << options.stride() << ", padding=" << options.padding() << ")";
}

template <size_t D, class Derived>
Tensor AvgPoolImpl<D, Derived>::forward(const Tensor& input) {
  if constexpr (D == 1)
    return functional::avg_pool1d(input, options);
  else
    return functional::avg_pool2d(input, options);
}

template <size_t D, class Derived>
AdaptiveAvgPoolImpl<D, Derived>::AdaptiveAvgPoolImpl(
    const AdaptiveAvgPoolOptions<ExpandingArray<D>>& options)
    : Cloneable<Derived>("AdaptiveAvgPool" + std::to_string(D) + "d"), options(options) {}

template <size_t D, class Derived>
void AdaptiveAvgPoolImpl<D, Derived>::pretty_print(std::ostream& os) const {
  os << "torch::nn::AdaptiveAvgPool" << D << "d(output_size=" << options.output_size() << ")";
}

template <size_t D, class Derived>
Tensor AdaptiveAvgPoolImpl<D, Derived>::forward(const Tensor& input) {
  if constexpr (D == 1)
    return functional::adaptive_avg_pool1d(input, options);
  else
    return functional::adaptive_avg_pool2d(input, options);
}

template class MaxPoolImpl<1, MaxPool1dImpl>;
template class MaxPoolImpl<2, MaxPool2dImpl>;
template class AvgPoolImpl<1, AvgPool1dImpl>;
template class AvgPoolImpl<2, AvgPool2dImpl>;
template class AdaptiveAvgPoolImpl<1, AdaptiveAvgPool1dImpl>;
template class AdaptiveAvgPoolImpl<2, AdaptiveAvgPool2dImpl>;

}  // namespace ember::nn
