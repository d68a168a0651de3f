#!/usr/bin/env python3
"""Runs the side-by-side workloads built by bench/compare.sh and reports medians.

Three variants of each workload: libtorch out of the box, libtorch with OPENBLAS_CORETYPE=SkylakeX
(its best BLAS setting on this machine) and ember out of the box. Each round runs every workload
once per variant; the order of the variants alternates between rounds (ABC, CBA, ...), so slow
drifts of a shared machine hit both sides alike. Medians over rounds go into a table on stdout and
into the marked section of docs/PERFORMANCE.md.

Usage (compare.sh calls it): report.py --torch DIR --ember DIR [--rounds N] [--quick] [--doc FILE]
A workload whose program did not build is reported as "n/a (<reason>)", read from
DIR/status/<program>.
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time

SKX = {"OPENBLAS_CORETYPE": "SkylakeX"}
VARIANTS = [("torch", {}), ("torch_skx", SKX), ("ember", {})]
VARIANT_TITLES = {"torch": "libtorch", "torch_skx": "libtorch SkylakeX", "ember": "ember"}

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

# Rows of the table: result name, label. Units come from the programs.
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
] + [("sgemm_%d" % n, "6 · sgemm %d×%d (torch::mm)" % (n, n)) for n in (128, 256, 512, 1024, 2048)]

HIGHER_IS_BETTER = {"GFLOPS", "images/s"}


def target_check(name, med, unit):
    """(target text, met?) for the issue's targets; None when the row has no target."""
    t, s, e = med.get("torch"), med.get("torch_skx"), med.get("ember")

    def faster(ref):
        return None if ref is None or e is None else ref / e

    if name in ("add_1", "mul_sum_backward", "adam_step_1_100_1"):
        f = faster(t)
        return "≥ 10× faster", None if f is None else f >= 10
    if name == "mlp_sgd_b128":
        f, g = faster(t), faster(s)
        met = None if f is None else (f >= 3 and (g is None or g >= 1.1))
        return "≥ 3× faster; ≥ 1.1× vs SkylakeX", met
    if name == "lenet_epoch":
        f = faster(t)
        return "≥ 2× faster", None if f is None else f >= 2
    if name == "sgemm_1024":
        return "≥ 270 GFLOPS", None if e is None else e >= 270
    return None


# Settings that change how the libraries thread or pick BLAS kernels. "Out of the box" means
# without them, so they are removed from every run's environment (a session or CI machine may
# export e.g. OPENBLAS_CORETYPE); a variant adds back only its own.
TUNING_PREFIXES = ("OPENBLAS_", "GOTO", "OMP_", "GOMP_", "KMP_", "MKL_")


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith(TUNING_PREFIXES)}


def run(cmd, env_extra, timeout=900):
    env = clean_env()
    env.update(env_extra)
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    return p


def parse_results(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"RESULT (\S+) (\S+) (\S+)", line)
        if m:
            out[m.group(1)] = (float(m.group(2)), m.group(3))
    return out


def status(build, program):
    try:
        with open(os.path.join(build, "status", program)) as f:
            return f.read().strip()
    except OSError:
        return "not built"


def fmt(v, unit):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return "%.0f %s" % (v, unit)
    if abs(v) >= 10:
        return "%.1f %s" % (v, unit)
    return "%.3g %s" % (v, unit)


def advantage(ember, ref, unit):
    """How many times better ember is than ref (>1: ember better), as text."""
    if ember is None or ref is None or ember <= 0 or ref <= 0:
        return "—"
    f = ember / ref if unit in HIGHER_IS_BETTER else ref / ember
    return "%.2f×" % f if f < 10 else "%.1f×" % f


# ---------------------------------------------------------------------------------------------
def run_workloads(builds, rounds, quick, log):
    samples = {}  # (variant, result) -> [values]
    units = {}
    failures = {}  # (variant, program) -> message
    for r in range(rounds):
        order = VARIANTS if r % 2 == 0 else list(reversed(VARIANTS))
        log("round %d/%d (%s)" % (r + 1, rounds, ", ".join(v for v, _ in order)))
        for program, args, _ in PROGRAMS:
            for variant, env in order:
                build = builds.get(variant)
                if build is None:
                    continue
                exe = os.path.join(build, program)
                if status(build, program) != "ok" or not os.path.exists(exe):
                    continue
                cmd = [exe] + args + (["--quick"] if quick else [])
                p = run(cmd, env)
                if p.returncode != 0:
                    failures[(variant, program)] = "exit %d: %s" % (
                        p.returncode, (p.stderr.strip().splitlines() or [""])[-1][:120])
                    continue
                for name, (v, unit) in parse_results(p.stdout).items():
                    samples.setdefault((variant, name), []).append(v)
                    units[name] = unit
    return samples, units, failures


