#!/usr/bin/env python3
"""Runs the side-by-side workloads built by bench/compare.sh and reports medians.

Two phases, each with its own variants of every workload:
- idle: libtorch out of the box, libtorch with OPENBLAS_CORETYPE=SkylakeX (its best BLAS setting
  on this machine), ember out of the box and, with --before, ember built from an earlier commit;
- busy: the same workloads for libtorch, ember (and the earlier ember) while BUSY_PROCS
  `yes > /dev/null` processes run beside them (started just before the phase's runs, killed right
  after, see extras.BusyMachine).
Each round runs both phases (which one first alternates) and every workload once per variant;
the order of the variants alternates between rounds (ABC, CBA, ...), so slow drifts of a shared
machine hit every variant alike. Medians over rounds go into one table per phase on stdout and
into the marked section of docs/PERFORMANCE.md.

Usage (compare.sh calls it): report.py --ember DIR [--torch DIR] [--before DIR --before-label REF]
  [--phases idle,busy] [--rounds N] [--quick] [--doc FILE]
A workload whose program did not build is reported as "n/a (<reason>)", read from
DIR/status/<program>.
"""
import argparse
import datetime
import os
import re
import signal
import statistics
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
from extras import (BUSY_PROCS, BusyMachine, gemm_peak, hello_metrics, machine,  # noqa: E402
                    missing_from_log, run, scalar_vs_python, status)

SKX = {"OPENBLAS_CORETYPE": "SkylakeX"}
PHASE_VARIANTS = {
    "idle": [("torch", {}), ("torch_skx", SKX), ("ember", {}), ("before", {})],
    "busy": [("torch", {}), ("ember", {}), ("before", {})],
}

# (program, args, results it prints)
PROGRAMS = [
    ("compare_add", [], ["add_1", "add_100"]),
    ("compare_backward", [], ["mul_sum_backward"]),
    ("compare_mlp_adam", [], ["adam_step_1_100_1"]),
    ("compare_mlp_sgd", ["128"], ["mlp_sgd_b128"]),
    ("compare_mlp_sgd", ["32"], ["mlp_sgd_b32"]),
    ("compare_lenet", [], ["lenet_step", "lenet_images_per_s", "lenet_epoch"]),
    ("compare_sgemm", [], ["sgemm_%d" % n for n in (128, 256, 512, 1024, 2048)]),
]

# Rows of the tables: result name, label. Units come from the programs.
ROWS = [
    ("add_1", "1 · a + b, 1 element"),
    ("add_100", "1 · a + b, 100 elements"),
    ("mul_sum_backward", "2 · (x*b).sum().backward(), 1 element"),
    ("adam_step_1_100_1", "3 · per-sample Adam step, MLP 1→100→1"),
    ("mlp_sgd_b128", "4 · MLP 784-1024-1024-10 SGD step, batch 128"),
    ("mlp_sgd_b32", "4 · MLP 784-1024-1024-10 SGD step, batch 32"),
    ("lenet_step", "5 · LeNet step, batch 64"),
    ("lenet_images_per_s", "5 · LeNet training throughput"),
    ("lenet_epoch", "5 · LeNet epoch (60k images, extrapolated)"),
] + [("sgemm_%d" % n, "6 · sgemm %d×%d (torch::mm)" % (n, n)) for n in (128, 256, 512, 1024,
                                                                       2048)]

HIGHER_IS_BETTER = {"GFLOPS", "images/s"}
# The idle target against --before: no workload more than this much slower.
BEFORE_SLOWDOWN = 1.05
# The busy target: these steps take at most this many times libtorch's time.
BUSY_TARGET_ROWS = ("lenet_step", "mlp_sgd_b128")
BUSY_MAX_RATIO = 1.3


def ratio(ember, ref, unit):
    """How many times better ember is than ref (>1: ember better), or None."""
    if ember is None or ref is None or ember <= 0 or ref <= 0:
        return None
    return ember / ref if unit in HIGHER_IS_BETTER else ref / ember


def times(f):
    if f is None:
        return "—"
    return "%.2f×" % f if f < 10 else "%.1f×" % f


def yes_no(ok):
    return "n/a" if ok is None else ("yes" if ok else "no")


