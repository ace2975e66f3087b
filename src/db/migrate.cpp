#include "mizan/db/migrate.hpp"

#include "mizan/db/time.hpp"

#include <fmt/format.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace mizan::db {
namespace {

void check_unique_ids(std::span<const migration> migrations) {
  std::set<std::string_view> seen;
  for (const auto& m : migrations) {
    if (m.id.empty()) throw std::logic_error("mizan::db: a migration has an empty id");
    if (!seen.insert(m.id).second) {
      throw std::logic_error(fmt::format("mizan::db: two migrations share the id \"{}\"", m.id));
    }
  }
}

// The applied ids, in the order they were applied, must start the list.
void check_prefix(const std::vector<std::string>& applied, std::span<const migration> migrations) {
  for (std::size_t i = 0; i < applied.size(); ++i) {
    if (i >= migrations.size()) {
      throw std::runtime_error(fmt::format(
          "mizan::db: migration \"{}\" (number {}) is applied to the database but missing from "
          "the list; migrations must not be removed or reordered once applied",
          applied[i], i + 1));
    }
    if (applied[i] != migrations[i].id) {
      throw std::runtime_error(fmt::format(
          "mizan::db: migration number {} is \"{}\" in the database but \"{}\" in the list; "
          "migrations must not be removed, renamed or reordered once applied",
          i + 1, applied[i], migrations[i].id));
    }
  }
}

// The bookkeeping of each engine: SQLite orders by rowid; PostgreSQL has
// none, so an identity column keeps the order.
struct bookkeeping {
  std::string_view create;
  std::string_view applied;
};

constexpr bookkeeping sqlite_bookkeeping{
    "CREATE TABLE IF NOT EXISTS mizan_migrations(id TEXT PRIMARY KEY, applied_at TEXT)",
    "SELECT id FROM mizan_migrations ORDER BY rowid"};
constexpr bookkeeping postgresql_bookkeeping{
    "CREATE TABLE IF NOT EXISTS mizan_migrations(seq BIGINT GENERATED ALWAYS AS IDENTITY, "
    "id TEXT PRIMARY KEY, applied_at TEXT)",
    "SELECT id FROM mizan_migrations ORDER BY seq"};

// PostgreSQL's advisory lock key for migrations: any number the application
// does not use; "mizan" in ASCII.
constexpr std::int64_t migration_lock = 0x6d697a616e;

}  // namespace

void migrate(database& db, std::span<const migration> migrations) {
  check_unique_ids(migrations);
  auto& c = db.connection();
  const bool postgresql = c.engine() == engine::postgresql;
  const bookkeeping& book = postgresql ? postgresql_bookkeeping : sqlite_bookkeeping;
  if (!postgresql) c.execute_script(book.create);
  // One migration per transaction; the applied list is read again under the
  // lock each time (SQLite's write lock, PostgreSQL's advisory lock, held
  // to the end of the transaction), so a process that waited for another
  // one sees what the other applied and goes on from there.
  for (bool done = false; !done;) {
    c.transaction([&] {
      if (postgresql) {
        c.exec("SELECT pg_advisory_xact_lock(?)", migration_lock);
        // Under the lock: two sessions creating it at once could collide.
        c.execute_script(book.create);
      }
      const auto applied = c.query<std::string>(book.applied);
      check_prefix(applied, migrations);
      if (applied.size() == migrations.size()) {
        done = true;
        return;
      }
      const migration& next = migrations[applied.size()];
      c.execute_script(next.sql_for(c.engine()));
      c.exec("INSERT INTO mizan_migrations(id, applied_at) VALUES (?, ?)", next.id, utc_now());
    });
  }
  // The thread that migrates at start-up rarely uses the database again.
  db.release_connection();
}

}  // namespace mizan::db
