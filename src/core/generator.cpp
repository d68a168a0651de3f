// The default CPU generator and its serialisable state.
#include "ember/core/generator.h"

#include <sstream>

#include "ember/core/error.h"

namespace ember {

std::string Generator::get_state() const {
  std::ostringstream os;
  os.precision(17);
  os << seed_ << ' ' << engine_ << ' ' << next_double_normal_.has_value() << ' '
     << (next_double_normal_ ? *next_double_normal_ : 0.0) << ' ' << next_float_normal_.has_value()
     << ' ' << (next_float_normal_ ? *next_float_normal_ : 0.f);
  return os.str();
}

void Generator::set_state(const std::string& state) {
  std::istringstream is(state);
  uint64_t seed;
  std::mt19937 engine;
  bool has_d, has_f;
  double d;
  float f;
  is.precision(17);
  is >> seed >> engine >> has_d >> d >> has_f >> f;
  EMBER_CHECK(!is.fail(), "Generator::set_state: malformed generator state");
  seed_ = seed;
  engine_ = engine;
  next_double_normal_ = has_d ? std::optional<double>(d) : std::nullopt;
  next_float_normal_ = has_f ? std::optional<float>(f) : std::nullopt;
}

Generator& default_generator() {
  static Generator gen;
  return gen;
}

void manual_seed(uint64_t seed) { default_generator().set_current_seed(seed); }

}  // namespace ember
