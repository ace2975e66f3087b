// Turns SQLite result codes into the exceptions the public API promises.
#pragma once

#include <sqlite3.h>

#include <string_view>

namespace mizan::db::detail {

/// Throws for a failed SQLite call: mizan::error(errc::unavailable) for
/// SQLITE_BUSY and SQLITE_LOCKED, db::constraint_error for SQLITE_CONSTRAINT,
/// std::runtime_error with SQLite's message (and `sql`, when given) otherwise.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc, std::string_view sql);

/// Throws as throw_sqlite_error unless `rc` is SQLITE_OK.
inline void check_sqlite(sqlite3* db, int rc, std::string_view sql) {
  if (rc != SQLITE_OK) throw_sqlite_error(db, rc, sql);
}

}  // namespace mizan::db::detail
