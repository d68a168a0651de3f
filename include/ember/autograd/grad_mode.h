// Grad mode: whether ops record graphs. Thread-local, as in PyTorch.
#pragma once

namespace ember {

namespace detail {
// Constant-initialised, so reading it needs no TLS wrapper call; inline so that checking grad
// mode in every op costs one thread-local load.
inline thread_local bool t_grad_enabled = true;
}  // namespace detail

struct GradMode {
  static bool is_enabled() { return detail::t_grad_enabled; }
  static void set_enabled(bool enabled) { detail::t_grad_enabled = enabled; }
};

/// Sets grad mode for a scope and restores the previous mode after.
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : prev_(GradMode::is_enabled()) {
    GradMode::set_enabled(enabled);
  }
  ~AutoGradMode() { GradMode::set_enabled(prev_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool prev_;
};

/// Disables graph recording in its scope (torch::NoGradGuard).
struct NoGradGuard : AutoGradMode {
  NoGradGuard() : AutoGradMode(false) {}
};

/// Inference mode is grad-off here (ember has no separate inference tensors).
struct InferenceMode : AutoGradMode {
  explicit InferenceMode(bool enabled = true) : AutoGradMode(!enabled) {}
};

namespace autograd {
using ember::AutoGradMode;
using ember::GradMode;
using ember::NoGradGuard;
}  // namespace autograd

}  // namespace ember
