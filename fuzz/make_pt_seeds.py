#!/usr/bin/env python3
"""Writes the seed corpus for pt_fuzz: the .pt fixtures of tests/io/golden (written by
torch.save and libtorch) and the data.pkl of each zip archive, since pt_fuzz also tries every
input as a data.pkl.
Standard library only.

usage: make_pt_seeds.py OUT_DIR
"""
import glob
import os
import sys
import zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
golden = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "io", "golden")
for path in sorted(glob.glob(os.path.join(golden, "*.pt"))):
    name = os.path.basename(path)[:-3]
    with open(path, "rb") as f:
        data = f.read()
    with open(os.path.join(out, name + ".pt"), "wb") as f:
        f.write(data)
    if not zipfile.is_zipfile(path):
        continue  # the legacy format: a stream of pickles
    with zipfile.ZipFile(path) as z:
        pkl = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
        with open(os.path.join(out, name + ".pkl"), "wb") as f:
            f.write(z.read(pkl))
