#include "db/pg_session.hpp"

#include <poll.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "db/pg_error.hpp"

namespace mizan::db::detail {
namespace {

using clock = std::chrono::steady_clock;

// The client waits this much longer than the server's statement timeout
// before it takes the server for frozen or unreachable.
constexpr auto answer_grace = std::chrono::seconds(5);
// After a failed connection attempt, no thread tries again for this long.
constexpr auto reconnect_pause = std::chrono::seconds(1);

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch())
      .count();
}

std::string trimmed(const char* message) {
  std::string s = message != nullptr ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void log_warning(void*, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity == nullptr || std::string_view(severity) != "WARNING") return;
  std::fputs(fmt::format("mizan: PostgreSQL: {}\n", trimmed(PQresultErrorMessage(notice))).c_str(),
             stderr);
}

}  // namespace

pg_session::pg_session(const database_config& config, bool at_start) : config_(config) {
  if (at_start) {
    connect();
  } else {
    reconnect();
  }
}

pg_session::~pg_session() {
  close();
}

void pg_session::close() noexcept {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
  deferred_ = nullptr;
}

bool pg_session::open() const noexcept {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

bool pg_session::in_transaction() const noexcept {
  if (deferred_ != nullptr) return true;
  if (conn_ == nullptr) return false;
  const auto status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

void pg_session::connect() {
  close();
  const auto& options = config_.options;
  const std::string timeout = std::to_string(std::max<long long>(
      2, std::chrono::ceil<std::chrono::seconds>(options.connect_timeout).count()));
  const std::array<const char*, 4> keys{"dbname", "connect_timeout", "application_name", nullptr};
  const std::array<const char*, 4> values{config_.path.c_str(), timeout.c_str(), "mizan", nullptr};
  // libpq applies connect_timeout per address; the poll below bounds the
  // whole attempt, authentication included.
  conn_ = PQconnectStartParams(keys.data(), values.data(), 1);
  if (conn_ == nullptr) throw std::runtime_error("mizan::db: out of memory opening a connection");
  const auto give_up = clock::now() + options.connect_timeout;
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (PQstatus(conn_) != CONNECTION_BAD && state != PGRES_POLLING_OK &&
         state != PGRES_POLLING_FAILED) {
    pollfd p{PQsocket(conn_), static_cast<short>(state == PGRES_POLLING_READING ? POLLIN : POLLOUT),
             0};
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(give_up - clock::now()).count();
    if (left <= 0) break;
    const int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno != EINTR) break;
    if (rc > 0) state = PQconnectPoll(conn_);
  }
  if (state != PGRES_POLLING_OK || PQstatus(conn_) != CONNECTION_OK) {
    std::string why = PQstatus(conn_) == CONNECTION_BAD ? trimmed(PQerrorMessage(conn_))
                                                        : "no answer within the connect timeout";
    close();
    throw std::runtime_error(fmt::format("mizan::db: cannot connect to PostgreSQL: {}", why));
  }
  // Every call below waits on the socket itself, with a deadline.
  PQsetnonblocking(conn_, 1);
  // libpq prints notices to stderr; warnings are worth the log, the rest
  // ("relation already exists, skipping") is not.
  PQsetNoticeReceiver(conn_, &log_warning, nullptr);
  ++generation_;
  const auto ms = options.statement_timeout.count();
  try {
    run(fmt::format("SET statement_timeout = {}; SET synchronous_commit = {}", ms,
                    options.synchronous == durability::full ? "on" : "off"));
  } catch (const std::exception& e) {
    close();
    throw std::runtime_error(
        fmt::format("mizan::db: cannot set up a PostgreSQL connection: {}", e.what()));
  }
}

void pg_session::ensure_open() {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) {
    // An idle connection has nothing to read. Anything there is a goodbye
    // (pg_terminate_backend, a shutdown: libpq reads its FATAL as a mere
    // notice and still says CONNECTION_OK) or the end of the stream, or at
    // worst a rare notification: a new connection is right in every case.
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) return;
  }
  reconnect();
}

void pg_session::reconnect() {
  auto& after = *config_.reconnect_after;
  if (now_ns() < after.load(std::memory_order_relaxed)) {
    close();
    throw_unavailable("The database is unreachable.");
  }
  try {
    connect();
  } catch (const std::exception& e) {
    after.store(now_ns() + std::chrono::nanoseconds(reconnect_pause).count(),
                std::memory_order_relaxed);
    std::fputs(fmt::format("mizan: {}\n", e.what()).c_str(), stderr);
    throw_unavailable("The database is unreachable.");
  }
  after.store(0, std::memory_order_relaxed);
}

void pg_session::lost(std::string_view why) {
  close();
  throw_unavailable(std::string(why));
}

void pg_session::wait(short events) {
  pollfd p{PQsocket(conn_), events, 0};
  for (;;) {
    int ms = -1;
    if (deadline_ != clock::time_point::max()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - clock::now());
      ms = static_cast<int>(std::max<long long>(0, left.count()));
    }
    const int rc = ::poll(&p, 1, ms);
    if (rc > 0) return;
    if (rc == 0) lost("The database did not answer in time.");
    if (errno != EINTR) lost("The database connection was lost.");
  }
}

