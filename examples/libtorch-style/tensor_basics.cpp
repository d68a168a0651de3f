// Tensors the way libtorch code uses them: factories and options, views, indexing with
// torch::indexing, broadcasting, reductions, matrix products, joining, dtypes.
#include <iostream>
#include <tuple>

#include "torch_include.h"

using torch::indexing::Ellipsis;
using torch::indexing::None;
using torch::indexing::Slice;

int main() {
  torch::manual_seed(42);

  // Factories and options.
  torch::Tensor a = torch::arange(12, torch::kFloat).reshape({3, 4});
  torch::Tensor b = torch::ones({3, 4}, torch::TensorOptions().dtype(torch::kFloat));
  torch::Tensor r = torch::randn({2, 3});
  torch::Tensor l = torch::linspace(0, 1, 5);
  torch::Tensor e = torch::eye(3);
  torch::Tensor f = torch::full({2, 2}, 7.5);
  std::cout << "a =\n" << a << "\n";
  std::cout << "randn(2, 3) after manual_seed(42) =\n" << r << "\n";
  std::cout << "linspace(0, 1, 5) = " << l << "\n";
  std::cout << "eye(3) =\n" << e << "\nfull = \n" << f << "\n";
  std::cout << "a.sizes() = " << a.sizes() << ", a.dim() = " << a.dim()
            << ", a.numel() = " << a.numel() << ", scalar_type = " << a.scalar_type() << "\n";

  // Views and shape functions.
  std::cout << "a.t() =\n" << a.t() << "\n";
  std::cout << "a.view({2, 6}) =\n" << a.view({2, 6}) << "\n";
  std::cout << "a.unsqueeze(0).sizes() = " << a.unsqueeze(0).sizes()
            << ", a.flatten().sizes() = " << a.flatten().sizes() << "\n";
  std::cout << "a.permute({1, 0}).is_contiguous() = " << a.permute({1, 0}).is_contiguous() << "\n";

  // Indexing: a[1], a[:, 2], a[1:, ::2], a[..., -1], a[None], masks, index_put_.
  std::cout << "a.index({1}) = " << a.index({1}) << "\n";
  std::cout << "a.index({Slice(), 2}) = " << a.index({Slice(), 2}) << "\n";
  std::cout << "a.index({Slice(1, None), Slice(None, None, 2)}) =\n"
            << a.index({Slice(1, None), Slice(None, None, 2)}) << "\n";
  std::cout << "a.index({Ellipsis, -1}) = " << a.index({Ellipsis, -1}) << "\n";
  std::cout << "a.index({None}).sizes() = " << a.index({None}).sizes() << "\n";
  torch::Tensor mask = a > 6;
  std::cout << "a.index({a > 6}) = " << a.index({mask}) << "\n";
  torch::Tensor c = a.clone();
  c.index_put_({Slice(), 0}, -1);
  c.index_put_({c > 9}, 0);
  std::cout << "after index_put_ =\n" << c << "\n";
  torch::Tensor idx = torch::tensor({2, 0}, torch::kLong);
  std::cout << "a.index_select(0, idx) =\n" << a.index_select(0, idx) << "\n";

  // Arithmetic and broadcasting.
  torch::Tensor row = torch::tensor({1.0f, 10.0f, 100.0f, 1000.0f});
  std::cout << "a * row + b =\n" << a * row + b << "\n";
  std::cout << "(a - 5).abs().pow(2).sqrt() =\n" << (a - 5).abs().pow(2).sqrt() << "\n";
  std::cout << "torch::clamp(a, 2, 8) =\n" << torch::clamp(a, 2, 8) << "\n";
  torch::Tensor d = a.clone();
  d.add_(1).mul_(2);
  std::cout << "a.clone().add_(1).mul_(2) =\n" << d << "\n";

  // Reductions.
  std::cout << "a.sum() = " << a.sum().item<float>() << ", a.mean() = " << a.mean().item<float>()
            << ", a.prod(1) = " << a.prod(1) << "\n";
  std::cout << "a.sum(0) = " << a.sum(0) << "\n";
  std::cout << "a.mean(1, /*keepdim=*/true) =\n" << a.mean(1, true) << "\n";
  torch::Tensor values, indices;
  std::tie(values, indices) = r.max(1);
  std::cout << "r.max(1): values " << values << " indices " << indices << "\n";
  std::cout << "r.argmax() = " << r.argmax().item<int64_t>()
            << ", r.std() = " << r.std().item<float>() << ", r.norm() = " << r.norm().item<float>()
            << "\n";

  // Matrix products.
  std::cout << "a.matmul(a.t()) =\n" << a.matmul(a.t()) << "\n";
  std::cout << "torch::mm(r, e) =\n" << torch::mm(r, e) << "\n";

  // Joining and splitting.
  std::cout << "torch::cat({a, b}, 0).sizes() = " << torch::cat({a, b}, 0).sizes() << "\n";
  std::cout << "torch::stack({a, b}).sizes() = " << torch::stack({a, b}).sizes() << "\n";
  auto parts = a.chunk(2, 1);
  std::cout << "a.chunk(2, 1)[1] =\n" << parts[1] << "\n";

  // Types.
  torch::Tensor i = a.to(torch::kLong);
  std::cout << "a.to(kLong) / 4 (true division) =\n" << i / 4 << "\n";
  std::cout << "torch::floor(a / 4) =\n" << torch::floor(a / 4) << "\n";
  std::cout << "(a.to(kDouble) / 3).sum() = " << (a.to(torch::kDouble) / 3).sum().item<double>()
            << ", scalar type " << (a.to(torch::kDouble) / 3).scalar_type() << "\n";
  std::cout << "torch::where(a > 5, a, -a) =\n" << torch::where(a > 5, a, -a) << "\n";
  return 0;
}
