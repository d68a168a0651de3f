// A program outside the repo, built against an installed ember.
#include <ember/ember.h>

#include <iostream>

int main() {
  ember::Tensor t = ember::tensor({{1.f, 2.f}, {3.f, 4.f}});
  std::cout << "consumer ok: 2x2 sum " << t.sum().item<float>() << "\n";
}
