// The optim library: optimizers, learning-rate schedulers and their saving.
//
//   optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1).momentum(0.9));
//   optim::StepLR scheduler(sgd, /*step_size=*/30, /*gamma=*/0.1);
//   for (epoch ...) { for (batch ...) { sgd.zero_grad(); loss.backward(); sgd.step(); }
//                     scheduler.step(); }
//   ember::save(sgd, "sgd.safetensors");
//   pt::save(optim::pt_state_dict(sgd), "sgd.pt");   // PyTorch's layout (ember/optim/pt_state.h)
#pragma once

#include "ember/optim/adagrad.h"
#include "ember/optim/adam.h"
#include "ember/optim/adamw.h"
#include "ember/optim/optimizer.h"
#include "ember/optim/pt_state.h"
#include "ember/optim/rmsprop.h"
#include "ember/optim/sgd.h"
#if __has_include("ember/optim/schedulers/lr_scheduler.h")
#include "ember/optim/schedulers/lr_scheduler.h"
#endif
#if __has_include("ember/optim/schedulers/schedulers.h")
#include "ember/optim/schedulers/schedulers.h"
#endif
#if __has_include("ember/optim/serialize.h")
#include "ember/optim/serialize.h"
#endif
