// Points OpenBLAS at its AVX-512 kernels on CPUs it fails to recognise.
//
// Debian's OpenBLAS 0.3.21 is a DYNAMIC_ARCH build: at load it picks a kernel set from the CPUID
// vendor/family/model. Intel CPUs newer than the release (e.g. family 6 model 207) fall through
// to "Prescott" (SSE3 kernels) and run GEMM at a fifth of the machine's speed. The documented
// cure is OPENBLAS_CORETYPE=SkylakeX in the environment, but OpenBLAS reads it in its own
// constructor, which runs before ours (ELF initialises dependencies first). So when the CPU has
// AVX-512 (checked by feature flags, not model numbers) and OpenBLAS chose a kernel set without
// it, we re-run OpenBLAS's own selection with that variable set, through two entry points that
// DYNAMIC_ARCH builds export: gotoblas_dynamic_quit() forgets the choice, gotoblas_dynamic_init()
// reads OPENBLAS_CORETYPE and initialises the new kernel table (exactly what OpenBLAS's
// constructor does). Working buffers are sized at build time for every kernel set and the
// blocking parameters live in the table, so switching is safe while no BLAS call is in flight:
// hence once, at library load (or at the first GEMM, if another static initialiser gets there
// first).
//
// Nothing happens when: the user set OPENBLAS_CORETYPE (an explicit choice wins); the CPU or OS
// lacks AVX-512 F/BW/DQ/VL; OpenBLAS already uses an AVX-512 kernel set; or the BLAS is not a
// DYNAMIC_ARCH OpenBLAS (the symbols below are weak and then null).
#include <strings.h>

#include <cstdlib>
#include <string>

#include "kernels/cpu/gemm.h"

extern "C" {
// OpenBLAS extensions, declared here (weak) so that any CBLAS links and a non-OpenBLAS one
// simply leaves them null.
__attribute__((weak)) char* openblas_get_corename(void);
__attribute__((weak)) char* openblas_get_config(void);
__attribute__((weak)) int openblas_get_parallel(void);
__attribute__((weak)) void openblas_set_num_threads(int);
__attribute__((weak)) int openblas_get_num_threads(void);
// DYNAMIC_ARCH internals (driver/others/dynamic.c), exported by Debian's libopenblas.so.0.
__attribute__((weak)) void gotoblas_dynamic_init(void);
__attribute__((weak)) void gotoblas_dynamic_quit(void);
}

namespace ember::kernels {
namespace {

bool is_openblas() { return openblas_get_corename != nullptr; }
bool can_reselect() { return gotoblas_dynamic_init && gotoblas_dynamic_quit; }

const char* current_core() {
  const char* name = is_openblas() ? openblas_get_corename() : nullptr;
  return name ? name : "unknown";
}

// Kernel sets of OpenBLAS (up to 0.3.2x) built for AVX-512.
bool is_avx512_core(const char* name) {
  for (const char* c : {"SkylakeX", "Cooperlake", "SapphireRapids"})
    if (strcasecmp(name, c) == 0) return true;
  return false;
}

// OpenBLAS's SkylakeX kernels are compiled for -march=skylake-avx512: F, BW, DQ and VL.
// __builtin_cpu_supports reports a feature only when the OS saves its registers (XCR0).
bool cpu_has_avx512() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();  // we may run before libgcc's own constructor
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
  return false;
#endif
}

// Re-runs OpenBLAS's kernel selection with OPENBLAS_CORETYPE=name, then restores the variable
// so child processes see the environment the user gave.
void reselect(const char* name) {
  const char* old = std::getenv("OPENBLAS_CORETYPE");
  const std::string saved = old ? old : "";
  setenv("OPENBLAS_CORETYPE", name, 1);
  gotoblas_dynamic_quit();
  gotoblas_dynamic_init();  // an unknown name falls back to OpenBLAS's own CPU detection
  if (old) {
    setenv("OPENBLAS_CORETYPE", saved.c_str(), 1);
  } else {
    unsetenv("OPENBLAS_CORETYPE");
  }
}

struct BlasSetup {
  std::string detected;  // OpenBLAS's own choice, before ember's repair
  bool single_threaded = false;
};

BlasSetup run_blas_setup() {
  BlasSetup s;
  s.detected = current_core();
  // One BLAS thread: ember splits products across its own pool. The pthread build is linked, not
  // the serial one, because OpenBLAS's serial build is not safe to call from several threads at
  // once (its buffer allocator takes no lock: concurrent sgemm calls gave wrong results).
  if (openblas_set_num_threads) openblas_set_num_threads(1);
  s.single_threaded = is_openblas() && openblas_get_num_threads && openblas_get_num_threads() == 1;
  blas_repair_core();
  return s;
}

const BlasSetup& blas_setup() {
  static const BlasSetup setup = run_blas_setup();
  return setup;
}

// Load-time run, while no other thread can be inside OpenBLAS.
[[maybe_unused]] const BlasSetup& kSetupAtLoad = blas_setup();

}  // namespace

bool blas_repair_core() {
  if (!is_openblas() || !can_reselect() || std::getenv("OPENBLAS_CORETYPE")) return false;
  if (!cpu_has_avx512() || is_avx512_core(current_core())) return false;
  reselect("SkylakeX");
  return is_avx512_core(current_core());
}

const char* blas_force_core(const char* name) {
  ensure_blas_setup();
  if (is_openblas() && can_reselect()) reselect(name);
  return current_core();
}

void ensure_blas_setup() { (void)blas_setup(); }
const char* blas_core_name() {
  ensure_blas_setup();
  return current_core();
}
const char* blas_detected_core_name() { return blas_setup().detected.c_str(); }
const char* blas_config() {
  ensure_blas_setup();
  const char* config = is_openblas() && openblas_get_config ? openblas_get_config() : nullptr;
  return config ? config : "unknown";
}
bool blas_is_single_threaded() { return blas_setup().single_threaded; }

}  // namespace ember::kernels
