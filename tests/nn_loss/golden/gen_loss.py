#!/usr/bin/python3
"""Writes loss.json: PyTorch 1.13 values and input gradients of the activations and losses for
fixed inputs, for tests/nn_loss/loss_test.cpp. Run: /usr/bin/python3 gen_loss.py"""
import json, os
import torch
import torch.nn.functional as F

torch.manual_seed(0)
def flat(t): return [float(v) for v in t.detach().reshape(-1).tolist()]
x = (torch.linspace(-3, 3, 24, dtype=torch.float64).reshape(4, 6) * torch.tensor([1.0, -0.7, 0.3, 1.9, -1.1, 0.5], dtype=torch.float64))
y = torch.linspace(-1, 2, 24, dtype=torch.float64).reshape(4, 6).flip(1)
p = torch.sigmoid(x)            # probabilities for BCE
t01 = (torch.arange(24).reshape(4, 6) % 3 == 0).double()
cls = torch.tensor([2, 0, 5, 1])
cls_ign = torch.tensor([2, -100, 5, 1])
w6 = torch.tensor([0.5, 1.0, 2.0, 0.25, 1.5, 0.75], dtype=torch.float64)
probs = torch.softmax(y, 1)
x3 = x.reshape(2, 3, 4); cls3 = torch.tensor([[0, 2, 1, 1], [2, 2, 0, 1]])

cases = {
  "leaky_relu": lambda a: F.leaky_relu(a, 0.2),
  "elu": lambda a: F.elu(a, 1.5),
  "gelu": lambda a: F.gelu(a),
  "gelu_tanh": lambda a: F.gelu(a, approximate="tanh"),
  "silu": lambda a: F.silu(a),
  "softplus": lambda a: F.softplus(a, beta=2.0, threshold=3.0),
  "hardtanh": lambda a: F.hardtanh(a, -1.5, 2.0),
  "mish": lambda a: F.mish(a),
  "mse_mean": lambda a: F.mse_loss(a, y),
  "mse_sum": lambda a: F.mse_loss(a, y, reduction="sum"),
  "l1_none": lambda a: F.l1_loss(a, y, reduction="none"),
  "smooth_l1": lambda a: F.smooth_l1_loss(a, y, beta=0.5),
  "huber": lambda a: F.huber_loss(a, y, delta=0.8),
  "bce": lambda a: F.binary_cross_entropy(torch.sigmoid(a), t01),
  "bce_weight_sum": lambda a: F.binary_cross_entropy(torch.sigmoid(a), t01, weight=w6, reduction="sum"),
  "bce_logits": lambda a: F.binary_cross_entropy_with_logits(a, t01),
  "bce_logits_pos": lambda a: F.binary_cross_entropy_with_logits(a, t01, weight=w6, pos_weight=w6 * 2),
  "nll": lambda a: F.nll_loss(F.log_softmax(a, 1), cls),
  "nll_weight_ignore": lambda a: F.nll_loss(F.log_softmax(a, 1), cls_ign, weight=w6),
  "ce": lambda a: F.cross_entropy(a, cls),
  "ce_none": lambda a: F.cross_entropy(a, cls, reduction="none"),
  "ce_smooth": lambda a: F.cross_entropy(a, cls_ign, label_smoothing=0.1),
  "ce_smooth_weight": lambda a: F.cross_entropy(a, cls_ign, weight=w6, label_smoothing=0.2),
  "ce_probs": lambda a: F.cross_entropy(a, probs),
  "ce_probs_smooth": lambda a: F.cross_entropy(a, probs, label_smoothing=0.3, weight=w6),
  "ce_3d": lambda a: F.cross_entropy(a.reshape(2, 3, 4), cls3),
  "kl_batchmean": lambda a: F.kl_div(F.log_softmax(a, 1), probs, reduction="batchmean"),
  "kl_log_target": lambda a: F.kl_div(F.log_softmax(a, 1), torch.log(probs), reduction="sum", log_target=True),
}
out = {"@generated": "by tests/nn_loss/golden/gen_loss.py with torch " + torch.__version__,
       "x": flat(x), "y": flat(y), "t01": flat(t01), "w6": flat(w6), "cases": {}}
for name, fn in cases.items():
    a = x.clone().requires_grad_(True)
    r = fn(a)
    g = torch.autograd.grad(r.sum(), a)[0]
    out["cases"][name] = {"value": flat(r), "shape": list(r.shape), "grad": flat(g)}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "loss.json"), "w") as f:
    json.dump(out, f, indent=0)
