#!/usr/bin/python3
"""Writes ops.json: PyTorch 1.13 results of the public tensor ops on fixed inputs, and cases.inc:
the ember side of the TABLE cases below. Each case name is "<family>.<what>". A TABLE row holds
both expressions, so it is the whole golden case of an op (values_table_test.cpp compiles
cases.inc); the cases in cases() have their C++ twins in tests/ops/values_*_test.cpp.
Run: /usr/bin/python3 gen_ops.py"""
import json, math, os
import torch

torch.manual_seed(0)
f32, f64, i64, i32 = torch.float32, torch.float64, torch.int64, torch.int32

# ---- inputs (stored in the fixture, so the C++ side reads the same values) --------------------
I = {
    "a": torch.randn(3, 4),
    "a2": torch.randn(3, 4),
    "b4": torch.randn(4),
    "c31": torch.randn(3, 1),
    "d": torch.randn(2, 3, 4),
    "e14": torch.randn(1, 4),
    "s0": torch.tensor(1.75),  # 0-dim float32
    "pos": torch.rand(3, 4) * 2.9 + 0.1,
    "unit": torch.rand(3, 4) * 1.8 - 0.9,
    "i": torch.randint(-6, 7, (3, 4)),
    "j4": torch.tensor([3, -2, 5, 7]),
    "i32": torch.tensor([1, -2, 3, 4], dtype=i32),
    "u8": torch.tensor([0, 1, 200, 255], dtype=torch.uint8),
    "m": torch.rand(3, 4) > 0.5,
    "m2": torch.rand(3, 4) > 0.5,
    "m4": torch.tensor([True, False, True, True]),
    "dd": torch.randn(3, 4, dtype=f64),
    "dd0": torch.tensor(0.5, dtype=f64),  # 0-dim float64
    "halves": torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 3.7, -3.7]),
    "special": torch.tensor([0.0, 1.0, -1.0, math.inf, -math.inf, math.nan]),
    "m23": torch.randn(2, 3),
    "m34": torch.randn(3, 4),
    "m45": torch.randn(4, 5),
    "b234": torch.randn(2, 3, 4),
    "b245": torch.randn(2, 4, 5),
    "b2134": torch.randn(2, 1, 3, 4),
    "b542": torch.randn(5, 4, 2),
    "v3": torch.randn(3),
    "v4": torch.randn(4),
    "ab5": torch.randn(5),
    "r25": torch.randn(2, 5),
    "idx": torch.tensor([2, 0, 2]),
    "idx_neg": torch.tensor([-1, 0]),
    "g_idx": torch.tensor([[0, 3, 1], [2, 2, 0], [1, 0, 3]]),  # (3, 3) indices < 4
    "s_idx": torch.tensor([[0, 1, 2, 0], [2, 0, 1, 1]]),  # (2, 4) indices < 3
    "src24": torch.randn(2, 4),
    "src34": torch.randn(3, 4),
    "labels": torch.tensor([0, 3, 1, 1, 2]),
    "sq": torch.randn(4, 4),
    "nanv": torch.tensor([1.0, math.nan, 3.0, -math.inf, 2.0]),
    "zv": torch.tensor([0.0, -0.0, 1.0, -1.0, 2.0, -8.0]),
    "ninf": torch.tensor([[-math.inf, -math.inf, -math.inf], [-math.inf, 0.0, 1.0]]),
    # gradients at the edges (TABLE "grad.*"): constant input for std, zeros for prod
    "cst34": torch.full((3, 4), 1.25),
    "rowc": torch.tensor([[1.5, 1.5, 1.5, 1.5], [1.0, 2.0, 3.0, 4.0], [-2.0, -2.0, -2.0, -2.0]]),
    "z1": torch.tensor([[0.5, -1.25, 2.0, 0.75], [1.5, 0.25, 0.0, -2.0], [-0.5, 1.75, -1.0, 1.25]]),
    "z3": torch.tensor([[0.5, 0.0, 2.0, 0.75], [0.0, 0.25, 0.0, -2.0], [-0.5, 1.75, -1.0, 1.25]]),
    "zd": torch.tensor([[[0.5, 0.0, 2.0, 0.75], [0.0, 0.25, 0.0, -2.0], [-0.5, 1.75, 0.0, 1.25]],
                        [[0.5, -1.25, 2.0, 0.75], [1.5, 0.25, 0.0, -2.0], [-0.5, 1.75, -1.0, 1.25]]]),
}


def big(n0, n1, mult=7919, mod=1013):
    """A large float32 tensor exact in float32 on both sides: ((i * mult) % mod) / 64 - 8."""
    return (((torch.arange(n0 * n1) * mult) % mod).float() / 64 - 8).reshape(n0, n1)


def chk(t):
    """Every 61st element (float32, compared elementwise) and the float64 total of a big result."""
    return (t.reshape(-1)[::61], t.double().sum())
S = {k: v for k, v in I.items()}
a, d = I["a"], I["d"]


