#!/usr/bin/python3
"""PyTorch's side of tests/io/pt_interop_test.cpp (Debian's python3-torch 1.13).

  pt_interop.py resnet18 DIR   writes DIR/resnet18.pt: torch.save of a ResNet-18-shaped
                               state_dict (torchvision's names and shapes, random values), and
                               DIR/resnet18.safetensors with the same tensors, for ember to
                               compare against
  pt_interop.py check DIR      loads the files ember wrote into DIR with weights_only=True and
                               compares them bit for bit with what they should hold
  pt_interop.py check-resnet DIR
                               loads DIR/resnet18.pt and ember's copy DIR/resnet18_ember.pt
                               (weights_only=True) and compares keys, order and bytes
  pt_interop.py check-zip64 DIR
                               loads DIR/ember_zip64.pt (ember's dtypes state_dict with ZIP64
                               fields on every record, as files over 4 GiB have them)
  pt_interop.py adam DIR       loads ember's Adam state_dict DIR/adam_ember.pt into a
                               torch.optim.Adam and continues training: the result must equal
                               the fixture run continued in PyTorch

Exit status 0 and "ok" on success; otherwise a message on stderr and status 1.
"""
import collections
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden"))
import gen_pt  # noqa: E402  (the fixtures' values)

WEIGHTS_ONLY_FLOATS = not torch.__version__.startswith("1.")  # 1.13 lacks BINFLOAT


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def raw(t):
    return t.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


def same(a, b):
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.dtype == b.dtype
            and a.shape == b.shape and raw(a) == raw(b))


def expect_state(got, want, what):
    if list(got.keys()) != list(want.keys()):
        fail(f"{what}: keys {list(got.keys())} != {list(want.keys())}")
    for k in want:
        if not same(got[k], want[k]):
            fail(f"{what}: tensor {k!r} differs: {got[k]!r} vs {want[k]!r}")


def resnet18_state():
    torch.manual_seed(18)
    sd = collections.OrderedDict()

    def conv(name, cout, cin, k):
        sd[name + ".weight"] = torch.randn(cout, cin, k, k) * 0.05

    def bn(name, c):
        sd[name + ".weight"] = torch.rand(c) + 0.5
        sd[name + ".bias"] = torch.randn(c) * 0.1
        sd[name + ".running_mean"] = torch.randn(c) * 0.1
        sd[name + ".running_var"] = torch.rand(c) + 0.5
        sd[name + ".num_batches_tracked"] = torch.tensor(1000)

    conv("conv1", 64, 3, 7)
    bn("bn1", 64)
    cin = 64
    for layer, cout in enumerate([64, 128, 256, 512], start=1):
        for block in range(2):
            p = f"layer{layer}.{block}"
            first_in = cin if block == 0 else cout
            conv(p + ".conv1", cout, first_in, 3)
            bn(p + ".bn1", cout)
            conv(p + ".conv2", cout, cout, 3)
            bn(p + ".bn2", cout)
            if block == 0 and layer > 1:
                conv(p + ".downsample.0", cout, first_in, 1)
                bn(p + ".downsample.1", cout)
        cin = cout
    sd["fc.weight"] = torch.randn(1000, 512) * 0.01
    sd["fc.bias"] = torch.randn(1000) * 0.01
    return sd


