"""What bench/compare.sh measures beside the timed workloads, and what every run shares.

- clean_env/run/status: the environment every program runs in (no threading or BLAS settings
  from the session), and whether a program built (DIR/status/<program>, written by compare.sh).
- BusyMachine: the busy variants' load, BUSY_PROCS `yes > /dev/null` processes that never outlive
  the block (or this process).
- hello_metrics: hello-tensor's start-up, peak RSS, executable and library sizes, compile time.
- gemm_peak: the machine's practical FMA peak (ember's bench_gemm), scalar_vs_python: ember's
  scalar engine against a pure-Python micrograd, machine: one line describing the machine.
- missing_from_log: why a program did not build, from its compiler log.
"""
import ctypes
import json
import os
import platform
import re
import shlex
import signal
import statistics
import subprocess
import time


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


def status(build, program):
    try:
        with open(os.path.join(build, "status", program)) as f:
            return f.read().strip()
    except OSError:
        return "not built"


BUSY_PROCS = 2


def _die_with(parent):
    """For a child before exec: the kernel kills it when `parent` dies, even by SIGKILL."""
    def set_death_signal():
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl
            os._exit(1)
    return set_death_signal


class BusyMachine:
    """BUSY_PROCS `yes > /dev/null` processes for the duration of a with-block. They are killed
    when the block ends however it ends (an exception, Ctrl-C, the SIGTERM report.py turns into
    SystemExit), and by the kernel if this process dies first (PR_SET_PDEATHSIG)."""

    def __enter__(self):
        self.procs = []
        try:
            for _ in range(BUSY_PROCS):
                self.procs.append(subprocess.Popen(["yes"], stdout=subprocess.DEVNULL,
                                                   preexec_fn=_die_with(os.getpid())))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            p.wait()
        self.procs = []


def hello_metrics(builds, variants, runs, log):
    """Start-up wall time, peak RSS, what the program maps/links, compile time of hello.cpp."""
    out = {}
    for variant in variants:
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
    p = run([os.path.join(repo, "bench", "scalar_vs_python.sh"),
             os.path.join(ember_build, "ember")], {})
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


def machine(ember_build):
    """CPU, cores, OS, and the BLAS each library loads: libtorch the libblas.so.3 Debian's
    alternatives select, ember the OpenBLAS its hello-tensor program links (ldd)."""
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
    ldd = subprocess.run(["ldd", os.path.join(ember_build, "compare_hello")], capture_output=True,
                         text=True).stdout
    ember_blas = re.search(r"=> (\S*blas\S*)", ldd)
    return "%s, %d cores (%s), %s; libblas.so.3 (libtorch's BLAS) → %s; ember's BLAS → %s" % (
        model, os.cpu_count(), avx512, platform.platform(terse=True), blas,
        os.path.realpath(ember_blas.group(1)) if ember_blas else "?")


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
