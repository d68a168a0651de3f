// Custom autograd functions, spelled as in libtorch:
//
//   struct Cube : ember::autograd::Function<Cube> {
//     static Tensor forward(AutogradContext* ctx, Tensor x) {
//       ctx->save_for_backward({x});
//       return x * x * x;
//     }
//     static variable_list backward(AutogradContext* ctx, variable_list grads) {
//       Tensor x = ctx->get_saved_variables()[0];
//       return {grads[0] * 3 * x * x};
//     }
//   };
//   Tensor y = Cube::apply(x);
//
// backward returns one gradient per forward argument (an undefined Tensor() for non-tensor
// arguments and inputs without a gradient).
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/autograd/saved_tensor.h"
#include "ember/ops.h"

namespace ember {

/// A small tagged value for ctx->saved_data (libtorch's c10::IValue subset).
class IValue {
 public:
  IValue() = default;
  IValue(double v) : v_(v) {}                           // NOLINT
  IValue(float v) : v_(static_cast<double>(v)) {}       // NOLINT
  IValue(int64_t v) : v_(v) {}                          // NOLINT
  IValue(int v) : v_(static_cast<int64_t>(v)) {}        // NOLINT
  IValue(bool v) : v_(v) {}                             // NOLINT
  IValue(std::string v) : v_(std::move(v)) {}           // NOLINT
  IValue(const char* v) : v_(std::string(v)) {}         // NOLINT
  IValue(Tensor v) : v_(std::move(v)) {}                // NOLINT
  IValue(std::vector<int64_t> v) : v_(std::move(v)) {}  // NOLINT
  IValue(std::vector<double> v) : v_(std::move(v)) {}   // NOLINT
  IValue(Scalar s) {                                    // NOLINT
    if (s.is_floating_point())
      v_ = s.toDouble();
    else if (s.is_boolean())
      v_ = s.toBool();
    else
      v_ = s.toLong();
  }

  bool isNone() const { return v_.index() == 0; }
  bool isDouble() const { return std::holds_alternative<double>(v_); }
  bool isInt() const { return std::holds_alternative<int64_t>(v_); }
  bool isBool() const { return std::holds_alternative<bool>(v_); }
  bool isString() const { return std::holds_alternative<std::string>(v_); }
  bool isTensor() const { return std::holds_alternative<Tensor>(v_); }
  double toDouble() const {
    if (isInt()) return static_cast<double>(std::get<int64_t>(v_));
    return get<double>("Double");
  }
  int64_t toInt() const { return get<int64_t>("Int"); }
  bool toBool() const { return get<bool>("Bool"); }
  const std::string& toStringRef() const { return get<std::string>("String"); }
  std::string toString() const { return toStringRef(); }
  Tensor toTensor() const { return get<Tensor>("Tensor"); }
  std::vector<int64_t> toIntVector() const { return get<std::vector<int64_t>>("IntList"); }
  std::vector<double> toDoubleVector() const { return get<std::vector<double>>("DoubleList"); }
  Scalar toScalar() const {
    if (isDouble()) return toDouble();
    if (isBool()) return toBool();
    return toInt();
  }

 private:
  template <class T>
  const T& get(const char* want) const {
    EMBER_CHECK(std::holds_alternative<T>(v_), "IValue: expected ", want, " but got ", tag());
    return std::get<T>(v_);
  }
  const char* tag() const {
    static const char* names[] = {"None",   "Double", "Int",     "Bool",
                                  "String", "Tensor", "IntList", "DoubleList"};
    return names[v_.index()];
  }
  std::variant<std::monostate, double, int64_t, bool, std::string, Tensor, std::vector<int64_t>,
               std::vector<double>>
      v_;
};

namespace autograd {

class AutogradContext {
 public:
  /// Free-form values for backward: ctx->saved_data["k"] = 5.5; ...toDouble().
  std::unordered_map<std::string, IValue> saved_data;

  void save_for_backward(variable_list to_save) { to_save_ = std::move(to_save); }
  /// Inputs that forward modified in place (they are returned as outputs).
  void mark_dirty(const variable_list& inputs) {
    for (const Tensor& t : inputs) dirty_.insert(t.unsafeGetTensorImpl());
  }
  /// Outputs that have no gradient (e.g. indices).
  void mark_non_differentiable(const variable_list& outputs) {
    for (const Tensor& t : outputs) non_differentiable_.insert(t.unsafeGetTensorImpl());
  }
  /// Whether undefined incoming gradients are replaced by zeros before backward (default true).
  void set_materialize_grads(bool v) { materialize_grads_ = v; }
  variable_list get_saved_variables() const;
  /// Whether forward input `i` (counting tensor arguments only) needs a gradient.
  bool needs_input_grad(size_t i) const;

