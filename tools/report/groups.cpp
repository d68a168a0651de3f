// Grouping of tags into charts: split prefixes, chart kinds, and chart_groups.
#include "groups.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/train/report.h"

namespace ember::train {
namespace report {
namespace {

// Rank of a split prefix (train first), or -1 if `name` is not a split name.
int split_rank(std::string_view name) {
  if (name == "train" || name == "training") return 0;
  if (name == "val" || name == "valid" || name == "validation") return 1;
  if (name == "test") return 2;
  if (name == "eval" || name == "dev") return 3;
  return -1;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TagParts split_tag(const std::string& tag) {
  for (char sep : {'/', '_'}) {
    auto pos = tag.find(sep);
    if (pos == std::string::npos || pos + 1 >= tag.size()) continue;
    int rank = split_rank(std::string_view(tag).substr(0, pos));
    // "val_loss" (Keras) yes; "train_time/..." is a metric of its own only with '/' later on.
    if (rank >= 0 && (sep == '/' || tag.find('/') == std::string::npos))
      return {rank, tag.substr(pos + 1)};
  }
  return {-1, tag};
}

Kind kind_of(const std::string& first_segment) {
  const std::string s = lower(first_segment);
  if (s.find("loss") != std::string::npos)
    return {0, first_segment, first_segment == "loss" ? "Loss" : first_segment};
  if (s == "acc" || s == "accuracy" || s.find("accuracy") != std::string::npos)
    return {1, first_segment, s == "acc" || s == "accuracy" ? "Accuracy" : first_segment};
  if (s == "lr" || s == "learning_rate") return {2, "lr", "Learning rate"};
  if (s.find("grad") != std::string::npos && s.find("norm") != std::string::npos)
    return {3, first_segment, s == "grad_norm" ? "Gradient norm" : first_segment};
  return {4, first_segment, first_segment};
}

}  // namespace report

std::vector<ChartGroup> chart_groups(const ScalarMap& scalars) {
  struct Entry {
    report::Kind kind;
    std::vector<std::pair<int, std::string>> tags;  // (split rank, tag)
  };
  std::map<std::string, Entry> by_key;
  for (const auto& [tag, series] : scalars) {
    const report::TagParts parts = report::split_tag(tag);
    const report::Kind kind = report::kind_of(parts.metric.substr(0, parts.metric.find('/')));
    auto& e = by_key.try_emplace(kind.key, Entry{kind, {}}).first->second;
    e.tags.emplace_back(parts.split < 0 ? 0 : parts.split, tag);
  }
  std::vector<ChartGroup> out;
  for (auto& [key, e] : by_key) {
    std::stable_sort(e.tags.begin(), e.tags.end());
    ChartGroup g{key, e.kind.title, {}};
    for (auto& [rank, tag] : e.tags) g.tags.push_back(tag);
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(), [](const ChartGroup& a, const ChartGroup& b) {
    return report::kind_of(a.key).order < report::kind_of(b.key).order;
  });
  return out;
}

}  // namespace ember::train
