# Writes conv.json: PyTorch 1.13 values for tests/nn_conv (conv1d/2d, conv_transpose1d/2d,
# max/avg/adaptive-avg pooling: outputs, indices and gradients for a random output gradient;
# default module initialisations after manual_seed). Run with /usr/bin/python3.
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(4)
out = {"@generated": "by tests/nn_conv/golden/gen_conv.py with torch " + torch.__version__}


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def run(fn, inputs, **kw):
    """inputs: dict name -> tensor or None. Returns the record with values, output, grads."""
    ts = {k: (v.double().requires_grad_(True) if v is not None else None) for k, v in inputs.items()}
    y = fn(**ts)
    indices = None
    if isinstance(y, tuple):
        y, indices = y
    gy = torch.randn(y.shape, dtype=torch.float64)
    y.backward(gy)
    rec = {"y_shape": list(y.shape), "y": flat(y), "gy": flat(gy)}
    for k, v in ts.items():
        if v is None:
            continue
        rec[k + "_shape"] = list(v.shape)
        rec[k] = flat(v)
        rec["g" + k] = flat(v.grad)
    if indices is not None:
        rec["indices"] = [int(i) for i in indices.reshape(-1).tolist()]
    rec.update(kw)
    return rec


def conv_case(dims, xs, ws, bias, stride, padding, dilation, groups):
    f = F.conv1d if dims == 1 else F.conv2d
    inputs = {"x": torch.randn(xs), "w": torch.randn(ws),
              "b": torch.randn(ws[0]) if bias else None}
    return run(lambda x, w, b: f(x, w, b, stride, padding, dilation, groups), inputs, dims=dims,
               stride=stride, padding=padding, dilation=dilation, groups=groups)


def conv_t_case(dims, xs, ws, bias, stride, padding, output_padding, groups, dilation):
    f = F.conv_transpose1d if dims == 1 else F.conv_transpose2d
    inputs = {"x": torch.randn(xs), "w": torch.randn(ws),
              "b": torch.randn(ws[1] * groups) if bias else None}
    return run(lambda x, w, b: f(x, w, b, stride, padding, output_padding, groups, dilation), inputs,
               dims=dims, stride=stride, padding=padding, output_padding=output_padding,
               groups=groups, dilation=dilation)


out["conv"] = [
    conv_case(2, (2, 3, 7, 6), (4, 3, 3, 3), True, [1, 1], [0, 0], [1, 1], 1),
    conv_case(2, (2, 3, 8, 7), (4, 3, 3, 2), True, [2, 2], [1, 1], [1, 1], 1),
    conv_case(2, (2, 2, 9, 8), (3, 2, 3, 3), True, [1, 2], [1, 2], [2, 1], 1),
    conv_case(2, (2, 4, 6, 6), (6, 2, 3, 3), True, [2, 1], [1, 0], [1, 1], 2),
    conv_case(2, (3, 5, 4, 4), (2, 5, 1, 1), False, [1, 1], [0, 0], [1, 1], 1),
    conv_case(2, (5, 4, 6), (4, 5, 2, 3), True, [1, 1], [1, 1], [1, 1], 1),
    conv_case(2, (2, 4, 5, 5), (4, 1, 3, 3), False, [1, 1], [1, 1], [1, 1], 4),
    conv_case(2, (2, 1, 12, 12), (3, 1, 5, 5), True, [3, 3], [2, 2], [1, 1], 1),
    conv_case(1, (2, 3, 10), (4, 3, 3), True, [2], [1], [2], 1),
    conv_case(1, (2, 4, 9), (6, 2, 4), False, [1], [2], [1], 2),
]
out["conv_transpose"] = [
    conv_t_case(2, (2, 4, 5, 5), (4, 3, 3, 3), True, [2, 2], [1, 1], [1, 1], 1, [1, 1]),
    conv_t_case(2, (2, 4, 4, 3), (4, 2, 2, 3), True, [1, 2], [0, 1], [0, 1], 2, [1, 1]),
    conv_t_case(2, (1, 3, 4, 4), (3, 2, 3, 3), False, [2, 1], [0, 0], [1, 0], 1, [2, 2]),
    conv_t_case(2, (3, 4, 4), (3, 2, 3, 3), True, [1, 1], [1, 1], [0, 0], 1, [1, 1]),
    conv_t_case(1, (2, 3, 6), (3, 2, 4), True, [3], [1], [2], 1, [1]),
]


