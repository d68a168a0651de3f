// ember::save/load of tensors and lists, archives (JSON document inside the file; the old
// two-file layout), copy_state (load_state_dict), and the to_archive/from_archive extension
// point exercised by stand-ins for a module and an optimizer.
#include "ember/io/serialize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include "support/support.h"

namespace ember {

// ---- stand-ins for nn::Module and optim::Optimizer, hooked in the way nn/optim will be ---------
namespace fake {

struct Linear {
  Tensor weight, bias, running;  // running: a buffer
  io::NamedTensors state() const {
    return {{"weight", weight}, {"bias", bias}, {"running", running}};
  }
};
io::Archive to_archive(const Linear& m) { return {m.state(), {{"module", "Linear"}}, nullptr}; }
void from_archive(Linear& m, const io::Archive& a) {
  io::copy_state(m.state(), a.tensors, "Linear");
}
// libtorch passes modules around as shared_ptr; the same hooks serve through a forwarding pair.
template <class M>
io::Archive to_archive(const std::shared_ptr<M>& m) {
  return to_archive(*m);
}
template <class M>
void from_archive(std::shared_ptr<M>& m, const io::Archive& a) {
  from_archive(*m, a);
}

struct Sgd {
  std::vector<Tensor> params;
  double lr = 0.1, momentum = 0.9;
  int64_t step = 0;
  std::vector<Tensor> momentum_buffers;  // one per param
};
io::Archive to_archive(const Sgd& o) {
  io::Archive a;
  a.sidecar = {{"format", "ember.optimizer/1"},
               {"type", "SGD"},
               {"param_groups", {{{"lr", o.lr}, {"momentum", o.momentum}, {"params", {0, 1}}}}},
               {"state", {{"0", {{"step", o.step}}}, {"1", {{"step", o.step}}}}}};
  for (size_t i = 0; i < o.momentum_buffers.size(); ++i) {
    a.tensors.emplace_back("state." + std::to_string(i) + ".momentum_buffer",
                           o.momentum_buffers[i]);
  }
  return a;
}
void from_archive(Sgd& o, const io::Archive& a) {
  EMBER_CHECK(a.sidecar.is_object(), "SGD state needs its JSON sidecar");
  const auto& group = a.sidecar.at("param_groups").at(0);
  EMBER_CHECK(group.at("params").size() == o.params.size(), "SGD: the file has ",
              group.at("params").size(), " parameters, this optimizer ", o.params.size());
  o.lr = group.at("lr").get<double>();
  o.momentum = group.at("momentum").get<double>();
  o.step = a.sidecar.at("state").at("0").at("step").get<int64_t>();
  io::NamedTensors targets;
  for (size_t i = 0; i < o.momentum_buffers.size(); ++i) {
    targets.emplace_back("state." + std::to_string(i) + ".momentum_buffer", o.momentum_buffers[i]);
  }
  io::copy_state(targets, a.tensors, "SGD");
}

}  // namespace fake

namespace {

using ::testing::ElementsAre;
using testing::error_message;
using testing::from_values;
using ::testing::HasSubstr;
using testing::same_tensor;
using testing::TempDir;

static_assert(io::Saveable<fake::Linear> && io::Loadable<fake::Linear>);
static_assert(io::Saveable<std::shared_ptr<fake::Linear>>);
static_assert(!io::Saveable<int> && !io::Loadable<std::string>);

// ---- tensors -----------------------------------------------------------------------------------

TEST(Save, OneTensor) {
  TempDir dir;
  Tensor t = from_values<double>({1, 2, 3, 4, 5, 6}, {2, 3}).t();  // non-contiguous
  save(t, dir / "t.safetensors");
  Tensor back;
  load(back, dir / "t.safetensors");
  EXPECT_TRUE(same_tensor(back, t));
  EXPECT_EQ(io::read_safetensors(dir / "t.safetensors").tensors.at(0).first, "0");
  // A second load replaces the handle instead of writing into the old tensor.
  Tensor old = back;
  load(back, dir / "t.safetensors");
  EXPECT_FALSE(back.is_same(old));
}

TEST(Save, TensorListKeepsIndexOrderPastNine) {
  TempDir dir;
  std::vector<Tensor> list;
  for (int i = 0; i < 12; ++i) list.push_back(from_values<int64_t>({i}, {1}));
  list.push_back(scalar_tensor(true, TensorOptions().dtype(kBool)));
  list.push_back(empty({0}, TensorOptions().dtype(kFloat)));
  save(list, dir / "list.safetensors");
  std::vector<Tensor> back = {from_values<float>({9}, {1})};  // replaced, not appended to
  load(back, dir / "list.safetensors");
  ASSERT_EQ(back.size(), list.size());
  for (size_t i = 0; i < list.size(); ++i) EXPECT_TRUE(same_tensor(back[i], list[i])) << i;
  // An empty list round-trips too.
  save(std::vector<Tensor>{}, dir / "none.safetensors");
  load(back, dir / "none.safetensors");
  EXPECT_TRUE(back.empty());
}

TEST(Save, NamedTensorsAndMaps) {
  TempDir dir;
  io::NamedTensors named = {{"z", from_values<float>({1}, {1})},
                            {"a.b", from_values<int32_t>({2, 3}, {2})}};
  save(named, dir / "n.safetensors");
  io::NamedTensors back;
  load(back, dir / "n.safetensors");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].first, "z");  // file order: F32 before I32
  std::map<std::string, Tensor> m;
  load(m, dir / "n.safetensors");
  EXPECT_TRUE(same_tensor(m.at("z"), named[0].second));
  EXPECT_TRUE(same_tensor(m.at("a.b"), named[1].second));
  save(m, dir / "m.safetensors");
  EXPECT_EQ(testing::read_bytes(dir / "m.safetensors"), testing::read_bytes(dir / "n.safetensors"));
}

