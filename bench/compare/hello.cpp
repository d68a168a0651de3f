// Workload 7: the smallest program. Builds a 2×2 tensor and prints it. bench/compare.sh measures
// its wall time, peak RSS, the size of what it loads and the time to compile this file.
// With --maps it also lists the shared objects mapped into the process (what it really loads).
#include <torch/torch.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

int main(int argc, char** argv) {
  torch::Tensor t = torch::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}});
  std::cout << t << std::endl;
  if (argc > 1 && std::strcmp(argv[1], "--maps") == 0) {
    std::ifstream maps("/proc/self/maps");
    std::set<std::string> files;
    for (std::string line; std::getline(maps, line);) {
      const auto slash = line.find('/');
      if (slash != std::string::npos) files.insert(line.substr(slash));
    }
    for (const auto& f : files) std::cout << "MAPPED " << f << "\n";
  }
  return 0;
}
