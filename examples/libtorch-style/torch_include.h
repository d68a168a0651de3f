// The one line that differs between building these programs against libtorch and against ember.
// A libtorch program starts with `#include <torch/torch.h>`; for ember that line becomes
// `#include <ember/torch_compat.h>`. compare_with_libtorch.py builds each program both ways.
#pragma once

#ifdef EMBER_AGAINST_LIBTORCH
#include <torch/torch.h>
#else
#include <ember/torch_compat.h>
#endif
