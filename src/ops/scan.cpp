// LinearScan, the op y[k] = a[k]·y[k∓1] + b[k] along a dim (kernel: kernels/cpu/scan.h), and
// prod_others (ops/scan.h) built from it: prod's backward where the input has zeros.
#include "ops/scan.h"

#include "ember/ops.h"
#include "ember/tensor/factories.h"
#include "kernels/cpu/scan.h"
#include "ops/iter.h"

namespace ember::ops {
namespace {

/// t moved one step along dim (towards higher indices when `right`), the vacated end `fill`.
Tensor shift1(const Tensor& t, int64_t dim, bool right, double fill) {
  DimVector end = t.sizes();
  end[dim] = 1;
  Tensor pad = full(end, fill, t.options()), body = t.narrow(dim, right ? 0 : 1, t.size(dim) - 1);
  return right ? cat({pad, body}, dim) : cat({body, pad}, dim);
}

/// y[k] = a[k]·y[k∓1] + b[k] along dim (kernels/cpu/scan.h). Its gradient is the same scan run
/// the other way, so what is built from it is differentiable to any order.
struct LinearScan {
  static constexpr const char* name = "LinearScanBackward0";
  int64_t dim;
  bool reverse;
  SavedTensor a;
  SavedOutput result;
  auto saved() { return std::tie(a, result); }
  Tensor forward(const Tensor& coef, const Tensor& b) {
    a = coef;
    Tensor ac = coef.contiguous(), bc = b.contiguous().to(coef.scalar_type());
    Tensor y = new_empty(coef.sizes(), coef.scalar_type());
    int64_t O = 1, I = 1;
    for (int64_t d = 0; d < dim; ++d) O *= coef.size(d);
    for (int64_t d = dim + 1; d < coef.dim(); ++d) I *= coef.size(d);
    EMBER_DISPATCH_FLOATING(coef.scalar_type(), "prod_backward", [&] {
      kernels::linear_scan(y.data_ptr<scalar_t>(), ac.data_ptr<scalar_t>(), bc.data_ptr<scalar_t>(),
                           O, coef.size(dim), I, reverse);
    });
    return y;
  }
  variable_list backward(const Tensor& g, const Node& node) {
    Tensor c = a.unpack();
    Tensor u = apply(LinearScan{dim, !reverse, {}, {}}, shift1(c, dim, reverse, 0), g);  // dL/db
    if (!node.should_compute_output(0)) return {Tensor(), u};
    return {u * shift1(result.unpack(), dim, !reverse, 0), u};
  }
};

}  // namespace

Tensor prod_others(const Tensor& x, int64_t dim) {
  Tensor first = shift1(zeros_like(x), dim, true, 1), last = shift1(zeros_like(x), dim, false, 1);
  Tensor before = apply(LinearScan{dim, false, {}, {}}, shift1(x, dim, true, 0), first);
  Tensor after = apply(LinearScan{dim, true, {}, {}}, shift1(x, dim, false, 0), last);
  return before * after;
}

}  // namespace ember::ops