def cases():
    x = S
    c = {}
    # pointwise arithmetic, broadcasting, scalars on both sides
    c["pw.add"] = lambda: x["a"] + x["a2"]
    c["pw.add_row"] = lambda: x["a"] + x["b4"]
    c["pw.add_col"] = lambda: x["a"] + x["c31"]
    c["pw.add_outer"] = lambda: x["c31"] + x["e14"]
    c["pw.add_3d"] = lambda: x["d"] + x["c31"]
    c["pw.add_alpha"] = lambda: torch.add(x["a"], x["b4"], alpha=2.5)
    c["pw.add_scalar"] = lambda: x["a"] + 2
    c["pw.radd_scalar"] = lambda: 2 + x["a"]
    c["pw.add_scalar_alpha"] = lambda: torch.add(x["a"], 3, alpha=-2)
    c["pw.sub"] = lambda: x["a"] - x["c31"]
    c["pw.sub_alpha"] = lambda: torch.sub(x["a"], x["a2"], alpha=0.5)
    c["pw.sub_scalar"] = lambda: x["a"] - 1.5
    c["pw.rsub_scalar"] = lambda: 1.5 - x["a"]
    c["pw.rsub_fn"] = lambda: torch.rsub(x["a"], 3)
    c["pw.mul"] = lambda: x["a"] * x["e14"]
    c["pw.mul_scalar"] = lambda: x["a"] * 3
    c["pw.rmul_scalar"] = lambda: -0.5 * x["a"]
    c["pw.div"] = lambda: x["a"] / x["pos"]
    c["pw.div_bcast"] = lambda: x["d"] / x["b4"]
    c["pw.div_scalar"] = lambda: x["a"] / 4
    c["pw.rdiv_scalar"] = lambda: 2 / x["pos"]
    c["pw.addcmul"] = lambda: torch.addcmul(x["a"], x["c31"], x["b4"], value=0.5)
    c["pw.addcdiv"] = lambda: torch.addcdiv(x["a"], x["a2"], x["pos"], value=-2)
    c["pw.lerp"] = lambda: torch.lerp(x["a"], x["a2"], 0.3)
    c["pw.pow_scalar"] = lambda: x["a"] ** 2
    c["pw.pow_frac"] = lambda: x["pos"] ** 1.5
    c["pw.pow_neg"] = lambda: x["pos"] ** -0.5
    c["pw.pow_tensor"] = lambda: x["pos"] ** x["a"]
    c["pw.pow_tensor_bcast"] = lambda: x["pos"] ** x["b4"]
    c["pw.rpow_scalar"] = lambda: torch.pow(2, x["a"])
    c["pw.pow_int"] = lambda: x["i"] ** 2
    c["pw.neg"] = lambda: -x["a"]
    c["pw.remainder"] = lambda: torch.remainder(x["a"] * 3, 1.5)
    c["pw.remainder_neg"] = lambda: torch.remainder(x["a"] * 3, -1.5)
    c["pw.fmod"] = lambda: torch.fmod(x["a"] * 3, 1.5)
    c["pw.remainder_int"] = lambda: torch.remainder(x["i"], 4)
    c["pw.fmod_int"] = lambda: torch.fmod(x["i"], 4)
    c["pw.int_add"] = lambda: x["i"] + x["j4"]
    c["pw.int_mul_scalar"] = lambda: x["i"] * 3
    c["pw.int_sub"] = lambda: x["i"] - x["j4"]
    # unary math
    for n in ["abs", "exp", "exp2", "expm1", "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh",
              "sigmoid", "relu", "erf", "sign", "floor", "ceil", "round", "trunc", "frac",
              "square", "neg"]:
        c["un." + n] = (lambda n: lambda: getattr(torch, n)(x["a"]))(n)
    for n in ["log", "log1p", "log2", "log10", "sqrt", "rsqrt", "reciprocal"]:
        c["un." + n] = (lambda n: lambda: getattr(torch, n)(x["pos"]))(n)
    for n in ["asin", "acos"]:
        c["un." + n] = (lambda n: lambda: getattr(torch, n)(x["unit"]))(n)
    for n in ["round", "floor", "ceil", "trunc", "frac", "sign", "abs"]:
        c["un.halves_" + n] = (lambda n: lambda: getattr(torch, n)(x["halves"]))(n)
    c["un.special_sign"] = lambda: torch.sign(x["special"])
    c["un.special_exp"] = lambda: torch.exp(x["special"])
    c["un.special_sigmoid"] = lambda: torch.sigmoid(x["special"])
    c["un.special_tanh"] = lambda: torch.tanh(x["special"])
    c["un.special_relu"] = lambda: torch.relu(x["special"])
    c["un.log_special"] = lambda: torch.log(x["special"])
    c["un.sqrt_special"] = lambda: torch.sqrt(x["special"])
    c["un.abs_int"] = lambda: torch.abs(x["i"])
    c["un.neg_int"] = lambda: -x["i"]
    c["un.sign_int"] = lambda: torch.sign(x["i"])
    c["un.square_int"] = lambda: torch.square(x["i"])
    c["un.relu_int"] = lambda: torch.relu(x["i"])
    c["un.exp_int"] = lambda: torch.exp(x["j4"])  # int -> float32
    c["un.sqrt_int"] = lambda: torch.sqrt(x["i"].abs())
    c["un.sin_dd"] = lambda: torch.sin(x["dd"])
    c["un.sigmoid_dd"] = lambda: torch.sigmoid(x["dd"] * 10)
    c["un.sigmoid_large"] = lambda: torch.sigmoid(x["a"] * 40)
    c["un.tanh_large"] = lambda: torch.tanh(x["a"] * 40)
    c["un.expm1_small"] = lambda: torch.expm1(x["a"] * 1e-6)
    c["un.log1p_small"] = lambda: torch.log1p(x["pos"] * 1e-6)
    # comparisons and logical
    c["cmp.eq"] = lambda: x["i"] == x["j4"]
    c["cmp.eq_scalar"] = lambda: x["i"] == 2
    c["cmp.ne"] = lambda: x["i"] != x["j4"]
    c["cmp.ne_scalar"] = lambda: x["i"] != 0
    c["cmp.lt"] = lambda: x["a"] < x["a2"]
    c["cmp.lt_scalar"] = lambda: x["a"] < 0.25
    c["cmp.le"] = lambda: x["i"] <= x["j4"]
    c["cmp.le_scalar"] = lambda: x["i"] <= 1
    c["cmp.gt"] = lambda: x["a"] > x["c31"]
    c["cmp.gt_scalar"] = lambda: x["a"] > -0.5
    c["cmp.ge"] = lambda: x["d"] >= x["b4"]
    c["cmp.ge_scalar"] = lambda: x["i"] >= 2.5
    c["cmp.int_float"] = lambda: x["i"] < x["a"]
    c["cmp.lt_fn"] = lambda: torch.lt(x["a"], x["b4"])
    c["cmp.not"] = lambda: torch.logical_not(x["m"])
    c["cmp.not_float"] = lambda: torch.logical_not(x["i"].float())
    c["cmp.and"] = lambda: torch.logical_and(x["m"], x["m2"])
    c["cmp.or"] = lambda: torch.logical_or(x["m"], x["m4"])
    c["cmp.xor"] = lambda: torch.logical_xor(x["m"], x["m2"])
    c["cmp.and_int"] = lambda: torch.logical_and(x["i"], x["j4"])
    c["cmp.bitand_bool"] = lambda: x["m"] & x["m2"]
    c["cmp.bitor_bool"] = lambda: x["m"] | x["m2"]
    c["cmp.invert_bool"] = lambda: ~x["m"]
    c["cmp.isnan"] = lambda: torch.isnan(x["special"])
    c["cmp.isinf"] = lambda: torch.isinf(x["special"])
    c["cmp.isfinite"] = lambda: torch.isfinite(x["special"])
    c["cmp.isclose"] = lambda: torch.isclose(x["a"], x["a"] + 1e-6 * torch.arange(12).reshape(3, 4))
    c["cmp.isclose_tol"] = lambda: torch.isclose(x["a"], x["a2"], rtol=0.5, atol=0.3)
    c["cmp.isclose_nan"] = lambda: torch.isclose(x["special"], x["special"], equal_nan=True)
    c["cmp.isclose_nonan"] = lambda: torch.isclose(x["special"], x["special"])
    c["cmp.equal"] = lambda: torch.tensor([torch.equal(x["a"], x["a"].clone()),
                                           torch.equal(x["a"], x["a2"]),
                                           torch.equal(x["a"], x["a"][:2])])
    c["cmp.allclose"] = lambda: torch.tensor([torch.allclose(x["a"], x["a"] + 1e-9),
                                              torch.allclose(x["a"], x["a"] + 1e-3),
                                              torch.allclose(x["a"], x["a"] + 1e-3, atol=1e-2)])
    # where / masked_fill / clamp / maximum
    c["sel.where"] = lambda: torch.where(x["m"], x["a"], x["a2"])
    c["sel.where_bcast"] = lambda: torch.where(x["m4"], x["c31"], x["e14"])
    c["sel.where_scalar_b"] = lambda: torch.where(x["m"], x["a"], 0.0)
    c["sel.where_scalar_a"] = lambda: torch.where(x["m"], -1.0, x["a"])
    c["sel.where_mixed"] = lambda: torch.where(x["m"], x["a"], x["dd"])
    c["sel.masked_fill"] = lambda: x["a"].masked_fill(x["m"], -7.0)
    c["sel.masked_fill_bcast"] = lambda: x["d"].masked_fill(x["m4"], 0.5)
    c["sel.masked_fill_grow"] = lambda: x["b4"].masked_fill(x["m"], 2.0)  # (4,) -> (3, 4)
    c["sel.clamp"] = lambda: torch.clamp(x["a"], -0.5, 0.5)
    c["sel.clamp_min"] = lambda: torch.clamp(x["a"], min=0.1)
    c["sel.clamp_max"] = lambda: torch.clamp(x["a"], max=0.1)
    c["sel.clamp_min_fn"] = lambda: torch.clamp_min(x["a"], -0.2)
    c["sel.clamp_max_fn"] = lambda: torch.clamp_max(x["a"], 0.3)
    c["sel.clamp_int"] = lambda: torch.clamp(x["i"], -2, 3)
    c["sel.clamp_nan"] = lambda: torch.clamp(x["special"], -0.5, 0.5)
    c["sel.maximum"] = lambda: torch.maximum(x["a"], x["b4"])
    c["sel.minimum"] = lambda: torch.minimum(x["a"], x["c31"])
    c["sel.maximum_nan"] = lambda: torch.maximum(x["special"], torch.zeros(6))
    c["sel.max_binary"] = lambda: torch.max(x["a"], x["a2"])
    c["sel.min_binary"] = lambda: torch.min(x["a"], x["a2"])
    c["sel.maximum_int"] = lambda: torch.maximum(x["i"], x["j4"])
    # reductions
    c["red.sum"] = lambda: x["a"].sum()
    c["red.sum_0"] = lambda: x["a"].sum(0)
    c["red.sum_1k"] = lambda: x["a"].sum(1, keepdim=True)
    c["red.sum_02"] = lambda: x["d"].sum((0, 2))
    c["red.sum_neg"] = lambda: x["d"].sum(-1)
    c["red.sum_int"] = lambda: x["i"].sum()
    c["red.sum_int_dim"] = lambda: x["i"].sum(1)
    c["red.sum_bool"] = lambda: x["m"].sum(0)
    c["red.sum_dtype"] = lambda: x["a"].sum(dtype=f64)
    c["red.sum_dim_dtype"] = lambda: x["i"].sum(0, dtype=f32)
    c["red.sum_large"] = lambda: (torch.arange(100000, dtype=f32) * 0.001).sum()
    c["red.mean"] = lambda: x["a"].mean()
    c["red.mean_1"] = lambda: x["d"].mean(1)
    c["red.mean_01k"] = lambda: x["d"].mean((0, 1), keepdim=True)
    c["red.mean_dtype"] = lambda: x["i"].mean(dtype=f64)
    c["red.prod"] = lambda: x["a"].prod()
    c["red.prod_1"] = lambda: x["a"].prod(1)
    c["red.prod_0k"] = lambda: x["d"].prod(0, keepdim=True)
    c["red.prod_int"] = lambda: x["j4"].prod()
    c["red.max"] = lambda: x["a"].max()
    c["red.max_dim"] = lambda: tuple(torch.max(x["a"], 1))
    c["red.max_dimk"] = lambda: tuple(torch.max(x["d"], 0, keepdim=True))
    c["red.min"] = lambda: x["a"].min()
    c["red.min_dim"] = lambda: tuple(torch.min(x["d"], -1))
    c["red.max_int"] = lambda: x["i"].max()
    c["red.amax"] = lambda: torch.amax(x["d"], (0, 2))
    c["red.amax_k"] = lambda: torch.amax(x["a"], 1, keepdim=True)
    c["red.amax_all"] = lambda: torch.amax(x["a"])
    c["red.amin"] = lambda: torch.amin(x["d"], 1)
    c["red.argmax"] = lambda: torch.argmax(x["a"])
    c["red.argmax_1"] = lambda: torch.argmax(x["a"], 1)
    c["red.argmax_0k"] = lambda: torch.argmax(x["d"], 0, keepdim=True)
    c["red.argmin"] = lambda: torch.argmin(x["a"])
    c["red.argmin_dim"] = lambda: torch.argmin(x["d"], 2)
    c["red.norm"] = lambda: torch.norm(x["a"])
    c["red.norm_1"] = lambda: torch.norm(x["a"], 1)
    c["red.norm_3"] = lambda: torch.norm(x["a"], 3)
    c["red.norm_inf"] = lambda: torch.norm(x["a"], float("inf"))
    c["red.norm_dim"] = lambda: torch.norm(x["d"], 2, (1,))
    c["red.norm_dimk"] = lambda: torch.norm(x["d"], 1, (0, 2), keepdim=True)
    c["red.var"] = lambda: x["a"].var()
    c["red.var_biased"] = lambda: x["a"].var(unbiased=False)
    c["red.var_dim"] = lambda: x["d"].var((1,))
    c["red.var_dimk"] = lambda: x["d"].var((0, 2), unbiased=False, keepdim=True)
    c["red.std"] = lambda: x["a"].std()
    c["red.std_dim"] = lambda: x["d"].std((2,), keepdim=True)
    c["red.std_biased"] = lambda: x["d"].std((0,), unbiased=False)
    c["red.var_mean"] = lambda: tuple(torch.var_mean(x["d"], (1,)))
    c["red.var_mean_k"] = lambda: tuple(torch.var_mean(x["a"], (0, 1), unbiased=False, keepdim=True))
    c["red.all"] = lambda: x["m"].all()
    c["red.all_dim"] = lambda: x["m"].all(1)
    c["red.all_true"] = lambda: torch.ones(3, dtype=torch.bool).all()
    c["red.all_float"] = lambda: x["a"].all()
    c["red.any"] = lambda: x["m"].any()
    c["red.any_dim"] = lambda: x["m"].any(0, keepdim=True)
    c["red.any_int"] = lambda: (x["i"] * 0).any()
    c["red.logsumexp"] = lambda: torch.logsumexp(x["a"], (1,))
    c["red.logsumexp_big"] = lambda: torch.logsumexp(x["a"] * 100, (0,), keepdim=True)
    c["red.logsumexp_all"] = lambda: torch.logsumexp(x["d"], (0, 1, 2))
    c["red.cumsum"] = lambda: torch.cumsum(x["a"], 1)
    c["red.cumsum_0"] = lambda: torch.cumsum(x["d"], 0)
    c["red.cumsum_int"] = lambda: torch.cumsum(x["i"], -1)
    c["red.cumsum_dtype"] = lambda: torch.cumsum(x["a"], 0, dtype=f64)
    c["red.softmax"] = lambda: torch.softmax(x["a"], 1)
    c["red.softmax_0"] = lambda: torch.softmax(x["d"], 0)
    c["red.softmax_big"] = lambda: torch.softmax(x["a"] * 100, -1)
    c["red.softmax_dtype"] = lambda: torch.softmax(x["a"], 1, dtype=f64)
    c["red.log_softmax"] = lambda: torch.log_softmax(x["a"], 1)
    c["red.log_softmax_1"] = lambda: torch.log_softmax(x["d"], 1)
    c["red.log_softmax_big"] = lambda: torch.log_softmax(x["a"] * 100, 0)
    c["red.sum_to"] = lambda: x["d"].sum((0, 2), keepdim=True).reshape(3, 1)
    # linear algebra
    c["la.mm"] = lambda: torch.mm(x["m23"], x["m34"])
    c["la.mm_t"] = lambda: torch.mm(x["m34"].t(), x["m34"])
    c["la.mm_dd"] = lambda: torch.mm(x["dd"], x["dd"].t())
    c["la.bmm"] = lambda: torch.bmm(x["b234"], x["b245"])
    c["la.bmm_t"] = lambda: torch.bmm(x["b245"].transpose(1, 2), x["b245"])
    c["la.matmul_11"] = lambda: torch.matmul(x["v4"], x["b4"])
    c["la.matmul_21"] = lambda: torch.matmul(x["m34"], x["v4"])
    c["la.matmul_12"] = lambda: torch.matmul(x["v3"], x["m34"])
    c["la.matmul_22"] = lambda: torch.matmul(x["m23"], x["m34"])
    c["la.matmul_33"] = lambda: torch.matmul(x["b234"], x["b245"])
    c["la.matmul_32"] = lambda: torch.matmul(x["b234"], x["m45"])
    c["la.matmul_23"] = lambda: torch.matmul(x["m23"], x["b234"])
    c["la.matmul_13"] = lambda: torch.matmul(x["v3"], x["b234"])
    c["la.matmul_31"] = lambda: torch.matmul(x["b234"], x["v4"])
    c["la.matmul_43"] = lambda: torch.matmul(x["b2134"], x["b542"])
    c["la.matmul_op"] = lambda: x["m23"] @ x["m34"]
    c["la.mv"] = lambda: torch.mv(x["m34"], x["v4"])
    c["la.mv_t"] = lambda: torch.mv(x["m34"].t(), x["v3"])
    c["la.dot"] = lambda: torch.dot(x["v4"], x["b4"])
    c["la.outer"] = lambda: torch.outer(x["v3"], x["v4"])
    c["la.addmm"] = lambda: torch.addmm(x["b4"], x["m23"].t(), x["m23"][:, :2].t().mm(x["m34"][:2]))
    c["la.addmm_ab"] = lambda: torch.addmm(x["a"], x["m34"], x["sq"], beta=0.5, alpha=-2)
    c["la.t"] = lambda: torch.t(x["m23"])
    c["la.t_1d"] = lambda: torch.t(x["v3"])
    c["la.einsum_ij_jk"] = lambda: torch.einsum("ij,jk->ik", x["m23"], x["m34"])
    # shape ops
    c["sh.view"] = lambda: x["a"].view(2, 6)
    c["sh.view_infer"] = lambda: x["d"].view(-1, 4)
    c["sh.reshape_t"] = lambda: x["a"].t().reshape(12)
    c["sh.reshape_infer"] = lambda: x["d"].reshape(4, -1)
    c["sh.reshape_0d"] = lambda: x["s0"].reshape(1, 1)
    c["sh.flatten"] = lambda: x["d"].flatten()
    c["sh.flatten_12"] = lambda: x["d"].flatten(1)
    c["sh.flatten_01"] = lambda: x["d"].flatten(0, 1)
    c["sh.unflatten"] = lambda: x["a"].unflatten(1, (2, 2))
    c["sh.unflatten_infer"] = lambda: x["d"].unflatten(-1, (-1, 2))
    c["sh.squeeze"] = lambda: x["b2134"].squeeze()
    c["sh.squeeze_dim"] = lambda: x["b2134"].squeeze(1)
    c["sh.squeeze_noop"] = lambda: x["b2134"].squeeze(0)
    c["sh.unsqueeze"] = lambda: x["a"].unsqueeze(1)
    c["sh.unsqueeze_neg"] = lambda: x["a"].unsqueeze(-1)
    c["sh.permute"] = lambda: x["d"].permute(2, 0, 1)
    c["sh.permute_neg"] = lambda: x["d"].permute(-1, -2, 0).contiguous()
    c["sh.transpose"] = lambda: x["d"].transpose(0, 2)
    c["sh.transpose_neg"] = lambda: x["d"].transpose(-1, 1)
    c["sh.expand"] = lambda: x["c31"].expand(3, 4)
    c["sh.expand_new"] = lambda: x["b4"].expand(2, 3, 4)
    c["sh.expand_keep"] = lambda: x["c31"].expand(2, -1, 5)
    c["sh.broadcast_to"] = lambda: torch.broadcast_to(x["e14"], (3, 4))
    c["sh.broadcast_tensors"] = lambda: tuple(torch.broadcast_tensors(x["c31"], x["e14"]))
    c["sh.repeat"] = lambda: x["m23"].repeat(2, 3)
    c["sh.repeat_new"] = lambda: x["v3"].repeat(2, 2)
    c["sh.as_strided"] = lambda: torch.as_strided(x["a"], (2, 2), (1, 4), 1)
    c["sh.contiguous_t"] = lambda: x["a"].t().contiguous()
    c["sh.clone"] = lambda: x["a"].t().clone()
    c["sh.cat"] = lambda: torch.cat([x["a"], x["a2"]])
    c["sh.cat_1"] = lambda: torch.cat([x["a"], x["c31"], x["a2"]], 1)
    c["sh.cat_neg"] = lambda: torch.cat([x["d"], x["d"][:, :, :1]], -1)
    c["sh.cat_promote"] = lambda: torch.cat([x["i"], x["a"]])
    c["sh.cat_empty"] = lambda: torch.cat([x["a"], torch.empty(0, 4)])
    c["sh.concat"] = lambda: torch.concat([x["v3"], x["b4"]])
    c["sh.stack"] = lambda: torch.stack([x["a"], x["a2"]])
    c["sh.stack_1"] = lambda: torch.stack([x["a"], x["a2"], x["a"]], 1)
    c["sh.stack_last"] = lambda: torch.stack([x["v3"], x["v3"] * 2], -1)
    c["sh.hstack"] = lambda: torch.hstack([x["a"], x["c31"]])
    c["sh.hstack_1d"] = lambda: torch.hstack([x["v3"], x["b4"]])
    c["sh.vstack"] = lambda: torch.vstack([x["a"], x["e14"], x["b4"]])
    c["sh.split"] = lambda: tuple(torch.split(x["ab5"], 2))
    c["sh.split_dim"] = lambda: tuple(torch.split(x["a"], 3, 1))
    c["sh.split_sizes"] = lambda: tuple(torch.split(x["d"], [1, 3], 2))
    c["sh.chunk"] = lambda: tuple(torch.chunk(x["ab5"], 3))
    c["sh.chunk_dim"] = lambda: tuple(torch.chunk(x["a"], 2, 1))
    c["sh.chunk_more"] = lambda: tuple(torch.chunk(x["v3"], 5))
    c["sh.unbind"] = lambda: tuple(torch.unbind(x["a"]))
    c["sh.unbind_1"] = lambda: tuple(torch.unbind(x["d"], 1))
    c["sh.narrow"] = lambda: x["a"].narrow(1, 1, 2)
    c["sh.narrow_neg"] = lambda: x["d"].narrow(-2, -2, 2)
    c["sh.slice"] = lambda: x["a"][:, 1:3]
    c["sh.slice_step"] = lambda: x["a"][:, ::2]
    c["sh.slice_neg"] = lambda: x["a"][-2:]
    c["sh.slice_clamp"] = lambda: x["a"][1:100]
    c["sh.slice_open"] = lambda: x["d"][:, 1:]
    c["sh.select"] = lambda: x["a"].select(1, 2)
    c["sh.select_neg"] = lambda: x["d"].select(-1, -1)
    c["sh.flip"] = lambda: x["a"].flip(0)
    c["sh.flip_2"] = lambda: x["d"].flip(0, 2)
    c["sh.flip_neg"] = lambda: x["a"].flip(-1)
    # indexing
    c["ix.index_select"] = lambda: x["a"].index_select(0, x["idx"])
    c["ix.index_select_1"] = lambda: x["d"].index_select(2, x["idx"])
    c["ix.gather"] = lambda: x["a"].gather(1, x["g_idx"])
    c["ix.gather_0"] = lambda: x["a"].gather(0, x["s_idx"])
    c["ix.scatter"] = lambda: x["a"].scatter(1, torch.tensor([[3, 0], [1, 2], [0, 3]]), x["src34"])
    c["ix.scatter_0"] = lambda: x["a"].scatter(0, torch.tensor([[2, 1, 0, 1]]), x["src24"])
    c["ix.scatter_value"] = lambda: x["a"].scatter(1, torch.tensor([[0], [2], [3]]), 9.0)
    c["ix.scatter_add"] = lambda: x["a"].scatter_add(0, x["s_idx"], x["src24"])
    c["ix.scatter_add_1"] = lambda: x["a"].scatter_add(1, x["g_idx"], x["src34"])
    c["ix.index_add"] = lambda: x["a"].index_add(0, torch.tensor([2, 0, 2]), x["src34"])
    c["ix.index_add_1"] = lambda: x["a"].index_add(1, torch.tensor([1, 1]), x["src34"][:, :2])
    c["ix.masked_select"] = lambda: x["a"].masked_select(x["m"])
    c["ix.masked_select_bcast"] = lambda: x["d"].masked_select(x["m4"])
    c["ix.nonzero"] = lambda: torch.nonzero(x["m"])
    c["ix.nonzero_int"] = lambda: torch.nonzero(x["i"])
    c["ix.nonzero_1d"] = lambda: torch.nonzero(x["m4"])
    c["ix.diag_mat"] = lambda: torch.diag(x["a"])
    c["ix.diag_mat_off"] = lambda: torch.diag(x["a"], 1)
    c["ix.diag_mat_neg"] = lambda: torch.diag(x["a"], -1)
    c["ix.diag_vec"] = lambda: torch.diag(x["v3"])
    c["ix.diag_vec_off"] = lambda: torch.diag(x["v3"], -2)
    c["ix.tril"] = lambda: torch.tril(x["a"])
    c["ix.tril_off"] = lambda: torch.tril(x["a"], 1)
    c["ix.triu"] = lambda: torch.triu(x["a"])
    c["ix.triu_off"] = lambda: torch.triu(x["d"], -1)
    c["ix.one_hot"] = lambda: torch.nn.functional.one_hot(x["labels"])
    c["ix.one_hot_n"] = lambda: torch.nn.functional.one_hot(x["labels"], 6)
    c["ix.one_hot_2d"] = lambda: torch.nn.functional.one_hot(x["s_idx"], 3)
    c["ix.sort"] = lambda: tuple(torch.sort(x["a"]))
    c["ix.sort_desc"] = lambda: tuple(torch.sort(x["a"], 0, descending=True))
    c["ix.sort_3d"] = lambda: tuple(torch.sort(x["d"], 1))
    c["ix.topk"] = lambda: tuple(torch.topk(x["a"], 2))
    c["ix.topk_small"] = lambda: tuple(torch.topk(x["d"], 2, 1, largest=False))
    c["ix.topk_0"] = lambda: tuple(torch.topk(x["a"], 3, 0))
    c["ix.argsort"] = lambda: torch.argsort(x["a"])
    c["ix.argsort_desc"] = lambda: torch.argsort(x["d"], 2, descending=True)
    c["ix.getitem_int"] = lambda: x["a"][1]
    c["ix.getitem_neg"] = lambda: x["d"][-1]
    c["ix.getitem_tensor"] = lambda: x["a"][x["idx"]]
    c["ix.getitem_mask"] = lambda: x["a"][x["m"]]
    c["ix.index_slice_0"] = lambda: x["a"][:, 0]
    c["ix.index_slices"] = lambda: x["a"][1:, ::2]
    c["ix.index_int_int"] = lambda: x["d"][1, 2]
    c["ix.index_none"] = lambda: x["a"][None, 0]
    c["ix.index_ellipsis"] = lambda: x["d"][..., 1]
    c["ix.index_tensor_dim1"] = lambda: x["a"][:, x["idx"]]
    c["ix.index_two_tensors"] = lambda: x["a"][x["idx"], torch.tensor([0, 3, 1])]
    c["ix.index_mask_row"] = lambda: x["a"][torch.tensor([True, False, True])]
    c["ix.index_neg_tensor"] = lambda: x["a"][x["idx_neg"]]
    # dtype promotion
    c["pr.int_mul_float_scalar"] = lambda: x["i"] * 2.5
    c["pr.int_add_float_scalar"] = lambda: x["i"] + 0.5
    c["pr.int_div_int"] = lambda: x["i"] / x["j4"]
    c["pr.int_div_scalar"] = lambda: x["i"] / 2
    c["pr.scalar_div_int"] = lambda: 3 / x["j4"]
    c["pr.int_add_float"] = lambda: x["i"] + x["a"]
    c["pr.float_add_double"] = lambda: x["a"] + x["dd"]
    c["pr.float_add_double_0d"] = lambda: x["a"] + x["dd0"]
    c["pr.int_add_float_0d"] = lambda: x["i"] + x["s0"]
    c["pr.int_add_int32"] = lambda: x["j4"] + x["i32"]
    c["pr.int32_mul_scalar"] = lambda: x["i32"] * 3
    c["pr.int32_mul_float_scalar"] = lambda: x["i32"] * 1.5
    c["pr.uint8_add_int"] = lambda: x["u8"] + x["j4"]
    c["pr.uint8_add_scalar"] = lambda: x["u8"] + 100
    c["pr.bool_add_bool"] = lambda: x["m"] + x["m2"]
    c["pr.bool_mul_bool"] = lambda: x["m"] * x["m2"]
    c["pr.bool_mul_int_scalar"] = lambda: x["m"] * 2
    c["pr.bool_add_float_scalar"] = lambda: x["m"] + 0.5
    c["pr.bool_add_int"] = lambda: x["m"] + x["i"]
    c["pr.bool_mul_float"] = lambda: x["m"] * x["a"]
    c["pr.bool_sum"] = lambda: x["m"].sum()
    c["pr.int_mean_float"] = lambda: x["i"].float().mean()
    c["pr.where_int_float"] = lambda: torch.where(x["m"], x["i"], x["a"])
    c["pr.maximum_int_float"] = lambda: torch.maximum(x["i"], x["a"])
    c["pr.double_mm"] = lambda: x["dd"].t() @ x["dd"]
    c["pr.to_int"] = lambda: (x["a"] * 3).to(i64)
    c["pr.to_bool"] = lambda: x["i"].to(torch.bool)
    c["pr.to_uint8"] = lambda: x["j4"].to(torch.uint8)
    c["pr.pow_int_float"] = lambda: x["i"] ** 0.5
    # non-contiguous inputs (transposed, permuted, stepped)
    c["nc.add_tt"] = lambda: x["a"].t() + x["a2"].t()
    c["nc.add_t_row"] = lambda: x["a"].t() + x["v3"]
    c["nc.mul_step"] = lambda: x["d"][:, :, ::2] * x["b4"][::2]
    c["nc.exp_t"] = lambda: torch.exp(x["a"].t())
    c["nc.sigmoid_perm"] = lambda: torch.sigmoid(x["d"].permute(2, 0, 1))
    c["nc.int_add_t"] = lambda: x["i"].t() + 1
    c["nc.cmp_t"] = lambda: x["a"].t() > x["a2"].t()
    c["nc.sum_perm"] = lambda: x["d"].permute(2, 0, 1).sum(1)
    c["nc.sum_t_all"] = lambda: x["d"].transpose(0, 2).sum()
    c["nc.mean_t"] = lambda: x["a"].t().mean(0)
    c["nc.prod_t"] = lambda: x["a"].t().prod(1)
    c["nc.softmax_t"] = lambda: torch.softmax(x["a"].t(), 1)
    c["nc.log_softmax_perm"] = lambda: torch.log_softmax(x["d"].transpose(0, 2), 0)
    c["nc.cumsum_t"] = lambda: torch.cumsum(x["a"].t(), 1)
    c["nc.cumsum_step"] = lambda: torch.cumsum(x["a"][:, ::2], 0)
    c["nc.max_t"] = lambda: tuple(torch.max(x["a"].t(), 1))
    c["nc.amax_perm"] = lambda: torch.amax(x["d"].permute(1, 2, 0), (0, 2))
    c["nc.argmax_t"] = lambda: torch.argmax(x["a"].t(), 0)
    c["nc.var_t"] = lambda: x["a"].t().var((1,), True)
    c["nc.norm_t"] = lambda: torch.norm(x["d"].transpose(0, 2), 2, (1,))
    c["nc.logsumexp_t"] = lambda: torch.logsumexp(x["a"].t(), (0,))
    c["nc.sort_t"] = lambda: tuple(torch.sort(x["a"].t(), 1))
    c["nc.topk_t"] = lambda: tuple(torch.topk(x["d"].transpose(1, 2), 2, 1))
    c["nc.argsort_step"] = lambda: torch.argsort(x["a"][:, ::2], 0)
    c["nc.matmul_tt"] = lambda: torch.matmul(x["b234"].transpose(1, 2), x["b234"])
    c["nc.mm_step"] = lambda: torch.mm(x["a"][:, ::2], x["m23"])
    c["nc.mv_t"] = lambda: torch.mv(x["a"].t(), x["v3"])
    c["nc.bmm_perm"] = lambda: torch.bmm(x["d"].permute(0, 2, 1), x["d"])
    c["nc.gather_t"] = lambda: x["a"].t().gather(0, torch.tensor([[0, 3, 1], [2, 2, 0]]))
    c["nc.index_select_t"] = lambda: x["a"].t().index_select(1, x["idx"])
    c["nc.scatter_add_t"] = lambda: x["a"].t().scatter_add(0, torch.tensor([[0, 3, 1], [2, 2, 0]]), x["m23"])
    c["nc.where_t"] = lambda: torch.where(x["m"].t(), x["a"].t(), x["a2"][:, :1].t())
    c["nc.cat_t"] = lambda: torch.cat([x["a"].t(), x["a2"].t()], 1)
    c["nc.stack_t"] = lambda: torch.stack([x["a"].t(), x["a2"][:, ::1].t()], 2)
    c["nc.clamp_step"] = lambda: torch.clamp(x["a"][:, ::2], -0.3, 0.3)
    c["nc.expand_mul"] = lambda: x["c31"].expand(3, 4) * x["a"].t().t()
    c["nc.masked_select_t"] = lambda: x["a"].t().masked_select(x["m"].t())
    c["nc.nonzero_t"] = lambda: torch.nonzero(x["m"].t())
    c["nc.tril_t"] = lambda: torch.tril(x["a"].t(), -1)
    c["nc.flip_t"] = lambda: x["a"].t().flip(0)
    c["nc.reshape_perm"] = lambda: x["d"].permute(1, 2, 0).reshape(-1)
    c["nc.index_t"] = lambda: x["a"].t()[x["idx"]]
    c["nc.diag_t"] = lambda: torch.diag(x["a"].t(), 1)
    c["nc.to_double_t"] = lambda: x["a"].t().double()
    c["nc.repeat_t"] = lambda: x["m23"].t().repeat(2, 1)
    c["nc.one_hot_t"] = lambda: torch.nn.functional.one_hot(x["s_idx"].t(), 3)
    # large tensors: past the kernels' OpenMP grain (32768 elements), contiguous or not
    X, Y = big(256, 300), big(300, 256, 104729, 2039)
    c["big.add_row"] = lambda: chk(X + X[0])
    c["big.mul_tt"] = lambda: chk(X.t() * Y)
    c["big.div_t_scalar"] = lambda: chk(2.5 / (Y.t().abs() + 1))
    c["big.exp_step"] = lambda: chk(torch.exp(X[:, ::2] / 4))
    c["big.tanh_t"] = lambda: chk(torch.tanh(Y.t()))
    c["big.where"] = lambda: chk(torch.where(X > 0, X, Y.t()))
    c["big.clamp_t"] = lambda: chk(torch.clamp(Y.t(), -1.0, 2.0))
    c["big.sum_all"] = lambda: X.sum()
    c["big.sum_t_all"] = lambda: Y.t().sum()
    c["big.sum_0"] = lambda: X.sum(0)
    c["big.sum_1"] = lambda: X.sum(1)
    c["big.sum_t_1"] = lambda: Y.t().sum(1)
    c["big.mean_all"] = lambda: X.mean()
    c["big.amax_0"] = lambda: X.amax(0)
    c["big.max_all"] = lambda: Y.max()
    # PyTorch's float32 norm of X drifts 4e-6 from the exact value (it accumulates in float);
    # ember accumulates in double, so the reference is the float64 norm rounded to float32.
    c["big.norm"] = lambda: torch.norm(X.double()).float()
    c["big.var_1"] = lambda: X.var((1,), True)
    c["big.softmax_1"] = lambda: chk(torch.softmax(X, 1))
    c["big.log_softmax_0"] = lambda: chk(torch.log_softmax(X, 0))
    c["big.logsumexp_1"] = lambda: torch.logsumexp(X, (1,))
    c["big.cumsum_1"] = lambda: chk(torch.cumsum(X, 1))
    c["big.cumsum_0"] = lambda: chk(torch.cumsum(X, 0))
    c["big.mm"] = lambda: chk(torch.mm(X, Y))
    c["big.cat"] = lambda: chk(torch.cat([X, Y.t()], 1))
    c["big.index_select"] = lambda: chk(X.index_select(1, torch.arange(299, -1, -3)))
    c["big.copy_t"] = lambda: chk(X.t().contiguous())
    c["big.int_sum"] = lambda: (torch.arange(100000) * 3).sum()
    c["big.cmp_sum"] = lambda: (X > Y.t()).sum()
    # edge cases: empty, 0-dim, non-finite values
    c["edge.sum_empty"] = lambda: (torch.zeros(0, 3).sum(0), torch.zeros(0, 3).sum())
    c["edge.mean_empty"] = lambda: torch.zeros(0).mean()
    c["edge.prod_empty"] = lambda: torch.zeros(2, 0).prod(1)
    c["edge.any_all_empty"] = lambda: (torch.zeros(0).any(), torch.zeros(0).all())
    c["edge.norm_empty"] = lambda: torch.norm(torch.zeros(0))
    c["edge.cumsum_empty"] = lambda: torch.cumsum(torch.zeros(0, 2), 0)
    c["edge.softmax_empty"] = lambda: torch.softmax(torch.zeros(0, 3), 1)
    c["edge.mm_empty_inner"] = lambda: torch.mm(torch.ones(2, 0), torch.ones(0, 3))
    c["edge.matmul_empty_batch"] = lambda: torch.matmul(torch.ones(0, 2, 3), torch.ones(3, 4))
    c["edge.cat_empty_all"] = lambda: torch.cat([torch.zeros(0, 3), torch.zeros(0, 3)])
    c["edge.add_empty_bcast"] = lambda: torch.zeros(0, 1) + torch.ones(3)
    c["edge.nonzero_none"] = lambda: torch.nonzero(torch.zeros(3))
    c["edge.masked_select_none"] = lambda: x["a"].masked_select(torch.zeros(3, 4, dtype=torch.bool))
    c["edge.index_select_empty"] = lambda: x["a"].index_select(0, torch.zeros(0, dtype=torch.long))
    c["edge.topk_0"] = lambda: tuple(torch.topk(x["a"], 0))
    c["edge.split_empty"] = lambda: tuple(torch.split(torch.zeros(0, 2), 2))
    c["edge.s0_arith"] = lambda: (x["s0"] * 2, x["s0"] + x["a"], 1 - x["s0"], x["s0"].exp())
    c["edge.s0_shape"] = lambda: (x["s0"].unsqueeze(0), x["s0"].reshape(1), x["s0"].flatten(),
                                  x["s0"].view(-1), x["s0"].expand(2, 3))
    c["edge.s0_reduce"] = lambda: (x["s0"].sum(), x["s0"].max(), torch.argmax(x["s0"]),
                                   x["s0"].sum(0), x["s0"].mean(0, keepdim=True))
    c["edge.s0_softmax"] = lambda: (torch.softmax(x["s0"], 0), torch.cumsum(x["s0"], 0))
    c["edge.s0_stack"] = lambda: torch.stack([x["s0"], x["s0"] * 2])
    c["edge.s0_t"] = lambda: x["s0"].t()
    c["edge.var_single"] = lambda: (torch.ones(1).var(), torch.ones(2, 1).std((1,)))
    c["edge.logsumexp_ninf"] = lambda: torch.logsumexp(x["ninf"], (1,))
    c["edge.softmax_ninf"] = lambda: torch.softmax(x["ninf"][1:], 1)
    c["edge.log_softmax_ninf"] = lambda: torch.log_softmax(x["ninf"][1:], 1)
    c["edge.max_nan"] = lambda: (x["nanv"].max(), x["nanv"].min(), x["nanv"].amax(0))
    c["edge.max_dim_nan"] = lambda: tuple(torch.max(x["nanv"].reshape(1, 5), 1))
    c["edge.argmax_nan"] = lambda: (torch.argmax(x["nanv"]), torch.argmin(x["nanv"]))
    c["edge.sort_nan"] = lambda: tuple(torch.sort(x["nanv"]))
    c["edge.sort_nan_desc"] = lambda: tuple(torch.sort(x["nanv"], descending=True))
    c["edge.sum_nan"] = lambda: (x["nanv"].sum(), torch.cumsum(x["nanv"], 0))
    c["edge.minimum_nan"] = lambda: torch.minimum(x["nanv"], torch.zeros(5))
    c["edge.div_zero"] = lambda: x["zv"] / torch.zeros(6)
    c["edge.int_div_zero"] = lambda: x["j4"] / 0
    c["edge.pow_edges"] = lambda: (x["zv"] ** 0, x["zv"] ** -1, x["zv"] ** (1 / 3), x["zv"] ** 0.5)
    c["edge.sign_zero"] = lambda: (torch.sign(x["zv"]), torch.abs(x["zv"]), torch.sqrt(x["zv"]))
    c["edge.log_zero"] = lambda: (torch.log(x["zv"]), torch.log1p(x["zv"] - 1))
    c["edge.clamp_inf"] = lambda: torch.clamp(x["nanv"], min=0.0)
    # in-place variants and aliasing through views
    def ip(f):
        c["ip." + f.__name__] = f
        return f

    @ip
    def add_row():
        t = x["a"].clone(); t[1].add_(1.5); return t
    @ip
    def mul_col():
        t = x["a"].clone(); t.select(1, 1).mul_(2); return t
    @ip
    def sub_t():
        t = x["a"].clone(); t.t().sub_(x["c31"].reshape(1, 3)); return t
    @ip
    def div_tensor():
        t = x["a"].clone(); t.div_(x["pos"]); return t
    @ip
    def div_bcast_view():
        t = x["d"].clone(); t[:, 1:].div_(x["b4"]); return t
    @ip
    def add_alpha():
        t = x["a"].clone(); t.add_(x["b4"], alpha=-3); return t
    @ip
    def sub_scalar():
        t = x["a"].clone(); t.sub_(0.25, alpha=2); return t
    @ip
    def clamp_narrow():
        t = x["a"].clone(); t.narrow(1, 1, 2).clamp_(-0.3, 0.3); return t
    @ip
    def clamp_min_():
        t = x["a"].clone(); t.clamp_min_(0.0); return t
    @ip
    def clamp_max_():
        t = x["a"].clone(); t.clamp_max_(0.0); return t
    @ip
    def zero_slice():
        t = x["a"].clone(); t[:, ::2].zero_(); return t
    @ip
    def fill_select():
        t = x["d"].clone(); t.select(2, 3).fill_(4.5); return t
    @ip
    def fill_tensor():
        t = x["a"].clone(); t[0].fill_(x["s0"]); return t
    @ip
    def copy_bcast():
        t = x["d"].clone(); t[1].copy_(x["b4"]); return t
    @ip
    def copy_dtype():
        t = x["a"].clone(); t.copy_(x["i"]); return t
    @ip
    def copy_t():
        t = torch.zeros(4, 3); t.copy_(x["a"].t()); return t
    @ip
    def copy_overlap():
        t = x["sq"].clone(); t.copy_(t.t().clone()); return t
    @ip
    def iadd():
        t = x["a"].clone(); t += x["b4"]; return t
    @ip
    def isub():
        t = x["a"].clone(); t -= 1; return t
    @ip
    def imul():
        t = x["a"].clone(); t *= x["c31"]; return t
    @ip
    def idiv():
        t = x["a"].clone(); t /= 2; return t
    @ip
    def iadd_view_shared():
        t = x["a"].clone(); v = t.view(12); v += 1; return (t, v)
    @ip
    def iadd_int():
        t = x["i"].clone(); t += x["j4"]; t *= 2; return t
    @ip
    def float_iadd_int():
        t = x["a"].clone(); t += x["i"]; return t
    @ip
    def expand_src():
        t = torch.zeros(3, 4); t.add_(x["c31"].expand(3, 4)); return t
    @ip
    def chain():
        t = x["a"].clone(); t.mul_(2).add_(1).clamp_(max=1.0); return t
    @ip
    def unary_inplace():
        t = x["pos"].clone(); t.sqrt_().log_().neg_().exp_(); return t
    @ip
    def abs_tanh_():
        t = x["a"].clone(); t[0].abs_(); t[1].tanh_(); t[2].sigmoid_(); return t
    @ip
    def relu_view():
        t = x["a"].clone(); t.t()[1:].relu_(); return t
    @ip
    def masked_fill_():
        t = x["a"].clone(); t.masked_fill_(x["m"], 1.0); return t
    @ip
    def scatter_():
        t = x["a"].clone(); t.scatter_(1, x["g_idx"][:, :1], x["src34"]); return t
    @ip
    def scatter_value_():
        t = x["a"].clone(); t.scatter_(0, torch.tensor([[1, 0, 2, 1]]), -1.0); return t
    @ip
    def scatter_add_():
        t = x["a"].clone(); t.scatter_add_(0, x["s_idx"], x["src24"]); return t
    @ip
    def index_put_slice():
        t = x["a"].clone(); t[:, 0] = 5.0; return t
    @ip
    def index_put_mask():
        t = x["a"].clone(); t[x["m"]] = 0.0; return t
    @ip
    def index_put_tensor():
        t = x["a"].clone(); t[torch.tensor([0, 2])] = x["b4"]; return t
    @ip
    def index_put_range():
        t = x["d"].clone(); t[1, 1:] = x["src24"]; return t
    @ip
    def index_put_adv():
        t = x["a"].clone(); t[torch.tensor([0, 2]), torch.tensor([1, 3])] = torch.tensor([7.0, 8.0]); return t
    @ip
    def addcmul_():
        t = x["a"].clone(); t.addcmul_(x["a2"], x["b4"], value=2); return t
    @ip
    def addcdiv_():
        t = x["a"].clone(); t.addcdiv_(x["a2"], x["pos"], value=0.5); return t
    @ip
    def lerp_():
        t = x["a"].clone(); t.lerp_(x["a2"], 0.25); return t
    @ip
    def pow_():
        t = x["pos"].clone(); t.pow_(2.5); return t
    @ip
    def squeeze_():
        t = x["b2134"].clone(); t.squeeze_(1); t.unsqueeze_(0); t.transpose_(0, 3); return t
    return c


