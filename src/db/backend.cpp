// The one place that picks an engine for a parsed URL.
#include "db/backend.hpp"

#include "mizan/error.hpp"

namespace mizan::db::detail {

std::unique_ptr<connection_backend> open_backend(const database_config& config, bool at_start) {
  if (config.postgresql()) return open_postgresql(config, at_start);
  return open_sqlite(config);
}

void throw_unavailable(std::string message) {
  throw mizan::error(errc::unavailable, std::move(message)).with_header("Retry-After", "1");
}

}  // namespace mizan::db::detail
