#!/usr/bin/env python3
"""Writes the seed corpus for safetensors_fuzz: valid files covering every dtype, 0-dim and empty
tensors, metadata, escapes and odd layouts, plus a few near-misses. Standard library only.

usage: make_seeds.py OUT_DIR
"""
import json
import os
import struct
import sys

SIZE = {"F64": 8, "F32": 4, "I64": 8, "I32": 4, "U8": 1, "BOOL": 1}
RANK = {"BOOL": 0, "U8": 1, "I32": 2, "F32": 3, "F64": 4, "I64": 5}


def header_file(header, data=b"", pad=True):
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def file_of(tensors, metadata=None):
    """tensors: list of (name, dtype, shape); data bytes are a counting pattern."""
    header = {"__metadata__": metadata} if metadata else {}
    data = b""
    for name, dtype, shape in sorted(tensors, key=lambda t: (-RANK[t[1]], t[0])):
        n = SIZE[dtype]
        for d in shape:
            n *= d
        chunk = bytes((i * 37 + 11) % (2 if dtype == "BOOL" else 256) for i in range(n))
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + n]}
        data += chunk
    return header_file(header, data)


def seeds():
    yield "empty", file_of([])
    yield "metadata", file_of([], {"format": "pt", "k": "v"})
    yield "one_f32", file_of([("attn.0", "F32", [1, 2, 3])])
    yield "all_dtypes", file_of([(d.lower(), d, [2, 3]) for d in SIZE], {"format": "pt"})
    yield "scalar", file_of([("s", "F64", [])])
    yield "empty_tensor", file_of([("e", "F32", [0, 3]), ("f", "I64", [4]), ("g", "U8", [0])])
    yield "escapes", file_of([("q\"\\\n\u0001\u00e9", "BOOL", [3])], {"\u0000": "\t"})
    yield "many", file_of([(f"layer.{i}.w", "F32" if i % 2 else "I32", [i % 3, 2]) for i in range(12)])
    # Unordered keys, whitespace, an unknown field: valid for the reader.
    body = (b'{ "b" : {"shape":[1],"data_offsets":[4,8],"dtype":"I32","x":null},'
            b'"a":{"dtype":"I32","shape":[],"data_offsets":[0,4]} }')
    body += b" " * ((8 - len(body) % 8) % 8)
    yield "unordered", struct.pack("<Q", len(body)) + body + bytes(range(8))
    # Near misses.
    yield "gap", header_file({"a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}, b"xy")
    yield "overlap", header_file({"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]},
                                  "b": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}, b"xy")
    yield "f16", header_file({"h": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}}, b"xy")
    yield "short", b"\x08\x00\x00"


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, blob in seeds():
        with open(os.path.join(out, "seed_" + name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
