#include "db/sqlite_error.hpp"

#include "db/backend.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "mizan/db/errors.hpp"
#include "mizan/error.hpp"

namespace mizan::db::detail {
namespace {

constraint constraint_kind(int extended) {
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
      return constraint::unique;
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return constraint::primary_key;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return constraint::foreign_key;
    case SQLITE_CONSTRAINT_NOTNULL:
      return constraint::not_null;
    case SQLITE_CONSTRAINT_CHECK:
      return constraint::check;
    default:
      return constraint::other;
  }
}

}  // namespace

void throw_sqlite_error(sqlite3* db, int rc, std::string_view sql) {
  const int primary = rc & 0xff;
  // Another writer held the lock for the whole busy timeout: the request may
  // succeed later, so it is a 503, not a 500.
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    throw_unavailable("The database is busy.");
  }
  // The connection's message describes its most recent failure, which is
  // this one only when the connection reports the same code.
  const char* reason =
      db != nullptr && sqlite3_extended_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message =
      sql.empty() ? std::string(reason) : fmt::format("{} in \"{}\"", reason, sql);
  if (primary == SQLITE_CONSTRAINT) throw constraint_error(constraint_kind(rc), message);
  throw std::runtime_error(message);
}

}  // namespace mizan::db::detail