def hello_metrics(builds, runs, log):
    """Start-up wall time, peak RSS, what the program maps/links, compile time of hello.cpp."""
    out = {}
    for variant in ("torch", "ember"):
        build = builds.get(variant)
        if build is None or status(build, "compare_hello") != "ok":
            continue
        exe = os.path.join(build, "compare_hello")
        walls, rss = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            p = subprocess.Popen([exe], stdout=subprocess.DEVNULL, env=clean_env())
            _, code, ru = os.wait4(p.pid, 0)
            p.returncode = code
            walls.append(time.perf_counter() - t0)
            rss.append(ru.ru_maxrss / 1024.0)  # KiB -> MiB
        out[variant] = {"startup_ms": statistics.median(walls) * 1e3,
                        "rss_mb": statistics.median(rss)}
        out[variant].update(library_sizes(exe))
        out[variant]["compile_s"] = compile_time(build, log)
    return out


GLIBC = re.compile(r"/(ld-linux[^/]*|libc|libm|libpthread|libdl|librt|libresolv)\.so[^/]*$")
CXXRT = re.compile(r"/(libstdc\+\+|libgcc_s)\.so[^/]*$")


def library_sizes(exe):
    """Sizes in MB: the executable, ldd-resolved libraries (without glibc, and without glibc and
    the C++ runtime), and the shared objects actually mapped at exit (--maps)."""
    def size(paths):
        seen, total = set(), 0
        for p in paths:
            rp = os.path.realpath(p)
            if rp not in seen and os.path.exists(rp):
                seen.add(rp)
                total += os.path.getsize(rp)
        return total / 1e6, len(seen)

    ldd = subprocess.run(["ldd", exe], capture_output=True, text=True).stdout
    libs = re.findall(r"=> (/\S+)", ldd)
    no_glibc = [p for p in libs if not GLIBC.search(os.path.realpath(p)) and not GLIBC.search(p)]
    no_rt = [p for p in no_glibc if not CXXRT.search(p) and not CXXRT.search(os.path.realpath(p))]
    mapped = [l.split(" ", 1)[1] for l in
              subprocess.run([exe, "--maps"], capture_output=True, text=True).stdout.splitlines()
              if l.startswith("MAPPED ")]
    mapped_libs = [p for p in mapped if os.path.realpath(p) != os.path.realpath(exe)]
    d = {"exe_mb": os.path.getsize(exe) / 1e6}
    d["libs_mb"], d["libs_n"] = size(no_glibc)
    d["libs_nort_mb"], d["libs_nort_n"] = size(no_rt)
    d["mapped_mb"], d["mapped_n"] = size(mapped_libs)
    return d


def compile_time(build, log):
    """Seconds to compile hello.cpp (the translation unit only, no ccache), median of 3."""
    try:
        with open(os.path.join(build, "compile_commands.json")) as f:
            cmds = json.load(f)
    except OSError:
        return None
    entry = next((c for c in cmds if c["file"].endswith("/hello.cpp")), None)
    if entry is None:
        return None
    argv = shlex.split(entry["command"])
    if os.path.basename(argv[0]) == "ccache":
        argv = argv[1:]
    i = argv.index("-o")
    argv[i + 1] = os.path.join(os.path.abspath(build), "hello_compile_timing.o")  # cwd changes
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        p = subprocess.run(argv, cwd=entry["directory"], capture_output=True)
        times.append(time.perf_counter() - t0)
        if p.returncode != 0:
            return None
    return statistics.median(times)


def gemm_peak(ember_build):
    exe = os.path.join(ember_build, "ember", "bench_gemm")
    if status(ember_build, "bench_gemm") != "ok" or not os.path.exists(exe):
        return None
    p = run([exe, "--benchmark_filter=peak_fma_threads", "--benchmark_format=json",
             "--benchmark_repetitions=3"], {})
    try:
        runs = json.loads(p.stdout)["benchmarks"]
    except (ValueError, KeyError):
        return None
    vals = {}
    for b in runs:
        if b.get("run_type") == "iteration" and "GFLOPS" in b:
            key = "1 thread" if "/1/" in b["name"] else "all threads"
            vals.setdefault(key, []).append(b["GFLOPS"])
    return {k: statistics.median(v) for k, v in vals.items()}


def scalar_vs_python(repo, ember_build):
    st = status(ember_build, "bench_scalar")
    if st != "ok":
        return {"error": st}
    p = run([os.path.join(repo, "bench", "scalar_vs_python.sh"), os.path.join(ember_build, "ember")],
            {})
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["failed"])[-1]}
    text = p.stdout
    d = {}
    m = re.search(r"ember::scalar: ([0-9.]+) us", text)
    d["ember_us"] = float(m.group(1)) if m else None
    m = re.search(r"gc=on: ([0-9.]+) us", text)
    d["python_us"] = float(m.group(1)) if m else None
    m = re.search(r"gc=off: ([0-9.]+) us", text)
    d["python_off_us"] = float(m.group(1)) if m else None
    m = re.search(r"gc on \(default\):\s+([0-9.]+)x", text)
    d["ratio"] = float(m.group(1)) if m else None
    m = re.search(r"gc off during a step:\s+([0-9.]+)x", text)
    d["ratio_off"] = float(m.group(1)) if m else None
    return d


