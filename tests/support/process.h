// Test helper for running a shell command (Python fixtures and cross-checks) and reading its
// output.
#pragma once

#include <stdio.h>
#include <sys/wait.h>

#include <string>
#include <utility>

namespace ember::testing {

/// Runs `cmd` with sh; returns its exit status (-1 if it did not exit normally) and what it
/// printed on stdout, and on stderr too when `with_stderr`.
inline std::pair<int, std::string> run_command(const std::string& cmd, bool with_stderr = true) {
  std::string out;
  FILE* p = ::popen((with_stderr ? cmd + " 2>&1" : cmd).c_str(), "r");
  if (!p) return {-1, "popen failed"};
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace ember::testing
