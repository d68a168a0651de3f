// Values vs PyTorch (golden/ops.json): pointwise arithmetic with broadcasting and scalars on both
// sides, unary math, comparisons and logical ops, where/masked_fill/clamp/maximum, dtype promotion.
#include <limits>

#include "ops/ops_test_util.h"

namespace ember::testing {

using X = const GoldenInputs&;

namespace {

// The unary ops by name, applied to one input, as gen_ops.py loops over them.
std::vector<GoldenCase> unary_cases() {
  using Fn = Tensor (*)(const Tensor&);
  const std::vector<std::tuple<const char*, Fn, const char*>> ops = {
      {"abs", abs, "a"},
      {"exp", exp, "a"},
      {"exp2", exp2, "a"},
      {"expm1", expm1, "a"},
      {"sin", sin, "a"},
      {"cos", cos, "a"},
      {"tan", tan, "a"},
      {"atan", atan, "a"},
      {"sinh", sinh, "a"},
      {"cosh", cosh, "a"},
      {"tanh", tanh, "a"},
      {"sigmoid", sigmoid, "a"},
      {"relu", relu, "a"},
      {"erf", erf, "a"},
      {"sign", sign, "a"},
      {"floor", floor, "a"},
      {"ceil", ceil, "a"},
      {"round", round, "a"},
      {"trunc", trunc, "a"},
      {"frac", frac, "a"},
      {"square", square, "a"},
      {"neg", neg, "a"},
      {"log", log, "pos"},
      {"log1p", log1p, "pos"},
      {"log2", log2, "pos"},
      {"log10", log10, "pos"},
      {"sqrt", sqrt, "pos"},
      {"rsqrt", rsqrt, "pos"},
      {"reciprocal", reciprocal, "pos"},
      {"asin", asin, "unit"},
      {"acos", acos, "unit"},
      {"halves_round", round, "halves"},
      {"halves_floor", floor, "halves"},
      {"halves_ceil", ceil, "halves"},
      {"halves_trunc", trunc, "halves"},
      {"halves_frac", frac, "halves"},
      {"halves_sign", sign, "halves"},
      {"halves_abs", abs, "halves"},
      {"special_sign", sign, "special"},
      {"special_exp", exp, "special"},
      {"special_sigmoid", sigmoid, "special"},
      {"special_tanh", tanh, "special"},
      {"special_relu", relu, "special"},
      {"log_special", log, "special"},
      {"sqrt_special", sqrt, "special"},
      {"abs_int", abs, "i"},
      {"neg_int", neg, "i"},
      {"sign_int", sign, "i"},
      {"square_int", square, "i"},
      {"relu_int", relu, "i"},
      {"exp_int", exp, "j4"},
      {"sin_dd", sin, "dd"}};
  std::vector<GoldenCase> out;
  for (const auto& [name, fn, input] : ops)
    out.push_back({std::string("un.") + name,
                   [fn = fn, input = std::string(input)](X x) -> Outs { return {fn(x(input))}; }});
  return out;
}

std::vector<GoldenCase> make_pointwise_cases() {
  std::vector<GoldenCase> c = {
      // arithmetic, broadcasting, scalars on both sides
      {"pw.add", [](X x) -> Outs { return {x("a") + x("a2")}; }},
      {"pw.add_row", [](X x) -> Outs { return {x("a") + x("b4")}; }},
      {"pw.add_col", [](X x) -> Outs { return {x("a") + x("c31")}; }},
      {"pw.add_outer", [](X x) -> Outs { return {x("c31") + x("e14")}; }},
      {"pw.add_3d", [](X x) -> Outs { return {x("d") + x("c31")}; }},
      {"pw.add_alpha", [](X x) -> Outs { return {add(x("a"), x("b4"), 2.5)}; }},
      {"pw.add_scalar", [](X x) -> Outs { return {x("a") + 2}; }},
      {"pw.radd_scalar", [](X x) -> Outs { return {2 + x("a")}; }},
      {"pw.add_scalar_alpha", [](X x) -> Outs { return {add(x("a"), 3, -2)}; }},
      {"pw.sub", [](X x) -> Outs { return {x("a") - x("c31")}; }},
      {"pw.sub_alpha", [](X x) -> Outs { return {sub(x("a"), x("a2"), 0.5)}; }},
      {"pw.sub_scalar", [](X x) -> Outs { return {x("a") - 1.5}; }},
      {"pw.rsub_scalar", [](X x) -> Outs { return {1.5 - x("a")}; }},
      {"pw.rsub_fn", [](X x) -> Outs { return {rsub(x("a"), 3)}; }},
      {"pw.mul", [](X x) -> Outs { return {x("a") * x("e14")}; }},
      {"pw.mul_scalar", [](X x) -> Outs { return {x("a") * 3}; }},
      {"pw.rmul_scalar", [](X x) -> Outs { return {-0.5 * x("a")}; }},
      {"pw.div", [](X x) -> Outs { return {x("a") / x("pos")}; }},
      {"pw.div_bcast", [](X x) -> Outs { return {x("d") / x("b4")}; }},
      {"pw.div_scalar", [](X x) -> Outs { return {x("a") / 4}; }},
      {"pw.rdiv_scalar", [](X x) -> Outs { return {2 / x("pos")}; }},
      {"pw.addcmul", [](X x) -> Outs { return {addcmul(x("a"), x("c31"), x("b4"), 0.5)}; }},
      {"pw.addcdiv", [](X x) -> Outs { return {addcdiv(x("a"), x("a2"), x("pos"), -2)}; }},
      {"pw.lerp", [](X x) -> Outs { return {lerp(x("a"), x("a2"), 0.3)}; }},
      {"pw.pow_scalar", [](X x) -> Outs { return {pow(x("a"), 2)}; }},
      {"pw.pow_frac", [](X x) -> Outs { return {pow(x("pos"), 1.5)}; }},
      {"pw.pow_neg", [](X x) -> Outs { return {pow(x("pos"), -0.5)}; }},
      {"pw.pow_tensor", [](X x) -> Outs { return {pow(x("pos"), x("a"))}; }},
      {"pw.pow_tensor_bcast", [](X x) -> Outs { return {pow(x("pos"), x("b4"))}; }},
      {"pw.rpow_scalar", [](X x) -> Outs { return {pow(2, x("a"))}; }},
      {"pw.pow_int", [](X x) -> Outs { return {pow(x("i"), 2)}; }},
      {"pw.neg", [](X x) -> Outs { return {-x("a")}; }},
      {"pw.remainder", [](X x) -> Outs { return {remainder(x("a") * 3, 1.5)}; }},
      {"pw.remainder_neg", [](X x) -> Outs { return {remainder(x("a") * 3, -1.5)}; }},
      {"pw.fmod", [](X x) -> Outs { return {fmod(x("a") * 3, 1.5)}; }},
      {"pw.remainder_int", [](X x) -> Outs { return {remainder(x("i"), 4)}; }},
      {"pw.fmod_int", [](X x) -> Outs { return {fmod(x("i"), 4)}; }},
      {"pw.int_add", [](X x) -> Outs { return {x("i") + x("j4")}; }},
      {"pw.int_mul_scalar", [](X x) -> Outs { return {x("i") * 3}; }},
      {"pw.int_sub", [](X x) -> Outs { return {x("i") - x("j4")}; }},
      // unary extras
      {"un.sqrt_int", [](X x) -> Outs { return {sqrt(abs(x("i")))}; }},
      {"un.sigmoid_dd", [](X x) -> Outs { return {sigmoid(x("dd") * 10)}; }},
      {"un.sigmoid_large", [](X x) -> Outs { return {sigmoid(x("a") * 40)}; }},
      {"un.tanh_large", [](X x) -> Outs { return {tanh(x("a") * 40)}; }},
      {"un.expm1_small", [](X x) -> Outs { return {expm1(x("a") * 1e-6)}; }},
      {"un.log1p_small", [](X x) -> Outs { return {log1p(x("pos") * 1e-6)}; }},
      // comparisons and logical
      {"cmp.eq", [](X x) -> Outs { return {x("i") == x("j4")}; }},
      {"cmp.eq_scalar", [](X x) -> Outs { return {x("i") == 2}; }},
      {"cmp.ne", [](X x) -> Outs { return {x("i") != x("j4")}; }},
      {"cmp.ne_scalar", [](X x) -> Outs { return {x("i") != 0}; }},
      {"cmp.lt", [](X x) -> Outs { return {x("a") < x("a2")}; }},
      {"cmp.lt_scalar", [](X x) -> Outs { return {x("a") < 0.25}; }},
      {"cmp.le", [](X x) -> Outs { return {x("i") <= x("j4")}; }},
      {"cmp.le_scalar", [](X x) -> Outs { return {x("i") <= 1}; }},
      {"cmp.gt", [](X x) -> Outs { return {x("a") > x("c31")}; }},
      {"cmp.gt_scalar", [](X x) -> Outs { return {x("a") > -0.5}; }},
      {"cmp.ge", [](X x) -> Outs { return {x("d") >= x("b4")}; }},
      {"cmp.ge_scalar", [](X x) -> Outs { return {x("i") >= 2.5}; }},
      {"cmp.int_float", [](X x) -> Outs { return {x("i") < x("a")}; }},
      {"cmp.lt_fn", [](X x) -> Outs { return {lt(x("a"), x("b4"))}; }},
      {"cmp.not", [](X x) -> Outs { return {logical_not(x("m"))}; }},
      {"cmp.not_float", [](X x) -> Outs { return {logical_not(x("i").to(kFloat))}; }},
      {"cmp.and", [](X x) -> Outs { return {logical_and(x("m"), x("m2"))}; }},
      {"cmp.or", [](X x) -> Outs { return {logical_or(x("m"), x("m4"))}; }},
      {"cmp.xor", [](X x) -> Outs { return {logical_xor(x("m"), x("m2"))}; }},
      {"cmp.and_int", [](X x) -> Outs { return {logical_and(x("i"), x("j4"))}; }},
      {"cmp.bitand_bool", [](X x) -> Outs { return {x("m") & x("m2")}; }},
      {"cmp.bitor_bool", [](X x) -> Outs { return {x("m") | x("m2")}; }},
      {"cmp.invert_bool", [](X x) -> Outs { return {~x("m")}; }},
      {"cmp.isnan", [](X x) -> Outs { return {isnan(x("special"))}; }},
      {"cmp.isinf", [](X x) -> Outs { return {isinf(x("special"))}; }},
      {"cmp.isfinite", [](X x) -> Outs { return {isfinite(x("special"))}; }},
      {"cmp.isclose",
       [](X x) -> Outs {
         return {isclose(x("a"), x("a") + 1e-6 * arange(12, dtype(kLong)).reshape({3, 4}))};
       }},
      {"cmp.isclose_tol", [](X x) -> Outs { return {isclose(x("a"), x("a2"), 0.5, 0.3)}; }},
      {"cmp.isclose_nan",
       [](X x) -> Outs { return {isclose(x("special"), x("special"), 1e-5, 1e-8, true)}; }},
      {"cmp.isclose_nonan", [](X x) -> Outs { return {isclose(x("special"), x("special"))}; }},
      {"cmp.equal",
       [](X x) -> Outs {
         return {tensor({equal(x("a"), x("a").clone()), equal(x("a"), x("a2")),
                         equal(x("a"), x("a").slice(0, 0, 2))})};
       }},
      {"cmp.allclose",
       [](X x) -> Outs {
         return {tensor({allclose(x("a"), x("a") + 1e-9), allclose(x("a"), x("a") + 1e-3),
                         allclose(x("a"), x("a") + 1e-3, 1e-5, 1e-2)})};
       }},
      // where / masked_fill / clamp / maximum
      {"sel.where", [](X x) -> Outs { return {where(x("m"), x("a"), x("a2"))}; }},
      {"sel.where_bcast", [](X x) -> Outs { return {where(x("m4"), x("c31"), x("e14"))}; }},
      {"sel.where_scalar_b", [](X x) -> Outs { return {where(x("m"), x("a"), 0.0)}; }},
      {"sel.where_scalar_a", [](X x) -> Outs { return {where(x("m"), -1.0, x("a"))}; }},
      {"sel.where_mixed", [](X x) -> Outs { return {where(x("m"), x("a"), x("dd"))}; }},
      {"sel.masked_fill", [](X x) -> Outs { return {masked_fill(x("a"), x("m"), -7.0)}; }},
      {"sel.masked_fill_bcast", [](X x) -> Outs { return {x("d").masked_fill(x("m4"), 0.5)}; }},
      {"sel.masked_fill_grow", [](X x) -> Outs { return {x("b4").masked_fill(x("m"), 2.0)}; }},
      {"sel.clamp", [](X x) -> Outs { return {clamp(x("a"), -0.5, 0.5)}; }},
      {"sel.clamp_min", [](X x) -> Outs { return {clamp(x("a"), 0.1)}; }},
      {"sel.clamp_max", [](X x) -> Outs { return {clamp(x("a"), std::nullopt, 0.1)}; }},
      {"sel.clamp_min_fn", [](X x) -> Outs { return {clamp_min(x("a"), -0.2)}; }},
      {"sel.clamp_max_fn", [](X x) -> Outs { return {clamp_max(x("a"), 0.3)}; }},
      {"sel.clamp_int", [](X x) -> Outs { return {clamp(x("i"), -2, 3)}; }},
      {"sel.clamp_nan", [](X x) -> Outs { return {clamp(x("special"), -0.5, 0.5)}; }},
      {"sel.maximum", [](X x) -> Outs { return {maximum(x("a"), x("b4"))}; }},
      {"sel.minimum", [](X x) -> Outs { return {minimum(x("a"), x("c31"))}; }},
      {"sel.maximum_nan",
       [](X x) -> Outs { return {maximum(x("special"), zeros({6}, dtype(kFloat)))}; }},
      {"sel.max_binary", [](X x) -> Outs { return {max(x("a"), x("a2"))}; }},
      {"sel.min_binary", [](X x) -> Outs { return {min(x("a"), x("a2"))}; }},
      {"sel.maximum_int", [](X x) -> Outs { return {maximum(x("i"), x("j4"))}; }},
      // dtype promotion
      {"pr.int_mul_float_scalar", [](X x) -> Outs { return {x("i") * 2.5}; }},
      {"pr.int_add_float_scalar", [](X x) -> Outs { return {x("i") + 0.5}; }},
      {"pr.int_div_int", [](X x) -> Outs { return {x("i") / x("j4")}; }},
      {"pr.int_div_scalar", [](X x) -> Outs { return {x("i") / 2}; }},
      {"pr.scalar_div_int", [](X x) -> Outs { return {3 / x("j4")}; }},
      {"pr.int_add_float", [](X x) -> Outs { return {x("i") + x("a")}; }},
      {"pr.float_add_double", [](X x) -> Outs { return {x("a") + x("dd")}; }},
      {"pr.float_add_double_0d", [](X x) -> Outs { return {x("a") + x("dd0")}; }},
      {"pr.int_add_float_0d", [](X x) -> Outs { return {x("i") + x("s0")}; }},
      {"pr.int_add_int32", [](X x) -> Outs { return {x("j4") + x("i32")}; }},
      {"pr.int32_mul_scalar", [](X x) -> Outs { return {x("i32") * 3}; }},
      {"pr.int32_mul_float_scalar", [](X x) -> Outs { return {x("i32") * 1.5}; }},
      {"pr.uint8_add_int", [](X x) -> Outs { return {x("u8") + x("j4")}; }},
      {"pr.uint8_add_scalar", [](X x) -> Outs { return {x("u8") + 100}; }},
      {"pr.bool_add_bool", [](X x) -> Outs { return {x("m") + x("m2")}; }},
      {"pr.bool_mul_bool", [](X x) -> Outs { return {x("m") * x("m2")}; }},
      {"pr.bool_mul_int_scalar", [](X x) -> Outs { return {x("m") * 2}; }},
      {"pr.bool_add_float_scalar", [](X x) -> Outs { return {x("m") + 0.5}; }},
      {"pr.bool_add_int", [](X x) -> Outs { return {x("m") + x("i")}; }},
      {"pr.bool_mul_float", [](X x) -> Outs { return {x("m") * x("a")}; }},
      {"pr.bool_sum", [](X x) -> Outs { return {x("m").sum()}; }},
      {"pr.int_mean_float", [](X x) -> Outs { return {x("i").to(kFloat).mean()}; }},
      {"pr.where_int_float", [](X x) -> Outs { return {where(x("m"), x("i"), x("a"))}; }},
      {"pr.maximum_int_float", [](X x) -> Outs { return {maximum(x("i"), x("a"))}; }},
      {"pr.double_mm", [](X x) -> Outs { return {x("dd").t().matmul(x("dd"))}; }},
      {"pr.to_int", [](X x) -> Outs { return {(x("a") * 3).to(kLong)}; }},
      {"pr.to_bool", [](X x) -> Outs { return {x("i").to(kBool)}; }},
      {"pr.to_uint8", [](X x) -> Outs { return {x("j4").to(kByte)}; }},
      {"pr.pow_int_float", [](X x) -> Outs { return {pow(x("i"), 0.5)}; }},
  };
  for (GoldenCase& u : unary_cases()) c.push_back(std::move(u));
  return c;
}

}  // namespace

const std::vector<GoldenCase>& pointwise_cases() {
  static const std::vector<GoldenCase> c = make_pointwise_cases();
  return c;
}

INSTANTIATE_TEST_SUITE_P(Pointwise, GoldenTest, ::testing::ValuesIn(pointwise_cases()),
                         golden_case_name);

}  // namespace ember::testing
