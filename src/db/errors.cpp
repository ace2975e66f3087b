#include "mizan/db/errors.hpp"

namespace mizan::db {

constraint_error::constraint_error(constraint kind, const std::string& message)
    : std::runtime_error(message), kind_(kind) {}

}  // namespace mizan::db
