// The SQLite backend: opening with Mizan's pragmas, the statement cache and
// transactions.
#include <sqlite3.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>

#include "db/backend.hpp"
#include "db/sqlite_error.hpp"
#include "db/sqlite_observed_statement.hpp"
#include "db/sqlite_statement.hpp"
#include "mizan/error.hpp"

namespace mizan::db::detail {
namespace {

struct sqlite_closer {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct stmt_finalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_finalizer>;

// Looks SQL text up without building a std::string on the hot path.
struct sql_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

int to_int_size(std::string_view sql) {
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::logic_error("mizan::db: SQL text too long");
  }
  return static_cast<int>(sql.size());
}

class sqlite_connection final : public connection_backend {
 public:
  explicit sqlite_connection(const database_config& config)
      : path_(config.path),
        capacity_(config.options.statement_cache_size),
        observe_tables_(config.options.observe_tables),
        writer_(config.writer, config.options.busy_timeout) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    std::string name = config.path;
    if (config.kind == database_config::engine::sqlite_memory) {
      // The memdb VFS shares a database among the connections of a process
      // when its name starts with '/', and, unlike shared-cache mode, it
      // honours the busy timeout instead of failing at once with
      // SQLITE_LOCKED whenever two threads write.
      flags |= SQLITE_OPEN_URI;
      name = fmt::format("file:{}?vfs=memdb", config.path);
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) {
      throw std::runtime_error(
          fmt::format("mizan::db: cannot open SQLite database {}: {}", path_,
                      raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(raw, 1);
    try {
      configure(config);
    } catch (const mizan::error&) {
      throw;
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(
          fmt::format("mizan::db: cannot open SQLite database {}: {}", path_, e.what()));
    }
  }

  statement& prepare(std::string_view sql) override {
    if (auto it = cache_.find(sql); it != cache_.end()) return *it->second;
    if (cache_.size() >= capacity_) evict();
    auto compiled = compile(sql);
    auto [it, inserted] = cache_.emplace(std::string(sql), std::move(compiled));
    return *it->second;
  }

  void execute_script(std::string_view sql) override {
    const char* next = sql.data();
    const char* end = sql.data() + sql.size();
    while (next < end) {
      sqlite3_stmt* raw = nullptr;
      const char* tail = nullptr;
      check_sqlite(db_.get(),
                   sqlite3_prepare_v2(db_.get(), next, to_int_size({next, end}), &raw, &tail), sql);
      stmt_ptr stmt(raw);
      if (stmt) {
        int rc = 0;
        while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        }
        if (rc != SQLITE_DONE) throw_sqlite_error(db_.get(), rc, sql);
      }
      if (tail == nullptr || tail == next) break;
      next = tail;
    }
  }

  std::int64_t last_insert_rowid() override { return sqlite3_last_insert_rowid(db_.get()); }

  db::engine engine() const noexcept override { return db::engine::sqlite; }

  std::uint64_t statements_prepared() const noexcept override { return prepared_; }

  void begin(int depth, bool read_only) override {
    if (depth == 0 && read_only) {
      // A read snapshot: shared lock only, taken by the first read.
      prepare("BEGIN DEFERRED").execute();
    } else if (depth == 0) {
      // IMMEDIATE takes the write lock now (waiting up to the busy timeout),
      // so the transaction cannot fail later on upgrading a read lock. This
      // process's writers queue on the writer lock first.
      writer_.acquire();
      try {
        prepare("BEGIN IMMEDIATE").execute();
      } catch (...) {
        writer_.release();
        throw;
      }
    } else {
      run_savepoint("SAVEPOINT", depth);
    }
  }

  void commit(int depth) override {
    if (depth == 0) {
      prepare("COMMIT").execute();
      release_writer();
    } else {
      run_savepoint("RELEASE", depth);
    }
  }

  void rollback(int depth) noexcept override {
    // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) make SQLite roll the
    // whole transaction back by itself; then there is nothing left to undo.
    if (sqlite3_get_autocommit(db_.get()) == 0) {
      try {
        if (depth == 0) {
          prepare("ROLLBACK").execute();
        } else {
          run_savepoint("ROLLBACK TO", depth);
          run_savepoint("RELEASE", depth);
        }
      } catch (...) {
        // Called while another exception propagates; that one is the cause.
      }
    }
    if (depth == 0) release_writer();
  }

  bool transaction_active() const noexcept override {
    return sqlite3_get_autocommit(db_.get()) == 0;
  }

  std::int64_t own_changes() const noexcept override { return sqlite3_total_changes64(db_.get()); }

  std::uint64_t data_version() override {
    // The pager refreshes its counter when a read begins; BEGIN DEFERRED
    // alone has not begun one.
    if (sqlite3_txn_state(db_.get(), "main") == SQLITE_TXN_NONE) {
      prepare("PRAGMA data_version").execute();
    }
    unsigned int version = 0;
    check_sqlite(db_.get(),
                 sqlite3_file_control(db_.get(), "main", SQLITE_FCNTL_DATA_VERSION, &version),
                 "data version");
    return version;
  }

 private:
  void release_writer() noexcept { writer_.release(); }

  void configure(const database_config& config) {
    const auto timeout = config.options.busy_timeout.count();
    sqlite3_busy_timeout(db_.get(), static_cast<int>(std::clamp<long long>(timeout, 0, INT_MAX)));
    if (config.kind == database_config::engine::sqlite_file) {
      const std::string mode = switch_to_wal(config.options.busy_timeout);
      if (mode != "wal") {
        throw std::runtime_error(
            fmt::format("the write-ahead log is not available (journal_mode is {})", mode));
      }
    }
    execute_script(config.options.synchronous == durability::full ? "PRAGMA synchronous=FULL"
                                                                  : "PRAGMA synchronous=NORMAL");
    execute_script("PRAGMA foreign_keys=ON");
  }

  // When two connections switch a new database file to WAL at the same
  // moment, one of them gets SQLITE_BUSY at once: SQLite does not call the
  // busy handler on that path. Retry within the busy timeout instead, or two
  // processes starting together would fail at random.
  std::string switch_to_wal(std::chrono::milliseconds timeout) {
    constexpr std::string_view sql = "PRAGMA journal_mode=WAL";
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(1);
    for (;;) {
      sqlite3_stmt* raw = nullptr;
      check_sqlite(db_.get(),
                   sqlite3_prepare_v2(db_.get(), sql.data(), to_int_size(sql), &raw, nullptr), sql);
      stmt_ptr stmt(raw);
      const int rc = sqlite3_step(stmt.get());
      if (rc == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt.get(), 0);
        return text != nullptr ? reinterpret_cast<const char*>(text) : "";
      }
      if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
        throw_sqlite_error(db_.get(), rc == SQLITE_DONE ? SQLITE_ERROR : rc, sql);
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
  }

  std::unique_ptr<sqlite_statement> compile(std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    statement_tables tables;
    // The authorizer reports tables at prepare time only, so it is on just
    // for this prepare; the statement keeps the list for every execution.
    if (observe_tables_) sqlite3_set_authorizer(db_.get(), &record_table_access, &tables);
    const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), to_int_size(sql),
                                      SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    if (observe_tables_) sqlite3_set_authorizer(db_.get(), nullptr, nullptr);
    check_sqlite(db_.get(), rc, sql);
    std::unique_ptr<sqlite_statement> compiled;
    if (observe_tables_) {
      compiled = std::make_unique<sqlite_observed_statement>(db_.get(), raw, std::string(sql),
                                                             &writer_, std::move(tables));
    } else {
      compiled = std::make_unique<sqlite_statement>(db_.get(), raw, std::string(sql), &writer_);
    }
    if (raw == nullptr) {
      throw std::logic_error(fmt::format("mizan::db: no SQL statement in \"{}\"", sql));
    }
    if (holds_statement({tail, sql.data() + sql.size()})) {
      throw std::logic_error(
          fmt::format("mizan::db: \"{}\" holds more than one statement; exec and query run one "
                      "(use execute_script for several)",
                      sql));
    }
    ++prepared_;
    return compiled;
  }