void pg_session::send_finished(int sent) {
  if (sent != 1) lost("The database connection was lost.");
  const auto timeout = config_.options.statement_timeout;
  deadline_ =
      timeout.count() > 0 ? clock::now() + timeout + answer_grace : clock::time_point::max();
  // Non-blocking: a long query may not fit the socket buffer at once.
  for (int flushed = PQflush(conn_); flushed != 0; flushed = PQflush(conn_)) {
    if (flushed < 0) lost("The database connection was lost.");
    wait(POLLIN | POLLOUT);
    if (PQconsumeInput(conn_) == 0) lost("The database connection was lost.");
  }
}

std::int64_t rows_changed(const PGresult* r) noexcept {
  auto* result = const_cast<PGresult*>(r);  // libpq's accessors take non-const
  const std::string_view status = PQcmdStatus(result);
  if (!(status.starts_with("INSERT") || status.starts_with("UPDATE") ||
        status.starts_with("DELETE") || status.starts_with("MERGE"))) {
    return 0;
  }
  const std::string_view tuples = PQcmdTuples(result);
  std::int64_t n = 0;
  std::from_chars(tuples.data(), tuples.data() + tuples.size(), n);
  return n;
}

void pg_session::count_changes(const PGresult* r) noexcept {
  changes_ += rows_changed(r);
}

pg_session::result pg_session::collect(std::string_view sql) {
  result last;
  result failure;
  for (;;) {
    while (PQisBusy(conn_) != 0) {
      wait(POLLIN);
      if (PQconsumeInput(conn_) == 0) lost("The database connection was lost.");
    }
    result r(PQgetResult(conn_));
    if (!r) break;
    const auto status = PQresultStatus(r.get());
    if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR) {
      if (!failure) failure = std::move(r);
    } else {
      count_changes(r.get());
      last = std::move(r);
    }
  }
  if (failure) {
    if (pg_error_ends_connection(failure.get()) || PQstatus(conn_) != CONNECTION_OK) close();
    throw_pg_error(failure.get(), sql);
  }
  if (PQstatus(conn_) != CONNECTION_OK) lost("The database connection was lost.");
  return last;
}

pg_session::result pg_session::run(std::string_view sql) {
  if (!open()) lost("The database connection was lost.");
  text_.clear();
  if (deferred_ != nullptr) {
    // One simple query may hold several statements; BEGIN's transaction
    // outlives it.
    text_.append(deferred_).append("; ");
    deferred_ = nullptr;
  }
  text_.append(sql);
  send_finished(PQsendQuery(conn_, text_.c_str()));
  return collect(sql);
}

pg_session::result pg_session::run_prepared(const std::string& name, const char* prepare,
                                            bool& prepared, int count, const char* const* values,
                                            std::string_view original) {
  prepared = false;
  if (!open()) lost("The database connection was lost.");
  if (deferred_ == nullptr && prepare == nullptr) {
    send_finished(PQsendQueryPrepared(conn_, name.c_str(), count, values, nullptr, nullptr, 0));
    return collect(original);
  }
  // A deferred BEGIN, the statement's preparation and its run in one
  // round trip.
  if (PQenterPipelineMode(conn_) != 1) lost("The database connection was lost.");
  bool sent = true;
  int prepare_at = -1;
  if (deferred_ != nullptr) {
    sent = PQsendQueryParams(conn_, deferred_, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    deferred_ = nullptr;
    prepare_at = 1;
  }
  if (prepare != nullptr) {
    sent = sent && PQsendPrepare(conn_, name.c_str(), prepare, 0, nullptr) == 1;
    prepare_at = prepare_at == 1 ? 1 : 0;
  } else {
    prepare_at = -1;
  }
  sent = sent && PQsendQueryPrepared(conn_, name.c_str(), count, values, nullptr, nullptr, 0) == 1;
  sent = sent && PQpipelineSync(conn_) == 1;
  send_finished(sent ? 1 : 0);
  return collect_pipeline(original, prepare_at, prepared);
}

pg_session::result pg_session::collect_pipeline(std::string_view sql, int prepare_at,
                                                bool& prepared) {
  result last;
  result failure;
  for (int index = 0;;) {
    while (PQisBusy(conn_) != 0) {
      wait(POLLIN);
      if (PQconsumeInput(conn_) == 0) lost("The database connection was lost.");
    }
    result r(PQgetResult(conn_));
    if (!r) {
      // Between the results of two statements.
      if (PQstatus(conn_) != CONNECTION_OK) lost("The database connection was lost.");
      continue;
    }
    const auto status = PQresultStatus(r.get());
    if (status == PGRES_PIPELINE_SYNC) break;
    if (index++ == prepare_at) prepared = status == PGRES_COMMAND_OK;
    if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR) {
      if (!failure) failure = std::move(r);
    } else if (status != PGRES_PIPELINE_ABORTED) {
      count_changes(r.get());
      last = std::move(r);
    }
  }
  PQexitPipelineMode(conn_);
  if (failure) {
    if (pg_error_ends_connection(failure.get()) || PQstatus(conn_) != CONNECTION_OK) close();
    throw_pg_error(failure.get(), sql);
  }
  return last;
}

}  // namespace mizan::db::detail
