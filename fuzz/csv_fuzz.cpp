// libFuzzer target for the CSV loader: any bytes, read with options picked by the first byte
// (header, delimiter, feature and target dtypes, label column), either load or throw ember::Error
// (anything else — a crash, a sanitizer report, another exception — is a bug). What loads must
// be consistent: N rows of F features and N targets, integer targets within their dtype.
// Built and run by scripts/run-fuzz.sh.
#include <cstdint>
#include <optional>
#include <string>

#include "ember/core/error.h"
#include "ember/data/datasets/csv.h"
#include "ember/ops.h"
#include "fuzz_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using ember::ScalarType;
  const uint8_t knobs = data[0];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string path = ember_fuzz::scratch_dir() + "/t.csv";
  ember_fuzz::write_file(path, text);

  static const std::optional<ScalarType> kTargets[] = {std::nullopt,   ember::kLong, ember::kInt,
                                                       ember::kByte,   ember::kBool, ember::kFloat,
                                                       ember::kDouble, std::nullopt};
  static const ScalarType kFeatures[] = {ember::kFloat, ember::kDouble, ember::kInt, ember::kByte};
  ember::data::datasets::CSVOptions o;
  o.header(knobs & 1);
  o.delimiter((knobs & 2) ? ';' : ',');
  if (auto t = kTargets[(knobs >> 2) & 7]) o.target_dtype(*t);
  o.dtype(kFeatures[(knobs >> 5) & 3]);
  if (knobs & 0x80) o.label(int64_t{0});
  try {
    ember::data::datasets::CSV csv(path, o);
    const ember::Tensor& x = csv.features();
    const ember::Tensor& y = csv.targets();
    if (x.dim() != 2 || y.dim() != 1 || x.size(0) != y.size(0) || x.size(0) < 1) __builtin_trap();
    if (x.scalar_type() != o.dtype()) __builtin_trap();
    if (o.target_dtype() && y.scalar_type() != *o.target_dtype()) __builtin_trap();
  } catch (const ember::Error&) {
    // rejected cleanly
  }
  return 0;
}
