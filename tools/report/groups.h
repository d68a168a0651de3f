// How the report sorts tags: split prefixes (train/, val/, ...) and chart kinds (loss, accuracy,
// learning rate, gradient norm, other). chart_groups (report.h) is built from these.
#pragma once

#include <string>

namespace ember::train::report {

/// A tag without its split prefix: "val/loss" → {1, "loss"}; "lr" → {-1, "lr"}.
struct TagParts {
  int split = -1;      // 0 train, 1 validation, 2 test, 3 eval/dev; -1 if no prefix
  std::string metric;  // the tag without the split prefix
};
TagParts split_tag(const std::string& tag);

/// A known chart kind: (order, key, title). Unknown ones sort after them by name.
struct Kind {
  int order;  // 0 loss, 1 accuracy, 2 learning rate, 3 gradient norm, 4 other
  std::string key, title;
};
/// The kind of a chart whose tags start with `first_segment` (after the split prefix).
Kind kind_of(const std::string& first_segment);

/// Loss, accuracy, learning rate and gradient norm: the charts curves.svg shows.
inline bool is_main_kind(int order) { return order <= 3; }

}  // namespace ember::train::report
