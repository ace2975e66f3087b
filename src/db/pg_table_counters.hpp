// Development mode's table observation on PostgreSQL (db/table_observer.hpp).
// Nothing there tells which tables a prepared statement touches without
// parsing its SQL, but the statistics of the transaction in progress
// (pg_stat_xact_user_tables) count, per table, the scans begun and the rows
// inserted, updated and deleted so far: read before and after a statement,
// they tell which tables it read and which it wrote.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/pg_session.hpp"
#include "db/table_observer.hpp"

namespace mizan::db::detail {

/// One table's counters in the transaction in progress.
struct table_counter {
  std::string table;              // `name`, or `schema.name` outside the current schema
  std::int64_t scans = 0;         // sequential and index scans begun
  std::int64_t rows_written = 0;  // rows inserted, updated and deleted
};

/// Sorted by table; tables with every counter at 0 are left out.
using table_counters = std::vector<table_counter>;

/// Reads the counters of the transaction open on `session` (one query).
/// Throws as pg_session::run does.
table_counters read_table_counters(pg_session& session);

/// The tables whose scans (read) or written rows (written) grew from
/// `before` to `after`, leaving out internal_table()s.
statement_tables counted_tables(const table_counters& before, const table_counters& after);

}  // namespace mizan::db::detail
