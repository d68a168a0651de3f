// Optimizer update kernels in llm.c's style: one fused loop per update rule over a parameter's
// memory (parameter, gradient, state buffers, size, then hyper-parameters), for float and double.
// Hyper-parameters arrive as doubles (PyTorch computes them in Python) and are rounded once to the
// element type, as PyTorch's kernels round Python numbers; element operations run in PyTorch
// 1.13's single-tensor order. Large parameters are split across threads by parallel_for; each
// element's update is its own, so results do not depend on the thread count. No Tensor here.
#pragma once

#include <cstdint>

namespace ember::kernels {

/// SGD. `buf` is the momentum buffer (null without momentum); `first`: the buffer is new and
/// takes the gradient as it is (torch.clone(d_p)).
///   g = grad + weight_decay·p;  buf = momentum·buf + (1 − dampening)·g;
///   g = nesterov ? g + momentum·buf : buf;  p −= lr·g
template <class T>
void sgd_update(T* param, const T* grad, T* buf, int64_t n, double lr, double momentum,
                double dampening, double weight_decay, bool nesterov, bool first);

/// Adam and AdamW, one rule: `decoupled` applies the weight decay to the parameter before the
/// moments (AdamW: p *= 1 − lr·weight_decay, even when weight_decay is 0) instead of adding it to
/// the gradient (Adam's L2 term, skipped when weight_decay is 0). `v_max` is used with amsgrad.
///   m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;  (amsgrad: v_max = max(v_max, v), used for v)
///   p −= (lr / bias_correction1) · m / (√v / bias_correction2_sqrt + eps)
template <class T>
void adam_update(T* param, const T* grad, T* m, T* v, T* v_max, int64_t n, double lr, double beta1,
                 double beta2, double eps, double weight_decay, bool decoupled, bool amsgrad,
                 double bias_correction1, double bias_correction2_sqrt);

/// RMSprop. `grad_avg` is used when centered, `buf` when momentum > 0.
///   g = grad + weight_decay·p;  sq = α·sq + (1 − α)·g²;  avg = √(sq − ḡ²) or √sq;
///   momentum: buf = momentum·buf + g / (avg + eps), p −= lr·buf;  else p −= lr·g / (avg + eps)
template <class T>
void rmsprop_update(T* param, const T* grad, T* square_avg, T* grad_avg, T* buf, int64_t n,
                    double lr, double alpha, double eps, double weight_decay, double momentum,
                    bool centered);

/// Adagrad with the decayed rate clr = lr / (1 + (step − 1)·lr_decay).
///   g = grad + weight_decay·p;  sum += g²;  p −= clr·g / (√sum + eps)
template <class T>
void adagrad_update(T* param, const T* grad, T* sum, int64_t n, double lr, double lr_decay,
                    double weight_decay, double eps, int64_t step);

}  // namespace ember::kernels
