// TensorBoardWriter: scalar summaries in TensorBoard's event-file format, written without
// TensorFlow or protobuf (the few protobuf fields needed are encoded by hand).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/io/atomic_file.h"

namespace ember::train {

/// (tag, value) pairs logged at one step, in order: `{{"train/loss", 0.31}, {"lr", 0.1}}`.
using ScalarList = std::vector<std::pair<std::string, double>>;

/// Seconds since the Unix epoch, with sub-second resolution (TensorBoard's `wall_time`).
double unix_time_now();

/// Writes `events.out.tfevents.<unix-ts>.<hostname>` in a directory, readable by TensorBoard
/// (`tensorboard --logdir DIR`). The file is a sequence of TFRecords: uint64 length, masked
/// CRC32C of the length, the serialized `tensorflow.Event`, masked CRC32C of the data. The first
/// record carries `file_version = "brain.Event:2"`; each add_scalar(s) call appends one Event
/// whose Summary holds the values as `simple_value` (float32, as TensorBoard stores them).
/// Records are handed to the kernel as they are written (io::AppendFile).
class TensorBoardWriter {
 public:
  /// Creates the directory if needed and a new event file in it (a `.1`, `.2`, ... suffix is added
  /// if a file of the same name exists: TensorBoard reads every event file of a directory).
  explicit TensorBoardWriter(const std::filesystem::path& dir);

  /// One Event with one value. `wall_time` defaults to now.
  void add_scalar(std::string_view tag, int64_t step, double value,
                  std::optional<double> wall_time = std::nullopt);
  /// One Event with all `values` at `step`. Tags must be non-empty.
  void add_scalars(int64_t step, const ScalarList& values,
                   std::optional<double> wall_time = std::nullopt);
  /// fsync of the event file.
  void sync() { file_.sync(); }
  void close() { file_.close(); }

  const std::filesystem::path& path() const { return file_.path(); }

 private:
  void write_record(std::string_view data);
  io::AppendFile file_;
};

namespace tfevents {
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of `data`, continuing from `crc`.
uint32_t crc32c(std::string_view data, uint32_t crc = 0);
/// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xa282ead8.
uint32_t masked_crc32c(std::string_view data);
/// The TFRecord framing of one serialized record.
std::string frame_record(std::string_view data);
/// Serialized `tensorflow.Event{wall_time, file_version}`.
std::string encode_file_version_event(double wall_time, std::string_view file_version);
/// Serialized `tensorflow.Event{wall_time, step, summary{value{tag, simple_value}...}}`.
std::string encode_scalars_event(double wall_time, int64_t step, const ScalarList& values);
}  // namespace tfevents

}  // namespace ember::train
