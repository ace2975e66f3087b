#include "db/sqlite_statement.hpp"

#include <utility>

#include "db/sqlite_error.hpp"

namespace mizan::db::detail {

sqlite_statement::sqlite_statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql,
                                   writer_lock* writer) noexcept
    : db_(db), stmt_(stmt), sql_(std::move(sql)), writer_(writer) {}

sqlite_statement::~sqlite_statement() {
  sqlite3_finalize(stmt_);
}

int sqlite_statement::parameter_count() const noexcept {
  return sqlite3_bind_parameter_count(stmt_);
}

// SQLite numbers parameters from 1.
void sqlite_statement::bind_null(int index) {
  check_sqlite(db_, sqlite3_bind_null(stmt_, index + 1), sql_);
}

void sqlite_statement::bind_integer(int index, std::int64_t value) {
  check_sqlite(db_, sqlite3_bind_int64(stmt_, index + 1, value), sql_);
}

void sqlite_statement::bind_real(int index, double value) {
  check_sqlite(db_, sqlite3_bind_double(stmt_, index + 1, value), sql_);
}

void sqlite_statement::bind_text(int index, std::string_view value) {
  // SQLITE_STATIC: the caller's string outlives the call, and the statement
  // is reset before returning, so no copy is needed. A null data pointer
  // would bind NULL instead of the empty string.
  const char* data = value.data() != nullptr ? value.data() : "";
  check_sqlite(
      db_, sqlite3_bind_text64(stmt_, index + 1, data, value.size(), SQLITE_STATIC, SQLITE_UTF8),
      sql_);
}

bool sqlite_statement::step() {
  int rc = 0;
  // A write outside a transaction queues on the writer lock for its step
  // (inside transaction() the connection already holds it).
  if (writer_ && !writer_->held() && sqlite3_get_autocommit(db_) && !sqlite3_stmt_readonly(stmt_)) {
    writer_->acquire();
    rc = sqlite3_step(stmt_);
    writer_->release();
  } else {
    rc = sqlite3_step(stmt_);
  }
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite_error(db_, rc, sql_);
}

std::int64_t sqlite_statement::execute() {
  // sqlite3_changes64 keeps the count of the last INSERT, UPDATE or DELETE,
  // so a CREATE TABLE after an UPDATE would report the UPDATE's rows.
  const sqlite3_int64 before = sqlite3_total_changes64(db_);
  // Not virtual: an observed statement notes its tables once, in its execute.
  while (sqlite_statement::step()) {
  }
  return sqlite3_total_changes64(db_) != before ? sqlite3_changes64(db_) : 0;
}

int sqlite_statement::column_count() const noexcept {
  return sqlite3_column_count(stmt_);
}

std::string_view sqlite_statement::column_name(int column) const noexcept {
  const char* name = sqlite3_column_name(stmt_, column);
  return name != nullptr ? std::string_view(name) : std::string_view();
}

value_kind sqlite_statement::column_kind(int column) const noexcept {
  switch (sqlite3_column_type(stmt_, column)) {
    case SQLITE_INTEGER:
      return value_kind::integer;
    case SQLITE_FLOAT:
      return value_kind::real;
    case SQLITE_TEXT:
      return value_kind::text;
    case SQLITE_BLOB:
      return value_kind::blob;
    default:
      return value_kind::null;
  }
}

std::int64_t sqlite_statement::column_integer(int column) const noexcept {
  return sqlite3_column_int64(stmt_, column);
}

double sqlite_statement::column_real(int column) const noexcept {
  return sqlite3_column_double(stmt_, column);
}

std::string_view sqlite_statement::column_text(int column) const noexcept {
  // The pointer first, then the size: asking for the size first may convert.
  // For a blob, sqlite3_column_text only adds a terminating zero (the
  // database is UTF-8), so the bytes are the blob's; asking for the type
  // first would cost a call per text column of every row.
  const void* data = sqlite3_column_text(stmt_, column);
  if (data == nullptr) return {};
  return {static_cast<const char*>(data),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

void sqlite_statement::reset() noexcept {
  // sqlite3_reset repeats the last step's error, which was already thrown.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

}  // namespace mizan::db::detail
