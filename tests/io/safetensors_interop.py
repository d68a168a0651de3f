#!/usr/bin/python3
"""safetensors interop between PyTorch/numpy and ember, without the `safetensors` package.

  safetensors_interop.py write OUT   writes the tensors of `expected()` from torch tensors to OUT,
                                     following the format (header JSON laid out as the reference
                                     writer does: descending dtype, then name; compact; padded
                                     with spaces to 8 bytes)
  safetensors_interop.py check IN    reads IN (written by ember) with numpy only and compares
                                     every tensor and the metadata with `expected()`

Exit status 0 and "ok" on success; otherwise a message on stderr and status 1.
tests/io/interop_test.cpp builds the same tensors in C++ (keep the two in step).
"""
import json
import struct
import sys

import numpy as np

# The reference writer's order: descending rank in its Dtype enum (I64 > F64 > F32 > I32 > U8 >
# BOOL for the dtypes ember has), then name.
RANK = {"BOOL": 0, "U8": 1, "I32": 2, "F32": 3, "F64": 4, "I64": 5}
NUMPY = {"F64": "<f8", "F32": "<f4", "I64": "<i8", "I32": "<i4", "U8": "u1", "BOOL": "?"}
METADATA = {"format": "pt", "source": "ember interop"}


def expected():
    """name -> (dtype name, numpy array); values exactly representable in every dtype."""
    return {
        "weight": ("F32", (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1)),
        "double": ("F64", np.array([[0.125, -2.5], [1e300, -1e-300]], dtype=np.float64)),
        "steps": ("I64", np.array([-(2**40), 0, 2**40 + 1], dtype=np.int64)),
        "ints": ("I32", np.array([-7, 0, 2**31 - 1], dtype=np.int32)),
        "bytes": ("U8", np.array([0, 1, 255], dtype=np.uint8)),
        "mask": ("BOOL", np.array([True, False, True])),
        "scalar": ("F32", np.array(3.5, dtype=np.float32)),
        "empty": ("F32", np.zeros((0, 3), dtype=np.float32)),
    }


def write(path):
    import torch

    torch_dtype = {"F64": torch.float64, "F32": torch.float32, "I64": torch.int64,
                   "I32": torch.int32, "U8": torch.uint8, "BOOL": torch.bool}
    tensors = {name: torch.tensor(a, dtype=torch_dtype[d]) for name, (d, a) in expected().items()}
    order = sorted(expected().items(), key=lambda kv: (-RANK[kv[1][0]], kv[0]))
    header = {"__metadata__": METADATA}
    data = b""
    for name, (dtype, _) in order:
        t = tensors[name].contiguous()
        raw = t.numpy().tobytes()  # little-endian on every platform PyTorch ships for
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def check(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    errors = []
    if header.pop("__metadata__", None) != METADATA:
        errors.append("metadata differs")
    want = expected()
    if set(header) != set(want):
        errors.append(f"names {sorted(header)} != {sorted(want)}")
    for name, info in header.items():
        if name not in want:
            continue
        dtype, value = want[name]
        begin, end = info["data_offsets"]
        got = np.frombuffer(data[begin:end], dtype=NUMPY[info["dtype"]]).reshape(info["shape"])
        if info["dtype"] != dtype or got.shape != value.shape or not np.array_equal(got, value):
            errors.append(f"{name}: got {info['dtype']} {got!r}, want {dtype} {value!r}")
    if len(data) != max([e["data_offsets"][1] for e in header.values()] + [0]):
        errors.append("data buffer has trailing bytes")
    return errors


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    if sys.argv[1] == "write":
        write(sys.argv[2])
        print("ok")
        return 0
    errors = check(sys.argv[2])
    for e in errors:
        print(e, file=sys.stderr)
    if not errors:
        print("ok")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
