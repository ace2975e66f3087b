// What the public connection needs from a database engine: SQLite
// (sqlite_connection.cpp) and PostgreSQL (pg_connection.cpp) implement it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "mizan/db/database.hpp"
#include "mizan/db/statement.hpp"

namespace mizan::db::detail {

/// A parsed database URL with its effective options.
struct database_config {
  enum class engine { sqlite_file, sqlite_memory, postgresql };
  engine kind = engine::sqlite_file;
  /// Absolute file path, or the name of the shared in-memory database, or
  /// the libpq connection URI without Mizan's own options.
  std::string path;
  database_options options;
  /// Shared by every connection of one database: writers of this process
  /// queue here instead of in SQLite's busy handler, which sleeps up to
  /// 100 ms between tries. Other processes still meet the busy handler.
  std::shared_ptr<std::timed_mutex> writer = std::make_shared<std::timed_mutex>();
  /// PostgreSQL: no connection attempt before this time (steady clock,
  /// nanoseconds), set after one failed: while the server is down, requests
  /// fail at once instead of each waiting for the connect timeout.
  std::shared_ptr<std::atomic<std::int64_t>> reconnect_after =
      std::make_shared<std::atomic<std::int64_t>>(0);

  bool postgresql() const noexcept { return kind == engine::postgresql; }
};

/// One open connection of some engine. Used by one thread at a time.
class connection_backend {
 public:
  virtual ~connection_backend() = default;
  /// The cached statement for `sql`, prepared on first use. Throws
  /// std::logic_error when `sql` holds no statement or more than one.
  virtual statement& prepare(std::string_view sql) = 0;
  /// Runs several statements without parameters.
  virtual void execute_script(std::string_view sql) = 0;
  virtual std::int64_t last_insert_rowid() = 0;
  virtual db::engine engine() const noexcept = 0;
  virtual std::uint64_t statements_prepared() const noexcept = 0;
  /// Starts a transaction at `depth` 0, a savepoint deeper.
  /// `read_only` at depth 0 begins a deferred transaction (no write lock).
  virtual void begin(int depth, bool read_only) = 0;
  /// Commits the transaction or releases the savepoint at `depth`.
  virtual void commit(int depth) = 0;
  /// Undoes the transaction or savepoint at `depth`; never throws.
  virtual void rollback(int depth) noexcept = 0;
  /// Whether the engine has a transaction open (it may have ended one itself).
  virtual bool transaction_active() const noexcept = 0;
  /// Rows this connection has inserted, updated or deleted since it opened.
  virtual std::int64_t own_changes() const noexcept = 0;
  /// A counter of the database file that changes with every commit of any
  /// connection, read in the open transaction (which this starts reading, if
  /// it has not yet).
  virtual std::uint64_t data_version() = 0;
};

/// Opens a connection as `config` says, with every pragma applied. At start
/// (the database's constructor) failing to reach a server is a
/// std::runtime_error with the reason; later it is errc::unavailable, the
/// reason goes to the log and, for a second, no thread tries again.
std::unique_ptr<connection_backend> open_backend(const database_config& config, bool at_start);
std::unique_ptr<connection_backend> open_sqlite(const database_config& config);
std::unique_ptr<connection_backend> open_postgresql(const database_config& config, bool at_start);

/// A mizan::error(errc::unavailable, message) with Retry-After: 1.
[[noreturn]] void throw_unavailable(std::string message);

/// Parses a database URL (see database's comment) over `defaults`. Throws
/// std::invalid_argument naming what is wrong.
database_config parse_database_url(std::string_view url, const database_options& defaults);

}  // namespace mizan::db::detail
