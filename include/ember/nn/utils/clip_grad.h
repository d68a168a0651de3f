// Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_; libtorch's
// torch::nn::utils): call between backward() and the optimizer's step().
//
//   loss.backward();
//   nn::utils::clip_grad_norm_(model->parameters(), /*max_norm=*/1.0);
//   optimizer.step();
#pragma once

#include <initializer_list>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::nn::utils {

/// Scales the gradients of `parameters` in place so that their total norm (the norm of the
/// vector of all gradient entries; `norm_type` may be INFINITY) is at most `max_norm`, as
/// PyTorch: g *= min(1, max_norm / (total + 1e-6)). Returns the total norm before clipping (0
/// when no parameter has a gradient). With error_if_nonfinite, a NaN or infinite total throws
/// instead.
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm,
                       double norm_type = 2.0, bool error_if_nonfinite = false);
double clip_grad_norm_(std::initializer_list<Tensor> parameters, double max_norm,
                       double norm_type = 2.0, bool error_if_nonfinite = false);
double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

/// Clamps every gradient entry into [−clip_value, clip_value], in place.
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);
void clip_grad_value_(std::initializer_list<Tensor> parameters, double clip_value);
void clip_grad_value_(const Tensor& parameter, double clip_value);

}  // namespace ember::nn::utils
