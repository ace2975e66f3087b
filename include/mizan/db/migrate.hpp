// Schema migrations: an ordered list of SQL scripts applied once each.
#pragma once

#include <span>
#include <string>

#include "mizan/db/database.hpp"

namespace mizan::db {

/// One schema change. `id` names it forever (e.g. "0001_todos"); `sql` is one
/// or more `;`-separated statements, without BEGIN or COMMIT.
struct migration {
  std::string id;
  std::string sql;
};

/// Applies, in order, the migrations not yet applied to `db`.
///
/// Applied ids are recorded in `mizan_migrations(id, applied_at)`, created if
/// missing. Each migration runs in its own BEGIN IMMEDIATE transaction
/// together with its bookkeeping row, so a failing migration leaves no trace
/// and two processes starting at once apply each migration exactly once.
///
/// Throws std::logic_error when two migrations share an id, std::runtime_error
/// when the applied ids are not a prefix of `migrations` (a migration was
/// reordered, renamed or removed after being applied: the message names the
/// first difference), and the errors of connection::execute_script when a
/// migration fails.
///
/// Thread-safety: safe to call from several threads or processes at once.
void migrate(database& db, std::span<const migration> migrations);

}  // namespace mizan::db
