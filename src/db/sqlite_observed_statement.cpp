#include "db/sqlite_observed_statement.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

namespace mizan::db::detail {
namespace {

void add_once(std::vector<std::string>& list, std::string_view table) {
  if (table.empty() || internal_table(table)) return;
  if (std::find(list.begin(), list.end(), table) == list.end()) list.emplace_back(table);
}

}  // namespace

int record_table_access(void* tables, int action, const char* first, const char* /*second*/,
                        const char* /*database*/, const char* /*trigger*/) noexcept {
  auto& out = *static_cast<statement_tables*>(tables);
  // The authorizer must not throw into SQLite; an allocation failure only
  // loses a table from a development-time warning.
  try {
    if (first == nullptr) return SQLITE_OK;
    switch (action) {
      case SQLITE_READ:  // once per column read; once with "" for count(*)
        add_once(out.read, first);
        break;
      case SQLITE_INSERT:
      case SQLITE_UPDATE:
      case SQLITE_DELETE:
        add_once(out.written, first);
        break;
      default:
        break;
    }
  } catch (...) {
  }
  return SQLITE_OK;
}

sqlite_observed_statement::sqlite_observed_statement(sqlite3* db, sqlite3_stmt* stmt,
                                                     std::string sql, writer_lock* writer,
                                                     statement_tables tables) noexcept
    : sqlite_statement(db, stmt, std::move(sql), writer), tables_(std::move(tables)) {}

bool sqlite_observed_statement::step() {
  // Not busy: this is an execution's first step (the cache resets each one).
  if (!busy()) note_tables(tables_);
  return sqlite_statement::step();
}

std::int64_t sqlite_observed_statement::execute() {
  if (!busy()) note_tables(tables_);
  return sqlite_statement::execute();
}

}  // namespace mizan::db::detail