 private:
  template <class T>
  friend class CppNode;
  template <class T>
  friend struct Function;
  variable_list to_save_;
  std::vector<SavedTensor> saved_;
  std::unordered_set<const TensorImpl*> dirty_, non_differentiable_;
  bool materialize_grads_ = true;
  bool released_ = false;
  std::weak_ptr<Node> node_;
};

namespace detail {
std::string demangle(const char* name);
struct OutputInfo {
  DimVector shape;
  ScalarType dtype;
};
}  // namespace detail

template <class T>
class CppNode final : public Node {
 public:
  std::string name() const override {
    return "CppNode<" + detail::demangle(typeid(T).name()) + ">";
  }
  variable_list apply(variable_list&& grads) override {
    if (ctx_.released_) throw_freed_graph(name().c_str());
    if (ctx_.materialize_grads_)
      for (size_t i = 0; i < grads.size(); ++i)
        if (!grads[i].defined() && i < outputs_.size())
          grads[i] = zeros(outputs_[i].shape, outputs_[i].dtype);
    variable_list out = T::backward(&ctx_, std::move(grads));
    const size_t n_args = is_tensor_arg_.size();
    EMBER_CHECK(out.size() >= n_args || out.size() == num_outputs(), name(),
                ": function backward returned an incorrect number of gradients (expected ", n_args,
                ", got ", out.size(), ")");
    if (out.size() == num_outputs() && out.size() != n_args) return out;
    variable_list result;
    for (size_t i = 0; i < n_args; ++i) {
      if (!is_tensor_arg_[i]) continue;
      result.push_back(i < out.size() ? out[i] : Tensor());
    }
    for (size_t i = 0; i < result.size() && i < inputs_.size(); ++i)
      if (result[i].defined() && should_compute_output(i))
        EMBER_CHECK(result[i].sizes() == inputs_[i].shape, name(),
                    ": function backward returned an invalid gradient at index ", i, " - got ",
                    result[i].sizes(), " but expected shape compatible with ", inputs_[i].shape);
    return result;
  }
  void release_variables() override {
    ctx_.saved_.clear();
    ctx_.released_ = true;
  }

  AutogradContext ctx_;
  std::vector<bool> is_tensor_arg_;
  std::vector<detail::OutputInfo> inputs_, outputs_;
};

template <class T>
struct Function {
  template <class... Args>
  static auto apply(Args&&... args) {
    auto node = std::make_shared<CppNode<T>>();
    variable_list inputs;
    (collect(node->is_tensor_arg_, inputs, args), ...);
    const bool needs =
        GradMode::is_enabled() && std::any_of(inputs.begin(), inputs.end(), [](const Tensor& t) {
          return t.defined() && t.requires_grad();
        });
    node->ctx_.node_ = node;
    if (needs) {
      edge_list edges;
      for (const Tensor& t : inputs) {
        edges.push_back(t.defined() && t.requires_grad() ? gradient_edge(t) : Edge());
        node->inputs_.push_back({t.defined() ? DimVector(t.sizes()) : DimVector(),
                                 t.defined() ? t.scalar_type() : kFloat});
      }
      node->mutable_next_edges() = std::move(edges);
    }
    using Out = decltype(T::forward(&node->ctx_, std::forward<Args>(args)...));
    Out out = [&] {
      AutoGradMode mode(false);
      return T::forward(&node->ctx_, std::forward<Args>(args)...);
    }();
    if constexpr (std::is_same_v<std::decay_t<Out>, Tensor>) {
      variable_list outs{out};
      wrap(node, inputs, outs, needs);
      return outs[0];
    } else {
      variable_list outs(out.begin(), out.end());
      wrap(node, inputs, outs, needs);
      return outs;
    }
  }

 private:
  template <class A>
  static void collect(std::vector<bool>& is_tensor, variable_list& inputs, const A& a) {
    if constexpr (std::is_same_v<std::decay_t<A>, Tensor>) {
      is_tensor.push_back(true);
      inputs.push_back(a);
    } else {
      is_tensor.push_back(false);
    }
  }

  static void wrap(const std::shared_ptr<CppNode<T>>& node, const variable_list& inputs,
                   variable_list& outs, bool needs) {
    AutogradContext& ctx = node->ctx_;
    node->set_num_inputs(static_cast<uint32_t>(outs.size()));
    for (uint32_t i = 0; i < outs.size(); ++i) {
      Tensor& o = outs[i];
      if (!o.defined()) {
        node->outputs_.push_back({DimVector(), kFloat});
        continue;
      }
      node->outputs_.push_back({DimVector(o.sizes()), o.scalar_type()});
      const TensorImpl* impl = o.unsafeGetTensorImpl();
      const bool is_input = std::any_of(inputs.begin(), inputs.end(), [&](const Tensor& t) {
        return t.unsafeGetTensorImpl() == impl;
      });
      if (is_input && ctx.dirty_.count(impl)) {
        o.impl()->storage()->bump_version();
        if (needs && !ctx.non_differentiable_.count(impl) && o.is_floating_point()) {
          EMBER_CHECK(!(o.is_leaf() && o.requires_grad()), node->name(),
                      ": a leaf Variable that requires grad has been used in an in-place "
                      "operation.");
          rebase_history(o, node, i);  // a view's base gets a CopySlices node
        }
        continue;
      }
      if (is_input) o = o.detach();  // returned unchanged: a fresh alias gets the history
      if (needs && !ctx.non_differentiable_.count(impl) && o.is_floating_point())
        set_history(o, node, i);
    }
    // Save what forward asked for; outputs are held without their grad_fn (no cycle).
    for (const Tensor& t : ctx.to_save_) {
      SavedTensor s;
      bool saved = false;
      for (uint32_t i = 0; i < outs.size() && t.defined(); ++i) {
        if (outs[i].defined() && outs[i].impl()->storage() == t.impl()->storage() &&
            outs[i].sizes() == t.sizes() && needs && outs[i].grad_fn() == node) {
          s.save_output(outs[i], node, i);
          saved = true;
          break;
        }
      }
      if (!saved) s.save(t);
      ctx.saved_.push_back(std::move(s));
    }
    ctx.to_save_.clear();
  }
};

}  // namespace autograd
}  // namespace ember
