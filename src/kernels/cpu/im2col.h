// 2-D convolution on raw pointers: im2col / col2im and the three GEMM drivers a convolution
// needs (output, input gradient, weight gradient). 1-D convolutions run here with H = 1.
// Layouts are contiguous NCHW; weights (OC, C / groups, KH, KW). No Tensor, no autograd.
#pragma once

#include <cstdint>

namespace ember::kernels {

/// The geometry of one convolution y = conv(x, w): x (N, C, H, W), w (OC, C / G, KH, KW),
/// y (N, OC, OH, OW).
struct ConvGeom {
  int64_t n, c, h, w;  // input
  int64_t oc, kh, kw;  // weight
  int64_t oh, ow;      // output
  int64_t sh, sw;      // stride
  int64_t ph, pw;      // padding
  int64_t dh, dw;      // dilation
  int64_t groups;
  int64_t cg() const { return c / groups; }      // input channels per group
  int64_t ocg() const { return oc / groups; }    // output channels per group
  int64_t kg() const { return cg() * kh * kw; }  // GEMM depth per group
  int64_t ohw() const { return oh * ow; }
  /// True when im2col is the identity (1×1 kernel, stride 1, no padding).
  bool pointwise() const { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0; }
};

/// cols (C·KH·KW, OH·OW) from one image x (C, H, W); zero where the window is in the padding.
template <class T>
void im2col(T* cols, const T* x, const ConvGeom& g);
/// dx (C, H, W) += the columns scattered back (the adjoint of im2col).
template <class T>
void col2im(T* dx, const T* cols, const ConvGeom& g);

/// y = conv(x, w) + bias (bias may be null). When `cols` is non-null it receives every image's
/// columns (N, C·KH·KW, OH·OW), for conv2d_backward_weight to reuse.
template <class T>
void conv2d_forward(T* y, const T* x, const T* w, const T* bias, const ConvGeom& g,
                    T* cols = nullptr);
/// dx = the input gradient of conv for output gradient dy (overwrites dx). This is also
/// conv_transpose2d of dy with w.
template <class T>
void conv2d_backward_input(T* dx, const T* dy, const T* w, const ConvGeom& g);
/// dw = the weight gradient of conv for input x and output gradient dy (overwrites dw). `cols`,
/// when non-null, holds x's columns as conv2d_forward wrote them (x is then not read).
template <class T>
void conv2d_backward_weight(T* dw, const T* x, const T* dy, const ConvGeom& g,
                            const T* cols = nullptr);

}  // namespace ember::kernels
