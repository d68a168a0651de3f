// The loss ops (mse, l1, smooth_l1, huber, binary_cross_entropy(_with_logits), nll, cross_entropy,
// kl_div) and F::*loss*, following PyTorch 1.13's formulas (aten/src/ATen/native/Loss.cpp,
// LossNLL.cpp). All but binary_cross_entropy are composed from ember ops (gradients of any order
// come from the ops); binary_cross_entropy is an op struct, as its gradient is PyTorch's clamped
// formula rather than the derivative of its forward, written with ember ops (so differentiable).
#include "ember/nn/functional/loss.h"

#include <cmath>
#include <variant>

#include "ember/autograd/grad_mode.h"
#include "ember/nn/functional/activation.h"
#include "ember/ops.h"
#include "ember/tensor/factories.h"
#include "kernels/cpu/indices.h"
#include "ops/iter.h"

namespace ember {
namespace {

Tensor reduce(const Tensor& loss, int64_t reduction, const char* op) {
  switch (reduction) {
    case Reduction::None:
      return loss;
    case Reduction::Mean:
      return loss.mean();
    case Reduction::Sum:
      return loss.sum();
    default:
      EMBER_CHECK(false, op, ": unknown reduction ", reduction);
  }
  return loss;
}

void check_same_size(const Tensor& input, const Tensor& target, const char* op) {
  EMBER_CHECK(input.defined() && target.defined(), op, ": input and target must be defined");
  EMBER_CHECK(input.sizes() == target.sizes(), op, ": target of shape ", target.sizes(),
              " must have the same shape as the input ", input.sizes());
}

void check_float(const Tensor& t, const char* op, const char* what) {
  EMBER_CHECK(t.is_floating_point(), op, ": ", what, " must be a floating-point tensor, got ",
              t.scalar_type());
}

/// PyTorch's binary_cross_entropy (binary_cross_entropy_out_cpu and its backward): each log
/// clamped at -100 in forward, and the gradient's denominator (1 - p)·p clamped at 1e-12 (a float
/// constant there, so 1e-12f in float64 too), so a
/// probability of exactly 0 or 1 (a saturated sigmoid) gives finite values and gradients. The
/// target's gradient is PyTorch's -logit(p); the weight also gets one (PyTorch refuses it).
struct BinaryCrossEntropy {
  static constexpr const char* name = "BinaryCrossEntropyBackward0";
  int64_t reduction;
  ops::SavedTensor p, t, w;
  auto saved() { return std::tie(p, t, w); }
  int64_t count = 0;  // elements of the unreduced loss (the mean's N)
  static Tensor unweighted(const Tensor& p, const Tensor& t) {
    return (t - 1) * (-p).log1p().clamp_min(-100) - t * p.log().clamp_min(-100);
  }
  Tensor forward(const Tensor& input, const Tensor& target, const Tensor& weight) {
    p = input;
    t = target;
    if (weight.defined()) w = weight;
    Tensor loss = unweighted(input, target);
    if (weight.defined()) loss = loss * weight;
    count = loss.numel();
    return reduce(loss, reduction, "binary_cross_entropy");
  }
  // The weight, then the mean's 1/N, applied to a gradient, in PyTorch's order.
  Tensor scaled(Tensor grad, const Tensor& weight) const {
    if (weight.defined()) grad = grad * weight;
    return reduction == Reduction::Mean ? grad / static_cast<double>(count) : grad;
  }
  ops::variable_list backward(const Tensor& g, const ops::Node& node) {
    Tensor x = p.unpack(), y = t.unpack(), wt = w.defined() ? w.unpack() : Tensor();
    ops::variable_list grads(3);
    if (node.should_compute_output(0))
      grads[0] =
          sum_to(scaled(g * (x - y) / ((1 - x) * x).clamp_min(double{1e-12f}), wt), x.sizes());
    if (node.should_compute_output(1)) grads[1] = sum_to(scaled(-logit(x) * g, wt), y.sizes());
    if (node.should_compute_output(2))
      grads[2] = sum_to(scaled(unweighted(x, y) * g, Tensor()), wt.sizes());
    return grads;
  }
};

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, int64_t reduction) {
  check_same_size(input, target, "mse_loss");
  return reduce((input - target).square(), reduction, "mse_loss");
}

Tensor l1_loss(const Tensor& input, const Tensor& target, int64_t reduction) {
  check_same_size(input, target, "l1_loss");
  return reduce((input - target).abs(), reduction, "l1_loss");
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, int64_t reduction, double beta) {
  check_same_size(input, target, "smooth_l1_loss");
  EMBER_CHECK(beta >= 0, "smooth_l1_loss: beta must be non-negative, got ", beta);
  if (beta == 0) return l1_loss(input, target, reduction);
  Tensor d = (input - target).abs();
  return reduce(where(d < beta, d.square() * (0.5 / beta), d - 0.5 * beta), reduction,
                "smooth_l1_loss");
}

Tensor huber_loss(const Tensor& input, const Tensor& target, int64_t reduction, double delta) {
  check_same_size(input, target, "huber_loss");
  EMBER_CHECK(delta > 0, "huber_loss: delta must be positive, got ", delta);
  Tensor d = (input - target).abs();
  return reduce(where(d < delta, d.square() * 0.5, (d - 0.5 * delta) * delta), reduction,
                "huber_loss");
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight,
                            int64_t reduction) {
  check_same_size(input, target, "binary_cross_entropy");
  check_float(input, "binary_cross_entropy", "input");
  {
    NoGradGuard g;
    EMBER_CHECK(
        input.numel() == 0 || (input.min().item<double>() >= 0 && input.max().item<double>() <= 1),
        "binary_cross_entropy: all elements of input should be between 0 and 1");
  }
  return ops::apply(BinaryCrossEntropy{reduction, {}, {}, {}}, input, target, weight);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const Tensor& weight, const Tensor& pos_weight,
                                        int64_t reduction) {
  check_same_size(input, target, "binary_cross_entropy_with_logits");
  Tensor max_val = (-input).clamp_min(0);
  Tensor log_part = ((-max_val).exp() + (-input - max_val).exp()).log() + max_val;
  Tensor loss;
  if (pos_weight.defined()) {
    Tensor log_weight = (pos_weight - 1) * target + 1;
    loss = (1 - target) * input + log_weight * log_part;
  } else {
    loss = (1 - target) * input + log_part;
  }
  if (weight.defined()) loss = loss * weight;
  return reduce(loss, reduction, "binary_cross_entropy_with_logits");
}

namespace {

// (N, C, d1, ...) → (N·d1·..., C) and the target → (N·d1·...); (C) → (1, C).
std::pair<Tensor, Tensor> flatten_classes(const Tensor& input, const Tensor& target,
                                          const char* op) {
  EMBER_CHECK(input.dim() >= 1, op, ": input must have at least 1 dimension, got a scalar");
  if (input.dim() == 1) {
    EMBER_CHECK(target.dim() == 0, op, ": for input of shape ", input.sizes(),
                " the target must be a scalar, got shape ", target.sizes());
    return {input.unsqueeze(0), target.reshape({1})};
  }
  std::vector<int64_t> expected{input.size(0)};
  for (int64_t d = 2; d < input.dim(); ++d) expected.push_back(input.size(d));
  EMBER_CHECK(target.sizes() == IntArrayRef(expected), op, ": expected target of shape ",
              IntArrayRef(expected), " for input of shape ", input.sizes(), ", got ",
              target.sizes());
  Tensor x = input;
  if (input.dim() > 2) {  // move the class dim last
    std::vector<int64_t> perm{0};
    for (int64_t d = 2; d < input.dim(); ++d) perm.push_back(d);
    perm.push_back(1);
    x = input.permute(perm);
  }
  return {x.reshape({-1, input.size(1)}), target.reshape({-1})};
}

}  // namespace

Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight, int64_t reduction,
                int64_t ignore_index) {
  const char* op = "nll_loss";
  EMBER_CHECK(target.scalar_type() == kLong, op,
              ": expected target of dtype Long (class indices), ", "got ", target.scalar_type());
  check_float(input, op, "input");
  auto [x, t] = flatten_classes(input, target, op);
  const int64_t classes = x.size(1);
  if (weight.defined())
    EMBER_CHECK(weight.dim() == 1 && weight.size(0) == classes, op, ": weight of shape ",
                weight.sizes(), " must have one entry per class (", classes, ")");
  Tensor valid = t != ignore_index;
  Tensor safe = where(valid, t, zeros_like(t));
  {
    const Tensor sc = safe.contiguous();
    const int64_t* p = sc.data_ptr<int64_t>();
    const int64_t i = kernels::first_out_of_range(p, sc.numel(), classes);
    EMBER_CHECK(i < 0, op, ": target ", i < 0 ? 0 : p[i], " at index ", i, " is out of bounds for ",
                classes, " classes");
  }
  Tensor w = weight.defined() ? weight.index_select(0, safe) : ones({t.numel()}, x.scalar_type());
  w = w * valid.to(x.scalar_type());
  Tensor loss = -x.gather(1, safe.unsqueeze(1)).squeeze(1) * w;
  switch (reduction) {
    case Reduction::None:
      return loss.reshape(target.sizes());
    case Reduction::Sum:
      return loss.sum();
    case Reduction::Mean:
      return loss.sum() / w.sum();
    default:
      EMBER_CHECK(false, op, ": unknown reduction ", reduction);
  }
  return loss;
}