TEST(Save, LoadChecksWhatTheFileHolds) {
  TempDir dir;
  const auto two = dir / "two.safetensors";
  save(std::vector<Tensor>{from_values<float>({1}, {1}), from_values<float>({2}, {1})}, two);
  Tensor t;
  EXPECT_EQ(error_message([&] { load(t, two); }),
            "load: " + two.string() +
                " holds 2 tensors; load(Tensor&) needs exactly one (use load(std::vector<Tensor>&) "
                "or load(io::NamedTensors&))");
  const auto named = dir / "named.safetensors";
  save(io::NamedTensors{{"0", from_values<float>({1}, {1})}, {"02", from_values<float>({2}, {1})}},
       named);
  std::vector<Tensor> list;
  EXPECT_THAT(
      error_message([&] { load(list, named); }),
      HasSubstr("is not a tensor list: tensor names must be \"0\" ... \"1\" (found \"02\")"));
  EXPECT_THAT(error_message([&] { load(list, dir / "missing.safetensors"); }),
              HasSubstr("No such file or directory"));
}

// ---- archives and the sidecar ------------------------------------------------------------------

TEST(Archive, JsonDocumentRoundTripsInsideTheOneFile) {
  TempDir dir;
  const auto path = dir / "opt.safetensors";
  io::Archive a;
  a.tensors = {{"state.0.exp_avg", from_values<float>({0.5f, -1}, {2})}};
  a.metadata = {{"user", "kept"}};
  a.sidecar = {{"step", 7}, {"lr", 0.001}, {"betas", {0.9, 0.999}}};
  io::write_archive(path, a);
  // One file: the JSON document is its metadata entry "ember.json"; no second file.
  EXPECT_FALSE(std::filesystem::exists(io::sidecar_path(path)));
  EXPECT_EQ(nlohmann::json::parse(io::read_safetensors(path).metadata.at("ember.json")), a.sidecar);
  io::Archive b = io::read_archive(path);
  EXPECT_EQ(b.sidecar, a.sidecar);
  EXPECT_EQ(b.metadata, a.metadata);  // the reserved key is hidden again
  EXPECT_TRUE(same_tensor(b.tensors.at(0).second, a.tensors[0].second));
  // Without a JSON document nothing extra is written; the reserved keys cannot be set by hand.
  io::write_archive(dir / "plain.safetensors", {a.tensors, {}, nullptr});
  EXPECT_FALSE(std::filesystem::exists(dir / "plain.safetensors.json"));
  EXPECT_TRUE(io::read_archive(dir / "plain.safetensors").sidecar.is_null());
  for (const char* key : {"ember.sidecar", "ember.json"})
    EXPECT_THAT(error_message([&] {
                  io::write_archive(dir / "r.safetensors", {{}, {{key, "x"}}, nullptr});
                }),
                HasSubstr(std::string("the metadata key \"") + key + "\" is reserved"));
  // A damaged document names the file and the entry.
  io::write_safetensors(dir / "bad.safetensors", a.tensors, {{"ember.json", "{\"step\": "}});
  EXPECT_THAT(error_message([&] { io::read_archive(dir / "bad.safetensors"); }),
              HasSubstr("read_archive: " + (dir / "bad.safetensors").string() +
                        ": the metadata entry \"ember.json\" is not valid JSON"));
}

// FNV-1a, 64 bit, as the old layout hashed its sidecar.
std::string fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string("fnv1a64:") + hex;
}

