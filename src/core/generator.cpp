// The default CPU generator and its serialisable state.
#include "ember/core/generator.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

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
  // The text get_state writes: seed, the mt19937 engine (624 words below 2^32, then its index,
  // at most 624), and the two cached normals. Checked word by word first: std::mt19937's own
  // reader accepts an index past its buffer, and the engine would then read out of bounds.
  std::istringstream tokens(state);
  std::vector<std::string> words;
  for (std::string w; tokens >> w;) {
    EMBER_CHECK(words.size() < 631, "Generator::set_state: malformed generator state (more than ",
                "630 words)");
    words.push_back(std::move(w));
  }
  constexpr size_t kN = std::mt19937::state_size;
  EMBER_CHECK(words.size() == kN + 6, "Generator::set_state: malformed generator state (",
              words.size(), " words, expected ", kN + 6, ")");
  auto unsigned_word = [&](size_t i, uint64_t max) {
    const std::string& w = words[i];
    uint64_t v = 0;
    bool ok = !w.empty() && w.size() <= 20;
    for (char c : w) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) ok = !__builtin_mul_overflow(v, 10, &v) && !__builtin_add_overflow(v, c - '0', &v);
    }
    EMBER_CHECK(ok && v <= max, "Generator::set_state: malformed generator state (word ", i,
                " is '", w.substr(0, 24), "')");
  };
  unsigned_word(0, UINT64_MAX);
  for (size_t i = 1; i <= kN; ++i) unsigned_word(i, 0xFFFFFFFFull);
  unsigned_word(kN + 1, kN);
  unsigned_word(kN + 2, 1);
  unsigned_word(kN + 4, 1);
  std::istringstream is(state);
  uint64_t seed;
  std::mt19937 engine;
  bool has_d, has_f;
  double d;
  float f;
  is.precision(17);
  is >> seed >> engine >> has_d >> d >> has_f >> f;
  EMBER_CHECK(!is.fail() && std::isfinite(d) && std::isfinite(f),
              "Generator::set_state: malformed generator state");
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
