// PyTorch's own file format, both ways: the zip archives `torch.save` writes (PyTorch >= 1.6,
// `_use_new_zipfile_serialization`) read into ember, and archives ember writes that
// `torch.load(path, weights_only=True)` opens. See docs/PT_FORMAT.md.
//
//   io::NamedTensors sd = ember::pt::load_state_dict("resnet18.pth");   // from Python
//   nn::load_state_dict(*model, sd);                                     // strict, as PyTorch
//   ember::pt::save_state_dict(nn::state_dict(*model), "model.pt");     // back to Python
//   ember::pt::Value v = ember::pt::load("checkpoint.pt");              // any pickled object
//
// The format, as read and written here:
//   <archive>/data.pkl    the object, pickled (protocol 2); each tensor is a call of
//                         torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
//                         requires_grad, hooks) whose storage is a persistent id
//                         ('storage', torch.FloatStorage, '<key>', 'cpu', numel)
//   <archive>/data/<key>  the storage's bytes, little-endian (each record 64-byte aligned)
//   <archive>/version     "3\n"
//   <archive>/byteorder   "little" or "big" (recent PyTorch 2 releases; absent means little)
// Every record lives under one top-level folder, <archive> (ember writes "archive", as PyTorch 2
// does; PyTorch 1.13 uses the file's name).
//
// The legacy stream of PyTorch < 1.6 (_use_new_zipfile_serialization=False) is read too, and
// TorchScript archives (libtorch's torch::save, torch.jit.save): they add
// constants.pkl and code/, and pickle objects of __torch__ classes, which read as OrderedDicts of
// their attributes (a module saved by torch::save: its parameters, buffers and submodules).
//
// Safety: the unpickler is restricted as PyTorch's weights_only unpickler is. It accepts only the
// opcodes torch.save emits and only the globals that unpickler allows (collections.OrderedDict,
// torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, the storage classes, ...);
// anything else is an ember::Error naming the file and the global or opcode. Nothing is executed,
// and nothing is allocated beyond what the file can hold: strings, storages and containers are
// checked against the remaining bytes, tensor geometries against their storage. Every error is
// an ember::Error "pt::load: <file>: <problem>".
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/io/safetensors.h"  // io::NamedTensors
#include "ember/tensor/tensor.h"

namespace ember::pt {

/// A pickled Python object as ember sees it: None, bool, int, float, str, tensor, list, tuple,
/// dict (insertion-ordered; `ordered()` tells collections.OrderedDict from a plain dict).
/// Containers hold their items by value; tensors are handles, so views keep sharing storage.
class Value {
 public:
  enum class Kind { None, Bool, Int, Float, String, Tensor, List, Tuple, Dict };
  using Items = std::vector<Value>;
  using DictItems = std::vector<std::pair<Value, Value>>;

  Value() = default;                           ///< None
  Value(std::nullptr_t) {}                     // NOLINT
  Value(bool b) : kind_(Kind::Bool), b_(b) {}  // NOLINT
  /// Any integer type (stored as int64_t, Python's int).
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Value(T i) : kind_(Kind::Int), i_(static_cast<int64_t>(i)) {}    // NOLINT
  Value(double f) : kind_(Kind::Float), f_(f) {}                   // NOLINT
  Value(std::string s) : kind_(Kind::String), s_(std::move(s)) {}  // NOLINT
  Value(const char* s) : Value(std::string(s)) {}                  // NOLINT
  Value(Tensor t) : kind_(Kind::Tensor), t_(std::move(t)) {}       // NOLINT

  static Value list(Items items = {});
  static Value tuple(Items items = {});
  /// A dict; `ordered` (the default) pickles as collections.OrderedDict, as state_dicts are.
  static Value dict(DictItems items = {}, bool ordered = true);

  Kind kind() const { return kind_; }
  bool is_none() const { return kind_ == Kind::None; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  bool is_int() const { return kind_ == Kind::Int; }
  bool is_float() const { return kind_ == Kind::Float; }
  bool is_string() const { return kind_ == Kind::String; }
  bool is_tensor() const { return kind_ == Kind::Tensor; }
  bool is_list() const { return kind_ == Kind::List; }
  bool is_tuple() const { return kind_ == Kind::Tuple; }
  bool is_dict() const { return kind_ == Kind::Dict; }
  /// True for a collections.OrderedDict, false for a plain dict.
  bool ordered() const { return kind_ == Kind::Dict && ordered_; }

  // Accessors throw ember::Error naming the expected and the actual type.
  bool to_bool() const;
  int64_t to_int() const;
  /// A float, or an int converted.
  double to_double() const;
  const std::string& to_string() const;
  const Tensor& to_tensor() const;
  /// The items of a list or tuple.
  const Items& items() const;
  Items& items();
  const DictItems& dict_items() const;
  DictItems& dict_items();

  /// The value under string key `key` of a dict; nullptr if absent.
  const Value* find(std::string_view key) const;
  /// The value under `key` (throws naming the key when absent).
  const Value& at(std::string_view key) const;
  /// Item `i` of a list or tuple.
  const Value& at(size_t i) const;
  /// Number of items of a list, tuple or dict.
  size_t size() const;

  /// Python's name of the type: "NoneType", "bool", "int", "float", "str", "Tensor", "list",
  /// "tuple", "dict", "OrderedDict".
  std::string type_name() const;

 private:
  Kind kind_ = Kind::None;
  bool b_ = false;
  bool ordered_ = false;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_;
  Tensor t_;
  Items items_;
  DictItems dict_;
};

// ---- reading -----------------------------------------------------------------------------------

/// Reads the archive at `path` (torch.save's zip format) and returns its object. Tensors are on
/// the CPU whatever device the file names; tensors that shared a storage share one here.
Value load(const std::filesystem::path& path);

/// Parses an archive held in memory. `source` names it in error messages.
Value parse(std::string_view bytes, std::string_view source = "<memory>");

/// Reads a state_dict: the file's object must be a dict (OrderedDict) of strings to tensors.
/// Returns the tensors in the file's key order, ready for nn::load_state_dict(module, ...).
/// A libtorch torch::save archive of a module reads the same way: its submodules (nested dicts)
/// give dotted names ("0.weight"), as module->named_parameters() spells them.
io::NamedTensors load_state_dict(const std::filesystem::path& path);

/// The tensors of a dict of strings to tensors (e.g. `to_state_dict(load(p).at("model"))`);
/// nested dicts of strings add their key and a dot to the names. `what` names it in errors.
io::NamedTensors to_state_dict(const Value& dict, std::string_view what = "value");

// ---- writing -----------------------------------------------------------------------------------

/// The bytes of an archive holding `value` (tensors written with their storages; tensors sharing
/// a storage share it in the file too; tensors must be on the CPU). Records are named
/// "archive/...", as PyTorch 2 names them.
std::string serialize(const Value& value);

/// Writes `value` to `path` atomically (io::write_file_atomic).
void save(const Value& value, const std::filesystem::path& path);

/// An OrderedDict of the named tensors, in their order.
Value to_value(const io::NamedTensors& tensors);

/// Writes a state_dict (e.g. nn::state_dict(module)) as an OrderedDict, atomically. The tensors
/// are saved detached (requires_grad false), as Module.state_dict() returns them.
void save_state_dict(const io::NamedTensors& state, const std::filesystem::path& path);

}  // namespace ember::pt
