// The CPU random generator: a 32-bit Mersenne Twister seeded like PyTorch's, so that
// `manual_seed(s)` followed by rand/randn/randint/randperm reproduces PyTorch's CPU numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace ember {

class Generator {
 public:
  explicit Generator(uint64_t seed = 67280421310721ULL) { set_current_seed(seed); }
  void set_current_seed(uint64_t seed) {
    seed_ = seed;
    engine_.seed(static_cast<uint32_t>(seed));
    next_double_normal_.reset();
    next_float_normal_.reset();
  }
  uint64_t current_seed() const { return seed_; }
  uint32_t random() { return static_cast<uint32_t>(engine_()); }
  /// Two 32-bit draws combined, as PyTorch's random64().
  uint64_t random64() {
    uint64_t hi = random();
    uint64_t lo = random();
    return (hi << 32) | lo;
  }
  /// Serialized state (engine + cached normals); restoring it continues the same sequence.
  std::string get_state() const;
  void set_state(const std::string& state);

  // Box–Muller caches (PyTorch keeps one spare normal per precision).
  std::optional<double> next_double_normal_;
  std::optional<float> next_float_normal_;

 private:
  uint64_t seed_ = 0;
  std::mt19937 engine_;
};

/// The process-wide default CPU generator.
Generator& default_generator();
/// Seeds the default generator (torch::manual_seed).
void manual_seed(uint64_t seed);

}  // namespace ember
