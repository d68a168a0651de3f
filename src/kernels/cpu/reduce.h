// Reduction loops over a tensor viewed as (O, R, I): reduce the middle axis. I == 1 reduces
// contiguous rows (vectorized reduction); I > 1 accumulates whole rows, which vectorizes over I.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/cpu/loops.h"

namespace ember::kernels {

/// out[o, i] = finish(fold(init, x[o, r, i] for r)) ; Acc is the accumulator type. `combine`
/// merges two partial accumulators (threads' partials of one long row): it differs from `fold`
/// when fold transforms the element (a sum of squares folds u + v * v but combines u + v).
template <class T, class Out, class Acc, class Fold, class Finish, class Combine>
void reduce_ori(const T* x, Out* out, int64_t O, int64_t R, int64_t I, Acc init, Fold fold,
                Finish finish, Combine combine) {
  if (I == 1) {
    if (O == 1 && R > kGrain && num_threads() > 1) {
      // One long row: per-chunk partials combined in chunk order (deterministic for a thread
      // count).
      std::vector<Acc> part(num_threads(), init);
      parallel_for(0, R, kGrain, [&](int64_t r0, int64_t r1) {
        Acc acc = init;
        for (int64_t r = r0; r < r1; ++r) acc = fold(acc, static_cast<Acc>(x[r]));
        part[thread_num()] = acc;
      });
      Acc acc = part[0];
      for (size_t t = 1; t < part.size(); ++t) acc = combine(acc, part[t]);
      out[0] = finish(acc);
      return;
    }
    parallel_for(0, O, grain_for(R), [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; ++o) {
        const T* row = x + o * R;
        Acc acc = init;
        for (int64_t r = 0; r < R; ++r) acc = fold(acc, static_cast<Acc>(row[r]));
        out[o] = finish(acc);
      }
    });
    return;
  }
  parallel_for(0, O, grain_for(R * I), [&](int64_t o0, int64_t o1) {
    std::vector<Acc> acc(I);
    for (int64_t o = o0; o < o1; ++o) {
      for (int64_t i = 0; i < I; ++i) acc[i] = init;
      const T* base = x + o * R * I;
      for (int64_t r = 0; r < R; ++r) {
        const T* row = base + r * I;
#pragma omp simd
        for (int64_t i = 0; i < I; ++i) acc[i] = fold(acc[i], static_cast<Acc>(row[i]));
      }
      for (int64_t i = 0; i < I; ++i) out[o * I + i] = finish(acc[i]);
    }
  });
}

/// reduce_ori for folds that combine partials as they fold elements (sum, prod, and, or).
template <class T, class Out, class Acc, class Fold, class Finish>
void reduce_ori(const T* x, Out* out, int64_t O, int64_t R, int64_t I, Acc init, Fold fold,
                Finish finish) {
  reduce_ori(x, out, O, R, I, init, fold, finish, fold);
}

/// Arg-reduction: index of the first element for which better(x, best) holds; NaN wins (as
/// PyTorch's max/min propagate NaN).
template <class T, class Better>
void arg_reduce_ori(const T* x, T* values, int64_t* indices, int64_t O, int64_t R, int64_t I,
                    Better better) {
  // Parallel over the O * I outputs, each a scan of R elements.
  parallel_for(0, O * I, grain_for(R), [&](int64_t j0, int64_t j1) {
    for (int64_t j = j0; j < j1; ++j) {
      const int64_t o = j / I, i = j % I;
      const T* p = x + o * R * I + i;
      T best = p[0];
      int64_t bi = 0;
      for (int64_t r = 1; r < R; ++r) {
        const T v = p[r * I];
        if constexpr (std::is_floating_point_v<T>) {
          if (best != best) break;  // NaN already found
          if (v != v) {
            best = v, bi = r;
            break;
          }
        }
        if (better(v, best)) best = v, bi = r;
      }
      if (values) values[j] = best;
      indices[j] = bi;
    }
  });
}

}  // namespace ember::kernels
