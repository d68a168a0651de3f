// pt::Value: construction and checked access to a pickled Python object.
#include "ember/core/error.h"
#include "ember/io/pt.h"

namespace ember::pt {

Value Value::list(Items items) {
  Value v;
  v.kind_ = Kind::List;
  v.items_ = std::move(items);
  return v;
}

Value Value::tuple(Items items) {
  Value v;
  v.kind_ = Kind::Tuple;
  v.items_ = std::move(items);
  return v;
}

Value Value::dict(DictItems items, bool ordered) {
  Value v;
  v.kind_ = Kind::Dict;
  v.ordered_ = ordered;
  v.dict_ = std::move(items);
  return v;
}

std::string Value::type_name() const {
  switch (kind_) {
    case Kind::None:
      return "NoneType";
    case Kind::Bool:
      return "bool";
    case Kind::Int:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::String:
      return "str";
    case Kind::Tensor:
      return "Tensor";
    case Kind::List:
      return "list";
    case Kind::Tuple:
      return "tuple";
    case Kind::Dict:
      return ordered_ ? "OrderedDict" : "dict";
  }
  return "?";
}

#define EMBER_PT_EXPECT(cond, expected) \
  EMBER_CHECK(cond, "pt::Value: expected ", expected, " but the value is a ", type_name())

bool Value::to_bool() const {
  EMBER_PT_EXPECT(kind_ == Kind::Bool, "a bool");
  return b_;
}
int64_t Value::to_int() const {
  EMBER_PT_EXPECT(kind_ == Kind::Int, "an int");
  return i_;
}
double Value::to_double() const {
  EMBER_PT_EXPECT(kind_ == Kind::Float || kind_ == Kind::Int, "a float");
  return kind_ == Kind::Float ? f_ : static_cast<double>(i_);
}
const std::string& Value::to_string() const {
  EMBER_PT_EXPECT(kind_ == Kind::String, "a str");
  return s_;
}
const Tensor& Value::to_tensor() const {
  EMBER_PT_EXPECT(kind_ == Kind::Tensor, "a Tensor");
  return t_;
}
const Value::Items& Value::items() const {
  EMBER_PT_EXPECT(kind_ == Kind::List || kind_ == Kind::Tuple, "a list or tuple");
  return items_;
}
Value::Items& Value::items() {
  EMBER_PT_EXPECT(kind_ == Kind::List || kind_ == Kind::Tuple, "a list or tuple");
  return items_;
}
const Value::DictItems& Value::dict_items() const {
  EMBER_PT_EXPECT(kind_ == Kind::Dict, "a dict");
  return dict_;
}
Value::DictItems& Value::dict_items() {
  EMBER_PT_EXPECT(kind_ == Kind::Dict, "a dict");
  return dict_;
}

const Value* Value::find(std::string_view key) const {
  for (const auto& [k, v] : dict_items())
    if (k.is_string() && k.s_ == key) return &v;
  return nullptr;
}

const Value& Value::at(std::string_view key) const {
  const Value* v = find(key);
  EMBER_CHECK(v != nullptr, "pt::Value: the ", type_name(), " has no key '", key, "'");
  return *v;
}

const Value& Value::at(size_t i) const {
  const Items& all = items();
  EMBER_CHECK(i < all.size(), "pt::Value: index ", i, " out of range for a ", type_name(), " of ",
              all.size(), " items");
  return all[i];
}

size_t Value::size() const {
  if (kind_ == Kind::Dict) return dict_.size();
  return items().size();
}

}  // namespace ember::pt
