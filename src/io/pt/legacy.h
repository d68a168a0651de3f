// The legacy stream torch.save wrote before PyTorch 1.6 (and still writes with
// _use_new_zipfile_serialization=False): five pickles in a row (magic number, protocol version
// 1001, system info, the object, the list of storage keys), then each storage as an int64 element
// count and its bytes, in the order of that list.
#pragma once

#include <string>
#include <string_view>

#include "ember/io/pt.h"

namespace ember::pt::legacy {

/// Whether `bytes` start with the legacy stream's magic-number pickle.
bool is_legacy(std::string_view bytes);

/// Reads a legacy stream: the same restricted unpickler, storages sized against the file before
/// they are allocated, every record checked. `where` prefixes errors ("pt::load: old.pt").
Value parse(std::string_view bytes, const std::string& where);

}  // namespace ember::pt::legacy
