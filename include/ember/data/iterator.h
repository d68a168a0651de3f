// Iterator over a data loader's batches (an input iterator). `*it` is the current batch; the
// first batch is fetched lazily, at the first comparison or dereference, as in libtorch.
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>

#include "ember/core/error.h"

namespace ember::data {

template <class Batch>
class Iterator {
 public:
  using difference_type = std::ptrdiff_t;
  using value_type = Batch;
  using pointer = Batch*;
  using reference = Batch&;
  using iterator_category = std::input_iterator_tag;
  using BatchProducer = std::function<std::optional<Batch>()>;

  /// The past-the-end iterator.
  Iterator() = default;
  /// An iterator yielding `next_batch()` until it returns nothing.
  explicit Iterator(BatchProducer next_batch)
      : state_(std::make_shared<State>(std::move(next_batch))) {}

  Iterator& operator++() {
    EMBER_CHECK(state_, "DataLoader: incrementing the past-the-end iterator is not allowed");
    state_->initialize();
    EMBER_CHECK(state_->batch, "DataLoader: attempted to increment an iterator past the end");
    state_->batch.reset();  // free the old batch before making the next one
    state_->batch = state_->next_batch();
    return *this;
  }
  Batch& operator*() { return current(); }
  Batch* operator->() { return &current(); }

  /// Two valid iterators are equal if they are the same; a valid one equals the past-the-end
  /// iterator once the loader is exhausted.
  bool operator==(const Iterator& o) const {
    if (state_ && o.state_) return state_ == o.state_;
    const std::shared_ptr<State>& s = state_ ? state_ : o.state_;
    if (!s) return true;
    s->initialize();
    return !s->batch.has_value();
  }
  bool operator!=(const Iterator& o) const { return !(*this == o); }

 private:
  struct State {
    explicit State(BatchProducer f) : next_batch(std::move(f)) {}
    void initialize() {
      if (initialized) return;
      initialized = true;
      batch = next_batch();
    }
    BatchProducer next_batch;
    std::optional<Batch> batch;
    bool initialized = false;
  };

  Batch& current() {
    EMBER_CHECK(state_, "DataLoader: dereferencing the past-the-end iterator is not allowed");
    state_->initialize();
    EMBER_CHECK(state_->batch, "DataLoader: attempted to dereference an iterator past the end");
    return *state_->batch;
  }

  std::shared_ptr<State> state_;
};

}  // namespace ember::data
