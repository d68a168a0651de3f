// In-place ops under autograd (the helpers of apply_inplace, ops/inplace.h) and the ops that
// copy_, fill_ and zero_ record.
#include "ops/inplace.h"

namespace ember::ops {

void check_inplace_allowed(const Tensor& self, const char* op) {
  EMBER_CHECK(!(self.is_leaf() && self.requires_grad()), op,
              ": a leaf Variable that requires grad is being used in an in-place operation "
              "(shape ",
              self.sizes(), "). Wrap it in NoGradGuard or use an out-of-place op.");
  const Tensor base = autograd::view_base(self);
  EMBER_CHECK(!(base.defined() && base.is_leaf() && base.requires_grad()), op,
              ": a view of a leaf Variable that requires grad is being used in an in-place "
              "operation (view shape ",
              self.sizes(), ", leaf shape ", base.sizes(),
              "). Wrap it in NoGradGuard or use an out-of-place op.");
}

Tensor inplace_input(const Tensor& self) {
  Tensor s;
  {
    NoGradGuard no_grad;
    s = self.clone();
  }
  if (self.requires_grad()) autograd::set_history(s, self.grad_fn(), self.output_nr());
  return s;
}

void copy_result_into(Tensor& self, const Tensor& result) {
  {
    NoGradGuard no_grad;
    Tensor src = as_type(result, self.scalar_type());
    EMBER_DISPATCH_ALL(self.scalar_type(), "copy_", [&] {
      unary_kernel<scalar_t, scalar_t>(self, src, [](scalar_t v) { return v; });
    });
  }
  self.impl()->storage()->bump_version();
  if (result.grad_fn()) autograd::rebase_history(self, result.grad_fn(), result.output_nr());
}

namespace {

// copy_: the old value gets no gradient, the source gets the incoming one summed back to its
// shape.
struct CopyFrom {
  static constexpr const char* name = "torch::autograd::CopyBackwards";
  DimVector src_shape;
  ScalarType src_type;
  Tensor forward(const Tensor& old, const Tensor& src) {
    src_shape = src.sizes(), src_type = src.scalar_type();
    Tensor out = new_empty(old.sizes(), old.scalar_type());
    out.copy_(src);  // grad mode is off here: the direct copy, with its shape checks
    return out;
  }
  variable_list backward(const Tensor& g, const Node& n) {
    return {Tensor(), n.should_compute_output(1) ? reduce_grad(g, src_shape, src_type) : Tensor()};
  }
};

// fill_/zero_: the old value gets no gradient.
template <const char* Name>
struct Fill {
  static constexpr const char* name = Name;
  Scalar value;
  Tensor forward(const Tensor& old) {
    return new_empty(old.sizes(), old.scalar_type()).fill_(value);
  }
  variable_list backward(const Tensor&, const Node&) { return {Tensor()}; }
};
constexpr char kFillName[] = "FillBackward2";
constexpr char kZeroName[] = "ZeroBackward0";

}  // namespace

Tensor copied_from(const Tensor& old, const Tensor& src) { return apply(CopyFrom{}, old, src); }

Tensor filled_like(const Tensor& old, const Scalar& value, bool zero) {
  if (zero) return apply(Fill<kZeroName>{value}, old);
  return apply(Fill<kFillName>{value}, old);
}

}  // namespace ember::ops