def idle_target(name, med, unit):
    """(target text, met?) for the issue's idle targets; None when the row has no target."""
    f = ratio(med.get("ember"), med.get("torch"), unit)
    g = ratio(med.get("ember"), med.get("torch_skx"), unit)
    if name in ("add_1", "mul_sum_backward", "adam_step_1_100_1"):
        return "≥ 10× faster", None if f is None else f >= 10
    if name == "mlp_sgd_b128":
        return "≥ 3× faster; ≥ 1.1× vs SkylakeX", None if f is None else (
            f >= 3 and (g is None or g >= 1.1))
    if name == "lenet_epoch":
        return "≥ 2× faster", None if f is None else f >= 2
    if name == "sgemm_1024":
        e = med.get("ember")
        return "≥ 270 GFLOPS", None if e is None else e >= 270
    return None


def busy_target(name, med, unit):
    """(target text, met?) for the issue's busy-machine target; None when the row has none."""
    if name not in BUSY_TARGET_ROWS:
        return None
    f = ratio(med.get("ember"), med.get("torch"), unit)
    met = None if f is None else 1 / f <= BUSY_MAX_RATIO
    return "≤ %.1f× libtorch's time" % BUSY_MAX_RATIO, met


def parse_results(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"RESULT (\S+) (\S+) (\S+)", line)
        if m:
            out[m.group(1)] = (float(m.group(2)), m.group(3))
    return out


def fmt(v, unit):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return "%.0f %s" % (v, unit)
    if abs(v) >= 10:
        return "%.1f %s" % (v, unit)
    return "%.3g %s" % (v, unit)


# ---------------------------------------------------------------------------------------------
def run_phase(phase, order, builds, quick, samples, units, failures):
    for program, args, _ in PROGRAMS:
        for variant, env in order:
            build = builds[variant]
            exe = os.path.join(build, program)
            if status(build, program) != "ok" or not os.path.exists(exe):
                continue
            p = run([exe] + args + (["--quick"] if quick else []), env)
            if p.returncode != 0:
                failures[(phase, variant, program)] = "exit %d: %s" % (
                    p.returncode, (p.stderr.strip().splitlines() or [""])[-1][:120])
                continue
            for name, (v, unit) in parse_results(p.stdout).items():
                samples.setdefault((phase, variant, name), []).append(v)
                units[name] = unit


def run_workloads(builds, phases, rounds, quick, log):
    samples = {}  # (phase, variant, result) -> [values]
    units = {}
    failures = {}  # (phase, variant, program) -> message
    for r in range(rounds):
        for phase in (phases if r % 2 == 0 else list(reversed(phases))):
            order = [(v, e) for v, e in PHASE_VARIANTS[phase] if v in builds]
            if r % 2:
                order.reverse()
            log("round %d/%d, %s (%s)" % (r + 1, rounds, phase, ", ".join(v for v, _ in order)))
            if phase == "busy":
                with BusyMachine():
                    run_phase(phase, order, builds, quick, samples, units, failures)
            else:
                run_phase(phase, order, builds, quick, samples, units, failures)
    return samples, units, failures


# ---------------------------------------------------------------------------------------------
class Table:
    """Rows as dicts keyed by column id; columns (id, title) fix the order and which are shown."""

    def __init__(self, columns):
        self.columns = columns
        self.rows = []

    def add(self, **cells):
        self.rows.append(cells)

    def cells(self):
        return [[t for _, t in self.columns]] + [[r.get(c, "") for c, _ in self.columns]
                                                 for r in self.rows]


