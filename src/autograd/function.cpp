// AutogradContext accessors for custom Functions.
#include "ember/autograd/function.h"

#include <cxxabi.h>

#include <cstdlib>

#include "autograd/apply.h"

namespace ember::autograd {

variable_list AutogradContext::get_saved_variables() const {
  if (released_) throw_freed_graph("AutogradContext::get_saved_variables");
  if (!to_save_.empty()) return to_save_;  // called inside forward
  variable_list out;
  out.reserve(saved_.size());
  for (const SavedTensor& s : saved_) out.push_back(s.unpack());
  return out;
}

bool AutogradContext::needs_input_grad(size_t i) const {
  auto node = node_.lock();
  return node && node->should_compute_output(i);
}

std::string detail::demangle(const char* name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string s = status == 0 && d ? d : name;
  std::free(d);
  return s;
}

}  // namespace ember::autograd
