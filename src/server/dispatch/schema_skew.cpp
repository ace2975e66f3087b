#include "server/dispatch/schema_skew.hpp"

namespace mizan::server {

bool stale_schema(std::string_view sent, std::string_view served) noexcept {
  return !sent.empty() && sent != served;
}

std::string_view schema_of_handshake(std::string_view query) noexcept {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (pair.starts_with("s=")) return pair.substr(2);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

error schema_mismatch() {
  return error(409, "schema_mismatch",
               "The application was updated: reload the page and try again.");
}

}  // namespace mizan::server
