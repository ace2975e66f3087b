#include "params/bad_param.hpp"

#include "mizan/error.hpp"

#include <string>

namespace mizan::params::detail {

void raise_bad_param(std::string_view name, std::string_view problem) {
  constexpr std::size_t max_name = 64;
  std::string message = "Param \"";
  if (name.size() > max_name) {
    std::size_t cut = max_name;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    message.append(name.substr(0, cut)).append("...");
  } else {
    message.append(name);
  }
  message.append("\" ").append(problem);
  throw error(errc::bad_request, std::move(message));
}

}  // namespace mizan::params::detail
