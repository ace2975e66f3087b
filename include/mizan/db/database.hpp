// A database: its URL, its settings and one lazily opened connection per
// thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "mizan/db/connection.hpp"

namespace mizan::db {

/// What an acknowledged commit survives (SQLite's `synchronous` pragma, with
/// the write-ahead log).
enum class durability {
  /// synchronous=NORMAL: a commit survives the process being killed; a power
  /// loss or operating-system crash may lose the last transactions (it never
  /// corrupts the database). No fsync per commit: an opt-in
  /// (`?synchronous=normal`) for data that can be lost.
  normal,
  /// synchronous=FULL: a commit also survives power loss and an operating-
  /// system crash, at the cost of an fsync per commit (per batch of the write
  /// lane). The default, as PostgreSQL's `synchronous_commit=on`: an
  /// acknowledged write is durable.
  full,
};

/// Settings of a database. The URL's query (`?synchronous=full&busy_timeout=10000`)
/// overrides them, so deployments can change them through MIZAN_DATABASE_URL.
struct database_options {
  /// How long a statement waits for another writer's lock before failing
  /// with errc::unavailable.
  std::chrono::milliseconds busy_timeout{5000};
  durability synchronous = durability::full;
  /// Prepared statements kept per connection; beyond it the cache is emptied.
  std::size_t statement_cache_size = 256;
};

namespace detail {
struct database_state;
}

/// A database and its connections: one per thread, opened on first use.
///
/// `url` is `sqlite:///path` (the path after the third slash: relative to the
/// working directory at construction, or absolute as in
/// `sqlite:////var/lib/app.db`) or `sqlite::memory:` (a private in-memory
/// database that every thread of this `database` object shares, gone with it).
/// Every connection runs with journal_mode=WAL, foreign_keys=ON, the busy
/// timeout and the chosen durability.
///
/// The constructor opens a first connection, so a bad URL, a missing
/// directory or an unwritable file fail at start-up: std::invalid_argument
/// for a malformed URL, std::runtime_error when SQLite cannot open the file.
/// That connection stays open for the database's lifetime (it keeps an
/// in-memory database alive and spares reopening the write-ahead log).
///
/// Thread-safety: `connection()` and the shorthands may be called from any
/// thread. A thread's connection is closed when the thread ends or when the
/// database is destroyed, whichever comes first; destroy the database only
/// once no thread is still using it.
///
///     db::database db("sqlite:///data/app.db");
///     db::migrate(db, migrations);
///     auto n = db.scalar<std::int64_t>("select count(*) from todos");
class database {
 public:
  explicit database(std::string_view url, database_options options = {});
  ~database();
  database(database&& other) noexcept;
  database& operator=(database&& other) noexcept;
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  /// The calling thread's connection, opened on first use.
  db::connection& connection();

  /// Per-thread connections open right now (for diagnostics and tests).
  std::size_t open_connections() const;

  /// Shorthands for the same call on the calling thread's connection().
  template <class... A>
  std::int64_t exec(std::string_view sql, const A&... args) {
    return connection().exec(sql, args...);
  }
  template <class T, class... A>
  std::vector<T> query(std::string_view sql, const A&... args) {
    return connection().template query<T>(sql, args...);
  }
  template <class T, class... A>
  T query_one(std::string_view sql, const A&... args) {
    return connection().template query_one<T>(sql, args...);
  }
  template <class T, class... A>
  std::optional<T> query_optional(std::string_view sql, const A&... args) {
    return connection().template query_optional<T>(sql, args...);
  }
  template <class T, class... A>
  T scalar(std::string_view sql, const A&... args) {
    return connection().template scalar<T>(sql, args...);
  }
  template <class F>
  decltype(auto) transaction(F&& f) {
    return connection().transaction(std::forward<F>(f));
  }
  void execute_script(std::string_view sql) { connection().execute_script(sql); }
  std::int64_t last_insert_rowid() { return connection().last_insert_rowid(); }

 private:
  void close() noexcept;

  std::shared_ptr<detail::database_state> state_;
};

}  // namespace mizan::db
