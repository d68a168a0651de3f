// pt::load / pt::save: fixtures written by PyTorch 1.13's torch.save (tests/io/golden/gen_pt.py)
// read bit for bit, views keep sharing storage, state_dicts feed nn::load_state_dict, and what
// ember writes reads back identically (the Python side of that is pt_interop_test.cpp).
#include "ember/io/pt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ember/nn.h"
#include "ember/tensor/factories.h"
#include "io/pt_test_values.h"
#include "support/support.h"

namespace ember {
namespace {

using testing::error_message;
using testing::from_values;
using ::testing::HasSubstr;
using testing::same_tensor;
using testing::TempDir;

std::string golden(const std::string& name) {
  return std::string(EMBER_SOURCE_DIR) + "/tests/io/golden/" + name;
}

bool same_storage(const Tensor& a, const Tensor& b) {
  return a.unsafeGetTensorImpl()->storage().get() == b.unsafeGetTensorImpl()->storage().get();
}

using pt_test::expected_dtypes;

void expect_same_state(const io::NamedTensors& got, const io::NamedTensors& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(want[i].first);
    EXPECT_EQ(got[i].first, want[i].first);  // same key order
    EXPECT_TRUE(same_tensor(got[i].second, want[i].second));
  }
}

TEST(PtLoad, EveryDtypeBitForBitInKeyOrder) {
  const pt::Value v = pt::load(golden("dtypes.pt"));
  EXPECT_TRUE(v.is_dict());
  EXPECT_TRUE(v.ordered());  // collections.OrderedDict
  expect_same_state(pt::to_state_dict(v), expected_dtypes());
  expect_same_state(pt::load_state_dict(golden("dtypes.pt")), expected_dtypes());
}

TEST(PtLoad, ViewsShareOneStorage) {
  const pt::Value v = pt::load(golden("views.pt"));
  EXPECT_FALSE(v.ordered());  // a plain dict
  Tensor base = v.at("base").to_tensor(), row = v.at("row").to_tensor(),
         slice = v.at("slice").to_tensor(), t = v.at("t").to_tensor(),
         expand = v.at("expand").to_tensor(), own = v.at("own").to_tensor();
  EXPECT_TRUE(same_tensor(base, arange(12, TensorOptions().dtype(kFloat)).reshape({3, 4})));
  for (const Tensor& view : {row, slice, t, expand}) EXPECT_TRUE(same_storage(base, view));
  EXPECT_FALSE(same_storage(base, own));
  EXPECT_EQ(row.storage_offset(), 4);
  EXPECT_TRUE(slice.strides().equals({4, 2}));
  EXPECT_EQ(slice.storage_offset(), 1);
  EXPECT_TRUE(t.strides().equals({1, 4}));
  EXPECT_TRUE(expand.strides().equals({0, 1}) || expand.strides().equals({0, 0}));
  EXPECT_TRUE(same_tensor(slice, from_values<float>({1, 3, 5, 7, 9, 11}, {3, 2})));
  EXPECT_TRUE(same_tensor(expand, from_values<float>({11, 11, 11, 11, 11, 11}, {2, 3})));
  // Writing through one view is seen by the others, as in PyTorch.
  base.mul_(2);
  EXPECT_EQ(row[0].item<float>(), 8.0f);
  EXPECT_EQ(t[1][0].item<float>(), 2.0f);
  EXPECT_TRUE(same_tensor(own, from_values<int64_t>({5, 6}, {2})));
}

TEST(PtLoad, NestedContainersAndScalars) {
  const pt::Value v = pt::load(golden("nested.pt"));
  const pt::Value& ints = v.at("ints");
  ASSERT_TRUE(ints.is_list());
  const std::vector<int64_t> want = {0,
                                     255,
                                     256,
                                     65535,
                                     65536,
                                     -1,
                                     2147483647,
                                     -2147483648LL,
                                     1LL << 40,
                                     -(1LL << 40),
                                     std::numeric_limits<int64_t>::max()};
  ASSERT_EQ(ints.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(ints.at(i).to_int(), want[i]);
  const pt::Value& floats = v.at("floats");
  ASSERT_TRUE(floats.is_tuple());
  EXPECT_EQ(floats.at(0).to_double(), 0.5);
  EXPECT_EQ(floats.at(1).to_double(), -1e-310);  // a denormal survives BINFLOAT
  EXPECT_EQ(floats.at(2).to_double(), INFINITY);
  EXPECT_EQ(v.at("text").at(2).to_string(),
            "Gr\xc3\xbc\xc3\x9f"
            "e \xe2\x98\x83");
  EXPECT_EQ(v.at("text").at(0).to_string(), "");
  EXPECT_TRUE(v.at("flags").at(0).to_bool());
  EXPECT_FALSE(v.at("flags").at(1).to_bool());
  EXPECT_TRUE(v.at("flags").at(2).is_none());
  const pt::Value& by_int = v.at("by_int");
  ASSERT_EQ(by_int.size(), 2u);
  EXPECT_EQ(by_int.dict_items()[0].first.to_int(), 1);
  EXPECT_EQ(by_int.dict_items()[0].second.to_string(), "one");
  const pt::Value& nested = by_int.dict_items()[1].second;  // (3, (4, [5]))
  EXPECT_EQ(nested.at(1).at(1).at(0).to_int(), 5);
  EXPECT_TRUE(nested.at(1).at(1).is_list());
  const Tensor param = v.at("param").to_tensor(), grad = v.at("grad").to_tensor();
  EXPECT_TRUE(param.requires_grad());
  EXPECT_TRUE(param.is_leaf());
  EXPECT_TRUE(same_tensor(param, from_values<float>({1, 2}, {2})));
  EXPECT_TRUE(grad.requires_grad());
  EXPECT_TRUE(same_tensor(grad, from_values<double>({0.5}, {1, 1})));
  EXPECT_EQ(v.type_name(), "dict");
  EXPECT_THAT(error_message([&] { v.at("nope"); }), HasSubstr("has no key 'nope'"));
  EXPECT_THAT(error_message([&] { v.at("ints").to_tensor(); }),
              HasSubstr("expected a Tensor but the value is a list"));
}

TEST(PtLoad, StateDictFeedsLoadStateDict) {
  // gen_pt.py: Sequential(Linear(3, 2), BatchNorm1d(2)).state_dict() after one step; the
  // pickle also carries _metadata (set through BUILD), which is not part of the tensors.
  io::NamedTensors sd = pt::load_state_dict(golden("module.pt"));
  std::vector<std::string> names;
  for (const auto& [name, t] : sd) names.push_back(name);
  EXPECT_THAT(names,
              ::testing::ElementsAre("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                     "1.running_var", "1.num_batches_tracked"));
  nn::Sequential net(nn::Linear(3, 2), nn::BatchNorm1d(2));
  nn::load_state_dict(*net, sd);
  for (const auto& [name, t] : nn::state_dict(*net)) {
    SCOPED_TRACE(name);
    const auto it = std::find_if(sd.begin(), sd.end(), [&](auto& p) { return p.first == name; });
    ASSERT_NE(it, sd.end());
    EXPECT_TRUE(same_tensor(t, it->second));
  }
  EXPECT_EQ(sd[6].second.item<int64_t>(), 1);
  // strict loading reports mismatches by name, as PyTorch does.
  nn::Sequential other(nn::Linear(3, 4));
  const std::string msg = error_message([&] { nn::load_state_dict(*other, sd); });
  EXPECT_THAT(msg, HasSubstr("1.running_mean"));
  EXPECT_THAT(msg, HasSubstr("0.weight"));
  io::CopyStateResult r = nn::load_state_dict(*net, {sd.begin(), sd.begin() + 2}, false);
  EXPECT_EQ(r.missing_keys.size(), 5u);
}

TEST(PtLoad, LibtorchTorchSaveArchives) {
  // tests/io/golden/gen_libtorch.cpp: libtorch's torch::save writes TorchScript containers.
  const pt::Value t = pt::load(golden("libtorch_tensor.pt"));
  EXPECT_TRUE(t.ordered());  // the archive's module object, as an OrderedDict of attributes
  const Tensor six = arange(6, TensorOptions().dtype(kFloat)).reshape({2, 3});
  EXPECT_TRUE(same_tensor(t.at("0").to_tensor(), six));
  const io::NamedTensors v = pt::load_state_dict(golden("libtorch_vector.pt"));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].first, "0");
  EXPECT_TRUE(same_tensor(v[0].second, arange(4, TensorOptions().dtype(kLong))));
  EXPECT_TRUE(same_tensor(v[1].second, from_values<float>({1, 4}, {2})));
  EXPECT_TRUE(v[1].second.strides().equals({3}));  // still a view of the (2, 3) storage
  EXPECT_EQ(v[1].second.storage_offset(), 1);
  EXPECT_EQ(v[1].second.unsafeGetTensorImpl()->storage()->nbytes(), 24);
  // A module: submodules give dotted names, which feed nn::load_state_dict directly.
  const io::NamedTensors sd = pt::load_state_dict(golden("libtorch_sequential.pt"));
  nn::Sequential net(nn::Linear(3, 2), nn::BatchNorm1d(2));
  std::vector<std::string> got, want;
  for (const auto& [name, x] : sd) got.push_back(name);
  for (const auto& [name, x] : nn::state_dict(*net)) want.push_back(name);
  EXPECT_EQ(got, want);
  nn::load_state_dict(*net, sd);
  for (const auto& [name, p] : net->named_parameters()) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(same_tensor(
        p, (arange(p.numel(), TensorOptions().dtype(kFloat)) * 0.25 - 1).reshape(p.sizes())));
  }
  const auto buffers = net->named_buffers();
  EXPECT_TRUE(same_tensor(buffers["1.running_var"], from_values<float>({2, 2}, {2})));
  EXPECT_EQ(buffers["1.num_batches_tracked"].item<int64_t>(), 7);
}

TEST(PtLoad, TorchJitSaveArchives) {
  // torch.jit.save of module.pt's module: its state reads as module.pt's, attributes such as
  // "training" left out.
  expect_same_state(pt::load_state_dict(golden("jit_module.pt")),
                    pt::load_state_dict(golden("module.pt")));
  EXPECT_TRUE(pt::load(golden("jit_module.pt")).at("training").to_bool());
}

TEST(PtLoad, LegacyFormat) {
  // torch.save(..., _use_new_zipfile_serialization=False): PyTorch's format before 1.6.
  const pt::Value v = pt::load(golden("legacy.pt"));
  expect_same_state(pt::to_state_dict(v.at("dtypes")), expected_dtypes());
  const pt::Value& views = v.at("views");
  const Tensor base = views.at("base").to_tensor();
  EXPECT_TRUE(same_tensor(base, arange(12, TensorOptions().dtype(kFloat)).reshape({3, 4})));
  for (const char* k : {"row", "slice", "t", "expand"})
    EXPECT_TRUE(same_storage(base, views.at(k).to_tensor())) << k;
  EXPECT_TRUE(
      same_tensor(views.at("slice").to_tensor(), from_values<float>({1, 3, 5, 7, 9, 11}, {3, 2})));
  // Truncated anywhere in its pickles or storages: an error naming the file.
  const std::string bytes = testing::read_bytes(golden("legacy.pt"));
  for (size_t n = 15; n < bytes.size(); n += 7) {
    SCOPED_TRACE(n);
    EXPECT_THAT(error_message([&] { pt::parse(bytes.substr(0, n), "old.pt"); }),
                HasSubstr("pt::load: old.pt: "));
  }
}

TEST(PtLoad, DtypesEmberLacksAreNamed) {
  for (const char* name : {"float16", "bfloat16", "int8", "int16", "complex64"}) {
    SCOPED_TRACE(name);
    const std::string msg = error_message([&] { pt::load(golden(std::string(name) + ".pt")); });
    EXPECT_THAT(msg, HasSubstr(std::string(name) + ".pt"));
    EXPECT_THAT(msg, HasSubstr(std::string("holds ") + name));
    EXPECT_THAT(msg, HasSubstr("a dtype ember does not have"));
  }
}

TEST(PtLoad, RefusesToRunOsSystem) {
  const std::string msg = error_message([&] { pt::load(golden("evil.pt")); });
  EXPECT_THAT(msg, HasSubstr("evil.pt"));
  EXPECT_THAT(msg, HasSubstr("global 'posix.system' is not allowed"));
}

TEST(PtSave, RoundTripKeepsValuesViewsAndKeyOrder) {
  TempDir dir;
  Tensor base = arange(12, TensorOptions().dtype(kDouble)).reshape({3, 4});
  Tensor col = base.select(1, 2), tr = base.t();
  pt::Value v = pt::Value::dict(
      {{"z_first", pt::Value(base)},
       {"col", col},
       {"tr", tr},
       {"list", pt::Value::list({1, -70000, int64_t{1} << 50, 2.5, "s", nullptr, true})},
       {"tuple", pt::Value::tuple({pt::Value::tuple(), pt::Value::tuple({1, 2, 3, 4})})},
       {"plain", pt::Value::dict({{7, "seven"}}, false)}});
  pt::save(v, dir / "v.pt");
  const pt::Value back = pt::load(dir / "v.pt");
  ASSERT_EQ(back.size(), 6u);
  EXPECT_EQ(back.dict_items()[0].first.to_string(), "z_first");
  const Tensor b = back.at("z_first").to_tensor(), c = back.at("col").to_tensor(),
               t = back.at("tr").to_tensor();
  EXPECT_TRUE(same_tensor(b, base));
  EXPECT_TRUE(same_tensor(c, col));
  EXPECT_TRUE(same_tensor(t, tr));
  EXPECT_TRUE(same_storage(b, c));
  EXPECT_TRUE(same_storage(b, t));
  EXPECT_TRUE(c.strides().equals({4}));
  EXPECT_EQ(c.storage_offset(), 2);
  EXPECT_EQ(back.at("list").at(2).to_int(), int64_t{1} << 50);
  EXPECT_EQ(back.at("list").at(1).to_int(), -70000);
  EXPECT_EQ(back.at("list").at(3).to_double(), 2.5);
  EXPECT_TRUE(back.at("list").at(5).is_none());
  EXPECT_EQ(back.at("tuple").at(1).size(), 4u);
  EXPECT_FALSE(back.at("plain").ordered());
  EXPECT_EQ(back.at("plain").dict_items()[0].first.to_int(), 7);
  // Writing is deterministic.
  EXPECT_EQ(pt::serialize(v), testing::read_bytes(dir / "v.pt"));
}

TEST(PtSave, StateDictRoundTripDetaches) {
  TempDir dir;
  io::NamedTensors sd = expected_dtypes();
  Tensor w = from_values<float>({1, 2, 3}, {3}).requires_grad_();
  sd.emplace_back("w", w);
  pt::save_state_dict(sd, dir / "sd.pt");
  const io::NamedTensors back = pt::load_state_dict(dir / "sd.pt");
  expect_same_state(back, sd);
  EXPECT_FALSE(back.back().second.requires_grad());
  // pt::save keeps requires_grad, as torch.save does.
  pt::save(pt::Value(w), dir / "w.pt");
  EXPECT_TRUE(pt::load(dir / "w.pt").to_tensor().requires_grad());
}

TEST(PtSave, ErrorsNameThePath) {
  TempDir dir;
  Tensor a = arange(4, TensorOptions().dtype(kFloat));
  EXPECT_THAT(error_message([&] { pt::save(pt::Value(Tensor()), dir / "u.pt"); }),
              HasSubstr("u.pt: undefined tensor"));
  EXPECT_THAT(error_message([&] { pt::save(pt::Value("\xff"), dir / "s.pt"); }),
              HasSubstr("s.pt: string"));
  EXPECT_FALSE(std::filesystem::exists(dir / "u.pt"));
}

}  // namespace
}  // namespace ember
