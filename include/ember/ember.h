// The umbrella header: `#include <ember/ember.h>` gives the whole library, as libtorch's
// <torch/torch.h> does: tensors, ops and autograd (ember/autograd.h), nn, optim, data, io, train
// and the scalar teaching engine. Each layer's umbrella can also be included on its own.
//
//   ember::Tensor x = ember::randn({3, 4}, ember::requires_grad());
//   ember::Tensor y = (x * x).sum();
//   y.backward();                 // x.grad() == 2 * x
#pragma once

#include "ember/autograd.h"
#include "ember/data.h"
#include "ember/io.h"
#include "ember/nn.h"
#include "ember/optim.h"
#include "ember/scalar/nn.h"
#include "ember/scalar/value.h"
#include "ember/train.h"
