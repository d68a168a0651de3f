// Every public header of the installed ember at once (all_headers.h is written by
// check_install.sh from include/ember at test time), and a few calls into each layer, so that a
// header that needs an undeclared dependency fails to compile and a library dependency missing
// from emberConfig.cmake fails to link.
#include <iostream>

#include "all_headers.h"

int main() {
  using namespace ember;
  manual_seed(0);
  nn::Linear linear(3, 2);
  optim::Adam adam(linear->parameters(), optim::AdamOptions(1e-2));
  data::datasets::TensorDataset dataset(randn({8, 3}), randn({8, 2}));
  data::Example<> example = dataset.get(0);
  Tensor loss =
      nn::functional::mse_loss(linear(example.data.unsqueeze(0)), example.target.unsqueeze(0));
  adam.zero_grad();
  loss.backward();
  adam.step();
  train::Accuracy accuracy;
  accuracy.update(tensor({{0.f, 1.f}}), tensor({int64_t{1}}));
  io::Archive archive = optim::to_archive(adam);
  scalar::Value v = 2.0;
  std::cout << "everything ok: " << archive.sidecar["type"].get<std::string>() << ", accuracy "
            << accuracy.compute() << ", " << (v * v).data() << "\n";
}
