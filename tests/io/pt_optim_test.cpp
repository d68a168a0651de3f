// Optimizer state in PyTorch's layout (ember/optim/pt_state.h): PyTorch 1.13's Adam state
// (tests/io/golden/adam.pt, after 3 steps) continues training in ember as it did in PyTorch, and
// ember's Adam state continues in PyTorch exactly as PyTorch's own (tests/io/pt_interop.py adam).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "ember/io/pt.h"
#include "ember/nn.h"
#include "ember/optim.h"
#include "ember/optim/pt_state.h"
#include "support/support.h"

namespace ember {
namespace {

using testing::error_message;
using ::testing::HasSubstr;
using testing::run_command;
using testing::same_tensor;
using testing::TempDir;

std::string golden(const std::string& name) {
  return std::string(EMBER_SOURCE_DIR) + "/tests/io/golden/" + name;
}

// The fixture's Linear(3, 2) and an Adam over it whose options differ from the file's.
struct Trained {
  nn::Linear lin{3, 2};
  optim::Adam adam{lin->parameters(), optim::AdamOptions(0.5).betas({0.5, 0.5})};
  Trained() { nn::load_state_dict(*lin, pt::load_state_dict(golden("adam_model.pt"))); }
};

TEST(PtOptim, PyTorchsAdamStateContinuesInEmber) {
  Trained s;
  const pt::Value state = pt::load(golden("adam.pt"));
  optim::load_pt_state_dict(s.adam, state);
  const auto& o = static_cast<const optim::AdamOptions&>(s.adam.param_groups()[0].options());
  EXPECT_EQ(o.lr(), 0.01);
  EXPECT_EQ(o.betas(), std::make_tuple(0.8, 0.9));
  EXPECT_EQ(o.eps(), 1e-8);
  // The state reads back in PyTorch's layout, bit for bit (step as a float32 0-d tensor).
  const pt::Value back = optim::pt_state_dict(s.adam);
  for (int64_t i : {0, 1}) {
    const pt::Value& theirs = state.at("state").dict_items()[i].second;
    const pt::Value& ours = back.at("state").dict_items()[i].second;
    EXPECT_EQ(back.at("state").dict_items()[i].first.to_int(), i);
    for (const char* k : {"step", "exp_avg", "exp_avg_sq"})
      EXPECT_TRUE(same_tensor(ours.at(k).to_tensor(), theirs.at(k).to_tensor())) << k;
  }
  // Two more steps match PyTorch's two more steps (adam_after.pt).
  const pt::Value after = pt::load(golden("adam_after.pt"));
  const Tensor x = after.at("x").to_tensor();
  for (int i = 0; i < 2; ++i) {
    s.adam.zero_grad();
    s.lin(x).pow(2).sum().backward();
    s.adam.step();
  }
  EXPECT_TRUE(allclose(s.lin->weight, after.at("weight").to_tensor(), 1e-6, 1e-7));
  EXPECT_TRUE(allclose(s.lin->bias, after.at("bias").to_tensor(), 1e-6, 1e-7));
}

TEST(PtOptim, EmbersAdamStateContinuesInPyTorch) {
  if (run_command("/usr/bin/python3 -c 'import torch'").first != 0)
    GTEST_SKIP() << "/usr/bin/python3 cannot import torch";
  Trained s;
  optim::load_pt_state_dict(s.adam, pt::load(golden("adam.pt")));
  TempDir dir;
  pt::save(optim::pt_state_dict(s.adam), dir / "adam_ember.pt");
  auto [rc, out] =
      run_command("/usr/bin/python3 " EMBER_SOURCE_DIR "/tests/io/pt_interop.py adam '" +
                  dir.path().string() + "'");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "ok\n");
}

TEST(PtOptim, MismatchesAreNamed) {
  Trained s;
  const pt::Value state = pt::load(golden("adam.pt"));
  optim::Adam two_groups(
      {optim::OptimizerParamGroup({s.lin->weight}), optim::OptimizerParamGroup({s.lin->bias})});
  EXPECT_THAT(error_message([&] { optim::load_pt_state_dict(two_groups, state); }),
              HasSubstr("Adam: load_pt_state_dict: the state has 1 parameter groups, this "
                        "optimizer has 2"));
  nn::Linear other(2, 3);
  optim::Adam wrong_shapes(other->parameters());
  EXPECT_THAT(error_message([&] { optim::load_pt_state_dict(wrong_shapes, state); }),
              HasSubstr("state[0][\"exp_avg\"] has shape [2, 3] but parameter 0 has shape [3, 2]"));
  EXPECT_THAT(error_message([&] { optim::load_pt_state_dict(s.adam, pt::Value(3)); }),
              HasSubstr("expected a dict with \"state\" and \"param_groups\""));
  // Nothing changed by the failed loads.
  EXPECT_TRUE(wrong_shapes.state().empty());
  EXPECT_EQ(wrong_shapes.param_groups()[0].options().lr(), 1e-3);
}

}  // namespace
}  // namespace ember
