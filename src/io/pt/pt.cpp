// pt::load / pt::save: PyTorch's files (zip archives, TorchScript archives, legacy streams)
// assembled from the zip layer and the (un)pickler, and state_dicts taken out of them. The reader
// maps the file into memory and copies each storage record once into its own storage.
#include "ember/io/pt.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "ember/core/error.h"
#include "ember/io/atomic_file.h"
#include "io/json_text.h"
#include "io/pt/legacy.h"
#include "io/pt/pickle.h"
#include "io/pt/zip.h"

namespace ember::pt {

static_assert(std::endian::native == std::endian::little,
              "storages are copied as little-endian bytes; a big-endian host needs swaps");

namespace {

// A read-only mapping of a whole file.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    EMBER_CHECK(fd >= 0, "pt::load: ", path.string(), ": cannot open: ", std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      const int err = errno;
      ::close(fd);
      EMBER_ERROR("pt::load: ", path.string(), ": not a regular file",
                  err ? std::string(": ") + std::strerror(err) : std::string());
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      const int err = errno;
      ::close(fd);
      EMBER_CHECK(data_ != MAP_FAILED, "pt::load: ", path.string(),
                  ": cannot map: ", std::strerror(err));
    } else {
      ::close(fd);
    }
  }
  ~MappedFile() {
    if (size_ > 0 && data_ != MAP_FAILED) ::munmap(data_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const {
    return size_ ? std::string_view(static_cast<const char*>(data_), size_) : std::string_view();
  }

 private:
  void* data_ = MAP_FAILED;
  size_t size_ = 0;
};

void byteswap(char* p, int64_t nbytes, int64_t size) {
  for (int64_t at = 0; at + size <= nbytes; at += size) std::reverse(p + at, p + at + size);
}

}  // namespace

namespace {
// parse(), also telling whether the archive is a TorchScript one.
Value parse_archive(std::string_view bytes, std::string_view source, bool& torchscript) {
  const std::string where = "pt::load: " + std::string(source);
  torchscript = false;
  if (legacy::is_legacy(bytes)) return legacy::parse(bytes, where);
  EMBER_CHECK(bytes.size() < 262 || bytes.substr(257, 5) != "ustar", where,
              ": the tar format of PyTorch < 0.4 is not supported (load and save the file again "
              "with a newer PyTorch)");
  zip::Reader zip(bytes, where);
  EMBER_CHECK(!zip.entries().empty(), where, ": the archive is empty");
  const std::string& first = zip.entries().front().name;
  const size_t slash = first.find('/');
  EMBER_CHECK(slash != std::string::npos && slash > 0, where,
              ": not a PyTorch archive (its records are not in one folder; first is ",
              io::quote_name(first), ")");
  const std::string prefix = first.substr(0, slash + 1);
  auto record = [&](const std::string& name) { return zip.find(prefix + name); };

  const zip::Entry* version = record("version");
  if (!version) version = record(".data/version");
  EMBER_CHECK(version != nullptr, where, ": not a PyTorch archive (no ", prefix, "version record)");
  const std::string v = zip.read(*version);
  const bool numeric = !v.empty() && v.size() < 8 && std::isdigit(static_cast<unsigned char>(v[0]));
  EMBER_CHECK(numeric, where, ": the version record ", io::quote_name(v), " is not a number");

  bool big_endian = false;
  if (const zip::Entry* order = record("byteorder")) {
    const std::string o = zip.read(*order);
    EMBER_CHECK(o == "little" || o == "big", where, ": byteorder record ", io::quote_name(o),
                " is neither \"little\" nor \"big\"");
    big_endian = o == "big";
  }

  // TorchScript archives (torch.jit.save, libtorch's torch::save) hold a constants.pkl beside
  // data.pkl; their objects read as OrderedDicts of attributes.
  torchscript = record("constants.pkl") != nullptr;

  const zip::Entry* data = record("data.pkl");
  EMBER_CHECK(data != nullptr, where, ": no ", prefix, "data.pkl record");
  auto load_storage = [&](const std::string& key, ScalarType dtype, uint64_t nbytes) {
    const zip::Entry* e = record("data/" + key);
    EMBER_CHECK(e != nullptr, where, ": storage '", key, "' has no record ", prefix, "data/", key);
    EMBER_CHECK(e->size == nbytes, where, ": storage '", key, "' should hold ",
                nbytes / element_size(dtype), " ", dtype, " elements (", nbytes,
                " bytes) but its record has ", e->size, " bytes");
    std::string scratch;
    const std::string_view src = zip.view(*e, scratch);
    auto storage = intrusive_ptr<StorageImpl>::make(static_cast<int64_t>(nbytes));
    if (nbytes) std::memcpy(storage->data(), src.data(), nbytes);
    if (big_endian && element_size(dtype) > 1)
      byteswap(static_cast<char*>(storage->data()), nbytes, element_size(dtype));
    return storage;
  };
  std::string scratch;
  return pickle::unpickle(zip.view(*data, scratch), load_storage, where,
                          torchscript ? pickle::Format::TorchScript : pickle::Format::Zip);
}
}  // namespace

