// Writes the libtorch fixtures of tests/io/pt_test.cpp: archives written by libtorch's
// torch::save (TorchScript containers), with values pt_test.cpp rebuilds exactly. Build and run
// against Debian's libtorch-dev (1.13):
//   g++ -std=c++17 tests/io/golden/gen_libtorch.cpp -I/usr/include/torch/csrc/api/include \
//       -ltorch -ltorch_cpu -lc10 -o /tmp/gen_libtorch && /tmp/gen_libtorch tests/io/golden
//
//   libtorch_tensor.pt      torch::save(tensor): arange(6) as (2, 3) float
//   libtorch_vector.pt      torch::save(std::vector<Tensor>): arange(4) int64, and column 1 of
//                           the first tensor (a view sharing its storage)
//   libtorch_sequential.pt  torch::save(Sequential(Linear(3, 2), BatchNorm1d(2))) with every
//                           parameter set to arange(numel) * 0.25 - 1, running_mean 0.5,
//                           running_var 2, num_batches_tracked 7
#include <torch/torch.h>

#include <string>

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  torch::NoGradGuard no_grad;
  torch::Tensor t = torch::arange(6, torch::kFloat).reshape({2, 3});
  torch::save(t, dir + "/libtorch_tensor.pt");
  std::vector<torch::Tensor> v = {torch::arange(4, torch::kLong), t.select(1, 1)};
  torch::save(v, dir + "/libtorch_vector.pt");
  torch::nn::Sequential net(torch::nn::Linear(3, 2), torch::nn::BatchNorm1d(2));
  for (auto& p : net->named_parameters()) {
    torch::Tensor x = p.value();
    x.copy_(torch::arange(x.numel(), torch::kFloat).reshape(x.sizes()) * 0.25 - 1);
  }
  auto bn = net[1]->as<torch::nn::BatchNorm1d>();
  bn->running_mean.fill_(0.5);
  bn->running_var.fill_(2);
  bn->num_batches_tracked.fill_(7);
  torch::save(net, dir + "/libtorch_sequential.pt");
  return 0;
}
