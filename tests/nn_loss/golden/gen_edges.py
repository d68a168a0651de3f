#!/usr/bin/python3
"""Writes edges.json: PyTorch 1.13 values and input gradients of binary_cross_entropy and
hardtanh at their edges (probabilities of exactly 0 and 1, saturated sigmoids, inputs exactly at
hardtanh's bounds), in float32 and float64, for tests/nn_loss/edges_test.cpp. Each case's inputs
are lists of numbers (converted to the dtype on both sides); `grad` says which inputs require
grad; gradients are of the output's sum. Non-finite numbers are stored as "inf", "-inf", "nan".
Run: /usr/bin/python3 gen_edges.py"""
import json, math, os
import torch
import torch.nn.functional as F

p = [0.0, 1.0, 0.0, 1.0, 0.5, 1e-30, 1 - 2.0**-24, 1e-8]
t = [0.0, 1.0, 1.0, 0.0, 0.25, 1.0, 0.0, 0.5]
w = [0.5, 1.0, 2.0, 0.25, 1.5, 0.75, 1.0, 3.0]
z = [20.0, -90.0, 20.0, -90.0, 3.0, -3.0, 40.0, -750.0]   # logits: sigmoid saturates at ±20/-90
tz = [1.0, 0.0, 0.0, 1.0, 0.5, 1.0, 0.0, 1.0]

# name: (inputs, which require grad, PyTorch; edges_test.cpp holds the ember twin of each)
CASES = {
    "bce_probs_none": ([p, t], [True, True], lambda p, t: F.binary_cross_entropy(p, t, reduction="none")),
    "bce_probs_mean_weight": ([p, t, w], [True, True, False],
                              lambda p, t, w: F.binary_cross_entropy(p, t, weight=w)),
    "bce_probs_sum": ([p, t], [True, False],
                      lambda p, t: F.binary_cross_entropy(p, t, reduction="sum")),
    "bce_sigmoid_saturated": ([z, tz], [True, False],
                              lambda z, t: F.binary_cross_entropy(torch.sigmoid(z), t)),
    "bce_sigmoid_saturated_sum_weight": ([z, tz, w], [True, False, False],
        lambda z, t, w: F.binary_cross_entropy(torch.sigmoid(z), t, weight=w, reduction="sum")),
    "hardtanh_at_bounds": ([[-1.5, 2.0, -1.5, 2.0, 0.0, 1.75, 2.5, -3.0]], [True],
                           lambda x: F.hardtanh(x, -1.5, 2.0)),
    "hardtanh_default_at_bounds": ([[-1.0, 1.0, -0.5, 0.75, 1.25, -2.0]], [True],
                                   lambda x: F.hardtanh(x)),
    "relu6_at_bounds": ([[0.0, 6.0, -1.0, 3.0, 7.0, 5.5]], [True], lambda x: F.relu6(x)),
}


def enc(v):
    return v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))


def flat(x):
    return [enc(float(v)) for v in x.detach().reshape(-1).tolist()]


out = {"@generated": "by tests/nn_loss/golden/gen_edges.py with torch " + torch.__version__,
       "cases": {}}
for name, (inputs, grad, fn) in CASES.items():
    case = {"inputs": inputs, "grad": grad}
    for dt in (torch.float32, torch.float64):
        xs = [torch.tensor(v, dtype=dt).requires_grad_(g) for v, g in zip(inputs, grad)]
        r = fn(*xs)
        gs = torch.autograd.grad(r.sum(), [x for x in xs if x.requires_grad])
        case[str(dt).replace("torch.", "")] = {"value": flat(r), "shape": list(r.shape),
                                                "grads": [flat(g) for g in gs]}
    out["cases"][name] = case
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "edges.json"), "w") as f:
    json.dump(out, f, indent=0)