def write_safetensors(path, tensors):
    names = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
    header, data = {}, b""
    for k, t in tensors.items():
        b = raw(t)
        header[k] = {"dtype": names[t.dtype], "shape": list(t.shape),
                     "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


def storage_ptr(t):
    return t.storage().data_ptr()


def check(d):
    load = lambda name, w=True: torch.load(os.path.join(d, name), weights_only=w)  # noqa: E731
    # every dtype, in key order, bit for bit; an OrderedDict as state_dict() returns
    sd = load("ember_dtypes.pt")
    if type(sd) is not collections.OrderedDict:
        fail(f"ember_dtypes.pt holds a {type(sd)}")
    expect_state(sd, gen_pt.dtypes(), "ember_dtypes.pt")
    if any(t.requires_grad for t in sd.values()):
        fail("save_state_dict wrote a tensor with requires_grad")
    # views of one storage stay views of one storage
    v = load("ember_views.pt")
    want = gen_pt.views()
    for k in want:
        if not same(v[k], want[k]) or v[k].stride() != want[k].stride() or \
                v[k].storage_offset() != want[k].storage_offset():
            fail(f"ember_views.pt: {k!r} differs: {v[k]!r} (stride {v[k].stride()})")
    for k in ["row", "slice", "t", "expand"]:
        if storage_ptr(v[k]) != storage_ptr(v["base"]):
            fail(f"ember_views.pt: {k!r} does not share the storage of 'base'")
    if storage_ptr(v["own"]) == storage_ptr(v["base"]):
        fail("ember_views.pt: 'own' shares a storage it should not")
    # nested containers (no floats: PyTorch 1.13's weights_only unpickler has no BINFLOAT)
    n = load("ember_nested.pt")
    want = gen_pt.nested()
    for k in ["ints", "text", "flags", "by_int"]:
        if n[k] != want[k] or type(n[k]) is not type(want[k]):
            fail(f"ember_nested.pt: {k!r} is {n[k]!r}, expected {want[k]!r}")
    if not same(n["param"], want["param"]) or not n["param"].requires_grad:
        fail(f"ember_nested.pt: 'param' is {n['param']!r}")
    if not same(n["grad"], want["grad"]) or not n["grad"].requires_grad:
        fail(f"ember_nested.pt: 'grad' is {n['grad']!r}")
    f = load("ember_floats.pt", WEIGHTS_ONLY_FLOATS)
    if f != want["floats"]:
        fail(f"ember_floats.pt is {f!r}, expected {want['floats']!r}")
    print("ok")


def check_resnet(d):
    a = torch.load(os.path.join(d, "resnet18.pt"), weights_only=True)
    b = torch.load(os.path.join(d, "resnet18_ember.pt"), weights_only=True)
    expect_state(b, a, "resnet18_ember.pt")
    print("ok")


def adam(d):
    """ember's Adam state_dict continues training in PyTorch exactly as PyTorch's own does."""
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")

    def run(opt_state):
        lin = torch.nn.Linear(3, 2)
        lin.load_state_dict(torch.load(os.path.join(here, "adam_model.pt"), weights_only=True))
        opt = torch.optim.Adam(lin.parameters(), lr=0.5, betas=(0.5, 0.5))
        opt.load_state_dict(opt_state)
        torch.manual_seed(0)
        x = torch.randn(4, 3)
        for _ in range(2):
            opt.zero_grad()
            (lin(x) ** 2).sum().backward()
            opt.step()
        return lin.state_dict(), opt.state_dict()

    theirs = torch.load(os.path.join(here, "adam.pt"))
    ours = torch.load(os.path.join(d, "adam_ember.pt"), weights_only=WEIGHTS_ONLY_FLOATS)
    for go, gt in zip(ours["param_groups"], theirs["param_groups"], strict=True):
        for k, value in go.items():  # ember writes the options it has
            if k not in gt or gt[k] != value or type(gt[k]) is not type(value) and k != "weight_decay":
                fail(f"param_groups: {k!r} is {value!r}, PyTorch's is {gt.get(k)!r}")
    for i, s in theirs["state"].items():
        for k, t in s.items():
            if not same(ours["state"][i][k], t):
                fail(f"state[{i}][{k!r}] {ours['state'][i][k]!r} != {t!r}")
    (m1, o1), (m2, o2) = run(theirs), run(ours)
    expect_state(m2, m1, "model trained on from ember's Adam state")
    print("ok")


def main():
    cmd, d = sys.argv[1], sys.argv[2]
    if cmd == "resnet18":
        sd = resnet18_state()
        torch.save(sd, os.path.join(d, "resnet18.pt"))
        write_safetensors(os.path.join(d, "resnet18.safetensors"), sd)
        print("ok")
    elif cmd == "check":
        check(d)
    elif cmd == "check-zip64":
        expect_state(torch.load(os.path.join(d, "ember_zip64.pt"), weights_only=True),
                     gen_pt.dtypes(), "ember_zip64.pt")
        print("ok")
    elif cmd == "check-resnet":
        check_resnet(d)
    elif cmd == "adam":
        adam(d)
    else:
        fail(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
