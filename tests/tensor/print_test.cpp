// Printing: `std::cout << t` gives libtorch's text exactly (fixture written by libtorch 1.13
// itself, see golden/gen_print.cpp): int and float modes, scientific notation, scale factors,
// non-finite values, 0-dim, empty, N-d slices and column blocks.
#include <sstream>

#include "tensor/tensor_test_util.h"

namespace ember::testing {
namespace {

Tensor from_case(const nlohmann::json& c) {
  std::vector<double> v;
  for (const auto& s : c["values"]) v.push_back(std::stod(s.get<std::string>()));
  const auto shape = c["shape"].get<std::vector<int64_t>>();
  return tensor(v, kDouble).to(dtype_named(c["dtype"])).reshape(shape);
}

TEST(Print, MatchesLibtorch) {
  for (const auto& c : golden()["print"]) {
    std::ostringstream os;
    os << from_case(c);
    EXPECT_EQ(os.str(), c["text"].get<std::string>()) << c["name"].get<std::string>();
  }
}

TEST(Print, NonContiguousPrintsLogicalOrder) {
  // The 2x2 case transposed prints as the transposed matrix (libtorch prints t.contiguous()).
  std::ostringstream os;
  os << tensor({{1.0f, 3.0f}, {2.0f, 4.0f}}).t();
  EXPECT_EQ(os.str(), " 1  2\n 3  4\n[ CPUFloatType{2,2} ]");
}

TEST(Print, UndefinedTensor) {
  std::ostringstream os;
  os << Tensor();
  EXPECT_EQ(os.str(), "[ Tensor (undefined) ]");  // ATen's Formatting.cpp
}

TEST(Print, RestoresStreamFormatting) {
  std::ostringstream os;
  os << tensor({1.5, 2.25}) << '|' << 0.5 << '|' << 1e-7;
  const std::string s = os.str();
  EXPECT_EQ(s.substr(s.find('|')), "|0.5|1e-07");
}

TEST(Print, LineWidth) {
  // With linesize 20 and width-7 columns, two columns fit per block: (20 - 0) / (7 + 1) = 2.
  std::ostringstream os;
  print(os, tensor({{1.5, 2.5, 3.5}}), 20);
  EXPECT_EQ(os.str(),
            "Columns 1 to 2 1.5000  2.5000\n\nColumns 3 to 3 3.5000\n[ CPUFloatType{1,3} ]");
}

}  // namespace
}  // namespace ember::testing
