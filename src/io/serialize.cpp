// ember::save/load of tensors, archives (tensors + a JSON document in one safetensors file; the
// old two-file layout is still read), and copy_state (load_state_dict).
#include "ember/io/serialize.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "ember/autograd/grad_mode.h"

namespace ember {
namespace io {
namespace {

// The JSON document of an archive, inside the safetensors metadata.
constexpr const char* kJsonKey = "ember.json";
// Earlier versions: the hash of a sidecar file `path + ".json"` holding the JSON document.
constexpr const char* kSidecarKey = "ember.sidecar";

// FNV-1a, 64 bit: the fingerprint tying an old-layout sidecar to its safetensors file.
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

std::string read_text_file(const std::filesystem::path& path, const char* op) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    EMBER_ERROR(op, ": cannot open ", path.string(), ": ", std::strerror(err));
  }
  std::ostringstream os;
  os << in.rdbuf();
  EMBER_CHECK(!in.bad(), op, ": cannot read ", path.string());
  return os.str();
}

// Shapes print as "[2, 3]".
std::string shape_text(const Tensor& t) {
  std::ostringstream os;
  os << t.sizes();
  return os.str();
}

}  // namespace

std::filesystem::path sidecar_path(const std::filesystem::path& path) {
  std::filesystem::path p = path;
  p += ".json";
  return p;
}

void write_archive(const std::filesystem::path& path, const Archive& archive) {
  for (const char* key : {kSidecarKey, kJsonKey})
    EMBER_CHECK(!archive.metadata.count(key), "write_archive: ", path.string(),
                ": the metadata key \"", key, "\" is reserved");
  if (archive.sidecar.is_null()) {
    write_safetensors(path, archive.tensors, archive.metadata);
    return;
  }
  std::map<std::string, std::string> metadata = archive.metadata;
  try {
    metadata[kJsonKey] = archive.sidecar.dump();
  } catch (const nlohmann::json::exception& e) {
    EMBER_ERROR("write_archive: ", path.string(),
                ": the JSON document cannot be written as JSON: ", e.what());
  }
  // One file, one atomic write: the tensors and the JSON document are replaced together.
  write_safetensors(path, archive.tensors, metadata);
}

Archive read_archive(const std::filesystem::path& path) {
  SafetensorsFile file = read_safetensors(path);
  Archive a;
  a.tensors = std::move(file.tensors);
  a.metadata = std::move(file.metadata);
  if (auto it = a.metadata.find(kJsonKey); it != a.metadata.end()) {
    const std::string text = std::move(it->second);
    a.metadata.erase(it);
    a.metadata.erase(kSidecarKey);
    try {
      a.sidecar = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      EMBER_ERROR("read_archive: ", path.string(), ": the metadata entry \"", kJsonKey,
                  "\" is not valid JSON: ", e.what());
    }
    return a;
  }
  auto it = a.metadata.find(kSidecarKey);
  if (it == a.metadata.end()) return a;
  // The layout of earlier versions: the JSON in a sidecar file, tied to this one by its hash.
  const std::string expected = it->second;
  a.metadata.erase(it);
  const std::filesystem::path side = sidecar_path(path);
  std::error_code ec;
  EMBER_CHECK(std::filesystem::exists(side, ec), "read_archive: ", path.string(),
              " names a sidecar, but ", side.string(), " is missing");
  const std::string text = read_text_file(side, "read_archive");
  const std::string found = fnv1a64(text);
  EMBER_CHECK(found == expected, "read_archive: ", side.string(), " does not belong to ",
              path.string(), " (hash ", found, ", expected ", expected,
              "): the two files come from different saves (an interrupted save?)");
  try {
    a.sidecar = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    EMBER_ERROR("read_archive: ", side.string(), " is not valid JSON: ", e.what());
  }
  return a;
}

