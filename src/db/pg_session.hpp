// One libpq connection whose every wait has a deadline: the socket is
// polled, so a frozen server or a lost network fails a call with
// errc::unavailable instead of hanging the thread.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "db/backend.hpp"

namespace mizan::db::detail {

/// Rows an INSERT, UPDATE, DELETE or MERGE of `r` changed; 0 for anything else.
std::int64_t rows_changed(const PGresult* r) noexcept;

class pg_session {
 public:
  struct result_clear {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
  };
  using result = std::unique_ptr<PGresult, result_clear>;

  /// Connects. If it cannot, throws std::runtime_error with libpq's message
  /// `at_start`, else as ensure_open does.
  pg_session(const database_config& config, bool at_start);
  ~pg_session();
  pg_session(const pg_session&) = delete;
  pg_session& operator=(const pg_session&) = delete;

  /// Before a unit of work begins (no transaction open): reopens the
  /// connection if the server closed it, which one non-blocking poll tells.
  /// Throws errc::unavailable if it cannot.
  void ensure_open();

  /// Runs SQL without parameters: one or more statements (the last one's
  /// result is returned). Throws as throw_pg_error says.
  result run(std::string_view sql);
  /// Runs the statement prepared as `name` with text parameters (null
  /// pointer: NULL). `prepare`, if not null, is its SQL (with $n
  /// parameters), to prepare first; `prepared` then tells whether that
  /// worked, even when running it failed.
  result run_prepared(const std::string& name, const char* prepare, bool& prepared, int count,
                      const char* const* values, std::string_view original);

  /// Sends `begin` (a BEGIN statement, a literal) with the next statement
  /// instead of alone, so that a transaction costs no round trip of its own.
  void defer(const char* begin) noexcept { deferred_ = begin; }
  /// Whether a deferred BEGIN has not been sent yet.
  bool deferred() const noexcept { return deferred_ != nullptr; }
  /// Forgets a deferred BEGIN: the transaction ran no statement.
  void drop_deferred() noexcept { deferred_ = nullptr; }

  /// Changes whenever the connection is reopened: statements prepared under
  /// an older one must be prepared again.
  std::uint64_t generation() const noexcept { return generation_; }
  /// Whether a transaction is open (possibly failed, awaiting rollback).
  bool in_transaction() const noexcept;
  /// Whether the connection is up.
  bool open() const noexcept;
  /// Whether statements report their tables to the thread's observation
  /// (database_options::observe_tables).
  bool observes_tables() const noexcept { return config_.options.observe_tables; }
  /// Rows inserted, updated or deleted through this object.
  std::int64_t changes() const noexcept { return changes_; }

 private:
  void connect();
  void reconnect();
  void close() noexcept;
  [[noreturn]] void lost(std::string_view why);
  void send_finished(int sent);
  result collect(std::string_view sql);
  result collect_pipeline(std::string_view sql, int prepare_at, bool& prepared);
  void wait(short events);
  void count_changes(const PGresult* r) noexcept;

  const database_config& config_;
  PGconn* conn_ = nullptr;
  std::uint64_t generation_ = 0;
  std::int64_t changes_ = 0;
  // Of the call in progress; max() when statement_timeout is off.
  std::chrono::steady_clock::time_point deadline_;
  std::string text_;  // run()'s SQL with its NUL, reused
  const char* deferred_ = nullptr;
};

}  // namespace mizan::db::detail
