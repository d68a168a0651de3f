// The calls the restricted unpickler allows: globals resolved against PyTorch's weights_only
// allow-list, tensors rebuilt on their storages with every geometry checked against the storage,
// parameters, OrderedDict, torch.Size, TorchScript objects (torch::save archives), persistent
// storage ids, and the conversion of the arena into a pt::Value.
#include <limits>

#include "io/pt/storage_types.h"
#include "io/pt/unpickler.h"

namespace ember::pt::pickle::detail {

void Unpickler::global(std::string_view module, std::string_view name) {
  const std::string full = std::string(module) + "." + std::string(name);
  auto is = [&](std::string_view m, std::string_view n) { return module == m && name == n; };
  G g;
  int64_t row = 0;
  if (is("collections", "OrderedDict")) {
    g = G::OrderedDict;
  } else if (is("torch._utils", "_rebuild_tensor_v2")) {
    g = G::RebuildTensorV2;
  } else if (is("torch._utils", "_rebuild_tensor")) {
    g = G::RebuildTensor;
  } else if (is("torch._utils", "_rebuild_parameter")) {
    g = G::RebuildParameter;
  } else if (is("torch._utils", "_rebuild_parameter_with_state")) {
    g = G::RebuildParameterWithState;
  } else if (is("torch", "Size")) {
    g = G::Size;
  } else if (is("torch.nn.parameter", "Parameter")) {
    g = G::Parameter;
  } else if ((module == "torch" || module == "torch.cuda") && (row = storage_row(name)) >= 0) {
    g = G::StorageClass;
  } else if (format_ == Format::TorchScript &&
             (module == "__torch__" || module.substr(0, 10) == "__torch__.")) {
    g = G::ScriptClass;
  } else if (format_ == Format::TorchScript && module == "torch.jit._pickle" &&
             (name == "restore_type_tag" || name.substr(0, 6) == "build_")) {
    g = G::Identity;
  } else if (allowed_by_pytorch_only(module, name)) {
    fail("global '", full, "' is allowed by PyTorch's weights_only unpickler but not supported ",
         "by ember");
  } else {
    fail("global '", full, "' is not allowed (only the globals of PyTorch's weights_only ",
         "unpickler are)");
  }
  push({K::Global, false, g, row, 0});
}

const Obj& Unpickler::arg(const std::vector<uint32_t>& args, size_t i, K kind, const char* fn,
                          const char* what) {
  const Obj& o = objs_[args[i]];
  if (o.kind != kind && !(kind == K::Int && o.kind == K::Bool))
    fail(fn, ": ", what, " is a ", kind_name(o), ", expected ",
         kind_name(Obj{kind, kind == K::Dict, G::OrderedDict, 0, 0}));
  return o;
}

std::vector<int64_t> Unpickler::int_tuple(uint32_t o, const char* fn, const char* what) {
  if (objs_[o].kind != K::Tuple)
    fail(fn, ": ", what, " is a ", kind_name(objs_[o]), ", not a tuple");
  std::vector<int64_t> out;
  for (uint32_t item : items_of(o)) {
    if (objs_[item].kind != K::Int) fail(fn, ": ", what, " holds a ", kind_name(objs_[item]));
    out.push_back(objs_[item].i);
  }
  return out;
}

Tensor Unpickler::rebuild_tensor(const std::vector<uint32_t>& args, size_t count, const char* fn) {
  const Loaded& s = storages_[arg(args, 0, K::Storage, fn, "the storage").i];
  const int64_t offset = arg(args, 1, K::Int, fn, "the storage offset").i;
  const std::vector<int64_t> size = int_tuple(args[2], fn, "the size");
  const std::vector<int64_t> stride = int_tuple(args[3], fn, "the stride");
  if (size.size() != stride.size())
    fail(fn, ": size has ", size.size(), " dimensions but stride has ", stride.size());
  if (size.size() > kMaxDims) fail(fn, ": ", size.size(), " dimensions (at most ", kMaxDims, ")");
  if (offset < 0 || offset > s.numel)
    fail(fn, ": storage offset ", offset, " is outside the storage of ", s.numel, " elements");
  // The highest element the view reaches must lie inside the storage (checked for overflow):
  // otherwise a huge shape would address memory the file never held.
  int64_t numel = 1, last = offset;
  bool empty = false;
  for (size_t d = 0; d < size.size(); ++d) {
    if (size[d] < 0 || stride[d] < 0)
      fail(fn, ": negative size or stride in dimension ", d, " (size ", size[d], ", stride ",
           stride[d], ")");
    empty = empty || size[d] == 0;
  }
  for (size_t d = 0; d < size.size() && !empty; ++d) {
    int64_t reach = 0;
    if (__builtin_mul_overflow(size[d], numel, &numel) ||
        __builtin_mul_overflow(size[d] - 1, stride[d], &reach) ||
        __builtin_add_overflow(last, reach, &last))
      fail(fn, ": shape ", IntArrayRef(size), " with strides ", IntArrayRef(stride), " overflows");
  }
  if (!empty && last >= s.numel)
    fail(fn, ": a tensor of shape ", IntArrayRef(size), " with strides ", IntArrayRef(stride),
         " at offset ", offset, " reaches element ", last, " but its storage holds ", s.numel);
  Tensor t(intrusive_ptr<TensorImpl>::make(s.storage, s.dtype, IntArrayRef(size),
                                           IntArrayRef(stride), offset));
  const bool requires_grad = count > 4 && arg(args, 4, K::Bool, fn, "requires_grad").flag;
  if (requires_grad) {
    if (!is_floating_point(s.dtype))
      fail(fn, ": requires_grad on a tensor of dtype ", s.dtype, " (only floating point can)");
    t.set_requires_grad(true);
  }
  return t;
}

void Unpickler::reduce() {
  const uint32_t args_id = pop();
  const uint32_t fn_id = top();
  const Obj fn = objs_[fn_id];
  if (fn.kind != K::Global) fail("REDUCE calls a ", kind_name(fn), ", not a callable global");
  if (objs_[args_id].kind != K::Tuple) fail("REDUCE arguments are not a tuple");
  const std::vector<uint32_t> args = items_of(args_id);
  auto want = [&](const char* name, size_t lo, size_t hi) {
    if (args.size() < lo || args.size() > hi)
      fail(name, " takes ", lo, lo == hi ? "" : "-" + std::to_string(hi), " arguments, got ",
           args.size());
  };
  Obj result;
  switch (fn.global) {
    case G::OrderedDict:
      want("collections.OrderedDict", 0, 0);
      stack_.back() = new_container(K::Dict, true);
      return;
    case G::RebuildTensorV2:
    case G::RebuildTensor: {
      const bool v2 = fn.global == G::RebuildTensorV2;
      const char* name = v2 ? "_rebuild_tensor_v2" : "_rebuild_tensor";
      want(name, v2 ? 6 : 4, v2 ? 7 : 4);
      tensors_.push_back(rebuild_tensor(args, v2 ? args.size() : 4, name));
      break;
    }
    case G::RebuildParameter:
    case G::RebuildParameterWithState: {
      const bool with_state = fn.global == G::RebuildParameterWithState;
      const char* name = with_state ? "_rebuild_parameter_with_state" : "_rebuild_parameter";
      want(name, with_state ? 4 : 3, with_state ? 4 : 3);
      Tensor t = tensors_[arg(args, 0, K::Tensor, name, "the data").i];
      const bool rg = arg(args, 1, K::Bool, name, "requires_grad").flag;
      if (rg && !t.is_floating_point())
        fail(name, ": requires_grad on a tensor of dtype ", t.scalar_type());
      t = t.detach();  // a Parameter is a leaf
      if (rg) t.set_requires_grad(true);
      tensors_.push_back(t);
      break;
    }
    case G::Size: {
      want("torch.Size", 1, 1);
      int_tuple(args[0], "torch.Size", "the argument");
      stack_.back() = args[0];
      return;
    }
    case G::Identity:
      want("a torch.jit._pickle function", 1, 2);
      stack_.back() = args[0];
      return;
    case G::Parameter:
    case G::StorageClass:
    case G::ScriptClass:
      fail("REDUCE cannot call a class here");
  }
  stack_.back() =
      make({K::Tensor, false, G::OrderedDict, static_cast<int64_t>(tensors_.size() - 1), 0});
}

// ('storage', <storage class>, key, location, numel) -> the storage, loaded once per key.
void Unpickler::persistent_id() {
  const uint32_t pid = pop();
  if (objs_[pid].kind != K::Tuple)
    fail("persistent id is a ", kind_name(objs_[pid]), ", not a tuple");
  const auto& t = items_of(pid);
  if (t.empty() || objs_[t[0]].kind != K::Str || strs_[objs_[t[0]].i] != "storage")
    fail("persistent id is not a ('storage', ...) tuple (only storages may be loaded)");
  const size_t fields = format_ == Format::Legacy ? 6 : 5;
  if (t.size() != fields) fail("persistent id has ", t.size(), " fields, expected ", fields);
  if (fields == 6 && objs_[t[5]].kind != K::None)
    fail("legacy storage views (persistent ids with view metadata, PyTorch < 0.4) are not ",
         "supported");
  const Obj& cls = objs_[t[1]];
  if (cls.kind != K::Global || cls.global != G::StorageClass)
    fail("persistent id names a ", kind_name(cls), " instead of a storage class");
  if (objs_[t[2]].kind != K::Str || objs_[t[3]].kind != K::Str || objs_[t[4]].kind != K::Int)
    fail("persistent id fields are not (str key, str location, int numel)");
  const StorageType& type = storage_type(cls.i);
  const std::string& key = strs_[objs_[t[2]].i];
  const int64_t numel = objs_[t[4]].i;
  if (!type.supported)
    fail("storage '", key, "' holds ", type.dtype_name, " (torch.", type.name,
         "), a dtype ember does not have");
  if (numel < 0) fail("storage '", key, "' has negative size ", numel);
  auto it = storage_by_key_.find(key);
  if (it == storage_by_key_.end()) {
    uint64_t nbytes;
    if (__builtin_mul_overflow(static_cast<uint64_t>(numel),
                               static_cast<uint64_t>(element_size(type.dtype)), &nbytes) ||
        nbytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      fail("storage '", key, "' of ", numel, " elements overflows");
    storages_.push_back({loader_(key, type.dtype, nbytes), type.dtype, numel});
    it = storage_by_key_.emplace(key, storages_.size() - 1).first;
  }
  const Loaded& s = storages_[it->second];
  if (s.dtype != type.dtype || s.numel != numel)
    fail("storage '", key, "' is used as ", s.numel, " elements of ", s.dtype, " and as ", numel,
         " elements of ", type.dtype_name);
  push({K::Storage, false, G::OrderedDict, static_cast<int64_t>(it->second), 0});
}

Value Unpickler::to_value(uint32_t o, int depth) {
  if (depth > kMaxDepth) fail("containers nested deeper than ", kMaxDepth, " (or a cycle)");
  if (budget_-- == 0) fail("shared containers expand to too many objects");
  const Obj& x = objs_[o];
  switch (x.kind) {
    case K::None:
      return Value();
    case K::Bool:
      return Value(x.flag);
    case K::Int:
      return Value(x.i);
    case K::Float:
      return Value(x.f);
    case K::Str:
      charge(value_bytes_, strs_[x.i].size(), "strings");
      return Value(strs_[x.i]);
    case K::Tensor:
      return Value(tensors_[x.i]);
    case K::List:
    case K::Tuple: {
      Value::Items items;
      items.reserve(items_of(o).size());
      for (uint32_t item : items_of(o)) items.push_back(to_value(item, depth + 1));
      return x.kind == K::List ? Value::list(std::move(items)) : Value::tuple(std::move(items));
    }
    case K::Dict: {
      Value::DictItems items;
      const auto& kv = items_of(o);
      items.reserve(kv.size() / 2);
      for (size_t j = 0; j < kv.size(); j += 2)
        items.emplace_back(to_value(kv[j], depth + 1), to_value(kv[j + 1], depth + 1));
      return Value::dict(std::move(items), x.flag);
    }
    case K::Global:
    case K::Storage:
      break;
  }
  fail("the result holds a ", kind_name(x), ", which is not a value");
}

}  // namespace ember::pt::pickle::detail
