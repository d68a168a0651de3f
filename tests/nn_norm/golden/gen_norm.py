# Writes norm.json: PyTorch 1.13 values for tests/nn_norm (batch_norm, layer_norm, group_norm,
# dropout masks, embedding, module inits and running statistics). Run with /usr/bin/python3.
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(1234)
out = {"@generated": "by tests/nn_norm/golden/gen_norm.py with torch " + torch.__version__}


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def case_grads(fn, inputs, gy):
    for t in inputs:
        if t is not None:
            t.requires_grad_(True)
    y = fn(*inputs)
    grads = torch.autograd.grad(y, [t for t in inputs if t is not None], gy)
    return y, grads


def batch_norm_case(shape, training, dtype, momentum=0.1):
    C = shape[1]
    x = (torch.randn(shape, dtype=dtype) * 2 + 3)
    w = torch.rand(C, dtype=dtype) + 0.5
    b = torch.randn(C, dtype=dtype)
    rm = torch.randn(C, dtype=dtype)
    rv = torch.rand(C, dtype=dtype) + 0.5
    gy = torch.randn(shape, dtype=dtype)
    rec = {"shape": list(shape), "training": training, "momentum": momentum, "eps": 1e-5,
           "double": dtype == torch.float64, "x": flat(x), "w": flat(w), "b": flat(b),
           "rm": flat(rm), "rv": flat(rv), "gy": flat(gy)}
    rm2, rv2 = rm.clone(), rv.clone()
    y, (gx, gw, gb) = case_grads(
        lambda x, w, b: F.batch_norm(x, rm2, rv2, w, b, training, momentum, 1e-5), [x, w, b], gy)
    rec.update({"y": flat(y), "gx": flat(gx), "gw": flat(gw), "gb": flat(gb), "rm_after": flat(rm2),
                "rv_after": flat(rv2)})
    return rec


out["batch_norm"] = [
    batch_norm_case((4, 3), True, torch.float32),
    batch_norm_case((2, 3, 4, 5), True, torch.float32),
    batch_norm_case((3, 2, 7), True, torch.float64, 0.3),
    batch_norm_case((2, 3, 4, 5), False, torch.float32),
]


def layer_norm_case(shape, nshape, affine):
    x = torch.randn(shape) * 3 - 1
    w = torch.rand(nshape) + 0.5 if affine else None
    b = torch.randn(nshape) if affine else None
    gy = torch.randn(shape)
    rec = {"shape": list(shape), "normalized_shape": list(nshape), "affine": affine, "x": flat(x),
           "gy": flat(gy)}
    if affine:
        rec.update({"w": flat(w), "b": flat(b)})
        y, (gx, gw, gb) = case_grads(lambda x, w, b: F.layer_norm(x, nshape, w, b), [x, w, b], gy)
        rec.update({"gw": flat(gw), "gb": flat(gb)})
    else:
        y, (gx,) = case_grads(lambda x: F.layer_norm(x, nshape), [x], gy)
    rec.update({"y": flat(y), "gx": flat(gx)})
    return rec


out["layer_norm"] = [layer_norm_case((2, 3, 4), (3, 4), True), layer_norm_case((5, 8), (8,), False),
                     layer_norm_case((6, 33), (33,), True)]


def group_norm_case(shape, G, affine):
    C = shape[1]
    x = torch.randn(shape) * 2 + 1
    w = torch.rand(C) + 0.5 if affine else None
    b = torch.randn(C) if affine else None
    gy = torch.randn(shape)
    rec = {"shape": list(shape), "groups": G, "affine": affine, "x": flat(x), "gy": flat(gy)}
    if affine:
        rec.update({"w": flat(w), "b": flat(b)})
        y, (gx, gw, gb) = case_grads(lambda x, w, b: F.group_norm(x, G, w, b), [x, w, b], gy)
        rec.update({"gw": flat(gw), "gb": flat(gb)})
    else:
        y, (gx,) = case_grads(lambda x: F.group_norm(x, G), [x], gy)
    rec.update({"y": flat(y), "gx": flat(gx)})
    return rec


out["group_norm"] = [group_norm_case((2, 6, 3, 2), 3, True), group_norm_case((3, 4, 5), 2, False),
                     group_norm_case((2, 4, 3), 4, True)]

# Dropout masks after manual_seed (ones in, so the output is the scaled mask).
torch.manual_seed(7)
d1 = F.dropout(torch.ones(40), 0.3, True)
torch.manual_seed(7)
d1d = F.dropout(torch.ones(40, dtype=torch.float64), 0.3, True)
torch.manual_seed(3)
d2 = F.dropout2d(torch.ones(2, 4, 3, 3), 0.5, True)
out["dropout"] = {"p": 0.3, "seed": 7, "y": flat(d1), "y_double": flat(d1d), "p2d": 0.5, "seed2d": 3,
                  "shape2d": [2, 4, 3, 3], "y2d": flat(d2)}

