// ember::Error and the checking macros. Messages name the op, the rule and the shapes; they are
// built only when a check fails, so checks cost one branch on the hot path.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace ember {

/// The one exception type ember throws for bad input. `what()` names the operation and the
/// shapes/dtypes involved, e.g. "mm: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)".
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
  /// The message without any location suffix (same as what(); kept for libtorch's spelling).
  const char* what_without_backtrace() const noexcept { return what(); }
};

namespace detail {
template <class... Args>
[[noreturn]] __attribute__((noinline, cold)) void throw_error(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  throw Error(os.str());
}
}  // namespace detail

}  // namespace ember

/// Throws ember::Error with the streamed arguments as message when `cond` is false.
#define EMBER_CHECK(cond, ...)                                                   \
  do {                                                                           \
    if (__builtin_expect(!(cond), 0)) ::ember::detail::throw_error(__VA_ARGS__); \
  } while (0)

/// Unconditional throw with a streamed message.
#define EMBER_ERROR(...) ::ember::detail::throw_error(__VA_ARGS__)

/// Internal invariant: checked in debug builds only.
#ifdef NDEBUG
#define EMBER_ASSERT(cond) ((void)0)
#else
#define EMBER_ASSERT(cond)                                                                      \
  do {                                                                                          \
    if (!(cond))                                                                                \
      ::ember::detail::throw_error("internal error: ", #cond, " at ", __FILE__, ":", __LINE__); \
  } while (0)
#endif