Tensor cross_entropy_loss(const Tensor& input, const Tensor& target, const Tensor& weight,
                          int64_t reduction, int64_t ignore_index, double label_smoothing) {
  const char* op = "cross_entropy";
  EMBER_CHECK(label_smoothing >= 0 && label_smoothing <= 1, op,
              ": label_smoothing must be between 0.0 and 1.0, got ", label_smoothing);
  check_float(input, op, "input");
  const int64_t class_dim = input.dim() == 1 ? 0 : 1;
  const int64_t classes = input.size(class_dim);
  Tensor logp = log_softmax(input, class_dim);
  // weight broadcast along the class dim
  auto class_shaped = [&](const Tensor& w) {
    DimVector shape(input.dim(), 1);
    shape[class_dim] = classes;
    return w.view(shape);
  };
  if (target.is_floating_point()) {  // class probabilities
    check_same_size(input, target, op);
    Tensor p =
        label_smoothing > 0 ? target * (1 - label_smoothing) + label_smoothing / classes : target;
    Tensor prod = logp * p;
    if (weight.defined()) prod = prod * class_shaped(weight);
    Tensor loss = -prod.sum({class_dim});
    switch (reduction) {
      case Reduction::None:
        return loss;
      case Reduction::Sum:
        return loss.sum();
      case Reduction::Mean:
        return input.dim() == 1 ? loss : loss.sum() / (input.numel() / classes);
      default:
        EMBER_CHECK(false, op, ": unknown reduction ", reduction);
    }
  }
  Tensor nll = nll_loss(logp, target, weight, reduction, ignore_index);
  if (label_smoothing == 0) return nll;
  Tensor wlogp = weight.defined() ? logp * class_shaped(weight) : logp;
  Tensor ignored = (target == ignore_index);
  Tensor smooth = (-wlogp.sum({class_dim})).masked_fill(ignored, 0);
  Tensor smooth_red;
  switch (reduction) {
    case Reduction::None:
      smooth_red = smooth;
      break;
    case Reduction::Sum:
      smooth_red = smooth.sum();
      break;
    case Reduction::Mean:
      if (weight.defined()) {
        Tensor safe = where(ignored, zeros_like(target), target).reshape({-1});
        Tensor w = weight.index_select(0, safe) *
                   ignored.logical_not().reshape({-1}).to(weight.scalar_type());
        smooth_red = smooth.sum() / w.sum();
      } else {  // averaged over the targets that are not ignored, like nll_loss
        smooth_red = smooth.sum() / ignored.logical_not().sum().to(smooth.scalar_type());
      }
      break;
    default:
      EMBER_CHECK(false, op, ": unknown reduction ", reduction);
  }
  return nll * (1 - label_smoothing) + smooth_red * (label_smoothing / classes);
}

