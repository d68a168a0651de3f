// set_num_threads / get_num_threads over OpenMP's per-thread ICV (see threads.h).
#include "ember/core/threads.h"

#include <omp.h>

#include "ember/core/error.h"

namespace ember {

void set_num_threads(int n) {
  EMBER_CHECK(n > 0, "set_num_threads: expected a positive number of threads, got ", n);
  omp_set_num_threads(n);
}

int get_num_threads() { return omp_get_max_threads(); }

}  // namespace ember
