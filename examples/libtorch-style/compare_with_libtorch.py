#!/usr/bin/env python3
"""Builds the libtorch-style programs against real libtorch and compares their output with the
same sources built against ember (through ember/torch_compat.h).

  compare_with_libtorch.py --ember-bin-dir DIR --work-dir DIR [--cxx g++] SRC.cpp...

For each SRC, runs `DIR/libtorch_style_<name>` (the ember build) and a libtorch build of SRC
(g++ -std=c++17 -DEMBER_AGAINST_LIBTORCH ... -ltorch -ltorch_cpu -lc10, cached in the work dir),
then compares every number the two print, in order: equal within 1e-4 relative or one unit in
the last printed digit. Text that differs is shown but is not a failure (only numbers are).

Programs in SHARED_STATES train long enough for the two libraries' trajectories to drift apart
when they run different GEMM kernels (another OpenBLAS build or OPENBLAS_CORETYPE, another
blocking): float32 sums in another order differ by a few units in the last place, and training
amplifies such differences step after step, so a loss after a few hundred steps can differ in the
4th digit with neither library wrong. Those programs are compared step by step from shared states
instead: the libtorch build runs first with `--write-states FILE` (its parameters before every
step and every test), the ember build runs with `--read-states FILE` and starts each step from
those same parameters. Data and dropout masks come from the same seeded generator on both sides,
so every printed number is one step's arithmetic on identical inputs, and nothing carries over
from one step to the next but SGD's momentum buffer b <- 0.5 b + g, whose difference between the
sides halves every step (it stays below twice the largest one-step gradient difference).

What one step can differ by: the loss, test loss and accuracy are continuous functions of the
parameters (ReLU and max-pooling are continuous), so they differ by float32 rounding (unit 6e-8)
through a few layers, far below the 1e-4 relative tolerance every program gets; they are
compared as strictly as before. Gradients are not continuous: where two entries of a max-pool
window (or a ReLU input and 0) are within rounding of each other, the two libraries may route a
gradient element to different positions. That happens a few times per run in the conv layers
and moves a small, cancelling gradient such as a conv bias's by up to ~2e-3 relative for one step
(then its update for a few steps, as the momentum difference halves). Measured over every pair
of OPENBLAS_CORETYPE=Prescott/Haswell/SkylakeX/unset for the two sides: outside such steps every
gradient and update norm agreed within 7e-5 relative. So each column of the "grad norms" and
"update norms" lines (one parameter's series over the steps) must agree within the same 1e-4 in
all but ROUTED_OUTLIER_FRACTION of its steps, and within ROUTED_MAX_REL in every step. A wrong
gradient, even 1e-3 relative in one layer, is wrong in every step and fails.
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
# Programs compared from shared states (see above); they accept --write-states/--read-states FILE.
SHARED_STATES = {"lenet_mnist"}
# Their gradient-derived lines, compared per column over the steps (see above).
ROUTED_LINE = re.compile(r"\s*(grad norms|update norms):(.*)")
ROUTED_OUTLIER_FRACTION = 0.1
ROUTED_MAX_REL = 1e-2


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


def run(binary, cwd, args=()):
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"))
    result = subprocess.run([binary, *args], capture_output=True, text=True, cwd=cwd, env=env,
                            timeout=600)
    if result.returncode != 0:
        print(f"{binary} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
        return None
    return result.stdout


def routed_series(text):
    """Splits a shared-states program's output into the text without its gradient-derived lines
    and those lines' numbers by column: {(kind, column): [number, ...]}."""
    kept, series = [], {}
    for line in text.splitlines(keepends=True):
        m = ROUTED_LINE.match(line)
        if not m:
            kept.append(line)
            continue
        for i, token in enumerate(NUMBER.findall(m.group(2))):
            series.setdefault((m.group(1), i), []).append(token)
    return "".join(kept), series


def compare_routed(name, ember_series, torch_series):
    ok = ember_series.keys() == torch_series.keys()
    if not ok:
        print(f"{name}: ember and libtorch print different gradient columns")
    for key in sorted(ember_series.keys() & torch_series.keys()):
        e, t = ember_series[key], torch_series[key]
        if len(e) != len(t):
            print(f"{name}: {key[0]} #{key[1]}: ember printed {len(e)} steps, libtorch {len(t)}")
            ok = False
            continue
        off = [(i, a, b) for i, (a, b) in enumerate(zip(e, t)) if not close(a, b)]
        rel = [abs(float(a) - float(b)) / max(abs(float(b)), 1e-30) for _, a, b in off]
        if len(off) > ROUTED_OUTLIER_FRACTION * len(t) or any(r > ROUTED_MAX_REL for r in rel):
            for i, a, b in off[:5]:
                print(f"{name}: {key[0]} #{key[1]}, step {i}: ember {a} vs libtorch {b}")
            print(f"{name}: {key[0]} #{key[1]} differs in {len(off)} of {len(t)} steps "
                  f"(at most {ROUTED_OUTLIER_FRACTION:.0%} may, each within {ROUTED_MAX_REL:g})")
            ok = False
        elif off:
            print(f"{name}: {key[0]} #{key[1]}: {len(off)} of {len(t)} steps beyond "
                  f"{REL_TOL:g} (largest {max(rel):.1e}), within the allowance for near-ties")
    return ok


def compare(name, ember_out, torch_out):
    ok, routed = True, ""
    if name in SHARED_STATES:
        ember_out, ember_series = routed_series(ember_out)
        torch_out, torch_series = routed_series(torch_out)
        ok = compare_routed(name, ember_series, torch_series)
        routed = f" (and {sum(map(len, torch_series.values()))} gradient-derived ones by column)"
    en, et = tokens(ember_out)
    tn, tt = tokens(torch_out)
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
    print(f"{name}: {len(en)} numbers compared{routed}, {'all match' if ok else 'MISMATCH'}")
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
        ember_bin = os.path.join(args.ember_bin_dir, "libtorch_style_" + name)
        if name in SHARED_STATES:
            states = os.path.join(args.work_dir, name + "_states.bin")
            torch_out = run(torch_bin, args.work_dir, ["--write-states", states])
            ember_out = run(ember_bin, args.work_dir, ["--read-states", states]) \
                if torch_out is not None else None
        else:
            ember_out = run(ember_bin, args.work_dir)
            torch_out = run(torch_bin, args.work_dir)
        if ember_out is None or torch_out is None:
            ok = False
            continue
        ok = compare(name, ember_out, torch_out) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