// Files written by earlier versions (safetensors + `path.json`, tied by a hash) still load.
TEST(Archive, OldTwoFileLayoutStillLoadsAndChecksItsHash) {
  TempDir dir;
  const auto path = dir / "opt.safetensors";
  const io::NamedTensors tensors = {{"state.0.exp_avg", from_values<float>({0.5f, -1}, {2})}};
  const nlohmann::json doc = {{"step", 7}, {"lr", 0.001}};
  const std::string text = doc.dump(2) + "\n";
  io::write_safetensors(path, tensors, {{"user", "kept"}, {"ember.sidecar", fnv1a64(text)}});
  testing::write_bytes(io::sidecar_path(path), text);
  EXPECT_EQ(io::sidecar_path(path), dir / "opt.safetensors.json");
  io::Archive b = io::read_archive(path);
  EXPECT_EQ(b.sidecar, doc);
  EXPECT_EQ(b.metadata, (std::map<std::string, std::string>{{"user", "kept"}}));
  EXPECT_TRUE(same_tensor(b.tensors.at(0).second, tensors[0].second));

  // A sidecar from another save is refused.
  const std::string side = io::sidecar_path(path).string();
  testing::write_bytes(side, "{\"step\": 8}\n");
  EXPECT_THAT(error_message([&] { io::read_archive(path); }),
              HasSubstr("read_archive: " + side + " does not belong to " + path.string()));
  std::filesystem::remove(side);
  EXPECT_EQ(error_message([&] { io::read_archive(path); }),
            "read_archive: " + path.string() + " names a sidecar, but " + side + " is missing");
}

// ---- copy_state --------------------------------------------------------------------------------

TEST(CopyState, CopiesInPlaceUnderNoGrad) {
  Tensor w = from_values<float>({0, 0}, {2});
  w.set_requires_grad(true);
  Tensor b = from_values<double>({0}, {1});
  Tensor w_before = w;
  io::CopyStateResult r = io::copy_state(
      {{"w", w}, {"b", b}},
      {{"b", from_values<int64_t>({7}, {1})}, {"w", from_values<float>({1.5f, -2}, {2})}}, "Net");
  EXPECT_TRUE(r.missing_keys.empty() && r.unexpected_keys.empty());
  EXPECT_TRUE(w.is_same(w_before));  // same parameter object, new values
  EXPECT_TRUE(w.requires_grad());
  EXPECT_TRUE(w.is_leaf());
  EXPECT_TRUE(same_tensor(w.detach(), from_values<float>({1.5f, -2}, {2})));
  EXPECT_TRUE(same_tensor(b, from_values<double>({7}, {1})));  // converted to the target dtype
}

TEST(CopyState, ReportsEverythingAtOnceAndCopiesNothing) {
  Tensor w = from_values<float>({0, 0, 0, 0, 0, 0}, {2, 3});
  Tensor b = from_values<float>({0, 0}, {2});
  const std::string msg = error_message([&] {
    io::copy_state({{"weight", w}, {"bias", b}, {"running", b}},
                   {{"weight", from_values<float>({1, 2, 3, 4, 5, 6}, {3, 2})},
                    {"bias", from_values<float>({1, 2}, {2})},
                    {"bais", from_values<float>({1, 2}, {2})}},
                   "Linear");
  });
  EXPECT_EQ(msg,
            "Error(s) in loading state for Linear:\n"
            "\tMissing key(s): \"running\".\n"
            "\tUnexpected key(s): \"bais\".\n"
            "\tsize mismatch for weight: copying a tensor with shape [3, 2] from the file, the "
            "shape in the current Linear is [2, 3]");
  EXPECT_TRUE(same_tensor(b, from_values<float>({0, 0}, {2})));  // bias was fine, still untouched
}

TEST(CopyState, NonStrictReturnsTheUnmatchedKeys) {
  Tensor a = from_values<float>({0}, {1});
  Tensor c = from_values<float>({0}, {1});
  io::CopyStateResult r = io::copy_state(
      {{"a", a}, {"c", c}}, {{"a", from_values<float>({4}, {1})}, {"x", a}}, "M", false);
  EXPECT_THAT(r.missing_keys, ElementsAre("c"));
  EXPECT_THAT(r.unexpected_keys, ElementsAre("x"));
  EXPECT_TRUE(same_tensor(a, from_values<float>({4}, {1})));
  // Shape mismatches are errors even when not strict (as in PyTorch).
  EXPECT_THAT(error_message([&] {
                io::copy_state({{"a", a}}, {{"a", from_values<float>({1, 2}, {2})}}, "M", false);
              }),
              HasSubstr("size mismatch for a"));
}

TEST(CopyState, LoadIntoReadsAFileAndNamesItInErrors) {
  TempDir dir;
  const auto path = dir / "state.safetensors";
  save(io::NamedTensors{{"w", from_values<float>({1, 2}, {2})}}, path);
  Tensor w = zeros({2});
  io::load_into({{"w", w}}, path, "Net");
  EXPECT_TRUE(same_tensor(w, from_values<float>({1, 2}, {2})));
  Tensor v = zeros({2});
  EXPECT_EQ(error_message([&] {
              io::load_into({{"v", v}}, path, "Net");
            }),
            "load: " + path.string() +
                ": Error(s) in loading state for Net:\n\tMissing key(s): \"v\".\n"
                "\tUnexpected key(s): \"w\".");
}