namespace {

// copy_state's checks: the result and the (target, source) pairs to copy, or an ember::Error.
CopyStateResult plan_copy(const NamedTensors& targets, const NamedTensors& source,
                          std::string_view owner, bool strict,
                          std::vector<std::pair<Tensor, const Tensor*>>& copies) {
  std::map<std::string_view, const Tensor*> from;
  std::vector<std::string> problems;
  for (const auto& [name, t] : source) {
    if (!from.emplace(name, &t).second)
      problems.push_back("duplicate key \"" + name + "\" in the file");
  }
  CopyStateResult result;
  std::set<std::string_view> seen;
  for (const auto& [name, target] : targets) {
    if (!seen.insert(name).second) {
      problems.push_back("duplicate key \"" + name + "\" in the " + std::string(owner));
      continue;
    }
    auto it = from.find(name);
    if (it == from.end()) {
      result.missing_keys.push_back(name);
      continue;
    }
    const Tensor& src = *it->second;
    if (!target.defined()) {
      problems.push_back("\"" + name + "\" is undefined in the " + std::string(owner));
    } else if (!src.defined()) {
      problems.push_back("\"" + name + "\" is undefined in the file");
    } else if (!target.sizes().equals(src.sizes())) {
      problems.push_back("size mismatch for " + name + ": copying a tensor with shape " +
                         shape_text(src) + " from the file, the shape in the current " +
                         std::string(owner) + " is " + shape_text(target));
    } else {
      copies.emplace_back(target, &src);
    }
  }
  for (const auto& [name, t] : source) {
    if (!seen.count(name)) result.unexpected_keys.push_back(name);
  }
  auto key_list = [](const std::vector<std::string>& keys) {
    std::string s;
    for (const auto& k : keys) s += (s.empty() ? "\"" : ", \"") + k + "\"";
    return s;
  };
  std::vector<std::string> key_problems;
  if (strict && !result.missing_keys.empty()) {
    key_problems.push_back("Missing key(s): " + key_list(result.missing_keys) + ".");
  }
  if (strict && !result.unexpected_keys.empty()) {
    key_problems.push_back("Unexpected key(s): " + key_list(result.unexpected_keys) + ".");
  }
  problems.insert(problems.begin(), key_problems.begin(), key_problems.end());
  if (!problems.empty()) {
    std::string msg = "Error(s) in loading state for " + std::string(owner) + ":";
    for (const auto& p : problems) msg += "\n\t" + p;
    throw Error(msg);
  }
  return result;
}

}  // namespace

CopyStateResult check_state(const NamedTensors& targets, const NamedTensors& source,
                            std::string_view owner, bool strict) {
  std::vector<std::pair<Tensor, const Tensor*>> copies;
  return plan_copy(targets, source, owner, strict, copies);
}

CopyStateResult copy_state(const NamedTensors& targets, const NamedTensors& source,
                           std::string_view owner, bool strict) {
  std::vector<std::pair<Tensor, const Tensor*>> copies;
  CopyStateResult result = plan_copy(targets, source, owner, strict, copies);
  NoGradGuard no_grad;
  for (auto& [target, src] : copies) target.copy_(*src);
  return result;
}

CopyStateResult load_into(const NamedTensors& targets, const std::filesystem::path& path,
                          std::string_view owner, bool strict) {
  const SafetensorsFile file = read_safetensors(path);
  try {
    return copy_state(targets, file.tensors, owner, strict);
  } catch (const Error& e) {
    throw Error("load: " + path.string() + ": " + e.what());
  }
}

}  // namespace io

// ---- tensors -----------------------------------------------------------------------------------

void save(const Tensor& tensor, const std::filesystem::path& path) {
  io::write_safetensors(path, {{"0", tensor}});
}

void save(const std::vector<Tensor>& tensors, const std::filesystem::path& path) {
  io::NamedTensors named;
  named.reserve(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) named.emplace_back(std::to_string(i), tensors[i]);
  io::write_safetensors(path, named);
}

void save(const io::NamedTensors& tensors, const std::filesystem::path& path) {
  io::write_safetensors(path, tensors);
}

void save(const std::map<std::string, Tensor>& tensors, const std::filesystem::path& path) {
  io::write_safetensors(path, io::NamedTensors(tensors.begin(), tensors.end()));
}

void load(Tensor& tensor, const std::filesystem::path& path) {
  io::SafetensorsFile file = io::read_safetensors(path);
  EMBER_CHECK(file.tensors.size() == 1, "load: ", path.string(), " holds ", file.tensors.size(),
              " tensors; load(Tensor&) needs exactly one (use load(std::vector<Tensor>&) or "
              "load(io::NamedTensors&))");
  tensor = std::move(file.tensors[0].second);
}

void load(std::vector<Tensor>& tensors, const std::filesystem::path& path) {
  io::SafetensorsFile file = io::read_safetensors(path);
  const size_t n = file.tensors.size();
  std::vector<Tensor> out(n);
  for (auto& [name, t] : file.tensors) {
    // The names must be exactly "0" ... "n-1" (decimal, no sign, no leading zeros).
    size_t index = 0;
    bool ok = !name.empty() && name.size() <= 19 && (name == "0" || name[0] != '0');
    for (char c : name) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) index = index * 10 + static_cast<size_t>(c - '0');
    }
    EMBER_CHECK(ok && index < n && !out[index].defined(), "load: ", path.string(),
                " is not a tensor list: tensor names must be \"0\" ... \"", n - 1, "\" (found \"",
                name, "\"); use load(io::NamedTensors&) for named tensors");
    out[index] = std::move(t);
  }
  tensors = std::move(out);
}

void load(io::NamedTensors& tensors, const std::filesystem::path& path) {
  tensors = io::read_safetensors(path).tensors;
}

void load(std::map<std::string, Tensor>& tensors, const std::filesystem::path& path) {
  io::SafetensorsFile file = io::read_safetensors(path);
  std::map<std::string, Tensor> out;
  for (auto& [name, t] : file.tensors) out.emplace(name, std::move(t));
  tensors = std::move(out);
}

}  // namespace ember
