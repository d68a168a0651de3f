// Optimizer: the base of SGD, Adam, AdamW, RMSprop and Adagrad, spelled as libtorch's
// (torch/optim/optimizer.h): parameter groups with their own options, per-parameter state keyed
// like libtorch's, step(closure), zero_grad(set_to_none).
//
//   optim::Adam adam(model->parameters(), optim::AdamOptions(1e-3).weight_decay(1e-4));
//   for (...) { adam.zero_grad(); loss_fn(model(x), y).backward(); adam.step(); }
//
// Writing an optimizer: derive options from OptimizerCloneableOptions<YourOptions> (with an
// EMBER_ARG(double, lr)), state from OptimizerCloneableParamState<YourState>, and override
// step(): under NoGradGuard, for each group and each parameter with a gradient, fetch the
// state with state_of<YourState>(p) and update p in place (see src/optim/sgd.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "ember/core/error.h"
#include "ember/nn/arg.h"
#include "ember/tensor/tensor.h"

namespace ember::optim {

/// Options or per-parameter scalars under PyTorch's names: {"lr": 0.1, "betas": [0.9, 0.999],
/// "amsgrad": false} or {"step": 12}. Saving writes it to the file's JSON document
/// (ember/optim/serialize.h converts both ways), so an optimizer needs no JSON library to be saved.
class OptimizerDict {
 public:
  using Value = std::variant<bool, int64_t, double, std::string, std::vector<double>>;
  OptimizerDict() = default;
  OptimizerDict(std::initializer_list<std::pair<const std::string, Value>> values)  // NOLINT
      : values_(values) {}

  void set(const std::string& key, Value value) { values_[key] = std::move(value); }
  bool contains(const std::string& key) const { return values_.count(key) != 0; }
  /// The value under `key` as T, or `fallback` when there is none. T is bool, int64_t, double,
  /// std::string or std::tuple<double, double> (a list of two numbers); integers and floating
  /// point numbers convert to each other, any other mismatch throws naming the key.
  template <class T>
  T value(const std::string& key, T fallback) const;
  const std::map<std::string, Value>& items() const { return values_; }

 private:
  std::map<std::string, Value> values_;
};

/// Hyper-parameters of a parameter group. Every optimizer has a learning rate; the rest is the
/// derived class's. The to_dict/from_dict pair (PyTorch's param_group keys) is what saving uses.
class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const = 0;
  virtual void set_lr(double lr) = 0;
  /// The learning rate through the base class (schedulers use these).
  double lr() const { return get_lr(); }
  OptimizerOptions& lr(double lr) {
    set_lr(lr);
    return *this;
  }
  /// The options as PyTorch names them in a param_group ({"lr": 0.1, "momentum": 0.9, ...}).
  virtual void to_dict(OptimizerDict& d) const;
  /// Reads what to_dict wrote; missing keys keep their values.
  virtual void from_dict(const OptimizerDict& d);
  /// to_dict and from_dict through a nlohmann::json, for callers that hold one; they need
  /// ember/optim/serialize.h, which converts OptimizerDict (this header needs no JSON library).
  template <class Json>
  void to_json(Json& j) const {
    OptimizerDict d;
    to_dict(d);
    j = d;
  }
  template <class Json>
  void from_json(const Json& j) {
    from_dict(j.template get<OptimizerDict>());
  }
};

/// CRTP helper: clone, get_lr and set_lr for an options class with an `lr` EMBER_ARG.
template <class Derived>
class OptimizerCloneableOptions : public OptimizerOptions {
 public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
  double get_lr() const override { return static_cast<const Derived&>(*this).lr(); }
  void set_lr(double lr) override { static_cast<Derived&>(*this).lr(lr); }
};

/// What an optimizer remembers about one parameter (momentum buffers, moment estimates, steps).
class OptimizerParamState {
 public:
  virtual ~OptimizerParamState() = default;
  virtual std::unique_ptr<OptimizerParamState> clone() const = 0;
  /// The state's tensors under PyTorch's names ("exp_avg", "momentum_buffer"); undefined ones
  /// are absent from a saved file. Saving and loading go through these slots.
  virtual std::vector<std::pair<std::string, Tensor*>> tensors() { return {}; }
  /// Non-tensor state ({"step": 12}).
  virtual void to_dict(OptimizerDict& d) const;
  virtual void from_dict(const OptimizerDict& d);
};

template <class Derived>
class OptimizerCloneableParamState : public OptimizerParamState {
 public:
  std::unique_ptr<OptimizerParamState> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
};

