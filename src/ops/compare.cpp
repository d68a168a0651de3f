// Comparisons, logical ops, where and masked_fill.
#include "ops/inplace.h"

namespace ember {
namespace ops {
namespace {

template <class F>
Tensor compare_scalar(const Tensor& a, const Scalar& s, const char* name, F f) {
  ScalarType t = result_type(a, s);
  Tensor x = as_type(a, t);
  Tensor out = new_empty(a.sizes(), kBool);
  EMBER_DISPATCH_ALL(t, name, [&] {
    const scalar_t v = s.to<scalar_t>();
    unary_kernel<bool, scalar_t>(out, x, [v, f](scalar_t u) -> bool { return f(u, v); });
  });
  return out;
}

struct Where {
  static constexpr const char* name = "WhereBackward0";
  Tensor cond;
  DimVector a_shape, b_shape;
  ScalarType a_type, b_type;
  Tensor forward(const Tensor& c, const Tensor& a, const Tensor& b) {
    EMBER_CHECK(c.scalar_type() == kBool || c.scalar_type() == kByte,
                "where: expected condition to be a boolean tensor, but got a tensor with dtype ",
                c.scalar_type());
    cond = c.scalar_type() == kBool ? c : c.to(kBool);
    a_shape = a.sizes(), b_shape = b.sizes(), a_type = a.scalar_type(), b_type = b.scalar_type();
    ScalarType t = result_type(a, b);
    Tensor x = as_type(a, t), y = as_type(b, t);
    DimVector shape =
        broadcast_shape(broadcast_shape(c.sizes(), a.sizes(), "where"), b.sizes(), "where");
    Tensor out = new_empty(shape, t);
    EMBER_DISPATCH_ALL(t, "where", [&] {
      ternary_kernel<scalar_t, bool, scalar_t, scalar_t>(
          out, cond, x, y, [](bool k, scalar_t u, scalar_t v) { return k ? u : v; });
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node& n) {
    Tensor z = zeros_like(g);
    return {
        Tensor(),
        n.should_compute_output(1) ? reduce_grad(where(cond, g, z), a_shape, a_type) : Tensor(),
        n.should_compute_output(2) ? reduce_grad(where(cond, z, g), b_shape, b_type) : Tensor()};
  }
};

}  // namespace
}  // namespace ops

using namespace ops;  // NOLINT

#define EMBER_COMPARE(fname, op)                                                        \
  Tensor fname(const Tensor& a, const Tensor& b) {                                      \
    return map2_bool(a, b, #fname, [](auto x, auto y) -> bool { return x op y; });      \
  }                                                                                     \
  Tensor fname(const Tensor& a, const Scalar& b) {                                      \
    return compare_scalar(a, b, #fname, [](auto x, auto y) -> bool { return x op y; }); \
  }
EMBER_COMPARE(eq, ==)
EMBER_COMPARE(ne, !=)
EMBER_COMPARE(lt, <)
EMBER_COMPARE(le, <=)
EMBER_COMPARE(gt, >)
EMBER_COMPARE(ge, >=)
#undef EMBER_COMPARE

Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }
Tensor operator==(const Tensor& a, const Scalar& b) { return eq(a, b); }
Tensor operator!=(const Tensor& a, const Tensor& b) { return ne(a, b); }
Tensor operator!=(const Tensor& a, const Scalar& b) { return ne(a, b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator<(const Tensor& a, const Scalar& b) { return lt(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator<=(const Tensor& a, const Scalar& b) { return le(a, b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator>(const Tensor& a, const Scalar& b) { return gt(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator>=(const Tensor& a, const Scalar& b) { return ge(a, b); }

Tensor logical_not(const Tensor& x) {
  Tensor out = new_empty(x.sizes(), kBool);
  EMBER_DISPATCH_ALL(x.scalar_type(), "logical_not",
                     [&] { unary_kernel<bool, scalar_t>(out, x, [](scalar_t v) { return !v; }); });
  return out;
}
Tensor logical_and(const Tensor& a, const Tensor& b) {
  return map2_bool(a, b, "logical_and", [](auto x, auto y) -> bool { return x && y; });
}
Tensor logical_or(const Tensor& a, const Tensor& b) {
  return map2_bool(a, b, "logical_or", [](auto x, auto y) -> bool { return x || y; });
}
Tensor logical_xor(const Tensor& a, const Tensor& b) {
  return map2_bool(a, b, "logical_xor", [](auto x, auto y) -> bool { return !x != !y; });
}
Tensor operator&&(const Tensor& a, const Tensor& b) { return logical_and(a, b); }
Tensor operator||(const Tensor& a, const Tensor& b) { return logical_or(a, b); }
Tensor operator&(const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.scalar_type() == kBool && b.scalar_type() == kBool,
              "bitwise_and: only bool tensors are supported, got ", a.scalar_type(), " and ",
              b.scalar_type());
  return logical_and(a, b);
}
Tensor operator|(const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.scalar_type() == kBool && b.scalar_type() == kBool,
              "bitwise_or: only bool tensors are supported, got ", a.scalar_type(), " and ",
              b.scalar_type());
  return logical_or(a, b);
}

namespace {
template <class F>
Tensor float_predicate(const Tensor& x, const char* name, bool int_value, F f) {
  Tensor out = new_empty(x.sizes(), kBool);
  if (!x.is_floating_point()) return out.fill_(int_value);
  EMBER_DISPATCH_FLOATING(x.scalar_type(), name, [&] { unary_kernel<bool, scalar_t>(out, x, f); });
  return out;
}
}  // namespace
Tensor isnan(const Tensor& x) {
  return float_predicate(x, "isnan", false, [](auto v) -> bool { return std::isnan(v); });
}
Tensor isinf(const Tensor& x) {
  return float_predicate(x, "isinf", false, [](auto v) -> bool { return std::isinf(v); });
}
Tensor isfinite(const Tensor& x) {
  return float_predicate(x, "isfinite", true, [](auto v) -> bool { return std::isfinite(v); });
}

Tensor where(const Tensor& c, const Tensor& a, const Tensor& b) { return apply(Where{}, c, a, b); }
Tensor where(const Tensor& c, const Tensor& a, const Scalar& b) {
  return where(c, a, scalar_tensor(b, result_type(a, b)));
}
Tensor where(const Tensor& c, const Scalar& a, const Tensor& b) {
  return where(c, scalar_tensor(a, result_type(b, a)), b);
}
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& v) {
  EMBER_CHECK(mask.scalar_type() == kBool, "masked_fill: expected a bool mask but got ",
              mask.scalar_type());
  broadcast_shape(x.sizes(), mask.sizes(), "masked_fill");  // names this op on a mismatch
  // Out of place, as in PyTorch, the result has the broadcast shape of x and mask.
  return where(mask, scalar_tensor(v, x.scalar_type()), x);
}
Tensor& Tensor::masked_fill_(const Tensor& mask, const Scalar& v) {
  EMBER_CHECK(IntArrayRef(broadcast_shape(sizes(), mask.sizes(), "masked_fill_")) == sizes(),
              "masked_fill_: mask of shape ", mask.sizes(), " would broadcast self of shape ",
              sizes(), " up");
  return apply_inplace(
      *this, false, "masked_fill_", [&](const Tensor& s) { return ember::masked_fill(s, mask, v); },
      [&] { copy_result_into(*this, ember::masked_fill(*this, mask, v)); });
}

bool equal(const Tensor& a, const Tensor& b) {
  if (a.sizes() != b.sizes()) return false;
  NoGradGuard g;
  return eq(a, b).all().item<bool>();
}

Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  NoGradGuard g;
  ScalarType t = promote_types(result_type(a, b), kFloat);
  if (t != kDouble) t = kFloat;
  Tensor x = a.to(t), y = b.to(t);
  Tensor out = new_empty(broadcast_shape(a.sizes(), b.sizes(), "isclose"), kBool);
  EMBER_DISPATCH_FLOATING(t, "isclose", [&] {
    binary_kernel<bool, scalar_t, scalar_t>(out, x, y, [=](scalar_t u, scalar_t v) -> bool {
      if (std::isnan(u) || std::isnan(v)) return equal_nan && std::isnan(u) && std::isnan(v);
      if (u == v) return true;
      if (std::isinf(u) || std::isinf(v)) return false;
      return std::abs(double(u) - double(v)) <= atol + rtol * std::abs(double(v));
    });
  });
  return out;
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  NoGradGuard g;
  return isclose(a, b, rtol, atol, equal_nan).all().item<bool>();
}

}  // namespace ember
