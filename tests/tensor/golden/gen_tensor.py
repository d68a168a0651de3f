#!/usr/bin/python3
"""Writes tensor.json for tests/tensor/*_test.cpp: PyTorch 1.13's random sequences, type promotion,
range factories, the dtypes torch::tensor infers and libtorch's `std::cout << tensor` text.
Needs Debian's python3-torch and libtorch-dev. Run: /usr/bin/python3 gen_tensor.py"""
import json, os, subprocess, tempfile
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
out = {"@generated": "by tests/tensor/golden/gen_tensor.py from PyTorch " + torch.__version__
       + "; do not edit"}

def flat(t): return [float(v) for v in t.reshape(-1).tolist()]
def dt(d): return {torch.bool: "Bool", torch.uint8: "Byte", torch.int32: "Int",
                   torch.int64: "Long", torch.float32: "Float", torch.float64: "Double"}[d]
DTYPES = [torch.bool, torch.uint8, torch.int32, torch.int64, torch.float32, torch.float64]

# ---- random sequences: one replay per seed, in this order ------------------------------------
def rng_sequence(seed):
    torch.manual_seed(seed)
    steps = [
        ("rand", [5], "Float", lambda: torch.rand(5)),
        ("rand", [2, 3], "Double", lambda: torch.rand(2, 3, dtype=torch.float64)),
        ("randn", [4], "Float", lambda: torch.randn(4)),          # scalar Box-Muller
        ("randn", [20], "Float", lambda: torch.randn(20)),        # blocks of 16 + tail
        ("randn", [3], "Double", lambda: torch.randn(3, dtype=torch.float64)),  # leaves a spare
        ("randn", [1], "Double", lambda: torch.randn(1, dtype=torch.float64)),  # uses the spare
        ("randn", [16], "Double", lambda: torch.randn(16, dtype=torch.float64)),
        ("normal", [5], "Float", lambda: torch.normal(2.0, 0.5, (5,))),
        ("randint", [6], "Long", lambda: torch.randint(0, 10, (6,))),
        ("randint", [4], "Long", lambda: torch.randint(-5, 5, (4,))),
        ("randint", [3], "Long", lambda: torch.randint(0, 2 ** 40, (3,))),  # 64-bit draws
        ("randperm", [10], "Long", lambda: torch.randperm(10)),
        ("rand", [3], "Float", lambda: torch.rand(3)),
    ]
    res = []
    for name, shape, dtype, f in steps:
        t = f()
        assert list(t.shape) == shape and dt(t.dtype) == dtype, name
        res.append({"op": name, "shape": shape, "dtype": dtype, "values": flat(t)})
    return {"seed": seed, "steps": res}

out["rng"] = [rng_sequence(s) for s in (0, 42, 123456789, (1 << 32) + 5)]
# A fresh generator (seed 67280421310721) without manual_seed.
g = torch.Generator()
out["rng_fresh"] = {"seed": g.initial_seed(), "rand": flat(torch.rand(4, generator=g))}

# In-place fills of non-contiguous tensors draw in memory order (TensorIterator's order).
def noncontiguous(name, f):
    torch.manual_seed(9)
    t = f()
    return {"op": name, "shape": list(t.shape), "values": flat(t)}
out["rng_noncontiguous"] = [
    noncontiguous("uniform_", lambda: torch.empty(2, 3).t().uniform_()),
    noncontiguous("normal_", lambda: torch.empty(4, 5).t().normal_()),
    noncontiguous("random_", lambda: torch.empty(2, 3, dtype=torch.int64).t().random_(0, 10)),
]

# *_like factories keep the strides of dense inputs (memory_format=preserve); draws follow memory.
xt = torch.zeros(2, 3).t()
torch.manual_seed(4)
out["like"] = {"strides_t": list(torch.empty_like(xt).stride()),
               "strides_sliced": list(torch.empty_like(torch.zeros(4, 6)[:, ::2]).stride()),
               "strides_expanded": list(torch.empty_like(torch.zeros(3, 1).expand(3, 4)).stride()),
               "clone_t": list(xt.clone().stride()),
               "rand_like_t": flat(torch.rand_like(xt)), "randn_like_t": flat(torch.randn_like(xt))}

# ---- promotion -------------------------------------------------------------------------------
out["promote_types"] = [[dt(a), dt(b), dt(torch.promote_types(a, b))]
                        for a in DTYPES for b in DTYPES]

A_VALS = [1, 2]
B_VALS = [3, 1]
def operand(kind, dtype):
    if kind == "tensor": return torch.tensor(B_VALS).to(dtype)
    if kind == "zerodim": return torch.tensor(B_VALS[0]).to(dtype)
    return {"int": 3, "float": 2.5, "bool": True}[kind]

cases = []
for a in DTYPES:
    for kind in ["tensor", "zerodim", "int", "float", "bool"]:
        for b in (DTYPES if kind in ("tensor", "zerodim") else [None]):
            for op in ["add", "sub", "mul", "div"]:
                x = torch.tensor(A_VALS).to(a)
                y = operand(kind, b)
                case = {"a": dt(a), "kind": kind, "b": dt(b) if b is not None else "",
                        "op": op}
                try:
                    r = getattr(torch, op)(x, y)
                    case["dtype"] = dt(r.dtype)
                    case["values"] = flat(r.double())
                except RuntimeError:
                    case["dtype"] = "error"
                cases.append(case)
out["binary_promotion"] = cases

