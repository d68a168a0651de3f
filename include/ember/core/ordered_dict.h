// OrderedDict: libtorch's insertion-ordered dictionary (named_parameters(), ModuleDict).
//
//   for (auto& p : model->named_parameters()) std::cout << p.key() << p.value().sizes();
//   for (auto& [name, tensor] : model->named_parameters()) ...   // structured bindings too
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ember/core/error.h"

namespace ember {

template <class Key, class Value>
class OrderedDict {
 public:
  struct Item {
    Key first;
    Value second;
    const Key& key() const { return first; }
    Value& value() { return second; }
    const Value& value() const { return second; }
    Value& operator*() { return second; }
    Value* operator->() { return &second; }
    std::pair<Key, Value> pair() const { return {first, second}; }
  };
  using Iterator = typename std::vector<Item>::iterator;
  using ConstIterator = typename std::vector<Item>::const_iterator;

  explicit OrderedDict(std::string key_description = "Key") : what_(std::move(key_description)) {}
  OrderedDict(std::initializer_list<Item> items) {
    for (const Item& i : items) insert(i.first, i.second);
  }

  /// Adds a new item; throws if the key exists.
  Value& insert(Key key, Value value) {
    EMBER_CHECK(!contains(key), what_, " '", key, "' already defined");
    index_.emplace(key, items_.size());
    items_.push_back(Item{std::move(key), std::move(value)});
    return items_.back().second;
  }
  /// Adds or replaces (keeping the original position).
  Value& insert_or_assign(Key key, Value value) {
    if (Value* v = find(key)) return *v = std::move(value);
    return insert(std::move(key), std::move(value));
  }
  void update(const OrderedDict& other) {
    for (const Item& i : other) insert_or_assign(i.first, i.second);
  }
  Value* find(const Key& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].second;
  }
  const Value* find(const Key& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].second;
  }
  bool contains(const Key& key) const { return index_.count(key) != 0; }
  Value& operator[](const Key& key) {
    Value* v = find(key);
    EMBER_CHECK(v != nullptr, what_, " '", key, "' is not defined");
    return *v;
  }
  const Value& operator[](const Key& key) const {
    const Value* v = find(key);
    EMBER_CHECK(v != nullptr, what_, " '", key, "' is not defined");
    return *v;
  }
  Item& operator[](size_t i) {
    EMBER_CHECK(i < items_.size(), "OrderedDict: index ", i, " out of range for size ",
                items_.size());
    return items_[i];
  }
  const Item& operator[](size_t i) const { return const_cast<OrderedDict&>(*this)[i]; }
  Value pop(const Key& key) {
    auto it = index_.find(key);
    EMBER_CHECK(it != index_.end(), what_, " '", key, "' is not defined");
    Value v = std::move(items_[it->second].second);
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(it->second));
    rebuild_index();
    return v;
  }
  void clear() {
    items_.clear();
    index_.clear();
  }

  size_t size() const { return items_.size(); }
  bool is_empty() const { return items_.empty(); }
  bool empty() const { return items_.empty(); }
  Iterator begin() { return items_.begin(); }
  Iterator end() { return items_.end(); }
  ConstIterator begin() const { return items_.begin(); }
  ConstIterator end() const { return items_.end(); }
  const std::vector<Item>& items() const { return items_; }
  std::vector<Key> keys() const {
    std::vector<Key> out;
    out.reserve(items_.size());
    for (const Item& i : items_) out.push_back(i.first);
    return out;
  }
  std::vector<Value> values() const {
    std::vector<Value> out;
    out.reserve(items_.size());
    for (const Item& i : items_) out.push_back(i.second);
    return out;
  }
  const std::string& key_description() const { return what_; }

 private:
  void rebuild_index() {
    index_.clear();
    for (size_t i = 0; i < items_.size(); ++i) index_.emplace(items_[i].first, i);
  }
  std::string what_ = "Key";
  std::vector<Item> items_;
  std::unordered_map<Key, size_t> index_;
};

}  // namespace ember
