// Unary math (exp, log, tanh, sigmoid, relu, clamp, logit, ...) and their backward formulas.
#include <limits>
#include <type_traits>

#include "ops/inplace.h"

namespace ember {
namespace ops {
namespace {

// A float unary op whose backward uses the input.
#define EMBER_UNARY_X(Name, grad_name, fwd, bwd)                                            \
  struct Name {                                                                             \
    static constexpr const char* name = grad_name;                                          \
    SavedTensor a;                                                                          \
    auto saved() { return std::tie(a); }                                                    \
    Tensor forward(const Tensor& x) {                                                       \
      a = x;                                                                                \
      return map_float(x, #Name, [](auto v) -> decltype(v) { return fwd; });                \
    }                                                                                       \
    variable_list backward(const Tensor& g, const Node&) {                                  \
      Tensor x = a.unpack();                                                                \
      return {as_type(bwd, x.is_floating_point() ? x.scalar_type() : get_default_dtype())}; \
    }                                                                                       \
  }
// A float unary op whose backward uses the result `r`.
#define EMBER_UNARY_R(Name, grad_name, fwd, bwd)                             \
  struct Name {                                                              \
    static constexpr const char* name = grad_name;                           \
    SavedOutput result;                                                      \
    auto saved() { return std::tie(result); }                                \
    Tensor forward(const Tensor& x) {                                        \
      return map_float(x, #Name, [](auto v) -> decltype(v) { return fwd; }); \
    }                                                                        \
    variable_list backward(const Tensor& g, const Node&) {                   \
      Tensor r = result.unpack();                                            \
      return {bwd};                                                          \
    }                                                                        \
  }

using std::abs;
EMBER_UNARY_R(Exp, "ExpBackward0", std::exp(v), g* r);
EMBER_UNARY_R(Exp2, "Exp2Backward0", std::exp2(v), g* r* M_LN2);
EMBER_UNARY_R(Expm1, "Expm1Backward0", std::expm1(v), g*(r + 1));
EMBER_UNARY_X(Log, "LogBackward0", std::log(v), g / x);
EMBER_UNARY_X(Log1p, "Log1pBackward0", std::log1p(v), g / (x + 1));
EMBER_UNARY_X(Log2, "Log2Backward0", std::log2(v), g / (x * M_LN2));
EMBER_UNARY_X(Log10, "Log10Backward0", std::log10(v), g / (x * M_LN10));
EMBER_UNARY_R(Sqrt, "SqrtBackward0", std::sqrt(v), g / (2 * r));
EMBER_UNARY_R(Rsqrt, "RsqrtBackward0", 1 / std::sqrt(v), -0.5 * g * r * r * r);
EMBER_UNARY_R(Reciprocal, "ReciprocalBackward0", 1 / v, -g* r* r);
EMBER_UNARY_X(Sin, "SinBackward0", std::sin(v), g* cos(x));
EMBER_UNARY_X(Cos, "CosBackward0", std::cos(v), -g* sin(x));
EMBER_UNARY_R(Tan, "TanBackward0", std::tan(v), g*(1 + r * r));
EMBER_UNARY_X(Asin, "AsinBackward0", std::asin(v), g* rsqrt(1 - x * x));
EMBER_UNARY_X(Acos, "AcosBackward0", std::acos(v), -g* rsqrt(1 - x * x));
EMBER_UNARY_X(Atan, "AtanBackward0", std::atan(v), g / (1 + x * x));
EMBER_UNARY_X(Sinh, "SinhBackward0", std::sinh(v), g* cosh(x));
EMBER_UNARY_X(Cosh, "CoshBackward0", std::cosh(v), g* sinh(x));
EMBER_UNARY_R(Tanh, "TanhBackward0", std::tanh(v), g*(1 - r * r));
EMBER_UNARY_R(Sigmoid, "SigmoidBackward0", 1 / (1 + std::exp(-v)), g* r*(1 - r));
EMBER_UNARY_X(Erf, "ErfBackward0", std::erf(v), g* M_2_SQRTPI* exp(-x* x));
#undef EMBER_UNARY_X
#undef EMBER_UNARY_R

struct Neg {
  static constexpr const char* name = "NegBackward0";
  Tensor forward(const Tensor& x) {
    EMBER_CHECK(x.scalar_type() != kBool,
                "neg: Negation, the `-` operator, on a bool tensor is "
                "not supported. If you are trying to invert a mask, use logical_not() instead.");
    return map_numeric(x, "neg", [](auto v) -> decltype(v) { return -v; });
  }
  variable_list backward(const Tensor& g, const Node&) { return {-g}; }
};

struct Abs {
  static constexpr const char* name = "AbsBackward0";
  SavedTensor a;
  auto saved() { return std::tie(a); }
  Tensor forward(const Tensor& x) {
    a = x;
    return map_numeric(x, "abs", [](auto v) -> decltype(v) { return v < 0 ? -v : v; });
  }
  variable_list backward(const Tensor& g, const Node&) { return {g * sign(a.unpack())}; }
};

struct Relu {
  static constexpr const char* name = "ReluBackward0";
  SavedOutput result;
  auto saved() { return std::tie(result); }
  Tensor forward(const Tensor& x) {
    // `v <= 0` is false for NaN, which passes through as in PyTorch.
    return map_numeric(x, "relu", [](auto v) -> decltype(v) { return v <= 0 ? 0 : v; });
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor r = result.unpack();
    return {g * (r > 0).to(g.scalar_type())};
  }
};

// Piecewise-constant ops: zero gradient.
template <const char* Name>
struct ZeroGrad {
  static constexpr const char* name = Name;
  int kind;
  Tensor forward(const Tensor& x) {
    switch (kind) {
      case 0:
        return map_numeric(x, "sign", [](auto v) -> decltype(v) { return (0 < v) - (v < 0); });
      case 1:
        return map_numeric(x, "floor", [](auto v) -> decltype(v) {
          if constexpr (std::is_floating_point_v<decltype(v)>)
            return std::floor(v);
          else
            return v;
        });
      case 2:
        return map_numeric(x, "ceil", [](auto v) -> decltype(v) {
          if constexpr (std::is_floating_point_v<decltype(v)>)
            return std::ceil(v);
          else
            return v;
        });
      case 3:
        return map_numeric(x, "round", [](auto v) -> decltype(v) {
          if constexpr (std::is_floating_point_v<decltype(v)>)
            return std::nearbyint(v);
          else
            return v;
        });
      default:
        return map_numeric(x, "trunc", [](auto v) -> decltype(v) {
          if constexpr (std::is_floating_point_v<decltype(v)>)
            return std::trunc(v);
          else
            return v;
        });
    }
  }
  variable_list backward(const Tensor& g, const Node&) { return {zeros_like(g)}; }
};
constexpr char kSignName[] = "SignBackward0";
constexpr char kFloorName[] = "FloorBackward0";
constexpr char kCeilName[] = "CeilBackward0";
constexpr char kRoundName[] = "RoundBackward0";
constexpr char kTruncName[] = "TruncBackward0";

struct Frac {
  static constexpr const char* name = "FracBackward0";
  Tensor forward(const Tensor& x) {
    return map_float(x, "frac", [](auto v) -> decltype(v) { return v - std::trunc(v); });
  }
  variable_list backward(const Tensor& g, const Node&) { return {g}; }
};

struct Clamp {
  static constexpr const char* name = "ClampBackward1";
  std::optional<Scalar> lo, hi;
  SavedTensor a;
  auto saved() { return std::tie(a); }
  Tensor forward(const Tensor& x) {
    a = x;
    EMBER_CHECK(lo || hi, "clamp: At least one of 'min' or 'max' must not be None");
    ScalarType t = x.scalar_type();
    if (lo) t = result_type(x, *lo);
    if (hi) t = promote_types(t, result_type(x, *hi));
    Tensor xt = as_type(x, t);
    return EMBER_DISPATCH_NUMERIC(t, "clamp", [&] {
      const bool has_lo = lo.has_value(), has_hi = hi.has_value();
      const scalar_t l = has_lo ? lo->to<scalar_t>() : scalar_t(0);
      const scalar_t h = has_hi ? hi->to<scalar_t>() : scalar_t(0);
      return map_same(xt, "clamp", [=](scalar_t v) -> scalar_t {
        if constexpr (std::is_floating_point_v<scalar_t>)
          if (std::isnan(v)) return v;
        if (has_lo && v < l) v = l;
        if (has_hi && v > h) v = h;
        return v;
      });
    });
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor x = a.unpack();
    Tensor mask = ones_like(x, kBool);
    if (lo) mask = mask & (x >= *lo);
    if (hi) mask = mask & (x <= *hi);
    return {g * mask.to(g.scalar_type())};
  }
};

// log(x / (1 - x)), x first clamped to [eps, 1 - eps] when eps is given (torch.logit).
struct Logit {
  static constexpr const char* name = "LogitBackward0";
  std::optional<double> eps;
  SavedTensor a;
  auto saved() { return std::tie(a); }
  Tensor forward(const Tensor& x) {
    a = x;
    const bool clamp = eps.has_value();
    const double lo = clamp ? *eps : 0, hi = clamp ? 1 - *eps : 1;
    return map_float(x, "logit", [=](auto v) -> decltype(v) {
      using T = decltype(v);
      if (clamp) v = v < T(lo) ? T(lo) : v > T(hi) ? T(hi) : v;  // NaN stays NaN
      return std::log(v / (1 - v));
    });
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor x = a.unpack();
    Tensor dx = g / (x * (1 - x));
    // As PyTorch's logit_backward: zero where the clamp held x, NaN outside [0, 1] without eps.
    if (eps) return {where((x < *eps) | (x > 1 - *eps), 0, dx)};
    return {where((x < 0) | (x > 1), std::numeric_limits<double>::quiet_NaN(), dx)};
  }
};

}  // namespace
}  // namespace ops

using namespace ops;  // NOLINT

Tensor exp(const Tensor& x) { return apply(Exp{}, x); }
Tensor exp2(const Tensor& x) { return apply(Exp2{}, x); }
Tensor expm1(const Tensor& x) { return apply(Expm1{}, x); }
Tensor log(const Tensor& x) { return apply(Log{}, x); }
Tensor log1p(const Tensor& x) { return apply(Log1p{}, x); }
Tensor log2(const Tensor& x) { return apply(Log2{}, x); }
Tensor log10(const Tensor& x) { return apply(Log10{}, x); }
Tensor sqrt(const Tensor& x) { return apply(Sqrt{}, x); }
Tensor rsqrt(const Tensor& x) { return apply(Rsqrt{}, x); }
Tensor reciprocal(const Tensor& x) { return apply(Reciprocal{}, x); }
Tensor sin(const Tensor& x) { return apply(Sin{}, x); }
Tensor cos(const Tensor& x) { return apply(Cos{}, x); }
Tensor tan(const Tensor& x) { return apply(Tan{}, x); }
Tensor asin(const Tensor& x) { return apply(Asin{}, x); }
Tensor acos(const Tensor& x) { return apply(Acos{}, x); }
Tensor atan(const Tensor& x) { return apply(Atan{}, x); }
Tensor sinh(const Tensor& x) { return apply(Sinh{}, x); }
Tensor cosh(const Tensor& x) { return apply(Cosh{}, x); }
Tensor tanh(const Tensor& x) { return apply(Tanh{}, x); }
Tensor sigmoid(const Tensor& x) { return apply(Sigmoid{}, x); }
Tensor erf(const Tensor& x) { return apply(Erf{}, x); }
Tensor neg(const Tensor& x) { return apply(Neg{}, x); }
Tensor abs(const Tensor& x) { return apply(Abs{}, x); }
Tensor relu(const Tensor& x) { return apply(Relu{}, x); }
Tensor sign(const Tensor& x) { return apply(ZeroGrad<kSignName>{0}, x); }
Tensor floor(const Tensor& x) { return apply(ZeroGrad<kFloorName>{1}, x); }
Tensor ceil(const Tensor& x) { return apply(ZeroGrad<kCeilName>{2}, x); }
Tensor round(const Tensor& x) { return apply(ZeroGrad<kRoundName>{3}, x); }
Tensor trunc(const Tensor& x) { return apply(ZeroGrad<kTruncName>{4}, x); }
Tensor frac(const Tensor& x) { return apply(Frac{}, x); }
Tensor clamp(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max) {
  return apply(Clamp{min, max, {}}, x);
}
Tensor clamp_min(const Tensor& x, const Scalar& min) { return clamp(x, min, std::nullopt); }
Tensor clamp_max(const Tensor& x, const Scalar& max) { return clamp(x, std::nullopt, max); }
Tensor logit(const Tensor& x, std::optional<double> eps) { return apply(Logit{eps, {}}, x); }
namespace {
// x mod d for an integer tensor and an integer d, staying integer (PyTorch's type promotion):
// C++'s truncated remainder (fmod's sign rule), or floored to d's sign (remainder's).
Tensor integer_mod(const Tensor& x, int64_t d, const char* op, bool floored) {
  EMBER_CHECK(d != 0, op, ": ZeroDivisionError (integer division by zero)");
  return map_numeric(x, op, [d, floored](auto v) -> decltype(v) {
    using T = decltype(v);
    if constexpr (std::is_integral_v<T>) {
      if (d == -1) return T(0);  // INT64_MIN % -1 traps in C++; the result is 0
      const int64_t r = static_cast<int64_t>(v) % d;
      return static_cast<T>(floored && r != 0 && ((r < 0) != (d < 0)) ? r + d : r);
    } else {
      return v;  // not reached: x is integral
    }
  });
}
}  // namespace
// The float formulas have gradient 1 with respect to x, as floor and trunc have gradient 0.
Tensor remainder(const Tensor& x, const Scalar& s) {
  if (is_integral(x.scalar_type()) && s.is_integral())
    return integer_mod(x, s.toLong(), "remainder", true);
  return x - floor(x / s) * s;
}
Tensor fmod(const Tensor& x, const Scalar& s) {
  if (is_integral(x.scalar_type()) && s.is_integral())
    return integer_mod(x, s.toLong(), "fmod", false);
  return x - trunc(x / s) * s;
}

// ---- in-place unary: computed out of place, written back --------------------------------------
namespace {
template <class F>
Tensor& unary_inplace(Tensor& self, const char* op, F f) {
  return apply_inplace(self, false, op, f, [&] {
    NoGradGuard g;
    Tensor r = f(self);
    check_inplace_cast(r.scalar_type(), self, op);
    copy_result_into(self, r);
  });
}
}  // namespace

Tensor& Tensor::neg_() {
  return unary_inplace(*this, "neg_", [](const Tensor& s) { return ember::neg(s); });
}
Tensor& Tensor::abs_() {
  return unary_inplace(*this, "abs_", [](const Tensor& s) { return ember::abs(s); });
}
Tensor& Tensor::exp_() {
  return unary_inplace(*this, "exp_", [](const Tensor& s) { return ember::exp(s); });
}
Tensor& Tensor::log_() {
  return unary_inplace(*this, "log_", [](const Tensor& s) { return ember::log(s); });
}
Tensor& Tensor::sqrt_() {
  return unary_inplace(*this, "sqrt_", [](const Tensor& s) { return ember::sqrt(s); });
}
Tensor& Tensor::tanh_() {
  return unary_inplace(*this, "tanh_", [](const Tensor& s) { return ember::tanh(s); });
}
Tensor& Tensor::sigmoid_() {
  return unary_inplace(*this, "sigmoid_", [](const Tensor& s) { return ember::sigmoid(s); });
}
Tensor& Tensor::relu_() {
  return unary_inplace(*this, "relu_", [](const Tensor& s) { return ember::relu(s); });
}
Tensor& Tensor::clamp_(std::optional<Scalar> min, std::optional<Scalar> max) {
  return unary_inplace(*this, "clamp_", [&](const Tensor& s) { return ember::clamp(s, min, max); });
}
Tensor& Tensor::clamp_min_(const Scalar& min) { return clamp_(min, std::nullopt); }
Tensor& Tensor::clamp_max_(const Scalar& max) { return clamp_(std::nullopt, max); }

}  // namespace ember