def max_case(dims, xs, k, s, p, d, ceil):
    f = F.max_pool1d if dims == 1 else F.max_pool2d
    return run(lambda x: f(x, k, s, p, d, ceil, True), {"x": torch.randn(xs)}, dims=dims, kernel=k,
               stride=s, padding=p, dilation=d, ceil_mode=ceil)


out["max_pool"] = [
    max_case(2, (2, 3, 8, 8), [2, 2], [2, 2], [0, 0], [1, 1], False),
    max_case(2, (2, 2, 7, 9), [3, 3], [2, 2], [1, 1], [1, 1], False),
    max_case(2, (1, 2, 7, 7), [3, 2], [2, 1], [1, 0], [1, 1], True),
    max_case(2, (2, 2, 9, 8), [2, 3], [1, 2], [1, 1], [2, 2], True),
    max_case(2, (2, 6, 5), [2, 2], [2, 2], [0, 0], [1, 1], True),
    max_case(2, (2, 3, 9, 11), [2, 2], [2, 2], [0, 0], [1, 1], False),
    max_case(1, (2, 3, 11), [3], [2], [1], [1], True),
    max_case(1, (2, 3, 10), [2], [2], [0], [3], False),
]


def avg_case(dims, xs, k, s, p, ceil, include_pad, divisor=None):
    if dims == 1:
        fn = lambda x: F.avg_pool1d(x, k, s, p, ceil, include_pad)
    else:
        fn = lambda x: F.avg_pool2d(x, k, s, p, ceil, include_pad, divisor)
    return run(fn, {"x": torch.randn(xs)}, dims=dims, kernel=k, stride=s, padding=p,
               ceil_mode=ceil, count_include_pad=include_pad, divisor_override=divisor or 0)


out["avg_pool"] = [
    avg_case(2, (2, 3, 6, 6), [2, 2], [2, 2], [0, 0], False, True),
    avg_case(2, (2, 2, 7, 8), [3, 3], [2, 2], [1, 1], False, True),
    avg_case(2, (2, 2, 7, 8), [3, 3], [2, 2], [1, 1], True, False),
    avg_case(2, (1, 2, 7, 7), [3, 2], [2, 1], [1, 1], True, True),
    avg_case(2, (1, 2, 6, 5), [2, 3], [2, 2], [1, 0], False, True, 5),
    avg_case(1, (2, 3, 9), [3], [2], [1], True, False),
]


def adaptive_case(dims, xs, size):
    f = F.adaptive_avg_pool1d if dims == 1 else F.adaptive_avg_pool2d
    return run(lambda x: f(x, size), {"x": torch.randn(xs)}, dims=dims, output_size=size)


out["adaptive_avg_pool"] = [
    adaptive_case(2, (2, 3, 7, 9), [3, 4]),
    adaptive_case(2, (1, 2, 3, 2), [5, 4]),
    adaptive_case(2, (2, 6, 6), [1, 1]),
    adaptive_case(1, (2, 3, 10), [4]),
]

# Default initialisations after manual_seed (kaiming_uniform_(a=√5), bias U(±1/√fan_in)).
inits = []
for name, ctor, seed in [("Conv2d(3, 4, 3)", lambda: torch.nn.Conv2d(3, 4, 3), 7),
                         ("Conv2d(4, 6, (3, 2), groups=2)",
                          lambda: torch.nn.Conv2d(4, 6, (3, 2), groups=2), 8),
                         ("Conv1d(2, 3, 4)", lambda: torch.nn.Conv1d(2, 3, 4), 9),
                         ("ConvTranspose2d(4, 6, 3, groups=2)",
                          lambda: torch.nn.ConvTranspose2d(4, 6, 3, groups=2), 10),
                         ("Conv2d(1, 10, 5)", lambda: torch.nn.Conv2d(1, 10, 5), 11)]:
    torch.manual_seed(seed)
    m = ctor()
    inits.append({"name": name, "seed": seed, "weight_shape": list(m.weight.shape),
                  "weight": flat(m.weight), "bias": flat(m.bias)})
out["init"] = inits

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path)
