// Intra-op threads, spelled as libtorch's at::set_num_threads / at::get_num_threads.
#pragma once

namespace ember {

/// Threads ember's kernels (and the OpenMP build of OpenBLAS) use from the calling thread on;
/// default: one per core. One thread is the robust choice beside other busy processes (see
/// docs/PERFORMANCE.md, "Threads on a busy machine"). Throws unless n > 0.
void set_num_threads(int n);
/// The number of threads the next parallel kernel on this thread may use.
int get_num_threads();

}  // namespace ember
