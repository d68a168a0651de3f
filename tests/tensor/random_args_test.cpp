// Argument checks of the random samplers, as PyTorch 1.13 makes them: bernoulli's probabilities
// must lie in [0, 1] and normal's std must be >= 0 (NaN refused in both), with PyTorch's
// messages; a refused call draws nothing from the generator.
#include <cmath>
#include <limits>

#include "support/errors.h"
#include "tensor/tensor_test_util.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// `f` must throw; the generator's state must be the same afterwards.
template <class F>
std::string refused_without_drawing(F&& f) {
  manual_seed(7);
  const std::string before = default_generator().get_state();
  std::string msg = error_message(f);
  EXPECT_EQ(default_generator().get_state(), before) << msg;
  return msg;
}

TEST(RandomArgs, BernoulliProbabilitiesOutsideUnitIntervalAreRefused) {
  for (ScalarType t : {kFloat, kDouble}) {
    for (double p : {1.5, -0.1, 1.0000001, kNaN, kInf, -kInf}) {
      SCOPED_TRACE(p);
      const Tensor probs = tensor({0.5, p, 0.25}, dtype(t));
      const std::string msg = refused_without_drawing([&] { bernoulli(probs); });
      EXPECT_THAT(msg, HasSubstr("bernoulli: Expected p_in >= 0 && p_in <= 1 to be true, but got "
                                 "false"));
      EXPECT_THAT(msg, HasSubstr("at flat index 1 of shape [3]"));
    }
  }
  // The bounds themselves are valid and give 0 and 1.
  const Tensor r = bernoulli(tensor({0.0, 1.0, 0.0, 1.0}));
  EXPECT_EQ(values(r), (std::vector<double>{0, 1, 0, 1}));
  // A strided view is checked element by element too.
  EXPECT_THAT(error_message([] {
                bernoulli(tensor({{0.1, 2.0}, {0.3, 0.4}}).t());
              }),
              HasSubstr("at flat index 2 of shape [2, 2]"));
}

TEST(RandomArgs, BernoulliInPlaceProbabilityOutsideUnitIntervalIsRefused) {
  for (double p : {1.5, -0.5, kNaN, kInf}) {
    SCOPED_TRACE(p);
    Tensor t = zeros({3});
    const std::string msg = refused_without_drawing([&] { t.bernoulli_(p); });
    std::ostringstream want;
    want << "bernoulli_ expects p to be in [0, 1], but got p=" << p;
    EXPECT_THAT(msg, HasSubstr(want.str()));
    EXPECT_EQ(values(t), (std::vector<double>{0, 0, 0}));  // untouched
  }
  EXPECT_THAT(error_message([] { zeros({2}).bernoulli_(1.5); }),
              HasSubstr("bernoulli_ expects p to be in [0, 1], but got p=1.5"));
  EXPECT_EQ(values(zeros({2}, dtype(kLong)).bernoulli_(1.0)), (std::vector<double>{1, 1}));
  EXPECT_EQ(values(ones({2}).bernoulli_(0.0)), (std::vector<double>{0, 0}));
}

TEST(RandomArgs, NormalWithNegativeOrNaNStdIsRefused) {
  EXPECT_THAT(error_message([] { normal(0, -1, {3}); }),
              HasSubstr("normal expects std >= 0.0, but found std -1"));
  EXPECT_THAT(error_message([] { zeros({3}).normal_(0, -1); }),
              HasSubstr("normal expects std >= 0.0, but found std -1"));
  EXPECT_THAT(error_message([] { normal(0, kNaN, {3}); }),
              HasSubstr("normal expects std >= 0.0, but found std nan"));
  for (double s : {-1e-300, -kInf, kNaN}) {
    SCOPED_TRACE(s);
    refused_without_drawing([&] { normal(1, s, {4}); });
    Tensor t = zeros({20});
    refused_without_drawing([&] { t.normal_(1, s); });
    EXPECT_EQ(t.abs().sum().item<double>(), 0);  // untouched
  }
  // std = 0 is valid (every value is the mean), and PyTorch accepts an infinite std.
  EXPECT_EQ(values(normal(2.5, 0, {3})), (std::vector<double>{2.5, 2.5, 2.5}));
  const Tensor inf = zeros({4}).normal_(0, kInf);
  for (double v : values(inf)) EXPECT_TRUE(std::isinf(v) || v == 0);
}

}  // namespace
}  // namespace ember::testing
