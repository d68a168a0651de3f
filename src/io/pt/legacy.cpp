// The legacy (pre-1.6) torch.save stream: its five pickles through the restricted unpickler, then
// the storages' element counts and bytes, each checked against the pickle and the file.
#include "io/pt/legacy.h"

#include <cstring>
#include <map>

#include "ember/core/error.h"
#include "io/pt/pickle.h"

namespace ember::pt::legacy {

namespace {

// pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2): torch's MAGIC_NUMBER.
constexpr std::string_view kMagic("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19\x2e",
                                  15);
constexpr int64_t kProtocol = 1001;

uint64_t le64(std::string_view b, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

}  // namespace

bool is_legacy(std::string_view bytes) { return bytes.substr(0, kMagic.size()) == kMagic; }

Value parse(std::string_view bytes, const std::string& where) {
  size_t pos = kMagic.size();
  auto next = [&](const pickle::StorageLoader& loader) {
    size_t end = 0;
    Value v = pickle::unpickle(bytes.substr(pos), loader, where, pickle::Format::Legacy, &end);
    pos += end;
    return v;
  };
  const pickle::StorageLoader none = [&](const std::string& key, ScalarType,
                                         uint64_t) -> intrusive_ptr<StorageImpl> {
    EMBER_ERROR(where, ": storage '", key, "' outside the object's pickle");
  };
  const Value protocol = next(none);
  EMBER_CHECK(protocol.is_int() && protocol.to_int() == kProtocol, where,
              ": legacy protocol version is not ", kProtocol);
  const Value sys = next(none);
  EMBER_CHECK(sys.is_dict(), where, ": the system-info pickle is a ", sys.type_name(),
              ", not a dict");
  if (const Value* little = sys.find("little_endian"))
    EMBER_CHECK(little->is_bool() && little->to_bool(), where,
                ": a big-endian legacy file is not supported");

  struct Pending {
    intrusive_ptr<StorageImpl> storage;
    int64_t element_size;
    bool filled = false;
  };
  std::map<std::string, Pending> storages;
  uint64_t total = 0;
  const pickle::StorageLoader allocate = [&](const std::string& key, ScalarType dtype,
                                             uint64_t nbytes) {
    // The bytes follow the pickles, so all storages together must fit in the file.
    EMBER_CHECK(nbytes <= bytes.size() - total, where, ": storage '", key, "' of ", nbytes,
                " bytes cannot fit in the file of ", bytes.size(), " bytes");
    total += nbytes;
    auto s = intrusive_ptr<StorageImpl>::make(static_cast<int64_t>(nbytes));
    storages[key] = {s, element_size(dtype)};
    return s;
  };
  Value object = next(allocate);
  const Value keys = next(none);
  EMBER_CHECK(keys.is_list(), where, ": the storage-key pickle is a ", keys.type_name(),
              ", not a list");
  for (const Value& k : keys.items()) {
    EMBER_CHECK(k.is_string(), where, ": the storage-key list holds a ", k.type_name());
    const std::string& key = k.to_string();
    auto it = storages.find(key);
    EMBER_CHECK(it != storages.end(), where, ": the storage-key list names '", key,
                "', which the object does not use");
    Pending& s = it->second;
    EMBER_CHECK(!s.filled, where, ": storage '", key, "' is listed twice");
    EMBER_CHECK(bytes.size() - pos >= 8, where, ": truncated before the size of storage '", key,
                "'");
    const uint64_t numel = le64(bytes, pos);
    pos += 8;
    const uint64_t nbytes = static_cast<uint64_t>(s.storage->nbytes());
    EMBER_CHECK(numel == nbytes / s.element_size, where, ": storage '", key, "' has ", numel,
                " elements in the file but ", nbytes / s.element_size, " in the pickle");
    EMBER_CHECK(bytes.size() - pos >= nbytes, where, ": truncated: storage '", key, "' needs ",
                nbytes, " bytes, ", bytes.size() - pos, " remain");
    if (nbytes) std::memcpy(s.storage->data(), bytes.data() + pos, nbytes);
    pos += nbytes;
    s.filled = true;
  }
  for (const auto& [key, s] : storages)
    EMBER_CHECK(s.filled, where, ": storage '", key, "' has no data in the file");
  return object;
}

}  // namespace ember::pt::legacy
