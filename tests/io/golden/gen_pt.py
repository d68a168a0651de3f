#!/usr/bin/python3
"""Writes the .pt fixtures of tests/io/pt_test.cpp with torch.save (Debian's python3-torch 1.13):
    /usr/bin/python3 tests/io/golden/gen_pt.py
Each fixture is small (all of them together are a few kilobytes); pt_test.cpp builds the same
values in C++ and compares them bit for bit, so keep the two in step.

  dtypes.pt      OrderedDict of one tensor per ember dtype (NaN, -0.0, infinities, extremes),
                 a 0-d tensor and an empty (0, 3) tensor
  views.pt       dict of views of one (3, 4) float storage (row, strided slice, transpose,
                 expand with stride 0) plus an int64 tensor with its own storage
  nested.pt      list/tuple/dict nesting with ints (small, 16-bit, 32-bit, 64-bit, negative),
                 floats, strings, bools, None, int keys, a Parameter, a requires_grad tensor
  module.pt      state_dict() of Sequential(Linear(3, 2), BatchNorm1d(2)) after one training
                 step (carries _metadata, set through BUILD); jit_module.pt: the same module
                 through torch.jit.save (a TorchScript archive; its bytes differ at every run)
  adam.pt        Adam(lr=0.01, betas=(0.8, 0.9)) state_dict after 3 steps on a Linear(3, 2),
                 and adam_model.pt, the Linear's state_dict after those steps;
                 adam_after.pt: the input x and the Linear's weights after 2 more steps
  float16.pt bfloat16.pt int8.pt int16.pt complex64.pt   one tensor each: dtypes ember lacks
  deflated.pt    dtypes.pt with every record recompressed by zipfile.ZIP_DEFLATED (fixed
                 timestamps); torch.load reads it as it reads dtypes.pt
  legacy.pt      {"dtypes": dtypes(), "views": views()} in the legacy (pre-1.6) format
                 (_use_new_zipfile_serialization=False); its storage keys are object ids, so
                 this file differs at every run
  evil.pt        a pickle whose object calls os.system when unpickled (never called here)
"""
import collections
import os
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def save(obj, name):
    torch.save(obj, os.path.join(HERE, name))


def dtypes():
    nan, inf = float("nan"), float("inf")
    return collections.OrderedDict([
        ("f32", torch.tensor([1.5, -0.0, nan, inf, -inf, 3.4028234663852886e38, 1e-45],
                             dtype=torch.float32)),
        ("f64", torch.tensor([[0.1, -2.5], [1e300, -1e-300]], dtype=torch.float64)),
        ("i64", torch.tensor([-(2**63), 2**63 - 1, 0, -1], dtype=torch.int64)),
        ("i32", torch.tensor([-(2**31), 2**31 - 1, 7], dtype=torch.int32)),
        ("u8", torch.tensor([0, 1, 128, 255], dtype=torch.uint8)),
        ("bool", torch.tensor([[True, False], [False, True]])),
        ("scalar", torch.tensor(2.25, dtype=torch.float64)),
        ("empty", torch.zeros(0, 3)),
    ])


def views():
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    return {
        "base": base,
        "row": base[1],
        "slice": base[:, 1::2],
        "t": base.t(),
        "expand": base[2:, 3:].expand(2, 3),
        "own": torch.tensor([5, 6], dtype=torch.int64),
    }


def nested():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    g = torch.tensor([[0.5]], dtype=torch.float64, requires_grad=True)
    return {
        "ints": [0, 255, 256, 65535, 65536, -1, 2**31 - 1, -(2**31), 2**40, -(2**40), 2**63 - 1],
        "floats": (0.5, -1e-310, float("inf")),
        "text": ["", "ascii", "Grüße ☃"],
        "flags": (True, False, None),
        "by_int": {1: "one", 2: (3, (4, [5]))},
        "param": p,
        "grad": g,
    }


def module_and_adam():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    x = torch.randn(4, 3)
    net(x).sum().backward()  # updates the running stats and num_batches_tracked
    save(net.state_dict(), "module.pt")
    torch.jit.save(torch.jit.script(net), os.path.join(HERE, "jit_module.pt"))

    lin = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(lin.parameters(), lr=0.01, betas=(0.8, 0.9))
    for _ in range(3):
        opt.zero_grad()
        (lin(x) ** 2).sum().backward()
        opt.step()
    save(opt.state_dict(), "adam.pt")
    save(lin.state_dict(), "adam_model.pt")
    for _ in range(2):
        opt.zero_grad()
        (lin(x) ** 2).sum().backward()
        opt.step()
    save({"x": x, "weight": lin.weight.detach(), "bias": lin.bias.detach()}, "adam_after.pt")


class Evil:
    def __reduce__(self):
        return (os.system, ("echo ember-was-pwned",))


def deflate(src, dst):
    with zipfile.ZipFile(os.path.join(HERE, src)) as zin, \
            zipfile.ZipFile(os.path.join(HERE, dst), "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            out = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            out.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(out, zin.read(info.filename))
    got = torch.load(os.path.join(HERE, dst), weights_only=True)
    assert all(a.dtype == b.dtype and a.shape == b.shape and
               a.reshape(-1).view(torch.uint8).equal(b.reshape(-1).view(torch.uint8))
               for a, b in zip(got.values(), dtypes().values()))


def main():
    save(dtypes(), "dtypes.pt")
    deflate("dtypes.pt", "deflated.pt")
    torch.save({"dtypes": dtypes(), "views": views()}, os.path.join(HERE, "legacy.pt"),
               _use_new_zipfile_serialization=False)
    save(views(), "views.pt")
    save(nested(), "nested.pt")
    module_and_adam()
    for name, dtype in [("float16", torch.float16), ("bfloat16", torch.bfloat16),
                        ("int8", torch.int8), ("int16", torch.int16),
                        ("complex64", torch.complex64)]:
        save({"x": torch.ones(2, dtype=dtype)}, name + ".pt")
    save({"weight": torch.ones(2), "payload": Evil()}, "evil.pt")


if __name__ == "__main__":
    main()
