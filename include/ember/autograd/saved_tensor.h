// SavedTensor: a tensor an op keeps for its backward. It remembers the tensor's version so that
// an in-place change between forward and backward is reported instead of giving wrong gradients,
// and it holds saved *outputs* without their grad_fn (which would be a node→output→node cycle).
#pragma once

#include <memory>

#include "ember/autograd/node.h"

namespace ember::autograd {

namespace detail {
/// Counts saves on this thread: apply compares it around forward to learn whether an op keeps
/// tensors (only such nodes refuse a second backward once their graph is freed, as PyTorch).
inline uint32_t& saved_count() {
  static thread_local uint32_t n = 0;
  return n;
}
}  // namespace detail

class SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(const Tensor& t) { save(t); }  // NOLINT: `saved = x` reads well in forward()
  SavedTensor& operator=(const Tensor& t) {
    save(t);
    return *this;
  }
  void save(const Tensor& t) {
    data_ = t;
    version_ = t.defined() ? t._version() : 0;
    ++detail::saved_count();
  }
  /// Saves an output of `node` (called by apply after the node exists).
  void save_output(const Tensor& t, const std::shared_ptr<Node>& node, uint32_t output_nr = 0);
  /// The saved tensor; throws if it was freed by a previous backward or modified in place.
  Tensor unpack() const;
  bool defined() const { return data_.defined(); }

 private:
  Tensor data_;
  std::weak_ptr<Node> output_of_;
  uint32_t version_ = 0;
  uint32_t output_nr_ = 0;
  bool is_output_ = false;
};

namespace detail {
/// The node whose backward is running on this thread (for error messages).
const Node*& current_node();
}  // namespace detail

}  // namespace ember::autograd
