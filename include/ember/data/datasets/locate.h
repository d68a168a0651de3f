// Where datasets are looked for when no root is given. For a dataset folder `name` (mnist,
// fashion-mnist, digits) the search order is (docs/DATASETS.md):
//   1. $EMBER_DATA_DIR/<name>            if the variable is set
//   2. ./data/<name>                     relative to the working directory
//   3. <ember source tree>/data/<name>   where scripts/install-datasets.sh puts them by default
//   4. the dataset's system folders      e.g. /usr/share/datasets/fashion-mnist (Debian)
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ember::data::datasets {

/// The folder scripts/install-datasets.sh fills: $EMBER_DATA_DIR, else <source tree>/data.
std::string data_dir();

/// Steps 1-3 of the search order for `name`, then `system_dirs`.
std::vector<std::string> default_roots(const std::string& name,
                                       const std::vector<std::string>& system_dirs = {});

/// The path of `file` in `root`, or of `file`.gz; empty if neither exists.
std::optional<std::string> find_file(const std::string& root, const std::string& file);

/// The first of `roots` holding all of `files` (each plain or .gz); empty if none does.
std::optional<std::string> find_root(const std::vector<std::string>& roots,
                                     const std::vector<std::string>& files);

}  // namespace ember::data::datasets