Value parse(std::string_view bytes, std::string_view source) {
  bool torchscript;
  return parse_archive(bytes, source, torchscript);
}

Value load(const std::filesystem::path& path) {
  MappedFile file(path);
  return parse(file.bytes(), path.string());
}

namespace {
// The tensors of `dict` under prefix + key; nested dicts (a TorchScript module's submodules)
// add their key and a dot. `scripted`: other attributes of TorchScript objects ("training",
// hyper-parameters) are skipped.
void flatten(const Value& dict, const std::string& prefix, std::string_view what, bool scripted,
             io::NamedTensors& out) {
  for (const auto& [k, v] : dict.dict_items()) {
    EMBER_CHECK(k.is_string(), what, " has a key of type ", k.type_name(),
                " (a state_dict's keys are strings)");
    const std::string name = prefix + k.to_string();
    if (v.is_dict()) {
      flatten(v, name + ".", what, scripted, out);
      continue;
    }
    if (scripted && !v.is_tensor()) continue;
    EMBER_CHECK(v.is_tensor(), what, "['", name, "'] is a ", v.type_name(), ", not a tensor");
    out.emplace_back(name, v.to_tensor());
  }
}
}  // namespace

io::NamedTensors to_state_dict(const Value& dict, std::string_view what) {
  EMBER_CHECK(dict.is_dict(), what, " is a ", dict.type_name(),
              ", not a dict of tensors (a state_dict)");
  io::NamedTensors out;
  flatten(dict, "", what, false, out);
  return out;
}

io::NamedTensors load_state_dict(const std::filesystem::path& path) {
  MappedFile file(path);
  bool torchscript;
  const Value v = parse_archive(file.bytes(), path.string(), torchscript);
  const std::string what = "pt::load_state_dict: " + path.string() + ": the object";
  EMBER_CHECK(v.is_dict(), what, " is a ", v.type_name(), ", not a dict of tensors (a state_dict)");
  io::NamedTensors out;
  flatten(v, "", what, torchscript, out);
  return out;
}

namespace {
std::string serialize_value(const Value& value, bool detach) {
  pickle::Pickled p = pickle::pickle(value, detach);
  zip::Writer zip;
  zip.add("archive/data.pkl", p.bytes);
  zip.add("archive/byteorder", "little");
  // Records in the order torch.save writes them: storage keys sorted as strings.
  std::sort(p.storages.begin(), p.storages.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  for (const pickle::StorageRecord& s : p.storages)
    zip.add("archive/data/" + s.key, std::string_view(static_cast<const char*>(s.storage->data()),
                                                      static_cast<size_t>(s.storage->nbytes())));
  zip.add("archive/version", "3\n");
  return zip.finish();
}

}  // namespace

std::string serialize(const Value& value) { return serialize_value(value, false); }

namespace {
void save_bytes(const Value& value, bool detach, const std::filesystem::path& path) {
  std::string bytes;
  try {
    bytes = serialize_value(value, detach);
  } catch (const Error& e) {
    std::string_view what = e.what();
    if (what.substr(0, 10) == "pt::save: ") what.remove_prefix(10);
    throw Error("pt::save: " + path.string() + ": " + std::string(what));
  }
  io::write_file_atomic(path, bytes);
}
}  // namespace

void save(const Value& value, const std::filesystem::path& path) { save_bytes(value, false, path); }

Value to_value(const io::NamedTensors& tensors) {
  Value::DictItems items;
  items.reserve(tensors.size());
  for (const auto& [name, t] : tensors) items.emplace_back(Value(name), Value(t));
  return Value::dict(std::move(items), true);
}

void save_state_dict(const io::NamedTensors& state, const std::filesystem::path& path) {
  save_bytes(to_value(state), true, path);
}

}  // namespace ember::pt
