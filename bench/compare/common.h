// Shared by the side-by-side workloads in bench/compare: timing and the result line.
// Backend-neutral (standard library only): the same file is compiled against libtorch and ember.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace compare {

inline double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// True when the program was started with `--quick` (fewer iterations, for a smoke run).
inline bool quick(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--quick") == 0) return true;
  return false;
}

/// The one machine-readable line bench/compare.sh reads: `RESULT <name> <value> <unit>`.
inline void result(const std::string& name, double value, const char* unit) {
  std::printf("RESULT %s %.6g %s\n", name.c_str(), value, unit);
  std::fflush(stdout);
}

/// Runs `body` `warmup` times, then `iters` times under a steady clock; returns seconds per call.
template <class F>
double time_per_call(int warmup, int iters, F&& body) {
  for (int i = 0; i < warmup; ++i) body();
  const double t0 = now_seconds();
  for (int i = 0; i < iters; ++i) body();
  return (now_seconds() - t0) / iters;
}

}  // namespace compare