# ---- cases written once: name, PyTorch expression, the same in ember's C++ --------------------
# In C++, x("a") is input "a" and the expression may give a Tensor, a std::tuple of two Tensors or
# a std::vector<Tensor>. Add a new op's golden case here (CONTRIBUTING.md).
def value_and_grads(fn, *xs):
    """fn's value and the gradients of its inputs for the output gradient 1 + (i mod 3) at flat
    index i (values_table_test.cpp's value_and_grads does the same)."""
    xs = [x.detach().clone().requires_grad_(True) for x in xs]
    y = fn(*xs)
    go = (torch.arange(y.numel()) % 3 + 1).to(y.dtype).reshape(y.shape)
    return (y, *torch.autograd.grad(y, xs, go))


VG = value_and_grads
TABLE = [
    ("un.logit", lambda x: torch.logit(x["unit"]), 'logit(x("unit"))'),  # NaN below 0
    ("un.logit_eps", lambda x: torch.logit(x["pos"] / 3.1, eps=0.2), 'logit(x("pos") / 3.1, 0.2)'),
    # std of a constant: 0, and PyTorch's std_backward gives 0 there (not 0 * inf)
    ("grad.std_const", lambda x: VG(lambda t: t.std(), x["cst34"]),
     'value_and_grads([](Xs t) { return t[0].std(); }, {x("cst34")})'),
    ("grad.std_const_biased", lambda x: VG(lambda t: t.std(unbiased=False), x["cst34"]),
     'value_and_grads([](Xs t) { return t[0].std(false); }, {x("cst34")})'),
    ("grad.std_const_rows", lambda x: VG(lambda t: t.std(1), x["rowc"]),
     'value_and_grads([](Xs t) { return t[0].std({1}, true); }, {x("rowc")})'),
    ("grad.std_const_rows_biased_k",
     lambda x: VG(lambda t: t.std((1,), unbiased=False, keepdim=True), x["rowc"]),
     'value_and_grads([](Xs t) { return t[0].std({1}, false, true); }, {x("rowc")})'),
    ("grad.std_dims_2d", lambda x: VG(lambda t: t.std((0, 1)), x["rowc"][1:]),
     'value_and_grads([](Xs t) { return t[0].std({0, 1}); }, {x("rowc").narrow(0, 1, 2)})'),
    ("grad.std_const_3d", lambda x: VG(lambda t: t.std((0, 2)), x["cst34"].reshape(3, 2, 2)),
     'value_and_grads([](Xs t) { return t[0].std({0, 2}); }, {x("cst34").reshape({3, 2, 2})})'),
    # prod with zeros: PyTorch's prod_safe_zeros_backward
    ("grad.prod_zero", lambda x: VG(lambda t: t.prod(), x["z1"]),
     'value_and_grads([](Xs t) { return t[0].prod(); }, {x("z1")})'),
    ("grad.prod_zeros", lambda x: VG(lambda t: t.prod(), x["z3"]),
     'value_and_grads([](Xs t) { return t[0].prod(); }, {x("z3")})'),
    ("grad.prod_zeros_1d", lambda x: VG(lambda t: t.prod(), x["z3"][1]),
     'value_and_grads([](Xs t) { return t[0].prod(); }, {x("z3").select(0, 1)})'),
    ("grad.prod_dim_zero", lambda x: VG(lambda t: t.prod(1), x["z1"]),
     'value_and_grads([](Xs t) { return t[0].prod(1); }, {x("z1")})'),
    ("grad.prod_dim_zeros", lambda x: VG(lambda t: t.prod(1), x["z3"]),
     'value_and_grads([](Xs t) { return t[0].prod(1); }, {x("z3")})'),
    ("grad.prod_dim0_zeros_k", lambda x: VG(lambda t: t.prod(0, keepdim=True), x["z3"]),
     'value_and_grads([](Xs t) { return t[0].prod(0, true); }, {x("z3")})'),
    ("grad.prod_dim_3d", lambda x: VG(lambda t: t.prod(1), x["zd"]),
     'value_and_grads([](Xs t) { return t[0].prod(1); }, {x("zd")})'),
    ("grad.prod_dim_last_3d", lambda x: VG(lambda t: t.prod(-1), x["zd"]),
     'value_and_grads([](Xs t) { return t[0].prod(-1); }, {x("zd")})'),
    ("grad.prod_dim_t", lambda x: VG(lambda t: t.t().prod(0), x["z3"]),
     'value_and_grads([](Xs t) { return t[0].t().prod(0); }, {x("z3")})'),
    ("grad.prod_dim_f64", lambda x: VG(lambda t: t.prod(1), x["z3"].double()),
     'value_and_grads([](Xs t) { return t[0].prod(1); }, {x("z3").to(kDouble)})'),
]


