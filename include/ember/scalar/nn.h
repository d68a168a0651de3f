// micrograd's nn.py over ember::scalar::Value: a Neuron, a Layer of neurons and an MLP of layers.
// Every weight and bias is its own scalar Value, which is slow but shows autograd at work.
#pragma once

#include <ember/scalar/value.h>

#include <cstdint>
#include <iosfwd>
#include <random>
#include <vector>

namespace ember::scalar {

/// Seed used when none is given (std::mt19937's own default).
inline constexpr std::uint32_t kDefaultSeed = std::mt19937::default_seed;

/// Anything with parameters.
class Module {
 public:
  virtual ~Module() = default;
  /// Handles to the parameters: updating one (set_data) updates the module.
  virtual std::vector<Value> parameters() const = 0;
  /// Sets the grad of every parameter to 0 (backward() accumulates).
  void zero_grad();
};

/// out = act(Σ w_i x_i + b), act = relu when `nonlin`, else identity. Weights ~ U(-1, 1), b = 0.
class Neuron : public Module {
 public:
  explicit Neuron(int nin, bool nonlin = true, std::uint32_t seed = kDefaultSeed);
  Neuron(int nin, bool nonlin, std::mt19937& gen);

  Value operator()(const std::vector<Value>& x) const;
  std::vector<Value> parameters() const override;  // w_0 .. w_{nin-1}, b

  const std::vector<Value>& weights() const { return w_; }
  const Value& bias() const { return b_; }
  bool nonlin() const { return nonlin_; }

 private:
  std::vector<Value> w_;
  Value b_;
  bool nonlin_;
};

/// `nout` neurons reading the same `nin` inputs.
class Layer : public Module {
 public:
  Layer(int nin, int nout, bool nonlin = true, std::uint32_t seed = kDefaultSeed);
  Layer(int nin, int nout, bool nonlin, std::mt19937& gen);

  std::vector<Value> operator()(const std::vector<Value>& x) const;
  std::vector<Value> parameters() const override;

  const std::vector<Neuron>& neurons() const { return neurons_; }

 private:
  std::vector<Neuron> neurons_;
};

/// Layers of sizes nin → nouts[0] → ... → nouts.back(); relu between layers, the last is linear.
class MLP : public Module {
 public:
  MLP(int nin, const std::vector<int>& nouts, std::uint32_t seed = kDefaultSeed);
  MLP(int nin, const std::vector<int>& nouts, std::mt19937& gen);

  std::vector<Value> operator()(const std::vector<Value>& x) const;
  std::vector<Value> parameters() const override;

  const std::vector<Layer>& layers() const { return layers_; }

 private:
  std::vector<Layer> layers_;
};

/// micrograd's reprs: "ReLUNeuron(3)", "Layer of [...]", "MLP of [...]".
std::ostream& operator<<(std::ostream& os, const Neuron& n);
std::ostream& operator<<(std::ostream& os, const Layer& l);
std::ostream& operator<<(std::ostream& os, const MLP& m);

}  // namespace ember::scalar