/// Parameters that share options. Without options it takes the optimizer's defaults when it is
/// added (`OptimizerParamGroup({w1, w2}, std::make_unique<SGDOptions>(0.01))` overrides them).
class OptimizerParamGroup {
 public:
  OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}  // NOLINT
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  OptimizerParamGroup(const OptimizerParamGroup& other)
      : params_(other.params_), options_(other.options_ ? other.options_->clone() : nullptr) {}
  OptimizerParamGroup(OptimizerParamGroup&&) = default;
  OptimizerParamGroup& operator=(const OptimizerParamGroup& other);
  OptimizerParamGroup& operator=(OptimizerParamGroup&&) = default;

  bool has_options() const { return options_ != nullptr; }
  OptimizerOptions& options();
  const OptimizerOptions& options() const;
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }
  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

class Optimizer {
 public:
  using LossClosure = std::function<Tensor()>;
  using StateMap = std::unordered_map<std::string, std::unique_ptr<OptimizerParamState>>;

  /// `name` ("Adam") prefixes error messages and is what saved files record.
  Optimizer(std::string name, std::vector<OptimizerParamGroup> param_groups,
            std::unique_ptr<OptimizerOptions> defaults);
  Optimizer(std::vector<OptimizerParamGroup> param_groups,
            std::unique_ptr<OptimizerOptions> defaults)
      : Optimizer("Optimizer", std::move(param_groups), std::move(defaults)) {}
  Optimizer(const Optimizer&) = delete;  // copy through save/load, as libtorch
  Optimizer(Optimizer&&) = default;
  virtual ~Optimizer() = default;

  /// One update of every parameter that has a gradient. `closure`, if given, is called first
  /// (with grad mode on) to recompute the loss, which step returns.
  virtual Tensor step(LossClosure closure = nullptr) = 0;

  /// Adds a group; options missing from it are the optimizer's defaults. A parameter may belong
  /// to one group only.
  void add_param_group(const OptimizerParamGroup& param_group);
  /// Appends parameters to the first group.
  void add_parameters(const std::vector<Tensor>& parameters);
  /// Clears every parameter's gradient: drops it (set_to_none, the default) or zeroes it.
  void zero_grad(bool set_to_none = true);

  /// Throws, as the constructor would, unless `options` (this optimizer's options type) are
  /// valid: "Adam: Invalid beta parameter at index 0: 1.5". Loading checks restored groups so.
  virtual void check_options(const OptimizerOptions& options) const;

  /// The parameters of the first group (libtorch).
  const std::vector<Tensor>& parameters() const noexcept { return param_groups_.at(0).params(); }
  std::vector<Tensor>& parameters() noexcept { return param_groups_.at(0).params(); }
  /// Number of parameters over all groups.
  size_t size() const noexcept;
  OptimizerOptions& defaults() noexcept { return *defaults_; }
  const OptimizerOptions& defaults() const noexcept { return *defaults_; }
  std::vector<OptimizerParamGroup>& param_groups() noexcept { return param_groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const noexcept { return param_groups_; }
  /// Per-parameter state, keyed as libtorch keys it: the address of the parameter's TensorImpl
  /// printed as a pointer ("0x55d0c6a4f2a0"); see state_key().
  StateMap& state() noexcept { return state_; }
  const StateMap& state() const noexcept { return state_; }
  const std::string& name() const noexcept { return name_; }

  /// The state() key of parameter `p`.
  static std::string state_key(const Tensor& p);

 protected:
  /// The state of `p`, created (default-constructed) on first use.
  template <class State>
  State& state_of(const Tensor& p) {
    std::unique_ptr<OptimizerParamState>& s = state_[state_key(p)];
    if (!s) s = std::make_unique<State>();
    return static_cast<State&>(*s);
  }
  /// A fresh state of this optimizer's type (load uses it to restore saved state).
  virtual std::unique_ptr<OptimizerParamState> make_param_state() const = 0;
  /// Runs the closure, if any, with grad mode on, and returns its loss.
  static Tensor run_closure(const LossClosure& closure);
  /// Throws "<name>: Invalid <what>: <value>" unless ok.
  void check_option(bool ok, const char* what, double value) const;

  std::vector<OptimizerParamGroup> param_groups_;
  StateMap state_;
  std::unique_ptr<OptimizerOptions> defaults_;
  std::string name_;

  friend std::unique_ptr<OptimizerParamState> make_param_state(const Optimizer& o);
};

/// Load's access to the protected factory (used by optim/serialize.h).
inline std::unique_ptr<OptimizerParamState> make_param_state(const Optimizer& o) {
  return o.make_param_state();
}

}  // namespace ember::optim