def cpp_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_cases_inc(path):
    with open(path, "w") as f:
        f.write("// @generated by tests/ops/golden/gen_ops.py from its TABLE; do not edit.\n")
        f.write("// The ember side of each case; values_table_test.cpp includes this file.\n")
        for name, _, cpp in TABLE:
            f.write("{%s, [](X x) { return outs(%s); }},\n" % (cpp_string(name), cpp))


def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def dump(t):
    dt = str(t.dtype).replace("torch.", "")
    flat = t.detach().reshape(-1)
    if t.dtype.is_floating_point:
        vals = [enc(float(v)) for v in flat.tolist()]
    else:
        vals = [int(v) for v in flat.tolist()]
    return {"dtype": dt, "shape": list(t.shape), "values": vals}


out = {"@generated": "by tests/ops/golden/gen_ops.py with torch " + torch.__version__ +
       "; do not edit", "inputs": {k: dump(v) for k, v in I.items()}, "cases": {}}
all_cases = cases()
for name, fn, _ in TABLE:
    assert name not in all_cases, name + " is in both cases() and TABLE"
    all_cases[name] = (lambda fn: lambda: fn(S))(fn)
for name, fn in sorted(all_cases.items()):
    r = fn()
    rs = list(r) if isinstance(r, (tuple, list)) else [r]
    out["cases"][name] = [dump(t) for t in rs]
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "ops.json"), "w") as f:
    json.dump(out, f, indent=0, sort_keys=True)
write_cases_inc(os.path.join(here, "cases.inc"))
print(len(out["cases"]), "cases,", len(TABLE), "of them in TABLE")