# Embedding: lookup, padding_idx, scale_grad_by_freq, max_norm.
w = torch.randn(5, 3)
idx = torch.tensor([[0, 2, 4], [2, 2, 1]])
gy = torch.randn(2, 3, 3)
emb = {"w": flat(w), "idx": flat(idx), "idx_shape": [2, 3], "gy": flat(gy)}
for name, kw in [("plain", {}), ("padding", {"padding_idx": 2}),
                 ("freq", {"scale_grad_by_freq": True}),
                 ("padding_freq", {"padding_idx": 0, "scale_grad_by_freq": True})]:
    wc = w.clone().requires_grad_(True)
    y = F.embedding(idx, wc, **kw)
    (gw,) = torch.autograd.grad(y, [wc], gy)
    emb[name] = {"y": flat(y), "gw": flat(gw)}
wr = (w * 2).clone()
yr = F.embedding(idx, wr, max_norm=1.5)
emb["max_norm"] = {"w_in": flat(w * 2), "w_after": flat(wr), "y": flat(yr), "max_norm": 1.5}
wr = (w * 2).clone()
yr = F.embedding(idx, wr, max_norm=2.0, norm_type=1.0)
emb["max_norm_l1"] = {"w_after": flat(wr), "max_norm": 2.0, "norm_type": 1.0}
out["embedding"] = emb

# Modules: Embedding init after manual_seed, BatchNorm2d running stats over steps.
torch.manual_seed(0)
m = torch.nn.Embedding(10, 3, padding_idx=1)
out["embedding_init"] = {"seed": 0, "weight": flat(m.weight)}
torch.manual_seed(5)
xs = [torch.randn(4, 3, 2, 2) * (i + 1) + i for i in range(3)]
mods = {}
for name, momentum in [("momentum", 0.1), ("cumulative", None)]:
    bn = torch.nn.BatchNorm2d(3, momentum=momentum)
    for x in xs:
        y = bn(x)
    bn.eval()
    ye = bn(xs[0])
    mods[name] = {"running_mean": flat(bn.running_mean), "running_var": flat(bn.running_var),
                  "num_batches_tracked": int(bn.num_batches_tracked), "y_train_last": flat(y),
                  "y_eval": flat(ye)}
out["batchnorm2d_steps"] = {"xs": [flat(x) for x in xs], "shape": [4, 3, 2, 2], **mods}

# instance_norm: functional with weight/bias and running stats; InstanceNorm1d modules.
x = torch.randn(3, 4, 5) * 2 + 1
w = torch.rand(4) + 0.5
b = torch.randn(4)
rm = torch.randn(4)
rv = torch.rand(4) + 0.5
gy = torch.randn(3, 4, 5)
xg, wg, bg = x.clone().requires_grad_(), w.clone().requires_grad_(), b.clone().requires_grad_()
rm2, rv2 = rm.clone(), rv.clone()
y = F.instance_norm(xg, rm2, rv2, wg, bg, use_input_stats=True, momentum=0.2)
gx, gw, gb = torch.autograd.grad(y, [xg, wg, bg], gy)
inst = {"x": flat(x), "w": flat(w), "b": flat(b), "rm": flat(rm), "rv": flat(rv), "gy": flat(gy),
        "y": flat(y), "gx": flat(gx), "gw": flat(gw), "gb": flat(gb), "rm_after": flat(rm2),
        "rv_after": flat(rv2)}
y_eval = F.instance_norm(x, rm2, rv2, w, b, use_input_stats=False)
inst["y_eval"] = flat(y_eval)
m = torch.nn.InstanceNorm1d(4, affine=True, track_running_stats=True)
m(x)
m(x * 3 - 2)
m.eval()
inst["module"] = {"running_mean": flat(m.running_mean), "running_var": flat(m.running_var),
                  "y_eval": flat(m(x)), "y_unbatched": flat(m(x[0]))}
out["instance_norm"] = inst

# normalize
x = torch.randn(3, 4)
out["normalize"] = {"x": flat(x), "p2_dim1": flat(F.normalize(x)),
                    "p1_dim0": flat(F.normalize(x, p=1.0, dim=0))}

# dropout3d mask
torch.manual_seed(9)
out["dropout3d"] = {"seed": 9, "p": 0.5, "shape": [2, 3, 2, 2, 2],
                    "y": flat(F.dropout3d(torch.ones(2, 3, 2, 2, 2), 0.5, True))}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "norm.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path)
