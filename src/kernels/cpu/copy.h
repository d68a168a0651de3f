// Row copies for batching: gathering rows of a contiguous buffer by index, and the per-channel
// normalisation that data transforms apply to a stacked batch. No Tensor.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember::kernels {

/// dst row r = src row indices[r], for r in [0, count); rows are row_bytes long.
void gather_rows(char* dst, const char* src, const size_t* indices, int64_t count,
                 size_t row_bytes);

/// y = (x − mean[c]) / stddev[c] over an (outer, channels, inner) buffer; mean and stddev hold
/// one value (mean_n, stddev_n == 1) or one per channel.
void normalize_channels(float* y, const float* x, const float* mean, int64_t mean_n,
                        const float* stddev, int64_t stddev_n, int64_t outer, int64_t channels,
                        int64_t inner);

}  // namespace ember::kernels
