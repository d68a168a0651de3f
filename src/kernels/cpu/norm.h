// Normalization on raw pointers, forward and backward of each norm side by side: batch norm over
// (N, C, S), layer norm over (M, K) rows, group norm over (N, G, C/G, S). Statistics take one
// pass of shifted sums accumulated in double (the variance does not cancel when |mean| >> std),
// the output a second; the fused backward takes one reduction pass and one for dx. Threads only
// through parallel_for; partial sums are combined in a fixed order (deterministic for a given
// thread count). Contiguous layouts; float and double. No Tensor, no autograd.
#pragma once

#include <cstdint>

namespace ember::kernels {

/// y = (x - mean) invstd weight + bias over x (N, C, S). training: the batch statistics (mean,
/// biased variance over N and S) and, where non-null, running_mean/running_var (C) updated as
/// r = (1 - momentum) r + momentum s (running_var with the unbiased variance); else the running
/// statistics. Writes mean, invstd (C) and mean_d (C, the mean in double, for the backward).
/// weight, bias (C) may be null.
template <class T>
void batch_norm_forward(T* y, T* mean, T* invstd, double* mean_d, T* running_mean, T* running_var,
                        const T* x, const T* weight, const T* bias, int64_t N, int64_t C, int64_t S,
                        bool training, double momentum, double eps);
/// The input, weight and bias gradients of batch_norm_forward (each may be null) for dy (N, C, S),
/// from x, its mean_d and invstd (C) and weight (C, may be null). training: the statistics are
/// functions of x; else constants (dx = dy invstd weight).
template <class T>
void batch_norm_backward(T* dx, T* dweight, T* dbias, const T* dy, const T* x, const double* mean_d,
                         const T* invstd, const T* weight, int64_t N, int64_t C, int64_t S,
                         bool training);

/// y = (x - mean) rstd weight + bias per row of x (M, K); mean (M) in double, rstd (M).
/// weight, bias (K) may be null.
template <class T>
void layer_norm_forward(T* y, double* mean, T* rstd, const T* x, const T* weight, const T* bias,
                        int64_t M, int64_t K, double eps);
/// The gradients of layer_norm_forward (each may be null) for dy (M, K); dweight and dbias (K)
/// are summed over the rows.
template <class T>
void layer_norm_backward(T* dx, T* dweight, T* dbias, const T* dy, const T* x, const double* mean,
                         const T* rstd, const T* weight, int64_t M, int64_t K);

/// y = (x - mean) rstd weight + bias over x (N, C, S) normalized per (sample, group of C / G
/// channels); mean (N, G) in double, rstd (N, G). weight, bias (C) may be null.
template <class T>
void group_norm_forward(T* y, double* mean, T* rstd, const T* x, const T* weight, const T* bias,
                        int64_t N, int64_t C, int64_t S, int64_t G, double eps);
/// The gradients of group_norm_forward (each may be null) for dy (N, C, S).
template <class T>
void group_norm_backward(T* dx, T* dweight, T* dbias, const T* dy, const T* x, const double* mean,
                         const T* rstd, const T* weight, int64_t N, int64_t C, int64_t S,
                         int64_t G);

}  // namespace ember::kernels
