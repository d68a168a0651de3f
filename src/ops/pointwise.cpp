// Binary arithmetic (add, sub, mul, div, pow, maximum, minimum, ...) with tensors and scalars,
// in-place variants, and their backward formulas.
#include "kernels/cpu/addcmul.h"
#include "ops/inplace.h"

namespace ember {
namespace ops {

// ---- ops --------------------------------------------------------------------------------------
namespace {

struct Add {
  static constexpr const char* name = "AddBackward0";
  Scalar alpha;
  DimVector a_shape, b_shape;
  ScalarType a_type, b_type;
  Tensor forward(const Tensor& a, const Tensor& b) {
    a_shape = a.sizes(), b_shape = b.sizes(), a_type = a.scalar_type(), b_type = b.scalar_type();
    if (alpha.toDouble() == 1) return map2(a, b, "add", [](auto x, auto y) { return x + y; });
    ScalarType t = result_type(a, b);
    return EMBER_DISPATCH_ALL(t, "add", [&] {
      const scalar_t s = alpha.to<scalar_t>();
      return map2(a, b, "add", [s](scalar_t x, scalar_t y) -> scalar_t { return x + s * y; });
    });
  }
  variable_list backward(const Tensor& g, const Node& n) {
    return {n.should_compute_output(0) ? reduce_grad(g, a_shape, a_type) : Tensor(),
            n.should_compute_output(1)
                ? reduce_grad(alpha.toDouble() == 1 ? g : g * alpha, b_shape, b_type)
                : Tensor()};
  }
};

struct Sub {
  static constexpr const char* name = "SubBackward0";
  Scalar alpha;
  DimVector a_shape, b_shape;
  ScalarType a_type, b_type;
  Tensor forward(const Tensor& a, const Tensor& b) {
    EMBER_CHECK(a.scalar_type() != kBool || b.scalar_type() != kBool,
                "sub: Subtraction, the `-` operator, with two bool tensors is not supported.");
    a_shape = a.sizes(), b_shape = b.sizes(), a_type = a.scalar_type(), b_type = b.scalar_type();
    ScalarType t = result_type(a, b);
    return EMBER_DISPATCH_ALL(t, "sub", [&] {
      const scalar_t s = alpha.to<scalar_t>();
      return map2(a, b, "sub", [s](scalar_t x, scalar_t y) -> scalar_t { return x - s * y; });
    });
  }
  variable_list backward(const Tensor& g, const Node& n) {
    return {n.should_compute_output(0) ? reduce_grad(g, a_shape, a_type) : Tensor(),
            n.should_compute_output(1) ? reduce_grad(g * -alpha, b_shape, b_type) : Tensor()};
  }
};

struct Mul {
  static constexpr const char* name = "MulBackward0";
  SavedTensor a, b;
  auto saved() { return std::tie(a, b); }
  Tensor forward(const Tensor& x, const Tensor& y) {
    a = x, b = y;
    return map2(x, y, "mul", [](auto u, auto v) { return u * v; });
  }
  variable_list backward(const Tensor& g, const Node& n) {
    Tensor x = a.unpack(), y = b.unpack();
    return {n.should_compute_output(0) ? reduce_grad(g * y, x.sizes(), x.scalar_type()) : Tensor(),
            n.should_compute_output(1) ? reduce_grad(g * x, y.sizes(), y.scalar_type()) : Tensor()};
  }
};

struct Div {
  static constexpr const char* name = "DivBackward0";
  SavedTensor a, b;
  auto saved() { return std::tie(a, b); }
  Tensor forward(const Tensor& x, const Tensor& y) {
    a = x, b = y;
    if (!x.is_floating_point() && !y.is_floating_point()) {  // true division
      return map2(x.to(get_default_dtype()), y.to(get_default_dtype()), "div",
                  [](auto u, auto v) { return u / v; });
    }
    return map2(x, y, "div", [](auto u, auto v) { return u / v; });
  }
  variable_list backward(const Tensor& g, const Node& n) {
    Tensor x = a.unpack(), y = b.unpack();
    return {n.should_compute_output(0) ? reduce_grad(g / y, x.sizes(), x.scalar_type()) : Tensor(),
            n.should_compute_output(1) ? reduce_grad(-g * x / (y * y), y.sizes(), y.scalar_type())
                                       : Tensor()};
  }
};

// Scalar right-hand sides: PyTorch's "...Backward1" nodes.
template <class F>
Tensor map_scalar(const Tensor& x, const Scalar& s, const char* name, F f) {
  ScalarType t = result_type(x, s);
  Tensor xt = as_type(x, t);
  Tensor out = new_empty(x.sizes(), t);
  EMBER_DISPATCH_ALL(t, name, [&] {
    const scalar_t v = s.to<scalar_t>();
    unary_kernel<scalar_t, scalar_t>(out, xt, [v, f](scalar_t u) -> scalar_t { return f(u, v); });
  });
  return out;
}

struct AddScalar {
  static constexpr const char* name = "AddBackward1";
  Scalar s;
  ScalarType type;
  Tensor forward(const Tensor& x) {
    type = x.scalar_type();
    return map_scalar(x, s, "add", [](auto u, auto v) { return u + v; });
  }
  variable_list backward(const Tensor& g, const Node&) { return {as_type(g, type)}; }
};

struct SubScalar : AddScalar {  // x - s computed as x + (-s alpha), libtorch's name
  static constexpr const char* name = "SubBackward1";
};

struct MulScalar {
  static constexpr const char* name = "MulBackward1";
  Scalar s;
  ScalarType type;
  Tensor forward(const Tensor& x) {
    type = x.scalar_type();
    return map_scalar(x, s, "mul", [](auto u, auto v) { return u * v; });
  }
  variable_list backward(const Tensor& g, const Node&) { return {as_type(g * s, type)}; }
};

struct DivScalar {
  static constexpr const char* name = "DivBackward1";
  Scalar s;
  ScalarType type;
  Tensor forward(const Tensor& x) {
    type = x.scalar_type();
    Tensor xf = x.is_floating_point() ? x : x.to(get_default_dtype());
    return map_scalar(xf, s, "div", [](auto u, auto v) { return u / v; });
  }
  variable_list backward(const Tensor& g, const Node&) { return {as_type(g / s, type)}; }
};

struct RsubScalar {
  static constexpr const char* name = "RsubBackward1";
  Scalar s;
  ScalarType type;
  Tensor forward(const Tensor& x) {
    type = x.scalar_type();
    return map_scalar(x, s, "rsub", [](auto u, auto v) { return v - u; });
  }
  variable_list backward(const Tensor& g, const Node&) { return {as_type(-g, type)}; }
};

struct PowScalar {
  static constexpr const char* name = "PowBackward0";
  Scalar e;
  SavedTensor a;
  auto saved() { return std::tie(a); }
  Tensor forward(const Tensor& in) {
    a = in;
    const Tensor x = in.scalar_type() == kBool ? in.to(kLong) : in;
    if (e.is_floating_point() || x.is_floating_point()) {
      ScalarType t = result_type(x, e);
      const double ev = e.toDouble();
      Tensor xt = as_type(x, t);
      if (ev == 2) return map_float(xt, "pow", [](auto u) { return u * u; });
      if (ev == 1) return map_float(xt, "pow", [](auto u) { return u; });
      if (ev == 0.5) return map_float(xt, "pow", [](auto u) { return std::sqrt(u); });
      if (ev == 3) return map_float(xt, "pow", [](auto u) { return u * u * u; });
      return map_float(xt, "pow", [ev](auto u) {
        return static_cast<decltype(u)>(std::pow(u, static_cast<decltype(u)>(ev)));
      });
    }
    const int64_t ev = e.toLong();
    EMBER_CHECK(ev >= 0, "pow: Integers to negative integer powers are not allowed.");
    Tensor out = new_empty(x.sizes(), x.scalar_type());
    EMBER_DISPATCH_NUMERIC(x.scalar_type(), "pow", [&] {
      unary_kernel<scalar_t, scalar_t>(out, x, [ev](scalar_t u) {
        scalar_t r = 1;
        for (int64_t i = 0; i < ev; ++i) r = static_cast<scalar_t>(r * u);
        return r;
      });
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor x = a.unpack();
    const double ev = e.toDouble();
    if (ev == 0) return {zeros_like(x)};
    if (ev == 1) return {as_type(g, x.scalar_type())};
    if (ev == 2) return {as_type(g * 2 * x, x.scalar_type())};
    return {as_type(g * ev * pow(x, ev - 1), x.scalar_type())};
  }
};

struct PowTensor {
  static constexpr const char* name = "PowBackward1";
  SavedTensor a, b;
  SavedOutput result;
  auto saved() { return std::tie(a, b, result); }
  Tensor forward(const Tensor& xin, const Tensor& yin) {
    a = xin, b = yin;
    const Tensor x = xin.scalar_type() == kBool ? xin.to(kLong) : xin;
    const Tensor y = yin.scalar_type() == kBool ? yin.to(kLong) : yin;
    ScalarType t = result_type(x, y);
    if (!is_floating_point(t)) {
      Tensor xt = as_type(x, t), yt = as_type(y, t);
      Tensor out = new_empty(broadcast_shape(x.sizes(), y.sizes(), "pow"), t);
      EMBER_DISPATCH_NUMERIC(t, "pow", [&] {
        binary_kernel<scalar_t, scalar_t, scalar_t>(out, xt, yt, [](scalar_t u, scalar_t v) {
          scalar_t r = 1;
          for (scalar_t i = 0; i < v; ++i) r = static_cast<scalar_t>(r * u);
          return r;
        });
      });
      return out;
    }
    return map2(x, y, "pow",
                [](auto u, auto v) { return static_cast<decltype(u)>(std::pow(u, v)); });
  }
  variable_list backward(const Tensor& g, const Node& n) {
    Tensor x = a.unpack(), y = b.unpack(), r = result.unpack();
    Tensor gx, gy;
    if (n.should_compute_output(0))
      gx = reduce_grad(where(y == 0, zeros_like(g), g * y * pow(x, y - 1)), x.sizes(),
                       x.scalar_type());
    if (n.should_compute_output(1))
      gy = reduce_grad(where((x == 0) & (y >= 0), zeros_like(g), g * r * log(x)), y.sizes(),
                       y.scalar_type());
    return {gx, gy};
  }
};

struct Maximum {
  static constexpr const char* name = "MaximumBackward0";
  SavedTensor a, b;
  auto saved() { return std::tie(a, b); }
  Tensor forward(const Tensor& x, const Tensor& y) {
    a = x, b = y;
    return map2(x, y, "maximum", [](auto u, auto v) {
      if constexpr (std::is_floating_point_v<decltype(u)>)
        if (std::isnan(u) || std::isnan(v)) return u + v;  // NaN propagates
      return u > v ? u : v;
    });
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor x = a.unpack(), y = b.unpack();
    Tensor half = where(x == y, g / 2, g);
    return {reduce_grad(half.masked_fill(x < y, 0), x.sizes(), x.scalar_type()),
            reduce_grad(half.masked_fill(x > y, 0), y.sizes(), y.scalar_type())};
  }
};

struct Minimum {
  static constexpr const char* name = "MinimumBackward0";
  SavedTensor a, b;
  auto saved() { return std::tie(a, b); }
  Tensor forward(const Tensor& x, const Tensor& y) {
    a = x, b = y;
    return map2(x, y, "minimum", [](auto u, auto v) {
      if constexpr (std::is_floating_point_v<decltype(u)>)
        if (std::isnan(u) || std::isnan(v)) return u + v;
      return u < v ? u : v;
    });
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor x = a.unpack(), y = b.unpack();
    Tensor half = where(x == y, g / 2, g);
    return {reduce_grad(half.masked_fill(x > y, 0), x.sizes(), x.scalar_type()),
            reduce_grad(half.masked_fill(x < y, 0), y.sizes(), y.scalar_type())};
  }
};

}  // namespace
}  // namespace ops

using namespace ops;  // NOLINT: this file defines the ops

Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return apply(Add{alpha, {}, {}, kFloat, kFloat}, a, b);
}
Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  Scalar s = b;
  if (alpha.toDouble() != 1)
    s = b.is_floating_point() || alpha.is_floating_point() ? Scalar(b.toDouble() * alpha.toDouble())
                                                           : Scalar(b.toLong() * alpha.toLong());
  return apply(AddScalar{s, kFloat}, a);
}
namespace {
// PyTorch refuses `-` with a bool operand (a mask minus a mask is usually a bug).
void check_sub_bool(bool a_bool, bool b_bool, const char* op) {
  EMBER_CHECK(!(a_bool && b_bool), op,
              ": Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
              "`^` or `logical_xor()` operator instead.");
  EMBER_CHECK(!a_bool && !b_bool, op,
              ": Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
              "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
}
}  // namespace

Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  check_sub_bool(a.scalar_type() == kBool, b.scalar_type() == kBool, "sub");
  return apply(Sub{alpha, {}, {}, kFloat, kFloat}, a, b);
}
Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  check_sub_bool(a.scalar_type() == kBool, b.is_boolean(), "sub");
  const Scalar s = b.is_floating_point() || alpha.is_floating_point()
                       ? Scalar(-b.toDouble() * alpha.toDouble())
                       : Scalar(-b.toLong() * alpha.toLong());
  return apply(SubScalar{{s, kFloat}}, a);
}
Tensor rsub(const Tensor& a, const Scalar& b) {
  check_sub_bool(b.is_boolean(), a.scalar_type() == kBool, "rsub");
  return apply(RsubScalar{b, kFloat}, a);
}
Tensor mul(const Tensor& a, const Tensor& b) { return apply(Mul{}, a, b); }
Tensor mul(const Tensor& a, const Scalar& b) { return apply(MulScalar{b, kFloat}, a); }
Tensor div(const Tensor& a, const Tensor& b) { return apply(Div{}, a, b); }
Tensor div(const Tensor& a, const Scalar& b) { return apply(DivScalar{b, kFloat}, a); }
Tensor rdiv(const Tensor& a, const Scalar& b) { return mul(reciprocal(a), b); }
Tensor pow(const Tensor& a, const Scalar& e) { return apply(PowScalar{e, {}}, a); }
Tensor pow(const Tensor& a, const Tensor& e) { return apply(PowTensor{}, a, e); }
Tensor pow(const Scalar& a, const Tensor& e) { return pow(full_like(e, a, result_type(e, a)), e); }
Tensor square(const Tensor& x) { return pow(x, 2); }
Tensor maximum(const Tensor& a, const Tensor& b) { return apply(Maximum{}, a, b); }
Tensor minimum(const Tensor& a, const Tensor& b) { return apply(Minimum{}, a, b); }
Tensor max(const Tensor& a, const Tensor& b) { return maximum(a, b); }
Tensor min(const Tensor& a, const Tensor& b) { return minimum(a, b); }
Tensor addcmul(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  return self + value * (t1 * t2);
}
Tensor addcdiv(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  return self + value * (t1 / t2);
}
Tensor lerp(const Tensor& self, const Tensor& end, const Scalar& weight) {
  return self + weight * (end - self);
}