def machine():
    model, flags = "?", ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "?":
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags") and not flags:
                    flags = line
    except OSError:
        pass
    avx512 = "AVX-512" if "avx512f" in flags else "no AVX-512"
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    return "%s, %d cores (%s), %s; libblas.so.3 → %s" % (
        model, os.cpu_count(), avx512, platform.platform(terse=True), blas)


# ---------------------------------------------------------------------------------------------
def build_table(samples, units, builds, failures, extras):
    med = {}
    for (variant, name), vals in samples.items():
        med.setdefault(name, {})[variant] = statistics.median(vals)
    program_of = {name: prog for prog, _, names in PROGRAMS for name in names}

    def cell(variant, name):
        build = builds.get(variant)
        if build is None:
            return "n/a (libtorch not installed)" if variant != "ember" else "n/a"
        prog = program_of[name]
        if (variant, prog) in failures:
            return "failed (%s)" % failures[(variant, prog)]
        st = status(build, prog)
        if st != "ok":
            return "n/a (%s)" % st
        v = med.get(name, {}).get(variant)
        return fmt(v, units.get(name, ""))

    header = ["workload", "libtorch", "libtorch SkylakeX", "ember", "ember vs libtorch",
              "vs SkylakeX", "target", "met?"]
    rows = []
    for name, label in ROWS:
        m = med.get(name, {})
        unit = units.get(name, "")
        tgt = target_check(name, m, unit)
        met = "—" if tgt is None else ("yes" if tgt[1] else ("no" if tgt[1] is False else "n/a"))
        rows.append([label, cell("torch", name), cell("torch_skx", name), cell("ember", name),
                     advantage(m.get("ember"), m.get("torch"), unit),
                     advantage(m.get("ember"), m.get("torch_skx"), unit),
                     "" if tgt is None else tgt[0], met])

    peak = extras.get("peak")
    if peak:
        rows.append(["6 · practical peak: FMA loop, 2 threads (1 thread)", "", "",
                     "%.0f GFLOPS (%.0f)" % (peak.get("all threads", 0), peak.get("1 thread", 0)),
                     "", "", "", "—"])
    h = extras.get("hello", {})
    t, e = h.get("torch"), h.get("ember")

    def hrow(label, key, unit, scale=1.0, target=None, fmt_s="%.1f"):
        tv = None if t is None or t.get(key) is None else t[key] * scale
        ev = None if e is None or e.get(key) is None else e[key] * scale
        def na(variant):
            build = builds.get(variant)
            if build is None:
                return "n/a (libtorch not installed)"
            st = status(build, "compare_hello")
            return "n/a" if st == "ok" else "n/a (%s)" % st

        ts = na("torch") if tv is None else (fmt_s % tv) + " " + unit
        es = na("ember") if ev is None else (fmt_s % ev) + " " + unit
        adv = "—" if tv is None or ev is None or ev == 0 else (
            "%.1f×" % (tv / ev) if tv / ev >= 10 else "%.2f×" % (tv / ev))
        met = "—"
        if target is not None and tv is not None and ev is not None:
            met = "yes" if tv / ev >= target[1] else "no"
        rows.append([label, ts, "", es, adv, "", "" if target is None else target[0], met])

    hrow("7 · hello-tensor start-up (wall)", "startup_ms", "ms", target=("≥ 5× faster", 5))
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
        rows.append(["8 · scalar engine: MLP 2-16-16-1 on 100 samples, build+backward "
                     "(bench/scalar_vs_python.sh)", py, "",
                     fmt(None if sp.get("ember_us") is None else sp["ember_us"] / 1e3, "ms"),
                     adv, "", "", "—"])
    else:
        why = "n/a (%s)" % sp["error"] if sp else "n/a"
        rows.append(["8 · scalar engine vs Python", "", "", why, "", "", "", "—"])
    return header, rows, med


def markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        lines.append("| " + " | ".join(c.replace("|", "/") for c in r) + " |")
    return "\n".join(lines)


def plain(header, rows):
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    widths = [min(w, 48) for w in widths]
    out = []
    for r in [header] + rows:
        out.append("  ".join(c[:widths[i]].ljust(widths[i]) for i, c in enumerate(r)).rstrip())
    return "\n".join(out)


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


