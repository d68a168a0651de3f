// The io library: ember::save / ember::load of tensors and of any object with an archive hook
// (modules, optimizers, schedulers), safetensors files, PyTorch's .pt archives (ember::pt) and
// crash-safe file writes.
//
//   ember::save(model, "model.safetensors");     // and ember::load(model, "model.safetensors")
#pragma once
#include "ember/io/atomic_file.h"
#include "ember/io/pt.h"
#include "ember/io/safetensors.h"
#include "ember/io/serialize.h"
