// Graph introspection: grad_fn names as libtorch 1.13 prints them, next_edges down to the
// leaves' AccumulateGrad nodes, and the DOT rendering.
//
// The expected names were printed by libtorch 1.13.1 (Debian's libtorch-dev) for the same C++
// expressions: tests/autograd/golden/grad_fn_names.cpp is that program. Where the C++ API and
// Python differ, ember follows the C++ API it mirrors: `x * 2` calls mul(Tensor, Scalar), which
// libtorch records as MulBackward1, while Python wraps 2 into a tensor and prints MulBackward0.
#include "support/support.h"

namespace ember {
namespace {

using testing::rg;

std::string name_of(const Tensor& t) { return t.grad_fn() ? t.grad_fn()->name() : "None"; }

std::vector<std::string> next_names(const Tensor& t) {
  std::vector<std::string> out;
  for (const auto& e : t.grad_fn()->next_edges())
    out.push_back(e.function ? e.function->name() : "None");
  return out;
}

const char* kAcc = "torch::autograd::AccumulateGrad";

TEST(GradFnName, MatchesLibtorch) {
  Tensor x = randn({3, 3}, rg()), w = randn({3, 3}, rg());
  const std::vector<std::pair<std::string, Tensor>> cases = {
      {"MulBackward1", x * 2},
      {"MulBackward1", 2 * x},
      {"AddBackward1", x + 2},
      {"SubBackward1", x - 2},
      {"DivBackward1", x / 2},
      {"MulBackward0", x * w},
      {"AddBackward0", x + w},
      {"SubBackward0", x - w},
      {"DivBackward0", x / w},
      {"PowBackward0", x.pow(2)},
      {"PowBackward0", x.square()},
      {"PowBackward1", x.pow(w)},
      {"SumBackward0", x.sum()},
      {"SumBackward1", x.sum({0})},
      {"MeanBackward0", x.mean()},
      {"MeanBackward1", x.mean({0})},
      {"ViewBackward0", x.view({9})},
      {"ReshapeAliasBackward0", x.reshape({9})},
      {"ReshapeAliasBackward0", x.flatten()},
      {"SelectBackward0", x[0]},
      {"SelectBackward0", x.select(0, 1)},
      {"SliceBackward0", x.narrow(0, 0, 2)},
      {"TBackward0", x.t()},
      {"TransposeBackward0", x.transpose(0, 1)},
      {"PermuteBackward0", x.permute({1, 0})},
      {"UnsqueezeBackward0", x.unsqueeze(0)},
      {"ExpandBackward0", x.expand({2, 3, 3})},
      {"ReluBackward0", x.relu()},
      {"ExpBackward0", x.exp()},
      {"TanhBackward0", x.tanh()},
      {"SigmoidBackward0", x.sigmoid()},
      {"NegBackward0", -x},
      {"CloneBackward0", x.clone()},
      {"ToCopyBackward0", x.to(kDouble)},
      {"MmBackward0", x.matmul(w)},
      {"MmBackward0", x.mm(w)},
      {"CatBackward0", cat({x, w})},
  };
  for (const auto& [want, t] : cases) EXPECT_EQ(name_of(t), want);
}

TEST(GradFnName, InPlaceOps) {
  Tensor x = randn({3}, rg()), w = randn({3}, rg());
  Tensor a = x.clone();
  a.mul_(2);
  EXPECT_EQ(name_of(a), "MulBackward1");
  EXPECT_EQ(next_names(a), (std::vector<std::string>{"CloneBackward0"}));
  Tensor b = x.clone();
  b.copy_(w);
  EXPECT_EQ(name_of(b), "torch::autograd::CopyBackwards");
  EXPECT_EQ(next_names(b), (std::vector<std::string>{"CloneBackward0", kAcc}));
  Tensor c = x.clone();
  c.fill_(1.0);
  EXPECT_EQ(name_of(c), "FillBackward2");
  Tensor d = x.clone();
  d.zero_();
  EXPECT_EQ(name_of(d), "ZeroBackward0");
}

TEST(GradFnName, InPlaceOnViewsGivesCopySlices) {
  Tensor x = randn({3, 3}, rg());
  Tensor b = x.clone();
  Tensor row = b[0];
  row.mul_(2);
  EXPECT_EQ(name_of(b), "torch::autograd::CopySlices");
  EXPECT_EQ(next_names(b), (std::vector<std::string>{"CloneBackward0"}));
  EXPECT_EQ(name_of(row), "AsStridedBackward0");
  EXPECT_EQ(next_names(row), (std::vector<std::string>{"torch::autograd::CopySlices"}));

  Tensor v = randn({3}, rg());
  Tensor buf = zeros({3});
  buf.index_put_({0}, v.sum() * 2);
  EXPECT_EQ(name_of(buf), "torch::autograd::CopySlices");
  EXPECT_EQ(next_names(buf), (std::vector<std::string>{"None", "MulBackward1"}));
}

TEST(GradFnName, LeavesAccumulate) {
  Tensor x = randn({2}, rg());
  Tensor y = x * 2;
  EXPECT_EQ(next_names(y), (std::vector<std::string>{kAcc}));
  auto acc =
      std::dynamic_pointer_cast<autograd::AccumulateGrad>(y.grad_fn()->next_edge(0).function);
  ASSERT_NE(acc, nullptr);
  EXPECT_TRUE(acc->variable().is_same(x));
  // One accumulator per leaf, shared by every use.
  EXPECT_EQ((x + 1).grad_fn()->next_edge(0).function, acc);
}

TEST(NextEdges, WalkDownToTheLeaves) {
  Tensor x = randn({2}, rg()), w = randn({2}, rg());
  Tensor loss = (x * w).sum().relu();
  std::vector<std::string> chain;
  auto fn = loss.grad_fn();
  while (fn) {
    chain.push_back(fn->name());
    fn = fn->next_edges().empty() ? nullptr : fn->next_edge(0).function;
  }
  EXPECT_EQ(chain,
            (std::vector<std::string>{"ReluBackward0", "SumBackward0", "MulBackward0", kAcc}));
  auto mul = loss.grad_fn()->next_edge(0).function->next_edge(0).function;
  ASSERT_EQ(mul->num_outputs(), 2u);
  EXPECT_EQ(mul->next_edge(1).function->name(), kAcc);
  EXPECT_TRUE(mul->should_compute_output(0));
}

TEST(NextEdges, InputsWithoutGradHaveInvalidEdges) {
  Tensor x = randn({2}, rg()), c = randn({2});
  Tensor y = x * c;
  ASSERT_EQ(y.grad_fn()->num_outputs(), 2u);
  EXPECT_TRUE(y.grad_fn()->next_edge(0).is_valid());
  EXPECT_FALSE(y.grad_fn()->next_edge(1).is_valid());
  EXPECT_FALSE(y.grad_fn()->should_compute_output(1));
}

TEST(NextEdges, OutputNrOfSplitOutputs) {
  Tensor x = randn({4}, rg());
  auto parts = x.split(2);
  EXPECT_EQ(parts[0].output_nr(), 0u);
  EXPECT_EQ(name_of(parts[1]), "SliceBackward0");
}

TEST(SequenceNr, LaterNodesHaveLargerNumbers) {
  Tensor x = randn({2}, rg());
  Tensor a = x * 2;
  Tensor b = a + 1;
  EXPECT_LT(a.grad_fn()->sequence_nr(), b.grad_fn()->sequence_nr());
}

TEST(ToDot, RendersEveryNodeAndEdge) {
  Tensor x = randn({2}, rg()), w = randn({2}, rg());
  Tensor y = (x * w).sum();
  std::string dot = autograd::to_dot(y);
  EXPECT_THAT(dot, ::testing::StartsWith("digraph autograd {"));
  EXPECT_THAT(dot, ::testing::HasSubstr("SumBackward0"));
  EXPECT_THAT(dot, ::testing::HasSubstr("MulBackward0"));
  EXPECT_THAT(dot, ::testing::HasSubstr("torch::autograd::AccumulateGrad\\n[2]"));
  EXPECT_THAT(dot, ::testing::HasSubstr("n0 -> n1;"));
  size_t arrows = 0;
  for (size_t p = dot.find("->"); p != std::string::npos; p = dot.find("->", p + 2)) ++arrows;
  EXPECT_EQ(arrows, 4u);  // out -> Sum -> Mul -> two accumulators
  EXPECT_EQ(autograd::to_dot(randn({2})),
            "digraph autograd {\n  node [shape=box, fontname=\"Helvetica\"];\n}\n");
}

}  // namespace
}  // namespace ember
