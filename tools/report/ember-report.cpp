// ember-report RUN_DIR [-o OUT.html]: renders the HTML report (and curves.svg) of a run directory
// written by ember::train::RunLogger. A thin command line over the ember_report library.
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>

#include "ember/train/report.h"

namespace {

void usage(std::FILE* to) {
  std::fprintf(
      to,
      "usage: ember-report RUN_DIR [-o OUT.html]\n"
      "Writes a self-contained HTML report of a training run (default RUN_DIR/report.html)\n"
      "and curves.svg beside it, and prints the report's path.\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path run_dir, output;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      usage(stdout);
      return 0;
    } else if (arg == "-o" || arg == "--output") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ember-report: %s needs a file name\n", arg.c_str());
        return 2;
      }
      output = argv[++i];
    } else if (arg.rfind("--output=", 0) == 0) {
      output = arg.substr(std::strlen("--output="));
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "ember-report: unknown option %s\n", arg.c_str());
      usage(stderr);
      return 2;
    } else if (run_dir.empty()) {
      run_dir = arg;
    } else {
      std::fprintf(stderr, "ember-report: more than one run directory given\n");
      return 2;
    }
  }
  if (run_dir.empty()) {
    usage(stderr);
    return 2;
  }
  try {
    std::printf("%s\n", ember::train::render_report(run_dir, output).string().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ember-report: %s\n", e.what());
    return 1;
  }
  return 0;
}
