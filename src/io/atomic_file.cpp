// write_file_atomic (temp file + fsync + rename + directory fsync), the clean-up of its
// temporaries after a kill, sync_directory and AppendFile.
#include "ember/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>

#include "ember/core/error.h"

namespace ember::io {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

// Writes all of `bytes` to `fd`, retrying short writes and EINTR. Returns 0 or an errno value.
int write_all(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return 0;
}

// The directory whose entry `path` names ("." for a bare file name).
std::filesystem::path parent_dir(const std::filesystem::path& path) {
  std::filesystem::path dir = path.parent_path();
  return dir.empty() ? std::filesystem::path(".") : dir;
}

// The process umask, read without changing it (umask(2) can only be read by setting it, which
// would race with other threads creating files).
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "Umask:") {
      std::string octal;
      status >> octal;
      return static_cast<mode_t>(std::stoul(octal, nullptr, 8));
    }
    status.ignore(4096, '\n');
  }
  return 022;
}

mode_t mode_for(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return st.st_mode & 07777;
  return 0666 & ~current_umask();
}

// fsync(2) of the directory `dir`: nullptr on success, else the step that failed ("open" or
// "fsync") with its errno in `err`. Some file systems refuse fsync on directories (EINVAL); the
// data itself is safe there, so that counts as success.
const char* fsync_directory(const std::filesystem::path& dir, int& err) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    err = errno;
    return "open";
  }
  const int rc = ::fsync(fd);
  err = errno;
  ::close(fd);
  return rc == 0 || err == EINVAL ? nullptr : "fsync";
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  EMBER_CHECK(!path.filename().empty(), "write_file_atomic: '", path.string(),
              "' does not name a file");
  const std::filesystem::path dir = parent_dir(path);
  // mkstemp needs a writable template; the leading dot keeps the temp file out of globs.
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    EMBER_ERROR("write_file_atomic: cannot create temporary file for ", path.string(), ": ",
                errno_text(err));
  }
  // mkstemp creates 0600: give the file the mode of the file it replaces, or that of a new file.
  ::fchmod(fd, mode_for(path));

  auto fail = [&](const char* what, int err) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    EMBER_ERROR("write_file_atomic: ", what, " ", path.string(), ": ", errno_text(err));
  };
  if (int err = write_all(fd, bytes)) fail("cannot write", err);
  if (::fsync(fd) != 0) fail("cannot fsync", errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    EMBER_ERROR("write_file_atomic: cannot close ", path.string(), ": ", errno_text(err));
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    EMBER_ERROR("write_file_atomic: cannot rename temporary file to ", path.string(), ": ",
                errno_text(err));
  }
  // Make the rename durable. The new contents are already in place, so a failure here is
  // reported but nothing is rolled back.
  int err = 0;
  if (const char* failed = fsync_directory(dir, err))
    EMBER_ERROR("write_file_atomic: cannot ", failed, " directory of ", path.string(), ": ",
                errno_text(err));
}

namespace {
bool is_atomic_write_temporary(const std::string& name) {
  // ".<name>.tmp.XXXXXX", <name> not empty.
  constexpr std::string_view kMid = ".tmp.";
  if (name.size() < 1 + 1 + kMid.size() + 6 || name[0] != '.') return false;
  const size_t mid = name.size() - 6 - kMid.size();
  if (name.compare(mid, kMid.size(), kMid) != 0) return false;
  for (size_t i = name.size() - 6; i < name.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(name[i]))) return false;
  return true;
}
}  // namespace

int remove_stale_temporaries(const std::filesystem::path& dir) {
  int removed = 0;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code ec2;
    if (!is_atomic_write_temporary(name) || !it->is_regular_file(ec2) || it->is_symlink(ec2))
      continue;
    if (std::filesystem::remove(it->path(), ec2)) ++removed;
  }
  return removed;
}

void sync_directory(const std::filesystem::path& dir) {
  int err = 0;
  if (const char* failed = fsync_directory(dir, err))
    EMBER_ERROR("sync_directory: cannot ", failed, " directory ", dir.string(), ": ",
                errno_text(err));
}

AppendFile::AppendFile(const std::filesystem::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    int err = errno;
    EMBER_ERROR("AppendFile: cannot open ", path.string(), " for appending: ", errno_text(err));
  }
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

AppendFile::AppendFile(AppendFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

AppendFile& AppendFile::operator=(AppendFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void AppendFile::append(std::string_view record) {
  EMBER_CHECK(fd_ >= 0, "AppendFile: append to a closed file (", path_.string(), ")");
  // One write(2) for the whole record in the common case: with O_APPEND the kernel places it at
  // the end of the file atomically with respect to other appenders.
  if (int err = write_all(fd_, record)) {
    EMBER_ERROR("AppendFile: cannot append to ", path_.string(), ": ", errno_text(err));
  }
}

void AppendFile::sync() {
  EMBER_CHECK(fd_ >= 0, "AppendFile: sync of a closed file (", path_.string(), ")");
  if (::fsync(fd_) != 0) {
    int err = errno;
    EMBER_ERROR("AppendFile: cannot fsync ", path_.string(), ": ", errno_text(err));
  }
}

void AppendFile::close() {
  if (fd_ < 0) return;
  int rc = ::close(std::exchange(fd_, -1));
  int err = errno;
  EMBER_CHECK(rc == 0, "AppendFile: cannot close ", path_.string(), ": ", errno_text(err));
}

}  // namespace ember::io
