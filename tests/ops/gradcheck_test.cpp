// Gradients of every differentiable op in ops.h against central finite differences in float64
// (autograd::gradcheck), and second derivatives (gradgradcheck) for a representative set. One row
// per op or case; inputs are drawn away from the op's non-differentiable points.
#include <limits>
#include <set>

#include "ops/ops_test_util.h"

namespace ember::testing {

using autograd::variable_list;
using V = const variable_list&;

namespace {

// Where the inputs of a case are drawn from.
enum class Domain {
  kAny,       // randn
  kPositive,  // (0.5, 2.5): log, sqrt, pow bases, divisors
  kUnit,      // (-0.8, 0.8): asin, acos
  kNonZero,   // randn pushed at least 0.3 away from 0: abs, sign, norm(1), prod, relu
  kOneZero,   // kNonZero with flat element 5 exactly 0: prod's zero-safe backward
  kZeros,     // kNonZero with flat elements 1, 5 and 6 exactly 0 (two in one slice along dim 1)
};

struct OpCase {
  std::string name;
  std::vector<std::vector<int64_t>> shapes;
  std::function<variable_list(V)> fn;
  Domain domain = Domain::kAny;
  bool gradgrad = false;  // also run gradgradcheck
};

void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }

// A case with one output.
OpCase one(std::string name, std::vector<std::vector<int64_t>> shapes, std::function<Tensor(V)> fn,
           Domain d = Domain::kAny, bool gradgrad = false) {
  return {std::move(name), std::move(shapes),
          [fn = std::move(fn)](V x) { return variable_list{fn(x)}; }, d, gradgrad};
}
// Same with gradgradcheck.
OpCase two(std::string name, std::vector<std::vector<int64_t>> shapes, std::function<Tensor(V)> fn,
           Domain d = Domain::kAny) {
  return one(std::move(name), std::move(shapes), std::move(fn), d, true);
}
// A case with several outputs.
OpCase many(std::string name, std::vector<std::vector<int64_t>> shapes,
            std::function<variable_list(V)> fn, Domain d = Domain::kAny) {
  return {std::move(name), std::move(shapes), std::move(fn), d, false};
}

constexpr Domain kPos = Domain::kPositive, kUnit = Domain::kUnit, kNZ = Domain::kNonZero,
                 kZ1 = Domain::kOneZero, kZs = Domain::kZeros;

std::vector<OpCase> pointwise_cases() {
  return {
      two("add", {{3, 4}, {3, 4}}, [](V x) { return x[0] + x[1]; }),
      one("add_bcast", {{3, 1}, {1, 4}}, [](V x) { return x[0] + x[1]; }),
      one("add_bcast_rank", {{2, 3, 4}, {4}}, [](V x) { return add(x[0], x[1], 2.5); }),
      one("add_scalar", {{3, 4}}, [](V x) { return 2 + x[0] + 1.5; }),
      one("sub_bcast", {{3, 4}, {3, 1}}, [](V x) { return sub(x[0], x[1], 0.5); }),
      one("sub_scalar", {{3, 4}}, [](V x) { return sub(x[0], 2, 3); }),
      one("rsub", {{3, 4}}, [](V x) { return rsub(x[0], 2) + (1 - x[0]); }),
      two("mul", {{3, 4}, {3, 4}}, [](V x) { return x[0] * x[1]; }),
      one("mul_bcast", {{2, 1, 4}, {3, 1}}, [](V x) { return x[0] * x[1]; }),
      one("mul_self", {{5}}, [](V x) { return x[0] * x[0]; }),
      one("mul_scalar", {{3, 4}}, [](V x) { return -3 * x[0] * 0.5; }),
      two("div", {{3, 4}, {3, 4}}, [](V x) { return x[0] / (x[1] * x[1] + 0.5); }),
      one("div_bcast", {{3, 4}, {4}}, [](V x) { return x[0] / (x[1] * x[1] + 0.5); }),
      one("div_scalar", {{3, 4}}, [](V x) { return x[0] / 4; }),
      one(
          "rdiv", {{3, 4}}, [](V x) { return rdiv(x[0], 2) + 3 / x[0]; }, kPos),
      two("addcmul", {{3, 4}, {3, 1}, {4}}, [](V x) { return addcmul(x[0], x[1], x[2], 0.5); }),
      one("addcdiv", {{3, 4}, {3, 4}, {4}},
          [](V x) { return addcdiv(x[0], x[1], x[2] * x[2] + 1, -2); }),
      one("lerp", {{3, 4}, {3, 4}}, [](V x) { return lerp(x[0], x[1], 0.3); }),
      two("pow_scalar", {{3, 4}}, [](V x) { return pow(x[0], 3); }),
      one(
          "pow_frac", {{3, 4}}, [](V x) { return pow(x[0], -1.5); }, kPos),
      two(
          "pow_tensor", {{3, 4}, {3, 4}}, [](V x) { return pow(x[0], x[1]); }, kPos),
      one(
          "pow_tensor_bcast", {{3, 4}, {4}}, [](V x) { return pow(x[0], x[1]); }, kPos),
      one("pow_scalar_base", {{3, 4}}, [](V x) { return pow(2.5, x[0]); }),
      one("neg", {{3, 4}}, [](V x) { return -neg(x[0]) * 2; }),
      two(
          "abs", {{3, 4}}, [](V x) { return abs(x[0]); }, kNZ),
      two("exp", {{3, 4}}, [](V x) { return exp(x[0]); }),
      one("exp2", {{3, 4}}, [](V x) { return exp2(x[0]); }),
      one("expm1", {{3, 4}}, [](V x) { return expm1(x[0]); }),
      two(
          "log", {{3, 4}}, [](V x) { return log(x[0]); }, kPos),
      one(
          "log1p", {{3, 4}}, [](V x) { return log1p(x[0]); }, kPos),
      one(
          "log2", {{3, 4}}, [](V x) { return log2(x[0]); }, kPos),
      one(
          "log10", {{3, 4}}, [](V x) { return log10(x[0]); }, kPos),
      two(
          "sqrt", {{3, 4}}, [](V x) { return sqrt(x[0]); }, kPos),
      one(
          "rsqrt", {{3, 4}}, [](V x) { return rsqrt(x[0]); }, kPos),
      one("square", {{3, 4}}, [](V x) { return square(x[0]); }),
      one(
          "reciprocal", {{3, 4}}, [](V x) { return reciprocal(x[0]); }, kPos),
      two("sin", {{3, 4}}, [](V x) { return sin(x[0]); }),
      one("cos", {{3, 4}}, [](V x) { return cos(x[0]); }),
      one(
          "tan", {{3, 4}}, [](V x) { return tan(x[0]); }, kUnit),
      one(
          "asin", {{3, 4}}, [](V x) { return asin(x[0]); }, kUnit),
      one(
          "acos", {{3, 4}}, [](V x) { return acos(x[0]); }, kUnit),
      one("atan", {{3, 4}}, [](V x) { return atan(x[0]); }),
      one("sinh", {{3, 4}}, [](V x) { return sinh(x[0]); }),
      one("cosh", {{3, 4}}, [](V x) { return cosh(x[0]); }),
      two("tanh", {{3, 4}}, [](V x) { return tanh(x[0]); }),
      two("sigmoid", {{3, 4}}, [](V x) { return sigmoid(x[0]); }),
      two(
          "relu", {{3, 4}}, [](V x) { return relu(x[0]); }, kNZ),
      one("erf", {{3, 4}}, [](V x) { return erf(x[0]); }),
      // Piecewise constant: gradient zero (inputs avoid the jumps).
      one(
          "sign", {{3, 4}}, [](V x) { return sign(x[0]) * x[0]; }, kNZ),
      one(
          "floor_ceil", {{3, 4}}, [](V x) { return floor(x[0]) + ceil(x[0]) + x[0]; }, kNZ),
      one(
          "round_trunc", {{3, 4}}, [](V x) { return round(x[0]) + trunc(x[0]) + x[0]; }, kNZ),
      one(
          "frac", {{3, 4}}, [](V x) { return frac(x[0] * 0.3); }, kNZ),
      two("clamp", {{3, 4}}, [](V x) { return clamp(x[0], -0.5, 0.5); }),
      one("clamp_min", {{3, 4}}, [](V x) { return clamp_min(x[0], 0.1); }),
      one("clamp_max", {{3, 4}}, [](V x) { return clamp(x[0], std::nullopt, -0.1); }),
      one("clamp_max_fn", {{3, 4}}, [](V x) { return clamp_max(x[0], 0.2); }),
      two(
          "logit", {{3, 4}}, [](V x) { return logit(x[0] * 0.4 + 0.5, 0.25); }, kUnit),
      two("maximum", {{3, 4}, {3, 4}}, [](V x) { return maximum(x[0], x[1]); }),
      one("maximum_bcast", {{3, 4}, {4}}, [](V x) { return maximum(x[0], x[1]); }),
      one("minimum_bcast", {{3, 1}, {3, 4}}, [](V x) { return minimum(x[0], x[1]); }),
      one("max_binary", {{3, 4}, {3, 4}}, [](V x) { return max(x[0], x[1]) + min(x[0], x[1]); }),
      one("remainder", {{3, 4}}, [](V x) { return remainder(x[0], 0.7); }),
      one("fmod", {{3, 4}}, [](V x) { return fmod(x[0], -0.7); }),
      two(
          "where", {{3, 4}, {3, 4}}, [](V x) { return where(x[0] > 0, x[0], x[1]); }, kNZ),
      one("where_bcast", {{3, 1}, {1, 4}},
          [](V x) {
            return where(tensor({true, false, false, true}), x[0], x[1]);
          }),
      one(
          "where_scalar", {{3, 4}},
          [](V x) { return where(x[0] > 0, x[0], 0.5) + where(x[0] < 0, 2.0, x[0] * 3); }, kNZ),
      one(
          "masked_fill", {{3, 4}}, [](V x) { return masked_fill(x[0], x[0] > 0.3, -1.0); }, kNZ),
      one("masked_fill_bcast", {{2, 3, 4}},
          [](V x) {
            return x[0].masked_fill(tensor({true, false, true, false}), 2.0);
          }),
  };
}

std::vector<OpCase> reduce_cases() {
  return {
      two("sum", {{3, 4}}, [](V x) { return x[0].sum(); }),
      two("sum_dim", {{2, 3, 4}},
          [](V x) {
            return sum(x[0], {0, 2});
          }),
      one("sum_keepdim", {{2, 3, 4}}, [](V x) { return x[0].sum({-1}, true) * x[0]; }),
      two("mean", {{3, 4}}, [](V x) { return x[0].mean(); }),
      one("mean_dim", {{2, 3, 4}}, [](V x) { return mean(x[0], {1}, true); }),
      two(
          "prod", {{3, 4}}, [](V x) { return x[0].prod(); }, kNZ),
      one(
          "prod_dim", {{2, 3, 4}}, [](V x) { return prod(x[0], 1, true); }, kNZ),
      two(
          "prod_zero", {{3, 4}}, [](V x) { return x[0].prod(); }, kZ1),
      two(
          "prod_zeros", {{3, 4}}, [](V x) { return x[0].prod(); }, kZs),
      two(
          "prod_dim_zero", {{2, 3, 4}}, [](V x) { return prod(x[0], 1, true); }, kZ1),
      two(
          "prod_dim_zeros", {{2, 3, 4}}, [](V x) { return prod(x[0], 1); }, kZs),
      two(
          "prod_dim_last_zeros", {{2, 3, 4}}, [](V x) { return x[0].prod(-1); }, kZs),
      one("max_all", {{3, 4}}, [](V x) { return x[0].max(); }),
      one("min_all", {{3, 4}}, [](V x) { return min(x[0]); }),
      one("max_dim", {{2, 3, 4}}, [](V x) { return std::get<0>(max(x[0], 1)); }),
      one("max_dim_keepdim", {{3, 4}}, [](V x) { return std::get<0>(x[0].max(0, true)); }),
      one("min_dim", {{2, 3, 4}}, [](V x) { return std::get<0>(min(x[0], -1)); }),
      one("amax", {{2, 3, 4}},
          [](V x) {
            return amax(x[0], {0, 2});
          }),
      one("amin", {{2, 3, 4}}, [](V x) { return x[0].amin({1}, true); }),
      two("norm", {{3, 4}}, [](V x) { return norm(x[0]); }),
      one(
          "norm_1", {{3, 4}}, [](V x) { return norm(x[0], 1); }, kNZ),
      one(
          "norm_3", {{3, 4}}, [](V x) { return norm(x[0], 3); }, kNZ),
      one("norm_inf", {{3, 4}},
          [](V x) { return norm(x[0], std::numeric_limits<double>::infinity()); }),
      one("norm_dim", {{2, 3, 4}}, [](V x) { return norm(x[0], 2, {1}, true); }),
      two("var", {{3, 4}}, [](V x) { return x[0].var(); }),
      one("var_biased_dim", {{2, 3, 4}},
          [](V x) {
            return var(x[0], {0, 2}, false, true);
          }),
      one("var_dim", {{2, 3, 4}}, [](V x) { return var(x[0], {2}, true); }),
      two("std", {{3, 4}}, [](V x) { return ember::std(x[0]); }),
      one("std_dim", {{2, 3, 4}}, [](V x) { return x[0].std({1}, false, true); }),
      two("std_biased", {{3, 4}}, [](V x) { return x[0].std(false); }),
      two("std_dims", {{2, 3, 4}},
          [](V x) {
            return ember::std(x[0], {0, 2});
          }),
      two("std_dim_biased_keepdim", {{2, 3, 4}}, [](V x) { return x[0].std({-1}, false, true); }),
      many("var_mean", {{2, 3, 4}},
           [](V x) {
             auto [v, m] = var_mean(x[0], {1});
             return variable_list{v, m};
           }),
      two("logsumexp", {{3, 4}}, [](V x) { return logsumexp(x[0], {1}); }),
      one("logsumexp_keepdim", {{2, 3, 4}},
          [](V x) {
            return x[0].logsumexp({0, 2}, true);
          }),
      two("cumsum", {{3, 4}}, [](V x) { return cumsum(x[0], 1); }),
      one("cumsum_0", {{2, 3, 4}}, [](V x) { return x[0].cumsum(0); }),
      two("softmax", {{3, 4}}, [](V x) { return softmax(x[0], 1); }),
      one("softmax_0", {{2, 3, 4}}, [](V x) { return x[0].softmax(0); }),
      two("log_softmax", {{3, 4}}, [](V x) { return log_softmax(x[0], -1); }),
      one("log_softmax_1", {{2, 3, 4}}, [](V x) { return x[0].log_softmax(1); }),
      one("sum_to", {{2, 3, 4}},
          [](V x) {
            return sum_to(x[0], {3, 1});
          }),
  };
}

std::vector<OpCase> linalg_cases() {
  return {
      two("mm", {{2, 3}, {3, 4}}, [](V x) { return mm(x[0], x[1]); }),
      one("mm_t", {{3, 2}, {3, 4}}, [](V x) { return x[0].t().mm(x[1]); }),
      two("bmm", {{2, 3, 4}, {2, 4, 2}}, [](V x) { return bmm(x[0], x[1]); }),
      one("matmul_11", {{4}, {4}}, [](V x) { return matmul(x[0], x[1]); }),
      one("matmul_21", {{3, 4}, {4}}, [](V x) { return matmul(x[0], x[1]); }),
      one("matmul_12", {{3}, {3, 4}}, [](V x) { return matmul(x[0], x[1]); }),
      one("matmul_22", {{2, 3}, {3, 4}}, [](V x) { return matmul(x[0], x[1]); }),
      two("matmul_33", {{2, 3, 4}, {2, 4, 2}}, [](V x) { return matmul(x[0], x[1]); }),
      one("matmul_32", {{2, 3, 4}, {4, 2}}, [](V x) { return matmul(x[0], x[1]); }),
      one("matmul_23", {{2, 3}, {2, 3, 4}}, [](V x) { return matmul(x[0], x[1]); }),
      one("matmul_13", {{3}, {2, 3, 4}}, [](V x) { return matmul(x[0], x[1]); }),
      one("matmul_31", {{2, 3, 4}, {4}}, [](V x) { return matmul(x[0], x[1]); }),
      one("matmul_bcast", {{2, 1, 2, 3}, {3, 3, 2}}, [](V x) { return matmul(x[0], x[1]); }),
      one("mv", {{3, 4}, {4}}, [](V x) { return mv(x[0], x[1]); }),
      one("dot", {{5}, {5}}, [](V x) { return dot(x[0], x[1]); }),
      one("outer", {{3}, {4}}, [](V x) { return outer(x[0], x[1]); }),
      two("addmm", {{4}, {2, 3}, {3, 4}}, [](V x) { return addmm(x[0], x[1], x[2], 0.5, -2); }),
      one("t", {{2, 3}}, [](V x) { return t(x[0]) * 2; }),
      one("einsum_ij_jk", {{2, 3}, {3, 4}}, [](V x) { return einsum_ij_jk(x[0], x[1]); }),
  };
}

std::vector<OpCase> shape_cases() {
  return {
      one("view", {{3, 4}},
          [](V x) {
            return view(x[0], {2, 6}) * 2;
          }),
      one("reshape_t", {{3, 4}}, [](V x) { return x[0].t().reshape({-1}) * 2; }),
      one("flatten", {{2, 3, 4}}, [](V x) { return flatten(x[0], 1) * 2; }),
      one("unflatten", {{3, 4}},
          [](V x) {
            return x[0].unflatten(1, {2, 2}) * 2;
          }),
      one("squeeze", {{3, 1, 4}}, [](V x) { return squeeze(x[0]) * 2 + x[0].squeeze(1); }),
      one("unsqueeze", {{3, 4}}, [](V x) { return unsqueeze(x[0], 1) * 2; }),
      two("permute", {{2, 3, 4}},
          [](V x) {
            return permute(x[0], {2, 0, 1}) * x[0].sum();
          }),
      one("transpose", {{2, 3, 4}}, [](V x) { return transpose(x[0], 0, -1) * 2; }),
      two("expand", {{3, 1}},
          [](V x) {
            return x[0].expand({2, 3, 4}) * x[0];
          }),
      one("broadcast_to", {{1, 4}},
          [](V x) {
            return broadcast_to(x[0], {3, 4}) * 2;
          }),
      many("broadcast_tensors", {{3, 1}, {4}},
           [](V x) {
             auto r = broadcast_tensors({x[0], x[1]});
             return variable_list{r[0] * 2, r[1] * 3};
           }),
      one("repeat", {{2, 3}},
          [](V x) {
            return repeat(x[0], {2, 1, 2}) * 2;
          }),
      one("as_strided", {{3, 4}},
          [](V x) {
            return as_strided(x[0], {2, 2}, {1, 4}, 1) * 2;
          }),
      one("contiguous_clone", {{3, 4}},
          [](V x) { return contiguous(x[0].t()) * 2 + clone(x[0]).t(); }),
      two("cat", {{2, 3}, {1, 3}, {3, 3}},
          [](V x) {
            return cat({x[0], x[1], x[2]}) * 2;
          }),
      one("cat_dim", {{2, 3}, {2, 1}},
          [](V x) {
            return concat({x[0], x[1]}, -1) * 2;
          }),
      one("stack", {{2, 3}, {2, 3}},
          [](V x) {
            return stack({x[0], x[1]}, 1) * 2;
          }),
      one("hstack_vstack", {{2, 3}, {2, 3}},
          [](V x) {
            return hstack({x[0], x[1]}).sum() * vstack({x[0], x[1]});
          }),
      many("split", {{5, 3}},
           [](V x) {
             auto p = split(x[0], 2);
             return variable_list{p[0] * 2, p[1] * 3, p[2] * 4};
           }),
      many("split_sizes", {{2, 5}},
           [](V x) {
             auto p = x[0].split(IntArrayRef({1, 4}), 1);
             return variable_list{p[0] * 2, p[1]};
           }),
      many("chunk", {{3, 4}},
           [](V x) {
             auto p = chunk(x[0], 2, 1);
             return variable_list{p[0] * 2, p[1]};
           }),
      many("unbind", {{3, 2}},
           [](V x) {
             auto p = unbind(x[0], 0);
             return variable_list{p[0] * 2, p[1], p[2] * 3};
           }),
      one("narrow", {{3, 4}}, [](V x) { return narrow(x[0], 1, 1, 2) * 2; }),
      one("slice_step", {{5, 4}}, [](V x) { return slice(x[0], 0, 1, std::nullopt, 2) * 2; }),
      one("select", {{2, 3, 4}}, [](V x) { return select(x[0], 1, -1) * 2; }),
      one("flip", {{2, 3, 4}},
          [](V x) {
            return flip(x[0], {0, 2}) * 2;
          }),
  };
}

std::vector<OpCase> index_cases() {
  return {
      two("index_select", {{4, 3}},
          [](V x) {
            return index_select(x[0], 0, tensor({3, 0, 3})) * x[0].sum();
          }),
      one("index_select_1", {{2, 3, 4}},
          [](V x) {
            return x[0].index_select(2, tensor({1, 1, 0})) * 2;
          }),
      two("gather", {{3, 4}},
          [](V x) {
            return gather(x[0], 1, tensor({{0, 0}, {3, 1}, {2, 2}})) * x[0].sum();
          }),
      one("scatter", {{3, 4}, {2, 4}},
          [](V x) {
            return scatter(x[0], 0, tensor({{0, 1, 2, 0}, {2, 0, 1, 1}}), x[1]);
          }),
      one("scatter_value", {{3, 4}},
          [](V x) {
            return x[0].scatter(1, tensor({{0}, {2}, {3}}), 2.5) * 2;
          }),
      one("scatter_add", {{3, 4}, {2, 4}},
          [](V x) {
            return scatter_add(x[0], 0, tensor({{0, 1, 2, 0}, {0, 0, 1, 1}}), x[1]);
          }),
      one("index_add", {{3, 4}, {3, 4}},
          [](V x) {
            return index_add(x[0], 0, tensor({2, 0, 2}), x[1]);
          }),
      one("masked_select", {{3, 4}},
          [](V x) {
            return masked_select(x[0], tensor({true, false, true, true})) * 2;
          }),
      one("diag_mat", {{3, 4}}, [](V x) { return diag(x[0], 1) * 2; }),
      one("diag_vec", {{3}}, [](V x) { return diag(x[0], -1) * 2; }),
      one("tril", {{3, 4}}, [](V x) { return tril(x[0]) * 2; }),
      one("triu", {{2, 3, 4}}, [](V x) { return triu(x[0], 1) * 2; }),
      one("sort", {{3, 4}}, [](V x) { return std::get<0>(sort(x[0], 1, true)) * 2; }),
      one("topk", {{3, 4}}, [](V x) { return std::get<0>(topk(x[0], 2, 0)) * 2; }),
      one("getitem_int", {{3, 4}}, [](V x) { return x[0][1] * 2; }),
      one("getitem_tensor", {{3, 4}},
          [](V x) {
            return x[0][tensor({2, 0, 2})] * 2;
          }),
      one("index_slice", {{3, 4}},
          [](V x) {
            return x[0].index({Slice(), 0}) * 2;
          }),
      one("index_slices", {{3, 4}},
          [](V x) {
            return x[0].index({Slice(1, indexing::None), Slice(0, 4, 2)}) * 2;
          }),
      one("index_mask", {{3, 4}}, [](V x) { return x[0].index({x[0].detach() > 0}) * 2; }),
      one("index_two_tensors", {{3, 4}},
          [](V x) {
            return x[0].index({tensor({0, 2, 0}), tensor({1, 3, 1})}) * 2;
          }),
      two("index_put", {{3, 4}, {4}},
          [](V x) {
            Tensor y = x[0].clone();
            y.index_put_({tensor({0, 2})}, x[1] * x[1]);
            return y * x[0];
          }),
      one("index_put_two_tensors", {{3, 4}, {2}},
          [](V x) {
            Tensor y = x[0] * 1;
            y.index_put_({tensor({0, 2}), tensor({3, 1})}, x[1]);
            return y;
          }),
      one("index_put_mask", {{3, 4}, {1}},
          [](V x) {
            Tensor y = x[0] * 1;
            y.index_put_({x[0].detach() > 0}, x[1]);
            return y;
          }),
      one("index_put_slice", {{3, 4}, {3}},
          [](V x) {
            Tensor y = x[0] * 1;
            y.index_put_({Slice(), 1}, x[1]);
            return y;
          }),
  };
}

// In-place ops under autograd: recorded on a non-leaf copy, often through a view.
std::vector<OpCase> inplace_cases() {
  return {
      two("add_", {{3, 4}, {4}},
          [](V x) {
            Tensor y = x[0] * 1;
            y.add_(x[1] * x[1], 2);
            return y;
          }),
      one("sub_mul_div_", {{3, 4}, {3, 1}},
          [](V x) {
            Tensor y = x[0] * 1;
            y.sub_(x[1]).mul_(x[0]).div_(x[1] * x[1] + 1);
            return y;
          }),
      one("ops_assign", {{3, 4}, {4}},
          [](V x) {
            Tensor y = x[0].clone();
            y += x[1];
            y *= x[0];
            y -= 2;
            y /= 3;
            return y;
          }),
      one("mul_view", {{3, 4}, {4}},
          [](V x) {
            Tensor y = x[0].clone();
            y[1].mul_(x[1]);
            return y;
          }),
      one("clamp_view", {{3, 4}},
          [](V x) {
            Tensor y = x[0].clone();
            y.t().narrow(0, 1, 2).clamp_(-0.5, 0.5);
            return y;
          }),
      one("copy_view", {{3, 4}, {4}},
          [](V x) {
            Tensor y = x[0].clone();
            y.select(0, 2).copy_(x[1] * 3);
            return y * x[0];
          }),
      one("fill_zero_view", {{3, 4}},
          [](V x) {
            Tensor y = x[0].clone();
            y[0].zero_();
            y.select(1, 3).fill_(2.0);
            return y * x[0];
          }),
      one("unary_", {{3, 4}},
          [](V x) {
            Tensor y = x[0] * 1;
            y.exp_().sqrt_().log_().tanh_().sigmoid_();
            return y;
          }),
      one("masked_fill_", {{3, 4}},
          [](V x) {
            Tensor y = x[0].clone();
            y.masked_fill_(x[0].detach() > 0.5, 0.0);
            return y;
          }),
      one("scatter_add_", {{3, 4}, {2, 4}},
          [](V x) {
            Tensor y = x[0].clone();
            y.scatter_add_(0, tensor({{0, 1, 2, 0}, {0, 0, 1, 1}}), x[1]);
            return y;
          }),
      one("addcmul_lerp_pow_", {{3, 4}, {3, 4}},
          [](V x) {
            Tensor y = x[0].clone();
            y.addcmul_(x[1], x[0], 0.5).lerp_(x[1], 0.25).pow_(2);
            return y;
          }),
  };
}

std::vector<OpCase> all_cases() {
  std::vector<OpCase> c;
  for (auto* family :
       {pointwise_cases, reduce_cases, linalg_cases, shape_cases, index_cases, inplace_cases})
    for (OpCase& o : family()) c.push_back(std::move(o));
  return c;
}

// float64 inputs requiring grad, seeded per case so each row is reproducible on its own.
variable_list make_inputs(const OpCase& c) {
  manual_seed(std::hash<std::string>{}(c.name) % 100000);
  variable_list out;
  for (const auto& s : c.shapes) {
    Tensor t;
    switch (c.domain) {
      case Domain::kAny:
        t = randn(s, dtype(kDouble));
        break;
      case Domain::kPositive:
        t = rand(s, dtype(kDouble)) * 2 + 0.5;
        break;
      case Domain::kUnit:
        t = rand(s, dtype(kDouble)) * 1.6 - 0.8;
        break;
      case Domain::kNonZero:
      case Domain::kOneZero:
      case Domain::kZeros: {
        Tensor r = randn(s, dtype(kDouble));
        t = r + sign(r) * 0.3;
        if (c.domain != Domain::kNonZero) t.view({-1})[5].fill_(0);
        if (c.domain == Domain::kZeros) t.view({-1})[1].fill_(0), t.view({-1})[6].fill_(0);
        break;
      }
    }
    out.push_back(t.contiguous().detach().requires_grad_(true));
  }
  return out;
}

std::vector<OpCase> gradgrad_cases() {
  std::vector<OpCase> c;
  for (OpCase& o : all_cases())
    if (o.gradgrad) c.push_back(std::move(o));
  return c;
}

class GradcheckTest : public ::testing::TestWithParam<OpCase> {};
class GradgradcheckTest : public ::testing::TestWithParam<OpCase> {};

TEST_P(GradcheckTest, MatchesFiniteDifferences) {
  const OpCase& c = GetParam();
  variable_list in = make_inputs(c);
  try {
    EXPECT_TRUE(autograd::gradcheck(c.fn, in));
  } catch (const Error& e) {
    ADD_FAILURE() << e.what();
  }
}

TEST_P(GradgradcheckTest, SecondDerivativesMatchFiniteDifferences) {
  const OpCase& c = GetParam();
  variable_list in = make_inputs(c);
  auto fn = [&](V x) { return c.fn(x)[0]; };
  try {
    EXPECT_TRUE(autograd::gradgradcheck(fn, in));
  } catch (const Error& e) {
    ADD_FAILURE() << e.what();
  }
}

std::string case_name(const ::testing::TestParamInfo<OpCase>& i) { return i.param.name; }
INSTANTIATE_TEST_SUITE_P(Ops, GradcheckTest, ::testing::ValuesIn(all_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(Ops, GradgradcheckTest, ::testing::ValuesIn(gradgrad_cases()), case_name);

TEST(GradcheckTable, CasesHaveUniqueNames) {
  std::set<std::string> names;
  int gradgrad = 0;
  for (const OpCase& c : all_cases()) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    gradgrad += c.gradgrad;
  }
  EXPECT_GE(names.size(), 150u);
  EXPECT_GE(gradgrad, 30);
}

}  // namespace
}  // namespace ember::testing
