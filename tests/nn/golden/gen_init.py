#!/usr/bin/python3
"""Writes init.json: PyTorch 1.13's default module initialisation and nn.init results after fixed
seeds, for tests/nn/module_test.cpp. Run with Debian's python3: /usr/bin/python3 gen_init.py"""
import json, math, os
import torch

out = {"@generated": "by tests/nn/golden/gen_init.py with torch " + torch.__version__}
def flat(t): return [float(v) for v in t.detach().reshape(-1).tolist()]

torch.manual_seed(0)
lin = torch.nn.Linear(3, 4)
out["linear_3_4_seed0"] = {"weight": flat(lin.weight), "bias": flat(lin.bias)}
torch.manual_seed(7)
lin = torch.nn.Linear(20, 30)   # > 16 elements: PyTorch's vectorised uniform path
out["linear_20_30_seed7"] = {"weight": flat(lin.weight), "bias": flat(lin.bias)}
torch.manual_seed(1)
bil = torch.nn.Bilinear(2, 3, 2)
out["bilinear_2_3_2_seed1"] = {"weight": flat(bil.weight), "bias": flat(bil.bias)}
x1 = torch.tensor([[0.5, -1.0], [2.0, 0.25]]); x2 = torch.tensor([[1.0, 2.0, -0.5], [0.0, 1.5, 3.0]])
out["bilinear_2_3_2_seed1"]["x1"] = flat(x1); out["bilinear_2_3_2_seed1"]["x2"] = flat(x2)
out["bilinear_2_3_2_seed1"]["y"] = flat(bil(x1, x2))

inits = {}
for name, shape, fn in [
    ("xavier_uniform", (5, 7), lambda t: torch.nn.init.xavier_uniform_(t, gain=2.0)),
    ("xavier_normal", (30, 20), lambda t: torch.nn.init.xavier_normal_(t)),
    ("kaiming_uniform", (6, 4, 3, 3), lambda t: torch.nn.init.kaiming_uniform_(t, a=0.1, mode="fan_out", nonlinearity="leaky_relu")),
    ("kaiming_normal", (8, 5), lambda t: torch.nn.init.kaiming_normal_(t, nonlinearity="relu")),
    ("orthogonal_tall", (5, 3), lambda t: torch.nn.init.orthogonal_(t)),
    ("orthogonal_wide", (3, 6), lambda t: torch.nn.init.orthogonal_(t, gain=0.5)),
    ("trunc_normal", (40,), lambda t: torch.nn.init.trunc_normal_(t, mean=0.5, std=2.0, a=-1.0, b=3.0)),
]:
    torch.manual_seed(3)
    t = torch.empty(shape)
    fn(t)
    inits[name] = {"shape": list(shape), "values": flat(t)}
out["init"] = inits
out["gain"] = {"tanh": torch.nn.init.calculate_gain("tanh"),
               "relu": torch.nn.init.calculate_gain("relu"),
               "leaky_relu_0.2": torch.nn.init.calculate_gain("leaky_relu", 0.2),
               "leaky_relu_default": torch.nn.init.calculate_gain("leaky_relu"),
               "selu": torch.nn.init.calculate_gain("selu")}

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "init.json"), "w") as f:
    json.dump(out, f, indent=1)
