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
// arguments and inputs without a gradient). The node (CppNode<T>) and the wrapping of forward's
// outputs (history, dirty inputs, non-differentiable outputs, saved tensors) live in
// src/autograd/function.cpp; this header keeps only what the template needs.
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
  /// The tensors given to save_for_backward. Throws once a backward without retain_graph freed
  /// them (PyTorch's "Trying to backward through the graph a second time").
  variable_list get_saved_variables() const;
  /// Whether forward input `i` (counting tensor arguments only) needs a gradient.
  bool needs_input_grad(size_t i) const;

 private:
  friend class CppNode;  // src/autograd/function.cpp
  variable_list to_save_;
  std::vector<SavedTensor> saved_;
  std::unordered_set<const TensorImpl*> dirty_, non_differentiable_;
  bool materialize_grads_ = true;
  bool released_ = false;
  std::weak_ptr<Node> node_;
};

namespace detail {
/// A call of a custom Function: its node and the tensor arguments forward receives.
struct CustomCall {
  std::shared_ptr<Node> node;  // a CppNode (src/autograd/function.cpp)
  AutogradContext* ctx;
  variable_list inputs;
  bool needs_grad;  // grad mode on and an input requires grad: the outputs get `node`
};
using CustomBackward = variable_list (*)(AutogradContext*, variable_list);
/// Makes the node of a call of Function `type` and links it to the inputs needing a gradient.
CustomCall begin_custom(const std::type_info& type, CustomBackward backward, variable_list inputs,
                        std::vector<bool> is_tensor_arg);
/// Records forward's outputs on the call's node (apply's output wrapping, plus dirty inputs and
/// non-differentiable outputs) and saves what forward asked for.
void finish_custom(CustomCall& call, variable_list& outputs);
}  // namespace detail

template <class T>
struct Function {
  template <class... Args>
  static auto apply(Args&&... args) {
    variable_list inputs;
    std::vector<bool> is_tensor_arg;
    (collect(is_tensor_arg, inputs, args), ...);
    detail::CustomCall call = detail::begin_custom(
        typeid(T),
        [](AutogradContext* ctx, variable_list grads) {
          return T::backward(ctx, std::move(grads));
        },
        std::move(inputs), std::move(is_tensor_arg));
    using Out = decltype(T::forward(call.ctx, std::forward<Args>(args)...));
    Out out = [&] {
      AutoGradMode mode(false);
      return T::forward(call.ctx, std::forward<Args>(args)...);
    }();
    if constexpr (std::is_same_v<std::decay_t<Out>, Tensor>) {
      variable_list outs{out};
      detail::finish_custom(call, outs);
      return outs[0];
    } else {
      variable_list outs(out.begin(), out.end());
      detail::finish_custom(call, outs);
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
};

}  // namespace autograd
}  // namespace ember
