// Tests for ember::scalar::Value: micrograd's two course checks, every op's derivative against
// central finite differences, graph structure, and the iterative backward/destruction.
#include <ember/scalar/value.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace ember::scalar {
namespace {

// micrograd's test_sanity_check; expected values from PyTorch (and by hand: y = -20, dy/dx = 46).
TEST(Value, MicrogradSanityCheck) {
  Value x = -4.0;
  Value z = 2 * x + 2 + x;
  Value q = z.relu() + z * x;
  Value h = (z * z).relu();
  Value y = h + q + q * x;
  y.backward();
  EXPECT_DOUBLE_EQ(y.data(), -20.0);
  EXPECT_DOUBLE_EQ(x.grad(), 46.0);
}

// micrograd's test_more_ops.
TEST(Value, MicrogradMoreOps) {
  Value a = -4.0;
  Value b = 2.0;
  Value c = a + b;
  Value d = a * b + b.pow(3);
  c += c + 1;
  c += 1 + c + (-a);
  d += d * 2 + (b + a).relu();
  d += 3 * d + (b - a).relu();
  Value e = c - d;
  Value f = e.pow(2);
  Value g = f / 2.0;
  g += 10.0 / f;
  g.backward();
  EXPECT_NEAR(g.data(), 24.70408163265306, 1e-6);
  EXPECT_NEAR(a.grad(), 138.83381924198252, 1e-6);
  EXPECT_NEAR(b.grad(), 645.5772594752186, 1e-6);
}

// ---- every op against finite differences -------------------------------------------------------

struct OpCase {
  const char* name;
  std::function<Value(const Value&, const Value&)> fn;  // uses one or both inputs
  double a, b;
};

std::ostream& operator<<(std::ostream& os, const OpCase& c) { return os << c.name; }

class OpGrad : public testing::TestWithParam<OpCase> {};

// Central differences in double precision: error O(h²) ≈ 1e-10 for these smooth functions.
TEST_P(OpGrad, MatchesFiniteDifferences) {
  const OpCase& c = GetParam();
  Value a = c.a;
  Value b = c.b;
  Value out = c.fn(a, b);
  out.backward();
  const double h = 1e-5;
  auto f = [&](double x, double y) { return c.fn(Value(x), Value(y)).data(); };
  const double da = (f(c.a + h, c.b) - f(c.a - h, c.b)) / (2 * h);
  const double db = (f(c.a, c.b + h) - f(c.a, c.b - h)) / (2 * h);
  EXPECT_NEAR(a.grad(), da, 1e-6 * (1 + std::abs(da)));
  EXPECT_NEAR(b.grad(), db, 1e-6 * (1 + std::abs(db)));
}

using V = const Value&;
const OpCase kOpCases[] = {
    {"add", [](V a, V b) { return a + b; }, 1.5, -2.0},
    {"add_double_right", [](V a, V) { return a + 3.0; }, 1.5, 0.0},
    {"add_double_left", [](V a, V) { return 3.0 + a; }, 1.5, 0.0},
    {"sub", [](V a, V b) { return a - b; }, 1.5, -2.0},
    {"sub_double_right", [](V a, V) { return a - 3.0; }, 1.5, 0.0},
    {"sub_double_left", [](V a, V) { return 3.0 - a; }, 1.5, 0.0},
    {"mul", [](V a, V b) { return a * b; }, 1.5, -2.0},
    {"mul_double_right", [](V a, V) { return a * 3.0; }, 1.5, 0.0},
    {"mul_double_left", [](V a, V) { return 3.0 * a; }, 1.5, 0.0},
    {"div", [](V a, V b) { return a / b; }, 1.5, -2.0},
    {"div_double_right", [](V a, V) { return a / 3.0; }, 1.5, 0.0},
    {"div_double_left", [](V a, V) { return 3.0 / a; }, 1.5, 0.0},
    {"neg", [](V a, V) { return -a; }, 1.5, 0.0},
    {"pow2", [](V a, V) { return a.pow(2); }, -1.5, 0.0},
    {"pow3", [](V a, V) { return a.pow(3); }, -1.5, 0.0},
    {"pow_half", [](V a, V) { return a.pow(0.5); }, 2.5, 0.0},
    {"pow_minus1", [](V a, V) { return a.pow(-1); }, -2.5, 0.0},
    {"exp", [](V a, V) { return a.exp(); }, 0.7, 0.0},
    {"log", [](V a, V) { return a.log(); }, 0.7, 0.0},
    {"tanh", [](V a, V) { return a.tanh(); }, 0.7, 0.0},
    {"relu_positive", [](V a, V) { return a.relu(); }, 0.7, 0.0},
    {"relu_negative", [](V a, V) { return a.relu(); }, -0.7, 0.0},
    {"sigmoid", [](V a, V) { return a.sigmoid(); }, -0.7, 0.0},
    {"same_operand_twice", [](V a, V) { return a * a + a / a; }, 1.3, 0.0},
    {"composite", [](V a, V b) { return (a * b).tanh().exp() / (1 + b.pow(2)).log(); }, 0.3, 0.8},
};
INSTANTIATE_TEST_SUITE_P(Ops, OpGrad, testing::ValuesIn(kOpCases),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- forward values and graph structure --------------------------------------------------------

TEST(Value, ForwardValuesAreExact) {
  Value x = 2.0;
  EXPECT_DOUBLE_EQ((x + 1).data(), 3.0);
  EXPECT_DOUBLE_EQ((1 - x).data(), -1.0);
  EXPECT_DOUBLE_EQ((x / 4).data(), 0.5);
  EXPECT_DOUBLE_EQ((-x).data(), -2.0);
  EXPECT_DOUBLE_EQ(x.pow(3).data(), 8.0);
  EXPECT_DOUBLE_EQ(Value(-1.0).relu().data(), 0.0);
  EXPECT_DOUBLE_EQ(Value(0.0).sigmoid().data(), 0.5);
  EXPECT_DOUBLE_EQ(Value(0.0).tanh().data(), 0.0);
  EXPECT_DOUBLE_EQ(Value(0.0).exp().data(), 1.0);
  EXPECT_DOUBLE_EQ(Value(1.0).log().data(), 0.0);
}

TEST(Value, RecordsOpAndChildren) {
  Value a = 2.0;
  Value b = 3.0;
  Value c = a * b;
  EXPECT_EQ(c.op(), "*");
  ASSERT_EQ(c.children().size(), 2u);
  EXPECT_TRUE(c.children()[0].same_node(a));
  EXPECT_TRUE(c.children()[1].same_node(b));
  EXPECT_EQ(a.op(), "");
  EXPECT_TRUE(a.children().empty());
  EXPECT_EQ(a.pow(2).op(), "**2");
  EXPECT_EQ(a.pow(-1).op(), "**-1");
  EXPECT_EQ(a.relu().op(), "relu");
  EXPECT_EQ((-a).op(), "neg");
  EXPECT_EQ((a + 1).children()[1].data(), 1.0);  // the double became a leaf
}

TEST(Value, CopiesShareTheNode) {
  Value a = 1.0;
  Value b = a;
  b.set_data(5.0);
  EXPECT_EQ(a.data(), 5.0);
  EXPECT_TRUE(a.same_node(b));
  EXPECT_FALSE(a.same_node(Value(5.0)));
}

TEST(Value, CompoundAssignmentBuildsANewNode) {
  Value a = 2.0;
  Value c = a;
  c *= a;  // c = a * a, a is unchanged
  EXPECT_EQ(c.data(), 4.0);
  EXPECT_EQ(a.data(), 2.0);
  c.backward();
  EXPECT_EQ(a.grad(), 4.0);
}

TEST(Value, BackwardAccumulatesUntilZeroGrad) {
  Value a = 3.0;
  Value y = a * 2.0;
  y.backward();
  y.backward();
  EXPECT_EQ(a.grad(), 4.0);  // as micrograd: gradients add up across calls
  a.zero_grad();
  y.backward();
  EXPECT_EQ(a.grad(), 2.0);
}

TEST(Value, BackwardOnALeafSetsItsGradToOne) {
  Value a = 3.0;
  a.backward();
  EXPECT_EQ(a.grad(), 1.0);
}

TEST(Value, PrintsLikeMicrograd) {
  Value a = -20.0;
  a.set_grad(1.0);
  std::ostringstream os;
  os << a;
  EXPECT_EQ(os.str(), "Value(data=-20, grad=1)");
}

TEST(Value, ExportsDot) {
  Value a = 2.0;
  Value b = -3.0;
  Value c = (a * b + 1).tanh();
  c.backward();
  const std::string dot = to_dot(c);
  EXPECT_EQ(dot.rfind("digraph {", 0), 0u);
  EXPECT_NE(dot.find("label=\"tanh\""), std::string::npos);
  EXPECT_NE(dot.find("label=\"*\""), std::string::npos);
  EXPECT_NE(dot.find("label=\"+\""), std::string::npos);
  EXPECT_NE(dot.find("{ data -3.0000 | grad "), std::string::npos);
  EXPECT_NE(dot.find("v1 -> v0_op;"), std::string::npos);
  EXPECT_EQ(dot.back(), '\n');
}

// ---- scale: no recursion in backward or destruction --------------------------------------------

TEST(Value, MillionNodeChainBackwardAndDestroy) {
  constexpr int kDepth = 1'000'000;
  Value x = 0.5;
  {
    Value y = x;
    for (int i = 0; i < kDepth; ++i) y = y * 1.0 + 0.0;  // 2 ops per step, each a new node
    EXPECT_DOUBLE_EQ(y.data(), 0.5);
    y.backward();
    EXPECT_DOUBLE_EQ(x.grad(), 1.0);
  }  // y goes out of scope: the whole chain is freed iteratively
  EXPECT_DOUBLE_EQ(x.data(), 0.5);

  Value t = x;
  for (int i = 0; i < kDepth; ++i) t = t.tanh();  // a chain of unary nodes too
  t.backward();
  EXPECT_GT(x.grad(), 1.0);
}

// Node chunks are per thread but may be released on any thread.
TEST(Value, GraphsMayLiveOnAndMoveBetweenThreads) {
  auto train = [](double* result) {
    Value w = 0.5;
    for (int i = 0; i < 20000; ++i) {
      Value y = (w * 2.0 + 1.0).tanh();
      w.zero_grad();
      y.backward();
      w.set_data(w.data() - 0.01 * w.grad());
    }
    *result = w.data();
  };
  double r1 = 0, r2 = 0, expected = 0;
  std::thread t1(train, &r1);
  std::thread t2(train, &r2);
  t1.join();
  t2.join();
  train(&expected);
  EXPECT_EQ(r1, expected);
  EXPECT_EQ(r2, expected);

  Value x = 2.0;
  Value y;
  std::thread builder([&] {
    Value t = x;
    for (int i = 0; i < 5000; ++i) t = t * 1.0 + 1.0;
    y = t;
  });
  builder.join();  // the builder's chunk outlives the thread
  y.backward();
  EXPECT_DOUBLE_EQ(y.data(), 5002.0);
  EXPECT_DOUBLE_EQ(x.grad(), 1.0);
  std::thread dropper([y = std::move(y)]() mutable { y = Value(); });
  dropper.join();
}

}  // namespace
}  // namespace ember::scalar