# ---- range factories -------------------------------------------------------------------------
out["ranges"] = [
    {"op": "linspace", "args": [0, 1, 7], "dtype": "Float",
     "values": flat(torch.linspace(0, 1, 7))},
    {"op": "linspace", "args": [-3.3, 10.1, 13], "dtype": "Float",
     "values": flat(torch.linspace(-3.3, 10.1, 13))},
    # < 2 SIMD vectors (8 doubles with AVX2): PyTorch's scalar path. Longer outputs take its
    # vector path, whose rounding depends on the CPU.
    {"op": "linspace", "args": [-3.3, 10.1, 7], "dtype": "Double",
     "values": flat(torch.linspace(-3.3, 10.1, 7, dtype=torch.float64))},
    {"op": "linspace", "args": [0, 10, 4], "dtype": "Long",
     "values": flat(torch.linspace(0, 10, 4, dtype=torch.int64))},
    {"op": "linspace", "args": [2, 2, 1], "dtype": "Float", "values": flat(torch.linspace(2, 2, 1))},
    {"op": "arange", "args": [0, 1, 0.1], "dtype": "Float",
     "values": flat(torch.arange(0, 1, 0.1))},
    {"op": "arange", "args": [-1, 1.05, 0.35], "dtype": "Double",
     "values": flat(torch.arange(-1, 1.05, 0.35, dtype=torch.float64))},
    {"op": "arange", "args": [10, 0, -3], "dtype": "Long", "values": flat(torch.arange(10, 0, -3))},
]

# ---- libtorch's printing and torch::tensor dtype inference (C++ helper) -----------------------
nan, inf = float("nan"), float("inf")
PRINT_CASES = [
    ("float_2x2", "Float", [2, 2], [1, 2, 3, 4]),
    ("float_frac_1d", "Float", [3], [0.5, -1.25, 3]),
    ("float_sci", "Float", [3], [1e-5, 1, 1e5]),
    ("float_scaled_big", "Float", [3], [1000.5, 20000.25, 123456.7]),
    ("float_scaled_small", "Double", [2, 2], [0.001, 0.002, -0.0035, 0.0001]),
    ("float_int_valued", "Float", [3], [1, -2, 30]),
    ("float_huge_ints", "Double", [2], [1e10, 1]),
    ("float_nonfinite", "Float", [4], [1.5, nan, inf, -inf]),
    ("float_all_inf", "Float", [2], [inf, -inf]),
    ("float_zeros", "Float", [2, 3], [0, 0, 0, 0, 0, 0]),
    ("float_tiny_and_big", "Double", [2], [1e-120, 1e120]),
    ("long_1d", "Long", [3], [-3, 10, 200]),
    ("int_2x3", "Int", [2, 3], [1, -20, 300, 4, 5, 6]),
    ("byte_1d", "Byte", [3], [0, 7, 255]),
    ("bool_1d", "Bool", [3], [1, 0, 1]),
    ("scalar_float", "Float", [], [0.1]),
    ("scalar_double", "Double", [], [3.25]),
    ("scalar_long", "Long", [], [7]),
    ("scalar_bool", "Bool", [], [1]),
    ("empty_1d", "Float", [0], []),
    ("empty_2d", "Float", [2, 0], []),
    ("empty_3d", "Long", [2, 0, 3], []),
    ("float_3d", "Float", [2, 2, 3], [i * 0.5 for i in range(12)]),
    ("long_4d", "Long", [2, 1, 2, 2], list(range(8))),
    ("float_wide", "Float", [3, 12], [(i - 17) / 3 for i in range(36)]),
    ("long_wide", "Long", [2, 30], [i * 7 - 100 for i in range(60)]),
    ("float_3d_scaled", "Double", [2, 1, 2], [1e6, 2.5e6, 3e5, 4.25e6]),
    ("float_3d_scale_factor", "Double", [2, 2, 2], [1500000.5, 2250000.25, 350000.75, 4125000.5, -1.5, 2, 3, 4]),
    ("float_wide_scaled", "Float", [2, 13], [(i - 7) * 1234.5 for i in range(26)]),
]

with tempfile.TemporaryDirectory() as tmp:
    exe = os.path.join(tmp, "gen_print")
    subprocess.run(["g++", "-std=c++17", "-O0", "-w", os.path.join(HERE, "gen_print.cpp"),
                    "-I/usr/include/torch/csrc/api/include", "-o", exe,
                    "-ltorch", "-ltorch_cpu", "-lc10"], check=True)
    lines = ["dtypes"]
    for name, dtype, shape, vals in PRINT_CASES:
        lines.append(" ".join(["print", dtype, str(len(shape))] + [str(s) for s in shape]
                              + [str(len(vals))] + [repr(float(v)) for v in vals]))
    text = subprocess.run([exe], input="\n".join(lines) + "\n", capture_output=True, text=True,
                          check=True).stdout
answers = text.split("<<<END>>>\n")
out["tensor_dtypes"] = {l.split()[0]: {"dtype": l.split()[1], "dim": int(l.split()[2])}
                        for l in answers[0].splitlines()}
out["print"] = [{"name": n, "dtype": d, "shape": s, "values": [repr(float(v)) for v in vals],
                 "text": answers[i + 1][:-1]}  # drop the newline before the end marker
                for i, (n, d, s, vals) in enumerate(PRINT_CASES)]

with open(os.path.join(HERE, "tensor.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
