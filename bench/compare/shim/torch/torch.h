// Used only when bench/compare is built with BACKEND=ember: the workloads say
// `#include <torch/torch.h>` and get ember through its libtorch source-compatibility header.
#pragma once

#include <ember/torch_compat.h>
