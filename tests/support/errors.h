// Test helpers for ember::Error: the message an expression throws.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>

#include "ember/core/error.h"

namespace ember::testing {

/// The message of the ember::Error that `f` throws; nullopt when it throws nothing.
template <class F>
std::optional<std::string> thrown_message(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return std::nullopt;
}

/// The message of the ember::Error that `f` throws ("" when it throws nothing).
template <class F>
std::string error_of(F&& f) {
  return thrown_message(std::forward<F>(f)).value_or("");
}

/// The message of the ember::Error `f` throws ("" and a test failure if it throws none).
template <class F>
std::string error_message(F&& f) {
  std::optional<std::string> message = thrown_message(std::forward<F>(f));
  if (!message) ADD_FAILURE() << "expected ember::Error";
  return message.value_or("");
}

}  // namespace ember::testing
