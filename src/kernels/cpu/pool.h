// 2-D pooling on raw pointers: max (with argmax indices kept for backward), average and
// adaptive average, forward and backward. Inputs are `planes` contiguous H×W images (N·C of
// an NCHW tensor); 1-D pooling runs here with H = 1. No Tensor, no autograd.
#pragma once

#include <cstdint>

namespace ember::kernels {

struct PoolGeom {
  int64_t planes, h, w;  // input
  int64_t oh, ow;        // output
  int64_t kh, kw;        // window
  int64_t sh, sw;        // stride
  int64_t ph, pw;        // padding
  int64_t dh, dw;        // dilation (max pooling only)
};

/// y = the window maxima; idx = their flat positions ih·W + iw in the plane (PyTorch's indices).
/// A NaN in the window wins, as in PyTorch.
template <class T>
void max_pool2d_forward(T* y, int64_t* idx, const T* x, const PoolGeom& g);
/// dx = dy scattered to idx (overwrites dx).
template <class T>
void max_pool2d_backward(T* dx, const T* dy, const int64_t* idx, const PoolGeom& g);
/// y = dx gathered at idx: the backward of max_pool2d_backward w.r.t. dy.
template <class T>
void max_pool2d_gather(T* y, const T* x, const int64_t* idx, const PoolGeom& g);

/// Window means; divisor = divisor_override if > 0, else the window area including padding
/// (count_include_pad) or only the part inside the image. PyTorch's avg_pool2d.
template <class T>
void avg_pool2d_forward(T* y, const T* x, const PoolGeom& g, bool count_include_pad,
                        int64_t divisor_override);
/// dx = the adjoint of avg_pool2d_forward applied to dy (overwrites dx).
template <class T>
void avg_pool2d_backward(T* dx, const T* dy, const PoolGeom& g, bool count_include_pad,
                         int64_t divisor_override);

/// Adaptive average pooling: output cell o covers [floor(o·I/O), ceil((o+1)·I/O)).
template <class T>
void adaptive_avg_pool2d_forward(T* y, const T* x, const PoolGeom& g);
template <class T>
void adaptive_avg_pool2d_backward(T* dx, const T* dy, const PoolGeom& g);

}  // namespace ember::kernels
