// Neuron, Layer and MLP: micrograd's nn.py, with seedable initialisation.
#include <ember/core/error.h>
#include <ember/scalar/nn.h>

#include <ostream>

namespace ember::scalar {
namespace {

// Lets a seeded constructor delegate to the generator one: the temporary generator lives until
// the end of the full expression, i.e. through the delegated constructor.
std::mt19937& lvalue(std::mt19937&& gen) { return gen; }

}  // namespace

void Module::zero_grad() {
  for (Value& p : parameters()) p.zero_grad();
}

// ---- Neuron ------------------------------------------------------------------------------------

Neuron::Neuron(int nin, bool nonlin, std::uint32_t seed)
    : Neuron(nin, nonlin, lvalue(std::mt19937(seed))) {}

Neuron::Neuron(int nin, bool nonlin, std::mt19937& gen) : b_(0.0), nonlin_(nonlin) {
  EMBER_CHECK(nin > 0, "Neuron: nin must be positive, got ", nin);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  w_.reserve(nin);
  for (int i = 0; i < nin; ++i) w_.emplace_back(uniform(gen));
}

Value Neuron::operator()(const std::vector<Value>& x) const {
  EMBER_CHECK(x.size() == w_.size(), "Neuron: expected ", w_.size(), " inputs, got ", x.size());
  Value act = b_;
  for (std::size_t i = 0; i < w_.size(); ++i) act = act + w_[i] * x[i];
  return nonlin_ ? act.relu() : act;
}

std::vector<Value> Neuron::parameters() const {
  std::vector<Value> params = w_;
  params.push_back(b_);
  return params;
}

std::ostream& operator<<(std::ostream& os, const Neuron& n) {
  return os << (n.nonlin() ? "ReLU" : "Linear") << "Neuron(" << n.weights().size() << ")";
}

// ---- Layer -------------------------------------------------------------------------------------

Layer::Layer(int nin, int nout, bool nonlin, std::uint32_t seed)
    : Layer(nin, nout, nonlin, lvalue(std::mt19937(seed))) {}

Layer::Layer(int nin, int nout, bool nonlin, std::mt19937& gen) {
  EMBER_CHECK(nout > 0, "Layer: nout must be positive, got ", nout);
  neurons_.reserve(nout);
  for (int i = 0; i < nout; ++i) neurons_.emplace_back(nin, nonlin, gen);
}

std::vector<Value> Layer::operator()(const std::vector<Value>& x) const {
  std::vector<Value> out;
  out.reserve(neurons_.size());
  for (const Neuron& n : neurons_) out.push_back(n(x));
  return out;
}

std::vector<Value> Layer::parameters() const {
  std::vector<Value> params;
  for (const Neuron& n : neurons_) {
    for (Value& p : n.parameters()) params.push_back(std::move(p));
  }
  return params;
}

std::ostream& operator<<(std::ostream& os, const Layer& l) {
  os << "Layer of [";
  for (std::size_t i = 0; i < l.neurons().size(); ++i) os << (i ? ", " : "") << l.neurons()[i];
  return os << "]";
}

// ---- MLP ---------------------------------------------------------------------------------------

MLP::MLP(int nin, const std::vector<int>& nouts, std::uint32_t seed)
    : MLP(nin, nouts, lvalue(std::mt19937(seed))) {}

MLP::MLP(int nin, const std::vector<int>& nouts, std::mt19937& gen) {
  EMBER_CHECK(!nouts.empty(), "MLP: nouts must name at least one layer");
  layers_.reserve(nouts.size());
  for (std::size_t i = 0; i < nouts.size(); ++i) {
    const bool last = i + 1 == nouts.size();
    layers_.emplace_back(i == 0 ? nin : nouts[i - 1], nouts[i], !last, gen);
  }
}

std::vector<Value> MLP::operator()(const std::vector<Value>& x) const {
  std::vector<Value> out = layers_.front()(x);
  for (std::size_t i = 1; i < layers_.size(); ++i) out = layers_[i](out);
  return out;
}

std::vector<Value> MLP::parameters() const {
  std::vector<Value> params;
  for (const Layer& l : layers_) {
    for (Value& p : l.parameters()) params.push_back(std::move(p));
  }
  return params;
}

std::ostream& operator<<(std::ostream& os, const MLP& m) {
  os << "MLP of [";
  for (std::size_t i = 0; i < m.layers().size(); ++i) os << (i ? ", " : "") << m.layers()[i];
  return os << "]";
}

}  // namespace ember::scalar