Tensor kl_div(const Tensor& input, const Tensor& target, int64_t reduction, bool log_target) {
  check_same_size(input, target, "kl_div");
  Tensor loss =
      log_target ? target.exp() * (target - input)
                 : where(target > 0, target * target.clamp_min(1e-300).log(), zeros_like(target)) -
                       target * input;
  return reduce(loss, reduction, "kl_div");
}

namespace nn::functional {
namespace {
int64_t to_int(const LossReduction& r) {
  if (std::holds_alternative<enumtype::kNone>(r)) return Reduction::None;
  if (std::holds_alternative<enumtype::kSum>(r)) return Reduction::Sum;
  return Reduction::Mean;
}
}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& o) {
  return ::ember::mse_loss(input, target, to_int(o.reduction()));
}
Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& o) {
  return ::ember::l1_loss(input, target, to_int(o.reduction()));
}
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& o) {
  return ::ember::smooth_l1_loss(input, target, to_int(o.reduction()), o.beta());
}
Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& o) {
  return ::ember::huber_loss(input, target, to_int(o.reduction()), o.delta());
}
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const BinaryCrossEntropyFuncOptions& o) {
  return ::ember::binary_cross_entropy(input, target, o.weight(), to_int(o.reduction()));
}
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& o) {
  return ::ember::binary_cross_entropy_with_logits(input, target, o.weight(), o.pos_weight(),
                                                   to_int(o.reduction()));
}
Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& o) {
  return ::ember::nll_loss(input, target, o.weight(), to_int(o.reduction()), o.ignore_index());
}
Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& o) {
  return ::ember::cross_entropy_loss(input, target, o.weight(), to_int(o.reduction()),
                                     o.ignore_index(), o.label_smoothing());
}
Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& o) {
  const auto& r = o.reduction();
  if (std::holds_alternative<enumtype::kBatchMean>(r)) {
    Tensor s = ::ember::kl_div(input, target, Reduction::Sum, o.log_target());
    return input.dim() == 0 ? s : s / input.size(0);
  }
  const int64_t red = std::holds_alternative<enumtype::kNone>(r)  ? Reduction::None
                      : std::holds_alternative<enumtype::kSum>(r) ? Reduction::Sum
                                                                  : Reduction::Mean;
  return ::ember::kl_div(input, target, red, o.log_target());
}
}  // namespace nn::functional

}  // namespace ember
