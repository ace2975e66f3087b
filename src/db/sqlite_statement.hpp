// A cached SQLite prepared statement behind detail::statement.
#pragma once

#include <sqlite3.h>

#include <string>

#include "db/sqlite_writer.hpp"
#include "mizan/db/statement.hpp"

namespace mizan::db::detail {

/// Not final: sqlite_observed_statement adds the development mode's table
/// observation on top, so that plain statements carry no trace of it.
class sqlite_statement : public statement {
 public:
  /// Takes ownership of `stmt`, prepared on `db` from `sql`.
  sqlite_statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql,
                   writer_lock* writer = nullptr) noexcept;
  ~sqlite_statement() override;
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;

  std::string_view sql() const noexcept override { return sql_; }
  int parameter_count() const noexcept override;
  void bind_null(int index) override;
  void bind_integer(int index, std::int64_t value) override;
  void bind_real(int index, double value) override;
  void bind_text(int index, std::string_view value) override;
  bool step() override;
  std::int64_t execute() override;
  int column_count() const noexcept override;
  std::string_view column_name(int column) const noexcept override;
  value_kind column_kind(int column) const noexcept override;
  std::int64_t column_integer(int column) const noexcept override;
  double column_real(int column) const noexcept override;
  std::string_view column_text(int column) const noexcept override;
  void reset() noexcept override;

  /// Whether it has been stepped and not yet reset.
  bool busy() const noexcept { return sqlite3_stmt_busy(stmt_) != 0; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  writer_lock* writer_;  // null: no in-process writer queue
};

}  // namespace mizan::db::detail