def build_tables(samples, units, builds, failures, extras, phases, ref):
    program_of = {name: prog for prog, _, names in PROGRAMS for name in names}
    has_before = "before" in builds

    def medians(phase, name):
        return {v: statistics.median(s) for (p, v, n), s in samples.items()
                if p == phase and n == name}

    def cell(phase, variant, name, med):
        build = builds.get(variant)
        if build is None:
            return "n/a (libtorch not installed)" if variant.startswith("torch") else "n/a"
        prog = program_of[name]
        if (phase, variant, prog) in failures:
            return "failed (%s)" % failures[(phase, variant, prog)]
        st = status(build, prog)
        if st != "ok":
            return "n/a (%s)" % st
        return fmt(med.get(variant), units.get(name, ""))

    def columns(phase):
        cols = [("label", "workload"), ("torch", "libtorch")]
        if phase == "idle":
            cols.append(("torch_skx", "libtorch SkylakeX"))
        cols.append(("ember", "ember"))
        if has_before:
            cols.append(("before", "ember (%s)" % ref))
        cols.append(("vs_torch", "ember vs libtorch"))
        if phase == "idle":
            cols.append(("vs_skx", "vs SkylakeX"))
        if has_before:
            cols.append(("vs_before", "vs %s" % ref))
        cols += [("target", "target"), ("met", "met?")]
        if has_before and phase == "idle":
            cols.append(("not_slower", "≤ %d%% slower than %s?" % (
                round((BEFORE_SLOWDOWN - 1) * 100), ref)))
        return cols

    tables = {}
    for phase in phases:
        t = Table(columns(phase))
        for name, label in ROWS:
            med, unit = medians(phase, name), units.get(name, "")
            tgt = (idle_target if phase == "idle" else busy_target)(name, med, unit)
            row = {"label": label,
                   "vs_torch": times(ratio(med.get("ember"), med.get("torch"), unit)),
                   "vs_skx": times(ratio(med.get("ember"), med.get("torch_skx"), unit)),
                   "target": "" if tgt is None else tgt[0],
                   "met": "—" if tgt is None else yes_no(tgt[1])}
            for variant, _ in PHASE_VARIANTS[phase]:
                row[variant] = cell(phase, variant, name, med)
            if has_before:
                f = ratio(med.get("ember"), med.get("before"), unit)
                row["vs_before"] = times(f)
                row["not_slower"] = yes_no(None if f is None else 1 / f <= BEFORE_SLOWDOWN)
            t.add(**row)
        if phase == "idle":
            add_idle_extras(t, builds, extras, has_before)
        tables[phase] = t
    return tables


def add_idle_extras(t, builds, extras, has_before):
    peak = extras.get("peak")
    if peak:
        t.add(label="6 · practical peak: FMA loop, 2 threads (1 thread)",
              ember="%.0f GFLOPS (%.0f)" % (peak.get("all threads", 0), peak.get("1 thread", 0)),
              met="—")
    h = extras.get("hello", {})

    def hrow(label, key, unit, target=None, fmt_s="%.1f", verdict=False):
        vals = {v: (h.get(v) or {}).get(key) for v in ("torch", "ember", "before")}

        def show(variant):
            if vals[variant] is not None:
                return (fmt_s % vals[variant]) + " " + unit
            build = builds.get(variant)
            if build is None:
                return "n/a (libtorch not installed)" if variant == "torch" else "n/a"
            st = status(build, "compare_hello")
            return "n/a" if st == "ok" else "n/a (%s)" % st

        tv, ev, bv = vals["torch"], vals["ember"], vals["before"]
        f = None if tv is None or not ev else tv / ev
        row = {"label": label, "torch": show("torch"), "ember": show("ember"), "vs_torch": times(f),
               "target": "" if target is None else target[0],
               "met": "—" if target is None or f is None else yes_no(f >= target[1])}
        if has_before:
            row["before"] = show("before")
            g = None if bv is None or not ev else bv / ev
            row["vs_before"] = times(g)
            if verdict:
                row["not_slower"] = yes_no(None if g is None else 1 / g <= BEFORE_SLOWDOWN)
        t.add(**row)

    hrow("7 · hello-tensor start-up (wall)", "startup_ms", "ms", target=("≥ 5× faster", 5),
         verdict=True)
    hrow("7 · hello-tensor peak RSS", "rss_mb", "MB")
    hrow("7 · hello-tensor executable", "exe_mb", "MB", fmt_s="%.2f")
    hrow("7 · libraries it links (ldd, without glibc)", "libs_mb", "MB",
         target=("≥ 10× smaller", 10))
    hrow("7 · … without glibc and libstdc++/libgcc_s", "libs_nort_mb", "MB", fmt_s="%.2f")
    hrow("7 · shared objects mapped at exit (all)", "mapped_mb", "MB")
    hrow("7 · compile hello.cpp (-O3, no ccache)", "compile_s", "s", fmt_s="%.2f")
    sp = extras.get("scalar")
    if sp and "error" not in sp:
        py = "n/a" if sp.get("python_us") is None else "Python %s (gc off %s)" % (
            fmt(sp["python_us"] / 1e3, "ms"), fmt((sp.get("python_off_us") or 0) / 1e3, "ms"))
        adv = "—"
        if sp.get("ratio"):
            adv = "%.0f× vs Python" % sp["ratio"]
            if sp.get("ratio_off"):
                adv += " (%.0f× gc off)" % sp["ratio_off"]
        t.add(label="8 · scalar engine: MLP 2-16-16-1 on 100 samples, build+backward "
              "(bench/scalar_vs_python.sh)", torch=py,
              ember=fmt(None if sp.get("ember_us") is None else sp["ember_us"] / 1e3, "ms"),
              vs_torch=adv, met="—")
    else:
        t.add(label="8 · scalar engine vs Python", ember="n/a (%s)" % sp["error"] if sp else "n/a",
              met="—")


