// The convolution modules: ConvNdImpl (shared by Conv1d/2d and, through ConvTransposeNdImpl,
// ConvTranspose1d/2d) and ConvTransposeNdImpl's output_size. The ops are in ops/nn/conv.cpp.
#include "ember/nn/modules/conv.h"

#include <cmath>
#include <string>

#include "ember/nn/init.h"
#include "ember/tensor/factories.h"

namespace ember::nn {

template <size_t D, class Derived, class Options>
ConvNdImpl<D, Derived, Options>::ConvNdImpl(const Options& options)
    : Cloneable<Derived>((kTransposed ? "ConvTranspose" : "Conv") + std::to_string(D) + "d"),
      options(options) {
  reset();
}

template <size_t D, class Derived, class Options>
void ConvNdImpl<D, Derived, Options>::reset() {
  const std::string& name = this->name();
  const int64_t in = options.in_channels(), out = options.out_channels(), g = options.groups();
  EMBER_CHECK(g > 0, name, ": groups must be positive, got ", g);
  EMBER_CHECK(in % g == 0, name, ": in_channels must be divisible by groups (in_channels=", in,
              ", groups=", g, ")");
  EMBER_CHECK(out % g == 0, name, ": out_channels must be divisible by groups (out_channels=", out,
              ", groups=", g, ")");
  EMBER_CHECK(options.padding_mode() == PaddingMode::kZeros, name,
              ": only padding_mode kZeros is implemented");
  std::vector<int64_t> shape =
      kTransposed ? std::vector<int64_t>{in, out / g} : std::vector<int64_t>{out, in / g};
  shape.insert(shape.end(), options.kernel_size().begin(), options.kernel_size().end());
  weight = this->register_parameter("weight", ember::empty(shape));
  bias = this->register_parameter("bias", options.bias() ? ember::empty({out}) : Tensor(),
                                  options.bias());
  reset_parameters();
}

/// kaiming_uniform_(a = √5) for the weight, U(±1/√fan_in) for the bias (PyTorch's defaults).
template <size_t D, class Derived, class Options>
void ConvNdImpl<D, Derived, Options>::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    auto [fan_in, fan_out] = init::_calculate_fan_in_and_fan_out(weight);
    const double bound = fan_in > 0 ? 1 / std::sqrt(static_cast<double>(fan_in)) : 0;
    init::uniform_(bias, -bound, bound);
  }
}

template <size_t D, class Derived, class Options>
void ConvNdImpl<D, Derived, Options>::pretty_print(std::ostream& os) const {
  using A = ExpandingArray<D>;
  os << "torch::nn::" << this->name() << "(" << options.in_channels() << ", "
     << options.out_channels() << ", kernel_size=" << options.kernel_size()
     << ", stride=" << options.stride();
  if (options.padding() != A(0)) os << ", padding=" << options.padding();
  if (options.dilation() != A(1)) os << ", dilation=" << options.dilation();
  if constexpr (kTransposed)
    if (options.output_padding() != A(0)) os << ", output_padding=" << options.output_padding();
  if (options.groups() != 1) os << ", groups=" << options.groups();
  if (!options.bias()) os << ", bias=false";
  os << ")";
}

template <size_t D, class Derived, class Options>
Tensor ConvNdImpl<D, Derived, Options>::forward(const Tensor& input) {
  if constexpr (kTransposed)
    return convolve(input, options.output_padding());
  else
    return convolve(input, 0);
}

template <size_t D, class Derived, class Options>
Tensor ConvNdImpl<D, Derived, Options>::convolve(const Tensor& input,
                                                 IntArrayRef output_padding) const {
  const auto& o = options;
  if constexpr (kTransposed && D == 1)
    return conv_transpose1d(input, weight, bias, o.stride(), o.padding(), output_padding,
                            o.groups(), o.dilation());
  else if constexpr (kTransposed)
    return conv_transpose2d(input, weight, bias, o.stride(), o.padding(), output_padding,
                            o.groups(), o.dilation());
  else if constexpr (D == 1)
    return conv1d(input, weight, bias, o.stride(), o.padding(), o.dilation(), o.groups());
  else
    return conv2d(input, weight, bias, o.stride(), o.padding(), o.dilation(), o.groups());
}

template <size_t D, class Derived>
Tensor ConvTransposeNdImpl<D, Derived>::forward(
    const Tensor& input, const std::optional<std::vector<int64_t>>& output_size) {
  const auto& o = this->options;
  std::vector<int64_t> output_padding = o.output_padding().vec();
  if (output_size) {
    // PyTorch's _output_padding: the output_padding that turns the minimum size into the asked
    // one (it must be smaller than the stride).
    const int64_t k = static_cast<int64_t>(D);
    std::vector<int64_t> size = *output_size;
    if (static_cast<int64_t>(size.size()) == input.dim())
      size.erase(size.begin(), size.begin() + (input.dim() - k));
    EMBER_CHECK(static_cast<int64_t>(size.size()) == k, this->name(), ": output_size must have ", k,
                " or ", input.dim(), " elements, got ", IntArrayRef(*output_size));
    for (int64_t d = 0; d < k; ++d) {
      const int64_t in = input.size(input.dim() - k + d), s = o.stride()[d];
      const int64_t min =
          (in - 1) * s - 2 * o.padding()[d] + o.dilation()[d] * (o.kernel_size()[d] - 1) + 1;
      EMBER_CHECK(size[d] >= min && size[d] < min + s, this->name(),
                  ": requested an output size of ", IntArrayRef(size),
                  ", but valid sizes range from ", min, " to ", min + s - 1, " (for an input of ",
                  input.sizes(), ")");
      output_padding[d] = size[d] - min;
    }
  }
  return this->convolve(input, output_padding);
}

template class ConvNdImpl<1, Conv1dImpl>;
template class ConvNdImpl<2, Conv2dImpl>;
template class ConvNdImpl<1, ConvTranspose1dImpl, ConvTransposeOptions<1>>;
template class ConvNdImpl<2, ConvTranspose2dImpl, ConvTransposeOptions<2>>;
template class ConvTransposeNdImpl<1, ConvTranspose1dImpl>;
template class ConvTransposeNdImpl<2, ConvTranspose2dImpl>;

}  // namespace ember::nn
