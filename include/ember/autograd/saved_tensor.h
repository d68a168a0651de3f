// SavedTensor: a tensor a node keeps for its backward (PyTorch's SavedVariable). It remembers the
// tensor's version so that an in-place change between forward and backward is reported instead
// of giving wrong gradients, holds saved *outputs* without their grad_fn (which would be a
// node→output→node cycle), and once released by a backward without retain_graph refuses to
// unpack (PyTorch's "Trying to backward through the graph a second time").
#pragma once

#include <memory>

#include "ember/autograd/node.h"

namespace ember::autograd {

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
  }
  /// Saves output `output_nr` of `node`, held without its grad_fn (unpack restores it).
  void save_output(const Tensor& t, const std::shared_ptr<Node>& node, uint32_t output_nr = 0);
  /// The saved tensor. Throws if it was released by a previous backward, or modified in place
  /// since it was saved; an undefined tensor saved stays undefined.
  Tensor unpack() const;
  /// Whether a defined tensor was saved (still true once released: unpack then throws).
  bool defined() const { return data_.defined() || released_; }
  /// Frees the tensor (Node::release_variables, after a backward without retain_graph).
  void release() {
    if (!data_.defined()) return;
    data_.reset();
    output_of_.reset();
    released_ = true;
  }

 private:
  Tensor data_;
  std::weak_ptr<Node> output_of_;
  uint32_t version_ = 0;
  uint32_t output_nr_ = 0;
  bool is_output_ = false;
  bool released_ = false;
};

}  // namespace ember::autograd
