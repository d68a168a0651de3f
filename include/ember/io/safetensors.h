// safetensors files (https://huggingface.co/docs/safetensors): a validating, memory-safe reader
// and a writer whose output is byte-identical to the reference `safetensors` library's.
//
// The format, as read and written here:
//
//   bytes [0, 8)        N, the header length: unsigned 64-bit little-endian
//   bytes [8, 8 + N)    the header: UTF-8 JSON, one object
//                         {"__metadata__": {"key": "value", ...},            (optional)
//                          "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]},
//                          ...}
//                       padded with spaces (0x20) so that 8 + N is a multiple of 8
//   bytes [8 + N, EOF)  the data buffer: each tensor's elements, row-major (C order),
//                       little-endian, at [begin, end) relative to the buffer's start
//
// dtypes ember reads and writes: F64 F32 I64 I32 U8 BOOL (kDouble kFloat kLong kInt kByte kBool).
// The other names of the format (F16 BF16 I8 I16 U16 U32 U64 F8_*) are recognised and rejected
// with "not supported by ember"; anything else is an unknown dtype.
//
// Writer (the reference's `prepare()` in safetensors/src/tensor.rs, reproduced exactly):
//  - tensors are laid out by DEScending dtype rank in the reference's Dtype enum, then by name
//    (byte-wise): I64, F64, F32, I32, U8, BOOL. (The enum lists dtypes by alignment; F64 sorts
//    before I64 in it, hence this order.) Wider types come first, so every tensor's data is
//    aligned to its element size.
//  - the header is compact JSON (no spaces), "__metadata__" first and omitted when empty, then
//    the tensors in layout order, each as {"dtype":..,"shape":[..],"data_offsets":[b,e]};
//    strings are escaped as serde_json does (\" \\ \b \f \n \r \t, other control characters
//    as \u00xx, everything else verbatim UTF-8).
//  - metadata keys are written sorted. The reference keeps metadata in a hash map, so its order
//    is unspecified for two or more keys: files are byte-identical to the reference's whenever
//    the metadata has at most one key.
//
// Reader: checks everything the reference checks, and more, before it allocates a tensor:
//  file shorter than 8 bytes; N above 100,000,000 (the reference's limit) or past the end of
//  the file; header not valid UTF-8/JSON, not an object, nesting deeper than 64, duplicate keys;
//  "__metadata__" not a string-to-string object; a tensor entry that is not an object, lacks a
//  field or has one of the wrong type; unknown or unsupported dtype; shape dims that are not
//  non-negative integers, or whose element count overflows; data_offsets not two integers with
//  begin <= end <= buffer size; end - begin != numel * element size; tensors that overlap, leave
//  a gap, or do not end exactly at the end of the file. Every failure is an ember::Error naming
//  the operation, the file and the problem, e.g.
//    "read_safetensors: model.safetensors: tensor 'fc.weight' has shape [2, 3] and dtype F32
//     (24 bytes) but its data_offsets [0, 20] span 20 bytes".
//  Unknown fields inside a tensor entry are ignored, as the reference does. BOOL bytes other than
//  0 and 1 read as true (as numpy and PyTorch do), so every ember bool holds 0 or 1.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/core/scalar_type.h"
#include "ember/tensor/tensor.h"

namespace ember::io {

/// Tensors with names, in a chosen order (a module's named_parameters(), a file's contents).
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

/// The contents of a safetensors file.
struct SafetensorsFile {
  NamedTensors tensors;                         ///< in file order (ascending data_offsets)
  std::map<std::string, std::string> metadata;  ///< "__metadata__"; empty when absent
};

/// One header entry, as validated by the reader (no data read).
struct SafetensorsEntry {
  std::string name;
  ScalarType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  ///< data_offsets, relative to the data buffer
};

/// A validated header: entries in file order, metadata, and where the data buffer starts.
struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;
  std::map<std::string, std::string> metadata;
  uint64_t data_start = 0;  ///< 8 + N
  uint64_t data_size = 0;   ///< bytes in the data buffer
};

/// The largest header the reader accepts (the reference library's limit).
constexpr uint64_t kSafetensorsMaxHeaderSize = 100'000'000;

/// The format's dtype name ("F32") of an ember dtype.
const char* safetensors_dtype_name(ScalarType t);
/// The ember dtype of a format dtype name; nullopt for names ember does not read.
std::optional<ScalarType> scalar_type_from_safetensors(std::string_view name);

/// The bytes of a safetensors file holding `tensors` (saved contiguous; any strides and
/// requires_grad are fine) and `metadata`. Throws ember::Error on undefined tensors, duplicate
/// names, the reserved name "__metadata__", or names/metadata that are not valid UTF-8.
std::string serialize_safetensors(const NamedTensors& tensors,
                                  const std::map<std::string, std::string>& metadata = {});

/// Writes `tensors` and `metadata` to `path` atomically (io::write_file_atomic): after a crash or
/// a failure the file holds either its previous contents or the complete new ones.
void write_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata = {});

/// Reads and validates the file at `path`; tensors are freshly allocated, in file order.
SafetensorsFile read_safetensors(const std::filesystem::path& path);

/// Reads and validates only the header of the file at `path` (the data is not read; its size
/// is checked against the header).
SafetensorsHeader read_safetensors_header(const std::filesystem::path& path);

/// Parses a whole safetensors file held in memory. `source` names it in error messages.
/// Never reads outside `bytes`; every malformed input gives ember::Error.
SafetensorsFile parse_safetensors(std::string_view bytes, std::string_view source = "<memory>");

}  // namespace ember::io
