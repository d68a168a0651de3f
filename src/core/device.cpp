// Device parsing and printing.
#include "ember/core/device.h"

#include "ember/core/error.h"

namespace ember {

Device::Device(const std::string& spec) : type_(DeviceType::CPU), index_(-1) {
  std::string kind = spec;
  auto colon = spec.find(':');
  if (colon != std::string::npos) {
    kind = spec.substr(0, colon);
    try {
      index_ = static_cast<int8_t>(std::stoi(spec.substr(colon + 1)));
    } catch (const std::exception&) {
      EMBER_ERROR("Device: invalid device string '", spec, "'");
    }
  }
  if (kind == "cpu")
    type_ = DeviceType::CPU;
  else if (kind == "cuda")
    type_ = DeviceType::CUDA;
  else
    EMBER_ERROR("Device: expected 'cpu' or 'cuda[:index]' but got '", spec, "'");
}

std::string Device::str() const {
  std::string s = type_ == DeviceType::CPU ? "cpu" : "cuda";
  if (index_ >= 0) s += ":" + std::to_string(index_);
  return s;
}

std::ostream& operator<<(std::ostream& os, const Device& d) { return os << d.str(); }

}  // namespace ember
