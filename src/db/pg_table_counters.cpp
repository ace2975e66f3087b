#include "db/pg_table_counters.hpp"

#include <algorithm>
#include <charconv>

namespace mizan::db::detail {
namespace {

// Index scans are counted on each index; the view sums them per table.
constexpr const char* counters_sql =
    "SELECT CASE WHEN schemaname = current_schema() THEN relname"
    " ELSE schemaname || '.' || relname END,"
    " seq_scan + coalesce(idx_scan, 0), n_tup_ins + n_tup_upd + n_tup_del"
    " FROM pg_stat_xact_user_tables"
    " WHERE seq_scan + coalesce(idx_scan, 0) + n_tup_ins + n_tup_upd + n_tup_del > 0";

std::int64_t integer_at(const PGresult* r, int row, int column) {
  const char* text = PQgetvalue(r, row, column);
  std::int64_t n = 0;
  std::from_chars(text, text + PQgetlength(r, row, column), n);
  return n;
}

}  // namespace

table_counters read_table_counters(pg_session& session) {
  const auto r = session.run(counters_sql);
  const int rows = PQntuples(r.get());
  table_counters counters;
  counters.reserve(static_cast<std::size_t>(rows));
  for (int row = 0; row < rows; ++row) {
    counters.push_back(
        {PQgetvalue(r.get(), row, 0), integer_at(r.get(), row, 1), integer_at(r.get(), row, 2)});
  }
  // Sorted here, byte by byte: the database's collation may order otherwise.
  std::sort(counters.begin(), counters.end(),
            [](const table_counter& a, const table_counter& b) { return a.table < b.table; });
  return counters;
}

statement_tables counted_tables(const table_counters& before, const table_counters& after) {
  statement_tables tables;
  for (const auto& now : after) {
    if (internal_table(now.table)) continue;
    const auto was = std::lower_bound(
        before.begin(), before.end(), now.table,
        [](const table_counter& c, const std::string& table) { return c.table < table; });
    const bool known = was != before.end() && was->table == now.table;
    if (now.scans > (known ? was->scans : 0)) tables.read.push_back(now.table);
    if (now.rows_written > (known ? was->rows_written : 0)) tables.written.push_back(now.table);
  }
  return tables;
}

}  // namespace mizan::db::detail