def markdown(table):
    rows = table.cells()
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    for r in rows[1:]:
        lines.append("| " + " | ".join(c.replace("|", "/") for c in r) + " |")
    return "\n".join(lines)


def plain(table):
    rows = table.cells()
    widths = [min(max(len(r[i]) for r in rows), 48) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c[:widths[i]].ljust(widths[i]) for i, c in enumerate(r)).rstrip()
                     for r in rows)


def write_doc(path, section):
    begin, end = "<!-- compare:begin -->", "<!-- compare:end -->"
    block = begin + "\n" + section.rstrip() + "\n" + end + "\n"
    text = ""
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):].lstrip("\n")
    elif text:
        text = text.rstrip("\n") + "\n\n" + block
    else:
        text = "# Performance\n\n" + block
    with open(path, "w") as f:
        f.write(text)


def variant_title(phase, variant, ref):
    title = {"torch": "libtorch", "torch_skx": "libtorch SkylakeX", "ember": "ember",
             "before": "ember (%s)" % ref}[variant]
    return title + (", busy" if phase == "busy" else "")


def doc_section(a, tables, failures, started, loads, ref):
    commit = subprocess.run(["git", "-C", a.repo, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", a.repo, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    options = "".join([" --quick" if a.quick else "",
                       " --%s" % a.phases if a.phases in ("idle", "busy") else "",
                       " --before %s" % ref if ref else ""])
    out = [
        "## ember vs libtorch, side by side",
        "",
        "Generated by `bench/compare.sh%s` on %s (commit %s%s), %d rounds, medians. "
        "Machine: %s. Load average (1 min) %.1f at the start, %.1f at the end."
        % (options, started.strftime("%Y-%m-%d %H:%M UTC"), commit or "?",
           ", uncommitted changes in the tree" if dirty else "", a.rounds, machine(a.ember),
           *loads),
        "",
        "Reproduce: `scripts/install-deps.sh --bench && make bench` (or `bench/compare.sh`; "
        "`--quick` for a smoke run, `--idle` or `--busy` for one table, `--before REF` to add "
        "ember built from git ref REF). Each workload in `bench/compare/*.cpp` is one source in "
        "libtorch's spelling, built against Debian's libtorch-dev 1.13 and against ember (via "
        "`bench/compare/shim/torch/torch.h` → `ember/torch_compat.h`); the variants run "
        "alternately in every round. \"libtorch SkylakeX\" is libtorch with "
        "`OPENBLAS_CORETYPE=SkylakeX`, its best BLAS setting here; every other column runs "
        "with no environment settings. \"ember vs ...\" is how many times faster (or, for "
        "GFLOPS and images/s, higher) ember is; below 1× ember is behind. \"n/a (missing: X)\" "
        "means the workload does not compile against ember yet because X does not exist.",
    ]
    if ref:
        out += ["", "\"ember (%s)\" is the same workloads built against ember at `%s` (its sources "
                "from `git archive`, built like the ember column) and run in the same rounds; "
                "\"≤ 5%% slower than %s?\" is the idle target: no workload more than 5%% slower "
                "than that commit." % (ref, ref, ref)]
    if "idle" in tables:
        out += ["", "### Idle machine", "", markdown(tables["idle"])]
    if "busy" in tables:
        out += ["", "### Busy machine", "",
                "The same workloads while %d `yes > /dev/null` processes run beside them (started "
                "just before each round's busy runs, killed right after), as on a shared machine, "
                "a CI runner or a laptop with other work; the target is that LeNet and MLP batch "
                "128 steps take at most %.1f× libtorch's time with no environment variable set."
                % (BUSY_PROCS, BUSY_MAX_RATIO), "", markdown(tables["busy"])]
    out += [
        "",
        "How the numbers are taken:",
        "- Workloads 1–6: each program warms up, then times many iterations with "
        "`std::chrono::steady_clock` and prints `RESULT <name> <value> <unit>`; the tables "
        "show the median over rounds. Training steps include `zero_grad`, forward, loss, "
        "`backward`, `step` and the `loss.item()` a training loop reads. Threads: each "
        "library's default. Every run gets the session's environment without `OPENBLAS_*`, "
        "`GOTO*`, `OMP_*`, `GOMP_*`, `KMP_*` and `MKL_*` variables (a machine may export e.g. "
        "`OPENBLAS_CORETYPE`), so \"out of the box\" is what a fresh shell gives; only the "
        "SkylakeX variant adds its one setting back.",
        "- 6: `torch::mm` allocates its output on every call on both sides. The practical "
        "peak is ember's `bench_gemm` FMA loop (`peak_fma_threads`), a property of the "
        "machine rather than of either library.",
        "- 7: ember is a static library (`libember.a`), so its code is inside the "
        "hello-tensor executable; libtorch's is in shared libraries. \"Libraries it links\" "
        "sums the files `ldd` resolves (each once, glibc's own libraries excluded); most of "
        "ember's share is Debian's OpenBLAS (one ~37 MB library holding kernels for every "
        "x86 generation, plus libgfortran/libquadmath). \"Mapped at exit\" sums the shared "
        "objects in `/proc/self/maps` when the program ends (`compare_hello --maps`), i.e. "
        "what it really loaded, glibc included. Start-up is the median wall time of "
        "fork+exec+exit with stdout to /dev/null; peak RSS from `wait4`. Compile time is "
        "`hello.cpp` alone (no link), with the build's Release flags and no ccache.",
        "- 8: `bench/scalar_vs_python.sh` (CPU time, means of 5): ember's scalar engine "
        "against a pure-Python micrograd doing the same work; libtorch is not involved.",
        "",
    ]
    section = "\n".join(out)
    if failures:
        section += "\n" + "\n".join("- %s `%s`: %s" % (variant_title(ph, v, ref), p, m)
                                    for (ph, v, p), m in sorted(failures.items())) + "\n"
    return section


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--missing":
        print(missing_from_log(sys.argv[2]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--torch")
    ap.add_argument("--ember", required=True)
    ap.add_argument("--before", help="build dir of ember at an earlier commit")
    ap.add_argument("--before-label", default="before", help="that commit's name (git ref)")
    ap.add_argument("--phases", default="idle,busy", choices=["idle", "busy", "idle,busy"])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--doc")
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    a = ap.parse_args()
    # A SIGTERM unwinds like Ctrl-C, so the busy phase's processes are killed on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    def log(msg):
        print("compare: " + msg, file=sys.stderr, flush=True)

    builds = {"ember": a.ember}
    if a.torch:
        builds["torch"] = builds["torch_skx"] = a.torch
    ref = None
    if a.before:
        builds["before"], ref = a.before, a.before_label
    phases = a.phases.split(",")
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = os.getloadavg()[0]
    samples, units, failures = run_workloads(builds, phases, a.rounds, a.quick, log)
    extras = {}
    if "idle" in phases:
        log("hello-tensor: start-up, size, compile time")
        extras["hello"] = hello_metrics(builds, [v for v in ("torch", "ember", "before")
                                                 if v in builds], 5 if a.quick else 21, log)
        log("practical peak (bench_gemm peak_fma_threads)")
        extras["peak"] = gemm_peak(a.ember)
        log("scalar engine vs Python (bench/scalar_vs_python.sh)")
        extras["scalar"] = scalar_vs_python(a.repo, a.ember)
    loads = (load_start, os.getloadavg()[0])

    tables = build_tables(samples, units, builds, failures, extras, phases, ref)
    for phase in phases:
        print("%s machine%s" % (phase.capitalize(), "" if phase == "idle" else
                                " (%d `yes > /dev/null` beside each run)" % BUSY_PROCS))
        print(plain(tables[phase]))
        print()
    for (phase, variant, prog), msg in sorted(failures.items()):
        print("note: %s %s %s" % (variant_title(phase, variant, ref), prog, msg))
    if a.doc:
        write_doc(a.doc, doc_section(a, tables, failures, started, loads, ref))
        log("wrote %s" % a.doc)


if __name__ == "__main__":
    main()
