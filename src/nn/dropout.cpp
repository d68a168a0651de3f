// The dropout modules: _DropoutNd (options check, printing) and the forwards of Dropout,
// Dropout2d and Dropout3d. The ops are in ops/nn/dropout.cpp.
#include "ember/nn/modules/dropout.h"

namespace ember::nn {

template <class Derived>
_DropoutNd<Derived>::_DropoutNd(std::string name, const DropoutOptions& options)
    : Cloneable<Derived>(std::move(name)), options(options) {
  _DropoutNd::reset();
}

template <class Derived>
void _DropoutNd<Derived>::reset() {
  EMBER_CHECK(options.p() >= 0 && options.p() <= 1, this->name(),
              ": dropout probability has to be between 0 and 1, but got ", options.p());
}

template <class Derived>
void _DropoutNd<Derived>::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::" << this->name() << "(p=" << options.p()
     << ", inplace=" << options.inplace() << ")";
}

template class _DropoutNd<DropoutImpl>;
template class _DropoutNd<Dropout2dImpl>;
template class _DropoutNd<Dropout3dImpl>;

namespace {
functional::DropoutFuncOptions func_options(const DropoutOptions& o, bool training) {
  return functional::DropoutFuncOptions().p(o.p()).training(training).inplace(o.inplace());
}
}  // namespace

Tensor DropoutImpl::forward(Tensor input) {
  return functional::dropout(std::move(input), func_options(options, is_training()));
}
Tensor Dropout2dImpl::forward(Tensor input) {
  return functional::dropout2d(std::move(input), func_options(options, is_training()));
}
Tensor Dropout3dImpl::forward(Tensor input) {
  return functional::dropout3d(std::move(input), func_options(options, is_training()));
}

}  // namespace ember::nn