  // Whether `rest` holds anything but blanks and comments.
  bool holds_statement(std::string_view rest) {
    if (rest.empty()) return false;
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db_.get(), rest.data(), to_int_size(rest), &raw, nullptr);
    stmt_ptr stmt(raw);
    return rc != SQLITE_OK || stmt != nullptr;
  }

  // Dynamic SQL could grow the cache without bound; statements in use stay.
  void evict() noexcept {
    std::erase_if(cache_, [](const auto& entry) { return !entry.second->busy(); });
  }

  void run_savepoint(std::string_view verb, int depth) {
    std::array<char, 48> buffer{};
    const auto out = fmt::format_to_n(buffer.data(), buffer.size(), "{} mizan_{}", verb, depth);
    prepare({buffer.data(), out.size}).execute();
  }

  std::string path_;
  std::size_t capacity_;
  bool observe_tables_;  // prepare sqlite_observed_statements
  writer_lock writer_;   // held during a write transaction
  std::uint64_t prepared_ = 0;
  // Declared before the cache so that it is closed after every statement.
  std::unique_ptr<sqlite3, sqlite_closer> db_;
  std::unordered_map<std::string, std::unique_ptr<sqlite_statement>, sql_hash, std::equal_to<>>
      cache_;
};

// SQLite counts every allocation it makes in statistics guarded by one
// process-wide mutex, so by default all connections take that lock for each
// row they read. Mizan never reads those statistics. This works only before
// SQLite initializes; if something else initialized it first, the counting
// stays on and nothing else changes.
void stop_memory_statistics() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

std::unique_ptr<connection_backend> open_sqlite(const database_config& config) {
  stop_memory_statistics();
  return std::make_unique<sqlite_connection>(config);
}

}  // namespace mizan::db::detail
