// Crash-safe file writes: whole-file replacement (write_file_atomic), append-only logs
// (AppendFile) and durable directory entries (sync_directory). All report failures as
// ember::Error naming the path and the errno text.
#pragma once

#include <filesystem>
#include <string_view>

namespace ember::io {

/// Replaces the file at `path` with `bytes` so that readers (and a crash at any instant) see
/// either the complete old file or the complete new one, never a mix: the bytes go to a temporary
/// file in the same directory, which is fsync'ed, renamed over `path`, and the directory is
/// fsync'ed so the rename itself is durable. On failure the temporary file is removed, the
/// previous file is left untouched, and ember::Error is thrown, e.g.
/// "write_file_atomic: cannot create temporary file for runs/a/config.json: No such file or
/// directory". The new file gets mode 0644 (less the umask).
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

/// Makes the entries of directory `dir` durable: the files created, renamed or removed in it
/// survive a crash of the machine (fsync(2) of the directory, as write_file_atomic does after its
/// rename). Use it after renaming a directory or a symlink into place. File systems that refuse
/// fsync on directories (EINVAL) are accepted. Throws ember::Error, e.g. "sync_directory: cannot
/// open directory runs/a/checkpoints: No such file or directory".
void sync_directory(const std::filesystem::path& dir);

/// Removes the temporary files write_file_atomic leaves behind when its process is killed
/// mid-write: regular files of `dir` (not its subdirectories) named ".<name>.tmp.XXXXXX" (X: the
/// six letters or digits mkstemp picks). Nothing else is touched, so a user's files are safe;
/// call it only on directories no other process is writing to at the time (a run directory on
/// start). Returns how many files were removed; errors are ignored (best effort).
int remove_stale_temporaries(const std::filesystem::path& dir);

/// An append-only file (logs, event files). Opened with O_APPEND, created if missing, never
/// truncated. Each append() is handed to the kernel with a single write(2) before it returns (no
/// user-space buffer), so a record survives a crash of the process; call sync() to also survive
/// a crash of the machine.
class AppendFile {
 public:
  AppendFile() = default;
  /// Opens (creating if needed) `path` for appending. Throws ember::Error on failure.
  explicit AppendFile(const std::filesystem::path& path);
  ~AppendFile();
  AppendFile(AppendFile&& other) noexcept;
  AppendFile& operator=(AppendFile&& other) noexcept;
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  /// Appends `record` (all of it: short writes and EINTR are retried). Throws ember::Error.
  void append(std::string_view record);
  /// fsync(2): the appended records reach the disk.
  void sync();
  /// Closes the file (also done by the destructor, which never throws).
  void close();

  bool is_open() const { return fd_ >= 0; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace ember::io
