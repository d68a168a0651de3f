// Helper for gen_tensor.py, built against Debian's libtorch 1.13 (never part of ember's build).
// Reads cases from stdin and writes what libtorch itself prints and infers:
//   "print <dtype> <ndim> <sizes...> <numel> <values...>"  ->  `std::cout << tensor` output
//   "dtypes"  ->  the dtype torch::tensor infers for braced lists, std::vectors and scalars
// Each answer ends with a line holding only "<<<END>>>".
#include <torch/torch.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream is(line);
    std::string kind;
    is >> kind;
    if (kind == "print") {
      std::string dtype;
      int64_t ndim, numel;
      is >> dtype >> ndim;
      std::vector<int64_t> sizes(ndim);
      for (auto& s : sizes) is >> s;
      is >> numel;
      std::vector<double> values(numel);
      for (auto& v : values) {
        std::string tok;
        is >> tok;
        v = std::strtod(tok.c_str(), nullptr);
      }
      const c10::ScalarType t = dtype == "Float"    ? at::kFloat
                                : dtype == "Double" ? at::kDouble
                                : dtype == "Long"   ? at::kLong
                                : dtype == "Int"    ? at::kInt
                                : dtype == "Byte"   ? at::kByte
                                                    : at::kBool;
      at::Tensor x = at::tensor(values, at::kDouble).to(t).reshape(sizes);
      std::cout << x << "\n<<<END>>>\n";
    } else if (kind == "dtypes") {
      auto show = [](const char* name, const at::Tensor& x) {
        std::cout << name << ' ' << x.scalar_type() << ' ' << x.dim() << '\n';
      };
      show("list_int", torch::tensor({1, 2, 3}));
      show("list_double", torch::tensor({1.0, 2.5}));
      show("list_float", torch::tensor({1.0f, 2.5f}));
      show("list_bool", torch::tensor({true, false}));
      show("list_uint8", torch::tensor({uint8_t(1), uint8_t(2)}));
      show("list_int64", torch::tensor({int64_t(1), int64_t(2)}));
      show("nested_int", torch::tensor({{1, 2}, {3, 4}}));
      show("nested_double", torch::tensor({{1.5}, {2.5}}));
      show("scalar_int", torch::tensor(3));
      show("scalar_double", torch::tensor(2.5));
      show("scalar_bool", torch::tensor(true));
      show("vector_int32", torch::tensor(std::vector<int32_t>{1, 2}));
      show("vector_int64", torch::tensor(std::vector<int64_t>{1, 2}));
      show("vector_float", torch::tensor(std::vector<float>{1.f, 2.f}));
      show("vector_double", torch::tensor(std::vector<double>{1.0, 2.0}));
      show("vector_uint8", torch::tensor(std::vector<uint8_t>{1, 2}));
      show("list_int_dtype_double", torch::tensor({1, 2}, torch::kDouble));
      show("ones", torch::ones({3}));
      show("zeros", torch::zeros({3}));
      show("empty", torch::empty({3}));
      show("full_int", torch::full({2}, 7));
      show("full_double", torch::full({2}, 1.5));
      show("full_bool", torch::full({2}, true));
      show("arange_int", torch::arange(5));
      show("arange_double", torch::arange(0.0, 1.0, 0.25));
      show("linspace", torch::linspace(0, 1, 5));
      show("eye", torch::eye(3));
      show("rand", torch::rand({2}));
      show("randn", torch::randn({2}));
      show("randint", torch::randint(10, {2}));
      show("randperm", torch::randperm(4));
      show("scalar_tensor_int", torch::scalar_tensor(3));
      show("zeros_like_int", torch::zeros_like(torch::tensor({1, 2})));
      show("ones_like_double", torch::ones_like(torch::tensor({1, 2}, torch::kDouble)));
      show("empty_list", torch::tensor(at::ArrayRef<float>()));
      std::cout << "<<<END>>>\n";
    }
  }
  return 0;
}
