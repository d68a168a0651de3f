#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, one folder per target under OUT_DIR:
safetensors (valid files covering every dtype, 0-dim and empty tensors, metadata, escapes and
odd layouts, plus a few near-misses), idx (plain and gzip'd IDX files, several gzip members,
trailing bytes), csv (a knob byte, then CSV text), optimizer_state and scheduler_state (a byte
picking the optimizer or scheduler, then the JSON document ember saves), trainer_json (the
trainer.json of a checkpoint). Standard library only.

usage: make_seeds.py OUT_DIR
"""
import gzip
import json
import os
import random
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


def gz(data):
    return gzip.compress(data, mtime=0)


def idx_seeds():
    images = struct.pack(">IIII", 2051, 2, 3, 3) + bytes(range(0, 180, 10))
    labels = struct.pack(">II", 2049, 2) + bytes([1, 9])
    yield "images", images
    yield "labels", labels
    yield "images_gz", gz(images)
    yield "labels_gz", gz(labels)
    yield "labels_two_members", gz(labels[:5]) + gz(labels[5:])
    yield "labels_gz_tail", gz(labels) + b"x"
    yield "labels_gz_truncated", gz(labels)[:-6]
    yield "labels_trailing", labels + b"\x00"
    yield "empty_images", struct.pack(">IIII", 2051, 0, 28, 28)


def csv_seeds():
    # The knob byte: bit 0 header, bit 1 ';', bits 2-4 target dtype (0 none, 1 Long, 2 Int,
    # 3 Byte, 4 Bool, 5 Float, 6 Double), bits 5-6 feature dtype (Float, Double, Int, Byte),
    # bit 7 label column 0.
    yield "header", b"\x01a,b,label\n1,2,0\n3.5,-4e1,1\n"
    yield "no_header", b"\x001,2,3\n4,5,6\n"
    yield "semicolon_quotes", b'\x03"a;b";c\n"1";2\n"3""";4\n'
    yield "byte_target", bytes([1 | 3 << 2]) + b"x,y\n1,255\n2,300\n"
    yield "int_target", bytes([1 | 2 << 2]) + b"x,y\n1,3000000000\n"
    yield "bool_target", bytes([1 | 4 << 2]) + b"x,y\n1,1\n0,0\n"
    yield "int_features", bytes([1 | 2 << 5]) + b"x,y\n1e10,1\n"
    yield "label_first", bytes([0x81]) + b"y,x\n1,2\n"
    yield "bom_crlf", b"\x01\xef\xbb\xbfa,b\r\n1,2\r\n"
    yield "gzip", b"\x01" + gz(b"a,b\n1,2\n")
    yield "floats", b"\x01a,b\n1e300,inf\n-nan,0x1p3\n"


def optimizer_seeds():
    groups = {
        0: ("Adam", {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0.0,
                     "amsgrad": True}),
        1: ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0,
                    "nesterov": False}),
        2: ("RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-08, "weight_decay": 0.0,
                        "momentum": 0.0, "centered": False}),
        3: ("Adagrad", {"lr": 0.1, "lr_decay": 0.0, "weight_decay": 0.0,
                        "initial_accumulator_value": 0.0, "eps": 1e-10}),
    }
    for kind, (name, options) in groups.items():
        state = {} if name == "SGD" else {"0": {"step": 1}, "1": {"step": 1}}
        doc = {"format": "ember.optimizer/1", "type": name,
               "param_groups": [dict(options, params=[0, 1])], "state": state}
        yield name, bytes([kind]) + json.dumps(doc).encode()
    bad = {"format": "ember.optimizer/1", "type": "Adam",
           "param_groups": [{"lr": -1, "betas": [1.5, 0.999], "params": [0, 1]}],
           "state": {"0": {"step": -5}, "x": {}}}
    yield "bad_adam", b"\x00" + json.dumps(bad).encode()


def scheduler_seeds():
    docs = {
        0: {"type": "StepLR", "last_epoch": 3, "step_count": 4, "base_lrs": [0.1],
            "last_lr": [0.05]},
        1: {"type": "OneCycleLR", "last_epoch": 10, "step_count": 11, "base_lrs": [0.04],
            "last_lr": [0.5]},
        2: {"type": "CosineAnnealingLR", "last_epoch": 4, "step_count": 5, "base_lrs": [0.1],
            "last_lr": [0.065]},
        3: {"type": "ReduceLROnPlateau", "last_epoch": 2, "best": "inf", "num_bad_epochs": 1,
            "cooldown_counter": 0, "last_lr": [0.1]},
    }
    for kind, doc in docs.items():
        doc = dict(doc, format="ember.lr_scheduler/1")
        yield doc["type"], bytes([kind]) + json.dumps(doc).encode()
    yield "plateau_best_number", b"\x03" + json.dumps(dict(docs[3], best=0.5)).encode()


def generator_state(seed):
    """Generator::get_state's text: seed, mt19937's 624 words and index, two cached normals."""
    random.seed(seed)
    words = random.getstate()[1]  # 624 words, then the index
    return " ".join([str(seed)] + [str(w) for w in words] + ["0", "0", "0", "0"])


def trainer_seeds():
    history = [{"epoch": 1.0, "train/loss": 0.5, "val/loss": 0.6, "lr": 0.01, "time": 0.1},
               {"epoch": 2.0, "train/loss": 0.4, "val/loss": None, "lr": 0.005, "time": 0.1}]
    doc = {"format": "ember.trainer/1", "epoch": 2, "global_step": 8, "monitor": "val/loss",
           "monitor_mode": "min", "best_epoch": 1, "best_value": 0.6, "wait": 1,
           "stopped": False, "scheduler": "StepLR", "train_batches": 4,
           "rng": generator_state(5), "history": history}
    yield "two_epochs", json.dumps(doc, indent=2).encode()
    yield "fresh", json.dumps(dict(doc, epoch=0, global_step=0, best_epoch=0, best_value=None,
                                   wait=0, train_batches=None, history=[])).encode()
    yield "bad", json.dumps(dict(doc, epoch=1e30, history=5)).encode()


TARGETS = {
    "safetensors": seeds,
    "idx": idx_seeds,
    "csv": csv_seeds,
    "optimizer_state": optimizer_seeds,
    "scheduler_state": scheduler_seeds,
    "trainer_json": trainer_seeds,
}


def main():
    out = sys.argv[1]
    for target, make in TARGETS.items():
        folder = os.path.join(out, target)
        os.makedirs(folder, exist_ok=True)
        for name, blob in make():
            with open(os.path.join(folder, "seed_" + name), "wb") as f:
                f.write(blob)


if __name__ == "__main__":
    main()
