// PostgreSQL errors as the data layer's C++ types.
#pragma once

#include <libpq-fe.h>

#include <stdexcept>
#include <string_view>

namespace mizan::db::detail {

/// Throws what the failed `result` of `sql` means: db::constraint_error for
/// class 23, db::conflict_error for a deadlock or serialization failure,
/// mizan::error(errc::unavailable) for a cancelled statement, a server going
/// away or out of resources, std::runtime_error with the server's message
/// otherwise.
[[noreturn]] void throw_pg_error(const PGresult* result, std::string_view sql);

/// The server refused to run a cached prepared statement because the schema
/// under it changed its result's columns: prepare it again.
class pg_stale_statement : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Whether the failure in `result` ends the connection (the server is
/// shutting down or terminated this backend).
bool pg_error_ends_connection(const PGresult* result) noexcept;

}  // namespace mizan::db::detail
