// Views under autograd and the relinking of in-place ops onto them (PyTorch's CopySlices design);
// how in-place ops compute their result is in src/ops/inplace.h.
//
// A view op (one declaring `is_view`, see apply.h) run while grad mode is on records its output as
// a view of the input's base (the tensor that owns the memory). When an in-place op changes a view,
// the gradient of everything computed from the base afterwards must flow through that op for the
// viewed elements only, so the base gets a CopySlices node: it takes the base's gradient, hands the
// viewed slice to the in-place op's node and writes that node's input gradient back into the slice.
// The view's own grad_fn is then rebuilt from the base's as an AsStridedBackward0 node, lazily:
// whenever the shared version counter has moved since the view's grad_fn was set (as PyTorch does).
#include <algorithm>

#include "autograd/apply.h"
#include "autograd/internal.h"
#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops.h"

namespace ember::autograd {

namespace {

// Where a tensor's elements sit in its storage.
struct Geometry {
  DimVector sizes, strides;
  int64_t offset = 0;
  explicit Geometry(const Tensor& t)
      : sizes(t.sizes()), strides(t.strides()), offset(t.storage_offset()) {}
  int64_t end() const {  // one past the last element touched
    int64_t e = offset + 1;
    for (size_t d = 0; d < sizes.size(); ++d) {
      if (sizes[d] == 0) return offset;
      e += (sizes[d] - 1) * strides[d];
    }
    return e;
  }
};

// A zero buffer covering both the base and the view, and the two laid over it.
struct Canvas {
  Tensor buffer, base, view;
};

Canvas make_canvas(const Geometry& b, const Geometry& v, const TensorOptions& options) {
  const int64_t lo = std::min(b.offset, v.offset);
  const int64_t hi = std::max(b.end(), v.end());
  Canvas c;
  c.buffer = zeros({std::max<int64_t>(hi - lo, 0)}, options);
  c.base = c.buffer.as_strided(b.sizes, b.strides, b.offset - lo);
  c.view = c.buffer.as_strided(v.sizes, v.strides, v.offset - lo);
  return c;
}

// The gradient of the base given the gradient `g` of a view of it: `g` scattered into zeros.
Tensor view_grad_to_base(Tensor g, const Geometry& b, Geometry v) {
  // Broadcast (stride 0) dims of the view alias one element: sum the gradient over them first.
  for (size_t d = 0; d < v.sizes.size(); ++d) {
    if (v.strides[d] == 0 && v.sizes[d] > 1) {
      g = g.sum({static_cast<int64_t>(d)}, true);
      v.sizes[d] = 1;
    }
  }
  Canvas c = make_canvas(b, v, g.options());
  c.view.copy_(g);
  return c.base;
}

/// The grad_fn of a view rebuilt from its base's history.
class AsStridedViewBackward final : public Node {
 public:
  AsStridedViewBackward(const Tensor& base, const Tensor& view)
      : base_(base), view_(view), dtype_(base.scalar_type()) {}
  std::string name() const override { return "AsStridedBackward0"; }
  variable_list apply(variable_list&& grads) override { return call(grads.data()); }
  variable_list call(Tensor* grads) override {
    if (!grads[0].defined() || !should_compute_output(0)) return variable_list(1);
    Tensor g = grads[0].scalar_type() == dtype_ ? grads[0] : grads[0].to(dtype_);
    return {view_grad_to_base(g, base_, view_)};
  }