// ---- operators -------------------------------------------------------------------------------
Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator+(const Tensor& a, const Scalar& b) { return add(a, b); }
Tensor operator+(const Scalar& a, const Tensor& b) { return add(b, a); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator-(const Tensor& a, const Scalar& b) { return sub(a, b); }
Tensor operator-(const Scalar& a, const Tensor& b) { return rsub(b, a); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator*(const Tensor& a, const Scalar& b) { return mul(a, b); }
Tensor operator*(const Scalar& a, const Tensor& b) { return mul(b, a); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator/(const Tensor& a, const Scalar& b) { return div(a, b); }
Tensor operator/(const Scalar& a, const Tensor& b) { return rdiv(b, a); }

// ---- in-place ---------------------------------------------------------------------------------
Tensor& Tensor::add_(const Tensor& o, const Scalar& alpha) {
  return apply_inplace(
      *this, o.requires_grad(), "add_", [&](const Tensor& s) { return ember::add(s, o, alpha); },
      [&] {
        if (alpha.toDouble() == 1) {
          map2_inplace(*this, o, "add_", [](auto x, auto y) { return x + y; });
        } else {
          EMBER_DISPATCH_ALL(scalar_type(), "add_", [&] {
            const scalar_t s = alpha.to<scalar_t>();
            map2_inplace(*this, o, "add_",
                         [s](scalar_t x, scalar_t y) -> scalar_t { return x + s * y; });
          });
        }
      });
}
Tensor& Tensor::add_(const Scalar& o, const Scalar& alpha) {
  if (GradMode::is_enabled() && requires_grad())  // records AddBackward1, as libtorch
    return apply_inplace(
        *this, false, "add_", [&](const Tensor& s) { return ember::add(s, o, alpha); }, [] {});
  check_inplace_cast(result_type(*this, o), *this, "add_");  // names the type as PyTorch does
  return add_(scalar_tensor(o.toDouble() * alpha.toDouble(), o.type()));
}
Tensor& Tensor::sub_(const Tensor& o, const Scalar& alpha) {
  check_sub_bool(scalar_type() == kBool, o.scalar_type() == kBool, "sub_");
  return add_(o, -alpha);
}
Tensor& Tensor::sub_(const Scalar& o, const Scalar& alpha) {
  check_sub_bool(scalar_type() == kBool, o.is_boolean(), "sub_");
  return add_(o, -alpha);
}
Tensor& Tensor::mul_(const Tensor& o) {
  return apply_inplace(
      *this, o.requires_grad(), "mul_", [&](const Tensor& s) { return ember::mul(s, o); },
      [&] { map2_inplace(*this, o, "mul_", [](auto x, auto y) { return x * y; }); });
}
Tensor& Tensor::mul_(const Scalar& o) {
  if (GradMode::is_enabled() && requires_grad())  // records MulBackward1, as libtorch
    return apply_inplace(
        *this, false, "mul_", [&](const Tensor& s) { return ember::mul(s, o); }, [] {});
  check_inplace_cast(result_type(*this, o), *this, "mul_");  // names the type as PyTorch does
  return mul_(scalar_tensor(o, o.type()));
}
Tensor& Tensor::div_(const Tensor& o) {
  return apply_inplace(
      *this, o.requires_grad(), "div_", [&](const Tensor& s) { return ember::div(s, o); },
      [&] {
        EMBER_CHECK(is_floating_point(),
                    "div_: result type Float can't be cast to the desired "
                    "output type ",
                    scalar_type());
        map2_inplace(*this, o, "div_", [](auto x, auto y) { return x / y; });
      });
}
Tensor& Tensor::div_(const Scalar& o) {
  if (GradMode::is_enabled() && requires_grad())  // records DivBackward1, as libtorch
    return apply_inplace(
        *this, false, "div_", [&](const Tensor& s) { return ember::div(s, o); }, [] {});
  return div_(scalar_tensor(o, o.type()));
}
Tensor& Tensor::pow_(const Scalar& e) {
  return apply_inplace(
      *this, false, "pow_", [&](const Tensor& s) { return ember::pow(s, e); },
      [&] { copy_result_into(*this, ember::pow(*this, e)); });
}
namespace {
template <bool Div>
bool addc_fast(Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  if (GradMode::is_enabled() && (self.requires_grad() || t1.requires_grad() || t2.requires_grad()))
    return false;
  if (self.scalar_type() != t1.scalar_type() || self.scalar_type() != t2.scalar_type() ||
      t1.sizes() != self.sizes() || t2.sizes() != self.sizes() || !self.is_contiguous() ||
      !t1.is_contiguous() || !t2.is_contiguous() || !self.is_floating_point())
    return false;
  EMBER_DISPATCH_FLOATING(self.scalar_type(), "addcmul_", [&] {
    auto* kernel = Div ? kernels::addcdiv<scalar_t> : kernels::addcmul<scalar_t>;
    kernel(self.data_ptr<scalar_t>(), t1.data_ptr<scalar_t>(), t2.data_ptr<scalar_t>(),
           value.to<scalar_t>(), self.numel());
  });
  self.impl()->storage()->bump_version();
  return true;
}
}  // namespace

Tensor& Tensor::addcmul_(const Tensor& t1, const Tensor& t2, const Scalar& value) {
  if (addc_fast<false>(*this, t1, t2, value)) return *this;
  return add_(value.toDouble() == 1 ? t1 * t2 : (t1 * t2) * value);
}
Tensor& Tensor::addcdiv_(const Tensor& t1, const Tensor& t2, const Scalar& value) {
  if (addc_fast<true>(*this, t1, t2, value)) return *this;
  return add_((t1 / t2) * value);
}
Tensor& Tensor::lerp_(const Tensor& end, const Scalar& weight) { return add_(end - *this, weight); }

}  // namespace ember
