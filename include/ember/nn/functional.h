// nn::functional: the layers as functions. `namespace F = ember::nn::functional;`
//   F::linear(x, w, b); F::relu(x); F::conv2d(x, w, F::Conv2dFuncOptions().padding(1));
#pragma once

#if __has_include("ember/nn/functional/linear.h")
#include "ember/nn/functional/linear.h"
#endif
#if __has_include("ember/nn/functional/activation.h")
#include "ember/nn/functional/activation.h"
#endif
#if __has_include("ember/nn/functional/loss.h")
#include "ember/nn/functional/loss.h"
#endif
#if __has_include("ember/nn/functional/conv.h")
#include "ember/nn/functional/conv.h"
#endif
#if __has_include("ember/nn/functional/pooling.h")
#include "ember/nn/functional/pooling.h"
#endif
#if __has_include("ember/nn/functional/normalization.h")
#include "ember/nn/functional/normalization.h"
#endif
#if __has_include("ember/nn/functional/dropout.h")
#include "ember/nn/functional/dropout.h"
#endif
#if __has_include("ember/nn/functional/embedding.h")
#include "ember/nn/functional/embedding.h"
#endif