 private:
  Geometry base_, view_;
  ScalarType dtype_;
};

/// The base's grad_fn after an in-place op `fn` changed a view of it.
class CopySlices final : public Node {
 public:
  CopySlices(const Tensor& base, const Tensor& view, std::shared_ptr<Node> fn)
      : base_(base), view_(view), dtype_(base.scalar_type()), fn_(std::move(fn)) {
    // Input 0 of fn is the view's old value; its gradient goes into the base's old history.
    // The other inputs of fn keep their edges.
    next_edges_.reserve(fn_->num_outputs());
    next_edges_.push_back(gradient_edge(base));
    for (uint32_t i = 1; i < fn_->num_outputs(); ++i) next_edges_.push_back(fn_->next_edge(i));
  }
  std::string name() const override { return "torch::autograd::CopySlices"; }
  variable_list apply(variable_list&& grads) override { return call(grads.data()); }
  variable_list call(Tensor* grads) override {
    variable_list out(num_outputs());
    if (!grads[0].defined()) return out;
    Tensor g = grads[0].scalar_type() == dtype_ ? grads[0] : grads[0].to(dtype_);
    Canvas c = make_canvas(base_, view_, g.options());
    c.base.copy_(g);
    Tensor slice = c.view.clone();
    variable_list res;
    {
      const Node*& cur = detail::current_node();
      const Node* prev = cur;
      cur = fn_.get();
      try {
        res = fn_->call(&slice);
      } catch (...) {
        cur = prev;
        throw;
      }
      cur = prev;
    }
    if (should_compute_output(0)) {
      // The old values under the view were replaced: they get fn's input gradient (zero when
      // the op overwrote them), the rest of the base keeps the incoming gradient.
      if (!res.empty() && res[0].defined())
        c.view.copy_(res[0]);
      else
        c.view.zero_();
      out[0] = c.base;
    }
    for (size_t i = 1; i < out.size() && i < res.size(); ++i) out[i] = std::move(res[i]);
    return out;
  }
  void release_variables() override { fn_->release_variables(); }

 private:
  Geometry base_, view_;
  ScalarType dtype_;
  std::shared_ptr<Node> fn_;
};

}  // namespace

// ---- view tracking ----------------------------------------------------------------------------
// Debug builds: apply's check that an op not declared a view returns fresh storage.
void detail::check_not_a_view(const char* op, const Tensor& out, const Tensor* inputs, size_t n) {
  if (!out.defined()) return;
  for (size_t i = 0; i < n; ++i)
    EMBER_CHECK(!inputs[i].defined() || out.impl()->storage() != inputs[i].impl()->storage(), op,
                ": forward returned a tensor of shape ", out.sizes(),
                " that shares the storage of an input of shape ", inputs[i].sizes(),
                ", but the op does not declare `static constexpr bool is_view = true;`");
}

void mark_view(const Tensor& view, const Tensor& input) {
  const intrusive_ptr<TensorImpl>& up = input.impl()->view_base();
  view.impl()->set_view_base(up ? up : input.impl());
}

Tensor view_base(const Tensor& t) { return Tensor(t.impl()->view_base()); }

const std::shared_ptr<Node>& detail::view_grad_fn(TensorImpl& impl) {
  static const std::shared_ptr<Node> kNone;
  AutogradMeta* m = impl.autograd_meta();
  TensorImpl& base = *impl.view_base();
  const AutogradMeta* bm = base.autograd_meta();
  const bool base_requires_grad = bm && (bm->requires_grad || bm->grad_fn);
  if ((!m || !m->grad_fn) && !base_requires_grad) return m ? m->grad_fn : kNone;
  if (!m) m = &impl.ensure_autograd_meta();
  const uint32_t version = impl.storage()->version();
  if (m->grad_fn && m->attr_version == version) return m->grad_fn;
  // The base (or this view) changed in place since grad_fn was set: rebuild it from the base.
  Tensor base_t(impl.view_base()), view_t{intrusive_ptr<TensorImpl>(&impl)};
  auto fn = std::make_shared<AsStridedViewBackward>(base_t, view_t);
  fn->add_next_edge(gradient_edge(base_t));
  m->grad_fn = std::move(fn);
  m->output_nr = 0;
  m->attr_version = version;
  return m->grad_fn;
}

void rebase_history(const Tensor& t, std::shared_ptr<Node> fn, uint32_t output_nr) {
  if (!t.impl()->view_base()) {
    set_history(t, std::move(fn), output_nr);
    return;
  }
  EMBER_CHECK(output_nr == 0, fn->name(),
              ": an in-place operation on a view must modify its first output");
  Tensor base(t.impl()->view_base());
  set_history(base, std::make_shared<CopySlices>(base, t, std::move(fn)), 0);
  if (AutogradMeta* m = t.impl()->autograd_meta()) m->grad_fn.reset();  // rebuilt on next use
}

}  // namespace ember::autograd
