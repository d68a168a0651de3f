#!/usr/bin/env python3
"""Builds the libtorch-style programs against real libtorch and compares their output with the
same sources built against ember (through ember/torch_compat.h).

  compare_with_libtorch.py --ember-bin-dir DIR --work-dir DIR [--cxx g++] SRC.cpp...

For each SRC, runs `DIR/libtorch_style_<name>` (the ember build) and a libtorch build of SRC
(g++ -std=c++17 -DEMBER_AGAINST_LIBTORCH ... -ltorch -ltorch_cpu -lc10, cached in the work dir),
then compares every number the two print, in order: equal within 1e-4 relative or one unit in
the last printed digit. Text that differs is shown but is not a failure (only numbers are).
Exit codes: 0 all numbers match, 1 a mismatch or a build/run failure, 77 libtorch is not
installed (ctest SKIP_RETURN_CODE).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

TORCH_INCLUDE = "/usr/include/torch/csrc/api/include"
TORCH_HEADER = os.path.join(TORCH_INCLUDE, "torch", "torch.h")
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)\b")
REL_TOL = 1e-4


def tokens(text):
    """Splits text into (numbers, the text with numbers replaced by '#')."""
    numbers = NUMBER.findall(text)
    return numbers, NUMBER.sub("#", text)


def last_digit_unit(token):
    """One unit in the last printed digit of `token` ('0.5463' -> 1e-4, '1.5e-03' -> 1e-4)."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2]) if "." in mantissa else 0
    return 10.0 ** (-decimals + (int(exponent) if exponent else 0))


def close(a, b):
    x, y = float(a), float(b)
    if x != x or y != y:  # NaN
        return x != x and y != y
    if x == y:
        return True
    is_int = not any(c in a + b for c in ".eEn")
    if is_int:
        return abs(x - y) <= REL_TOL * abs(y)
    unit = max(last_digit_unit(a), last_digit_unit(b))
    return abs(x - y) <= max(REL_TOL * abs(y), 1.01 * unit)


def build_libtorch(src, out, cxx):
    header = os.path.join(os.path.dirname(src), "torch_include.h")
    newest = max(os.path.getmtime(src), os.path.getmtime(header))
    if os.path.exists(out) and os.path.getmtime(out) > newest:
        return True
    launcher = [shutil.which("ccache")] if shutil.which("ccache") else []
    cmd = launcher + [cxx, "-std=c++17", "-O1", "-DEMBER_AGAINST_LIBTORCH", src, "-I", TORCH_INCLUDE,
           "-o", out, "-ltorch", "-ltorch_cpu", "-lc10", "-pthread"]
    print("building against libtorch:", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout + result.stderr)
        return False
    return True


def run(binary, cwd):
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"))
    result = subprocess.run([binary], capture_output=True, text=True, cwd=cwd, env=env,
                            timeout=600)
    if result.returncode != 0:
        print(f"{binary} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
        return None
    return result.stdout


def compare(name, ember_out, torch_out):
    en, et = tokens(ember_out)
    tn, tt = tokens(torch_out)
    ok = True
    if len(en) != len(tn):
        print(f"{name}: ember printed {len(en)} numbers, libtorch {len(tn)}")
        ok = False
    bad = [(i, a, b) for i, (a, b) in enumerate(zip(en, tn)) if not close(a, b)]
    for i, a, b in bad[:20]:
        print(f"{name}: number #{i}: ember {a} vs libtorch {b}")
    ok = ok and not bad
    if et != tt:
        el, tl = et.splitlines(), tt.splitlines()
        diffs = [(i, a, b) for i, (a, b) in enumerate(zip(el, tl)) if a != b]
        for i, a, b in diffs[:10]:
            print(f"{name}: text differs on line {i + 1} (not a failure):\n  ember:    {a}\n"
                  f"  libtorch: {b}")
    print(f"{name}: {len(en)} numbers compared, {'all match' if ok else 'MISMATCH'}")
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ember-bin-dir", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--cxx", default="g++")
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args()
    if not os.path.exists(TORCH_HEADER):
        print(f"libtorch is not installed ({TORCH_HEADER} is missing): skipped")
        return 77
    os.makedirs(args.work_dir, exist_ok=True)
    ok = True
    for src in args.sources:
        name = os.path.splitext(os.path.basename(src))[0]
        torch_bin = os.path.join(args.work_dir, name + "_libtorch")
        if not build_libtorch(src, torch_bin, args.cxx):
            print(f"{name}: FAILED to build against libtorch")
            ok = False
            continue
        ember_out = run(os.path.join(args.ember_bin_dir, "libtorch_style_" + name), args.work_dir)
        torch_out = run(torch_bin, args.work_dir)
        if ember_out is None or torch_out is None:
            ok = False
            continue
        ok = compare(name, ember_out, torch_out) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
