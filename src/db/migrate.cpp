#include "mizan/db/migrate.hpp"

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

}  // namespace

void migrate(database& db, std::span<const migration> migrations) {
  check_unique_ids(migrations);
  auto& c = db.connection();
  c.execute_script(
      "CREATE TABLE IF NOT EXISTS mizan_migrations(id TEXT PRIMARY KEY, applied_at TEXT)");
  // One migration per transaction; the applied list is read again under the
  // write lock each time, so a process that waited for another one sees what
  // the other applied and goes on from there.
  for (bool done = false; !done;) {
    c.transaction([&] {
      const auto applied = c.query<std::string>("SELECT id FROM mizan_migrations ORDER BY rowid");
      check_prefix(applied, migrations);
      if (applied.size() == migrations.size()) {
        done = true;
        return;
      }
      const migration& next = migrations[applied.size()];
      c.execute_script(next.sql);
      c.exec(
          "INSERT INTO mizan_migrations(id, applied_at) "
          "VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
          next.id);
    });
  }
}

}  // namespace mizan::db
