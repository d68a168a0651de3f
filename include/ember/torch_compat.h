// Source compatibility with the libtorch C++ frontend: a program written for `torch::` compiles
// against ember by changing its include line to `#include <ember/torch_compat.h>`.
#pragma once

#include <optional>

#include "ember/ember.h"  // the whole library, as <torch/torch.h>

namespace ember {
// torch/types.h brings these into torch:: (`torch::optional<size_t> size() const override`).
using std::nullopt;
using std::optional;
}  // namespace ember

namespace torch = ::ember;
namespace at = ::ember;

namespace c10 {
template <class T>
using optional = std::optional<T>;
using ::ember::Device;
using ::ember::DeviceType;
using ::ember::IntArrayRef;
using ::ember::IValue;
using ::ember::Scalar;
using ::ember::ScalarType;
using std::nullopt;
template <class T>
using ArrayRef = ::ember::ArrayRef<T>;
using Error = ::ember::Error;
}  // namespace c10

#ifndef TORCH_CHECK
#define TORCH_CHECK(cond, ...) EMBER_CHECK(cond, "Expected " #cond " to be true. ", ##__VA_ARGS__)
#endif
#ifndef AT_ASSERT
#define AT_ASSERT(cond, ...) EMBER_CHECK(cond, "Assertion failed: " #cond " ", ##__VA_ARGS__)
#endif
#ifndef TORCH_INTERNAL_ASSERT
#define TORCH_INTERNAL_ASSERT(cond, ...) AT_ASSERT(cond, ##__VA_ARGS__)
#endif
#if defined(EMBER_MODULE) && !defined(TORCH_MODULE)
#define TORCH_MODULE(Name) EMBER_MODULE(Name)
#endif
