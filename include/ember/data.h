// ember's data library, shaped like libtorch's torch::data: datasets, transforms, samplers and
// the data loader.
//
//   using namespace ember::data;
//   auto train = datasets::MNIST(datasets::MNIST::Mode::kTrain)       // or MNIST(root)
//                    .map(transforms::Normalize<>(0.1307, 0.3081))
//                    .map(transforms::Stack<>());
//   auto loader = make_data_loader(std::move(train), DataLoaderOptions().batch_size(64));
//   for (auto& batch : *loader) {
//     Tensor x = batch.data;    // (64, 1, 28, 28) float
//     Tensor y = batch.target;  // (64) kLong
//   }
//
// Without a Stack transform a batch is a std::vector<Example<>>. Data sets on disk and where
// they are looked for: docs/DATASETS.md.
#pragma once

#include "ember/data/dataloader.h"
#include "ember/data/dataloader_options.h"
#include "ember/data/datasets/base.h"
#include "ember/data/datasets/csv.h"
#include "ember/data/datasets/digits.h"
#include "ember/data/datasets/locate.h"
#include "ember/data/datasets/map.h"
#include "ember/data/datasets/mnist.h"
#include "ember/data/datasets/tensor.h"
#include "ember/data/example.h"
#include "ember/data/iterator.h"
#include "ember/data/samplers/base.h"
#include "ember/data/samplers/distributed.h"
#include "ember/data/samplers/random.h"
#include "ember/data/samplers/sequential.h"
#include "ember/data/transforms/base.h"
#include "ember/data/transforms/lambda.h"
#include "ember/data/transforms/stack.h"
#include "ember/data/transforms/tensor.h"
