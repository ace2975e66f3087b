#include "db/pg_error.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "db/backend.hpp"
#include "mizan/db/errors.hpp"

namespace mizan::db::detail {
namespace {

std::string_view field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value != nullptr ? std::string_view(value) : std::string_view();
}

constraint constraint_kind(std::string_view state, std::string_view name) {
  if (state == "23505")
    return name.ends_with("_pkey") ? constraint::primary_key : constraint::unique;
  if (state == "23503") return constraint::foreign_key;
  if (state == "23502") return constraint::not_null;
  if (state == "23514") return constraint::check;
  return constraint::other;
}

}  // namespace

bool pg_error_ends_connection(const PGresult* result) noexcept {
  const std::string_view state = field(result, PG_DIAG_SQLSTATE);
  // 57P01 admin_shutdown (also pg_terminate_backend), 57P02 crash_shutdown,
  // 57P03 cannot_connect_now; class 08 connection_exception.
  return state.starts_with("57P") || state.starts_with("08");
}

void throw_pg_error(const PGresult* result, std::string_view sql) {
  const std::string_view state = field(result, PG_DIAG_SQLSTATE);
  std::string_view reason = field(result, PG_DIAG_MESSAGE_PRIMARY);
  if (reason.empty()) reason = PQresultErrorMessage(result);
  const std::string message =
      sql.empty() ? std::string(reason) : fmt::format("{} in \"{}\"", reason, sql);
  if (state.starts_with("23")) {
    throw constraint_error(constraint_kind(state, field(result, PG_DIAG_CONSTRAINT_NAME)), message);
  }
  if (state == "0A000" && reason.starts_with("cached plan must not change result type")) {
    throw pg_stale_statement(message);
  }
  if (state == "40001" || state == "40P01") {
    throw conflict_error("The change conflicted with another one; try again.");
  }
  // A statement past statement_timeout or lock_timeout, or cancelled.
  if (state == "57014" || state == "55P03")
    throw_unavailable("The database took too long to answer.");
  if (pg_error_ends_connection(result)) throw_unavailable("The database connection was lost.");
  // 53xxx: out of connections, memory or disk.
  if (state.starts_with("53")) throw_unavailable("The database is overloaded.");
  throw std::runtime_error(message);
}

}  // namespace mizan::db::detail
