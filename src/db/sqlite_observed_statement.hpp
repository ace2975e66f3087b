// A SQLite statement that reports its tables to the thread's observation
// (db/table_observer.hpp): what connections opened with
// database_options::observe_tables prepare. Other connections prepare plain
// sqlite_statements, so production pays nothing for the check.
#pragma once

#include <sqlite3.h>

#include "db/sqlite_statement.hpp"
#include "db/table_observer.hpp"

namespace mizan::db::detail {

/// SQLite's authorizer callback (sqlite3_set_authorizer): adds each table
/// that the statement being prepared reads (SQLITE_READ) or writes
/// (SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE) to the statement_tables
/// that `tables` points at, leaving out internal_table()s. Allows everything.
int record_table_access(void* tables, int action, const char* first, const char* second,
                        const char* database, const char* trigger) noexcept;

class sqlite_observed_statement final : public sqlite_statement {
 public:
  /// As sqlite_statement's; `tables` are what the authorizer recorded.
  sqlite_observed_statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql, writer_lock* writer,
                            statement_tables tables) noexcept;

  /// Each execution, from its first step, notes the tables.
  bool step() override;
  std::int64_t execute() override;

 private:
  statement_tables tables_;
};

}  // namespace mizan::db::detail
