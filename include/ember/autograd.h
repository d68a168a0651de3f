// The tensor library with autograd, everything below nn: Tensor and its factories, every op
// (ember/ops.h), printing and indexing, grad mode, backward, custom Functions and gradcheck.
// ember/ember.h adds nn, optim, data, io and train; include this instead when that is all a file
// needs (it parses in a fraction of the time: no nlohmann/json.hpp).
//
//   ember::Tensor x = ember::randn({3, 4}, ember::requires_grad());
//   ember::Tensor y = (x * x).sum();
//   y.backward();                 // x.grad() == 2 * x
#pragma once

#include "ember/autograd/engine.h"
#include "ember/autograd/function.h"
#include "ember/autograd/grad_mode.h"
#include "ember/autograd/gradcheck.h"
#include "ember/autograd/node.h"
#include "ember/core/device.h"
#include "ember/core/error.h"
#include "ember/core/generator.h"
#include "ember/core/scalar.h"
#include "ember/core/scalar_type.h"
#include "ember/core/tensor_options.h"
#include "ember/core/threads.h"
#include "ember/ops.h"
#include "ember/tensor/factories.h"
#include "ember/tensor/indexing.h"
#include "ember/tensor/print.h"
#include "ember/tensor/tensor.h"