// ---- the extension point -----------------------------------------------------------------------

TEST(Extension, ModuleLikeSaveAndLoad) {
  TempDir dir;
  const auto path = dir / "model.safetensors";
  auto model = std::make_shared<fake::Linear>();
  model->weight = from_values<float>({1, 2, 3, 4, 5, 6}, {2, 3}).set_requires_grad(true);
  model->bias = from_values<float>({0.5f, -0.5f}, {2});
  model->running = from_values<int64_t>({42}, {1});
  save(model, path);  // through the shared_ptr forwarding hook, as torch::save(model, path)
  EXPECT_EQ(io::read_safetensors(path).metadata.at("module"), "Linear");
  EXPECT_FALSE(std::filesystem::exists(io::sidecar_path(path)));

  fake::Linear fresh{zeros({2, 3}), zeros({2}), zeros({1}, TensorOptions().dtype(kLong))};
  Tensor weight_handle = fresh.weight;
  load(fresh, path);
  EXPECT_TRUE(fresh.weight.is_same(weight_handle));
  EXPECT_TRUE(same_tensor(fresh.weight, model->weight.detach()));
  EXPECT_TRUE(same_tensor(fresh.bias, model->bias));
  EXPECT_TRUE(same_tensor(fresh.running, model->running));

  // A model of another shape: the hook's error, prefixed with the file.
  fake::Linear wider{zeros({4, 3}), zeros({4}), zeros({1}, TensorOptions().dtype(kLong))};
  EXPECT_EQ(
      error_message([&] { load(wider, path); }),
      "load: " + path.string() +
          ": Error(s) in loading state for Linear:\n"
          "\tsize mismatch for weight: copying a tensor with shape [2, 3] from the file, the "
          "shape in the current Linear is [4, 3]\n"
          "\tsize mismatch for bias: copying a tensor with shape [2] from the file, the shape "
          "in the current Linear is [4]");
}

TEST(Extension, OptimizerLikeStateWithSidecar) {
  TempDir dir;
  const auto path = dir / "sgd.safetensors";
  fake::Sgd opt;
  opt.params = {zeros({2}), zeros({3})};
  opt.lr = 0.05;
  opt.step = 12;
  opt.momentum_buffers = {from_values<float>({1, 2}, {2}), from_values<float>({3, 4, 5}, {3})};
  save(opt, path);
  EXPECT_FALSE(std::filesystem::exists(dir / "sgd.safetensors.json"));  // one file

  fake::Sgd fresh;
  fresh.params = {zeros({2}), zeros({3})};
  fresh.momentum_buffers = {zeros({2}), zeros({3})};
  load(fresh, path);
  EXPECT_DOUBLE_EQ(fresh.lr, 0.05);
  EXPECT_EQ(fresh.step, 12);
  EXPECT_TRUE(same_tensor(fresh.momentum_buffers[1], opt.momentum_buffers[1]));

  fake::Sgd other;
  other.params = {zeros({2})};
  EXPECT_EQ(error_message([&] { load(other, path); }),
            "load: " + path.string() + ": SGD: the file has 2 parameters, this optimizer 1");
}

// A failed save (here: the file system refuses to grow the file) leaves the previous checkpoint
// (one file: tensors and JSON document) as it was, and it still loads.
TEST(Extension, FailedSaveLeavesThePreviousCheckpointIntact) {
  TempDir dir;
  const auto path = dir / "sgd.safetensors";
  fake::Sgd opt;
  opt.params = {zeros({2}), zeros({2})};
  opt.momentum_buffers = {from_values<float>({1, 2}, {2}), from_values<float>({3, 4}, {2})};
  save(opt, path);
  const std::string tensors_before = testing::read_bytes(path);

  opt.step = 99;
  opt.momentum_buffers[0] = zeros({100000});
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 8192;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string msg = error_message([&] { save(opt, path); });
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_THAT(msg, HasSubstr("File too large"));
  EXPECT_EQ(testing::read_bytes(path), tensors_before);
  EXPECT_FALSE(std::filesystem::exists(io::sidecar_path(path)));
  fake::Sgd fresh;
  fresh.params = {zeros({2}), zeros({2})};
  fresh.momentum_buffers = {zeros({2}), zeros({2})};
  load(fresh, path);
  EXPECT_EQ(fresh.step, 0);
  EXPECT_TRUE(same_tensor(fresh.momentum_buffers[0], from_values<float>({1, 2}, {2})));
}

}  // namespace
}  // namespace ember
