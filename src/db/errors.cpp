#include "mizan/db/errors.hpp"

namespace mizan::db {

constraint_error::constraint_error(constraint kind, const std::string& message)
    : std::runtime_error(message), kind_(kind) {}

conflict_error::conflict_error(const std::string& message)
    : mizan::error(errc::unavailable, message) {
  with_header("Retry-After", "1");
}

}  // namespace mizan::db
