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
/// the write-ahead log; PostgreSQL's `synchronous_commit`).
enum class durability {
  /// synchronous=NORMAL: a commit survives the process being killed; a power
  /// loss or operating-system crash may lose the last transactions (it never
  /// corrupts the database). No fsync per commit: an opt-in
  /// (`?synchronous=normal`) for data that can be lost.
  normal,
  /// synchronous=FULL: a commit also survives power loss and an operating-
  /// system crash, at the cost of an fsync per commit (per batch of the write
  /// lane). The default, as PostgreSQL's `synchronous_commit=on`: an
  /// acknowledged write is durable. (`normal` on PostgreSQL is
  /// `synchronous_commit=off`: a server crash may lose the last commits.)
  full,
};

/// Settings of a database. The URL's query (`?synchronous=full&busy_timeout=10000`)
/// overrides them, so deployments can change them through MIZAN_DATABASE_URL.
struct database_options {
  /// SQLite: how long a statement waits for another writer's lock before
  /// failing with errc::unavailable.
  std::chrono::milliseconds busy_timeout{5000};
  durability synchronous = durability::full;
  /// Prepared statements kept per connection; beyond it the cache is emptied.
  std::size_t statement_cache_size = 256;
  /// PostgreSQL: connections open at most. A thread keeps the connection it
  /// took until another thread waits for one (see database::yield_connection).
  std::size_t pool_size = 10;
  /// PostgreSQL: how long a thread waits for a free connection before
  /// failing with errc::unavailable.
  std::chrono::milliseconds pool_timeout{5000};
  /// PostgreSQL: the server cancels a statement that runs longer (its
  /// `statement_timeout`; lock waits count), and the client gives up on a
  /// server that has not answered 5 s after that (a frozen server or a lost
  /// network), closing the connection. Both fail with errc::unavailable.
  /// 0 turns both off.
  std::chrono::milliseconds statement_timeout{30000};
  /// PostgreSQL: how long opening a connection may take. After a failed
  /// attempt no thread tries again for a second: requests fail at once.
  std::chrono::milliseconds connect_timeout{5000};
  /// Development only: each connection records which tables every statement
  /// reads and writes, for the missed-invalidation check of debug mode
  /// (docs/guide.md, "Catching a missed invalidation"). SQLite asks its
  /// authorizer once per prepared statement; PostgreSQL reads the
  /// transaction's statistics before and after each statement run inside an
  /// observation (two more queries). Off, connections do neither.
  bool observe_tables = false;
};

namespace detail {
struct database_state;
}

/// A database and its connections: one per thread, opened on first use.
///
/// `url` is one of
/// - `sqlite:///path` (the path after the third slash: relative to the
///   working directory at construction, or absolute as in
///   `sqlite:////var/lib/app.db`). Every connection runs with
///   journal_mode=WAL, foreign_keys=ON, the busy timeout and the chosen
///   durability.
/// - `sqlite::memory:`: a private in-memory database that every thread of
///   this `database` object shares, gone with it.
/// - `postgresql://user:password@host:port/dbname` (or `postgres://`), with
///   libpq's own parameters in the query as well as Mizan's; a Unix socket
///   as `postgresql:///dbname?host=/var/run/postgresql`. Connections come
///   from a pool of `pool_size`; each runs with the statement timeout and
///   the chosen durability.
///
/// Options in the query: `synchronous=full|normal`, `busy_timeout=MS`
/// (SQLite); `pool_size=N`, `pool_timeout=MS`, `statement_timeout=MS`,
/// `connect_timeout=S` (PostgreSQL).
///
/// The constructor opens a first connection, so a bad URL, a missing
/// directory, an unwritable file or an unreachable server fail at start-up:
/// std::invalid_argument for a malformed URL, std::runtime_error when the
/// database cannot be opened. For SQLite that connection stays open for the
/// database's lifetime (it keeps an in-memory database alive and spares
/// reopening the write-ahead log); for PostgreSQL it joins the pool.
///
/// Thread-safety: `connection()` and the shorthands may be called from any
/// thread. A thread's connection is closed (SQLite) or goes back to the pool
/// (PostgreSQL) when the thread ends; all close when the database is
/// destroyed. Destroy the database only once no thread is still using it.
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

  /// Connections open right now (for diagnostics and tests).
  std::size_t open_connections() const;

  /// The engine this database runs on.
  db::engine engine() const noexcept;

  /// PostgreSQL: gives the calling thread's connection back to the pool if
  /// another thread is waiting for one; a no-op otherwise (one atomic load),
  /// and always on SQLite. Call it between units of work, outside any
  /// transaction, on threads that serve many (Mizan's workers and write lane
  /// do).
  void yield_connection() noexcept;
  /// PostgreSQL: gives the calling thread's connection back to the pool now
  /// (outside a transaction), for threads done with the database for a while.
  void release_connection() noexcept;

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
