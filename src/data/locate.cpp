// The default dataset folders (see ember/data/datasets/locate.h).
#include "ember/data/datasets/locate.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace ember::data::datasets {

namespace fs = std::filesystem;

namespace {
// <source tree>/data, found from this file's own path (src/data/locate.cpp), which the build
// passes to the compiler as an absolute path.
// The source tree's data/ folder, given by the build (CMakeLists.txt); not __FILE__, which ccache
// makes relative when it shares objects between clones.
std::string source_data_dir() {
#ifdef EMBER_SOURCE_DATA_DIR
  return EMBER_SOURCE_DATA_DIR;
#else
  return {};
#endif
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}
}  // namespace

std::string data_dir() {
  const char* env = std::getenv("EMBER_DATA_DIR");
  if (env && *env) return env;
  return source_data_dir();
}

std::vector<std::string> default_roots(const std::string& name,
                                       const std::vector<std::string>& system_dirs) {
  std::vector<std::string> roots;
  const char* env = std::getenv("EMBER_DATA_DIR");
  if (env && *env) roots.push_back((fs::path(env) / name).string());
  roots.push_back((fs::path("data") / name).string());
  const std::string src = source_data_dir();
  if (!src.empty()) roots.push_back((fs::path(src) / name).string());
  roots.insert(roots.end(), system_dirs.begin(), system_dirs.end());
  return roots;
}

std::optional<std::string> find_file(const std::string& root, const std::string& file) {
  const fs::path plain = fs::path(root) / file;
  if (is_file(plain)) return plain.string();
  fs::path gz = plain;
  gz += ".gz";
  if (is_file(gz)) return gz.string();
  return std::nullopt;
}

std::optional<std::string> find_root(const std::vector<std::string>& roots,
                                     const std::vector<std::string>& files) {
  for (const std::string& root : roots) {
    bool all = true;
    for (const std::string& f : files) all = all && find_file(root, f).has_value();
    if (all) return root;
  }
  return std::nullopt;
}

}  // namespace ember::data::datasets
