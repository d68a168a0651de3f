// The nn library: modules, layers, functional, init, utilities and module saving.
//
//   struct NetImpl : nn::Module { ... };  EMBER_MODULE(Net);
//   nn::Sequential mlp(nn::Linear(784, 128), nn::ReLU(), nn::Linear(128, 10));
#pragma once

#include "ember/nn/functional.h"
#include "ember/nn/init.h"
#include "ember/nn/module.h"
#include "ember/nn/modules/container.h"
#include "ember/nn/modules/linear.h"
#include "ember/nn/serialize.h"
#if __has_include("ember/nn/modules/activation.h")
#include "ember/nn/modules/activation.h"
#endif
#if __has_include("ember/nn/modules/loss.h")
#include "ember/nn/modules/loss.h"
#endif
#if __has_include("ember/nn/modules/conv.h")
#include "ember/nn/modules/conv.h"
#endif
#if __has_include("ember/nn/modules/pooling.h")
#include "ember/nn/modules/pooling.h"
#endif
#if __has_include("ember/nn/modules/normalization.h")
#include "ember/nn/modules/normalization.h"
#endif
#if __has_include("ember/nn/modules/dropout.h")
#include "ember/nn/modules/dropout.h"
#endif
#if __has_include("ember/nn/modules/embedding.h")
#include "ember/nn/modules/embedding.h"
#endif
#if __has_include("ember/nn/utils/clip_grad.h")
#include "ember/nn/utils/clip_grad.h"
#endif
#if __has_include("ember/nn/utils/convert_parameters.h")
#include "ember/nn/utils/convert_parameters.h"
#endif