def missing_from_log(path):
    """One line saying why a program did not build, from its compiler log: the libtorch names
    the ember build lacks ("missing: torch::optim::Adam, ..."), else the first error."""
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except OSError:
        return "build failed"
    q = "[\u2018'`]([^\u2019']+)[\u2019']"
    names = []
    for m in re.finditer(r"error: (?:" + q + r" in namespace " + q + r" does not name a type|"
                         + q + r" is not a member of " + q + r"|" + q + r" has no member named "
                         + q + ")", text):
        g = m.groups()
        names.append(g[1] + "::" + g[0] if g[0] else g[3] + "::" + g[2] if g[2] else
                     g[4] + "::" + g[5])
    for m in re.finditer(r"error: no matching function for call to " + q, text):
        names.append(m.group(1).split("(")[0] + "(...) overload")
    for m in re.finditer(r"undefined reference to " + q, text):
        names.append(m.group(1).split("(")[0] + " (not defined)")
    clean = []
    for n in names:
        n = re.sub(r"\bember::", "torch::", n).replace("struct ", "").replace("class ", "")
        if n not in clean:
            clean.append(n)
    if clean:
        return "missing: " + ", ".join(clean[:6]) + (", ..." if len(clean) > 6 else "")
    m = re.search(r"error: (.*)", text)
    return ("build failed: " + m.group(1)[:100]) if m else "build failed"


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--missing":
        print(missing_from_log(sys.argv[2]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--torch")
    ap.add_argument("--ember", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--doc")
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    a = ap.parse_args()

    def log(msg):
        print("compare: " + msg, file=sys.stderr, flush=True)

    builds = {"ember": a.ember}
    if a.torch:
        builds["torch"] = a.torch
        builds["torch_skx"] = a.torch
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = os.getloadavg()[0]
    samples, units, failures = run_workloads(builds, a.rounds, a.quick, log)
    log("hello-tensor: start-up, size, compile time")
    extras = {"hello": hello_metrics(builds, 5 if a.quick else 21, log)}
    log("practical peak (bench_gemm peak_fma_threads)")
    extras["peak"] = gemm_peak(a.ember)
    log("scalar engine vs Python (bench/scalar_vs_python.sh)")
    extras["scalar"] = scalar_vs_python(a.repo, a.ember)

    load_end = os.getloadavg()[0]
    header, rows, _ = build_table(samples, units, builds, failures, extras)
    print(plain(header, rows))
    for (variant, prog), msg in sorted(failures.items()):
        print("note: %s %s %s" % (VARIANT_TITLES[variant], prog, msg))

    if a.doc:
        commit = subprocess.run(["git", "-C", a.repo, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", a.repo, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        section = "\n".join([
            "## ember vs libtorch, side by side",
            "",
            "Generated by `bench/compare.sh%s` on %s (commit %s%s), %d rounds, medians. "
            "Machine: %s. Load average (1 min) %.1f at the start, %.1f at the end."
            % (" --quick" if a.quick else "", started.strftime("%Y-%m-%d %H:%M UTC"),
               commit or "?", ", uncommitted changes in the tree" if dirty else "", a.rounds,
               machine(), load_start, load_end),
            "",
            "Reproduce: `scripts/install-deps.sh --bench && make bench` (or `bench/compare.sh`; "
            "`--quick` for a smoke run). Each workload in `bench/compare/*.cpp` is one source in "
            "libtorch's spelling, built against Debian's libtorch-dev 1.13 and against ember (via "
            "`bench/compare/shim/torch/torch.h` → `ember/torch_compat.h`); the variants run "
            "alternately in every round. \"libtorch SkylakeX\" is libtorch with "
            "`OPENBLAS_CORETYPE=SkylakeX`, its best BLAS setting here; the other two columns run "
            "with no environment settings. \"ember vs ...\" is how many times faster (or, for "
            "GFLOPS and images/s, higher) ember is; below 1× ember is behind. \"n/a (missing: X)\" "
            "means the workload does not compile against ember yet because X does not exist.",
            "",
            markdown(header, rows),
            "",
            "How the numbers are taken:",
            "- Workloads 1–6: each program warms up, then times many iterations with "
            "`std::chrono::steady_clock` and prints `RESULT <name> <value> <unit>`; the table "
            "shows the median over rounds. Training steps include `zero_grad`, forward, loss, "
            "`backward`, `step` and the `loss.item()` a training loop reads. Threads: each "
            "library's default. Every run gets the session's environment without `OPENBLAS_*`, `GOTO*`, "
            "`OMP_*`, `GOMP_*`, `KMP_*` and `MKL_*` variables (a machine may export e.g. "
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
        ])
        if failures:
            section += "\n" + "\n".join("- %s `%s`: %s" % (VARIANT_TITLES[v], p, m)
                                        for (v, p), m in sorted(failures.items())) + "\n"
        write_doc(a.doc, section)
        log("wrote %s" % a.doc)


if __name__ == "__main__":
    main()
