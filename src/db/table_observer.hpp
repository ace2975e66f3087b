// Which tables a stretch of work reads and writes, for development mode's
// missed-invalidation check (docs/guide.md, "Catching a missed
// invalidation"). A connection opened with database_options::observe_tables
// learns each statement's tables (SQLite: when it prepares it, from the
// authorizer; PostgreSQL: when it runs it, from the transaction's statistics,
// db/pg_table_counters.hpp) and adds them to the observation open on the
// executing thread.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::db::detail {

/// The application tables one statement reads and writes.
struct statement_tables {
  std::vector<std::string> read;
  std::vector<std::string> written;
};

/// The tables seen by one observation.
struct table_access {
  std::set<std::string, std::less<>> read;
  std::set<std::string, std::less<>> written;
};

/// Whether `name` is a table of Mizan's own (`mizan_...`) or SQLite's
/// (`sqlite_...`), which the check leaves out.
bool internal_table(std::string_view name) noexcept;

/// Observes, for its lifetime, the statements that observed connections run
/// on the constructing thread. Observations nest: an inner one hides the
/// outer one until it ends. Must end on the thread that began it.
///
///     db::detail::table_observation seen;
///     conn.query<Todo>("SELECT ... FROM todos");
///     seen.tables().read;  // {"todos"}
class table_observation {
 public:
  table_observation() noexcept;
  ~table_observation();
  table_observation(const table_observation&) = delete;
  table_observation& operator=(const table_observation&) = delete;

  const table_access& tables() const noexcept { return seen_; }

 private:
  friend void note_tables(const statement_tables& tables);
  table_access seen_;
  table_observation* outer_;
};

/// Adds `tables` to the observation open on this thread, if there is one.
void note_tables(const statement_tables& tables);

/// Whether an observation is open on this thread.
bool observing() noexcept;

}  // namespace mizan::db::detail
