// The PostgreSQL backend: a pg_session, the statement cache and
// transactions (READ COMMITTED for writes, REPEATABLE READ READ ONLY for a
// read snapshot, savepoints when nested).
#include <fmt/format.h>

#include <array>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "db/backend.hpp"
#include "db/pg_session.hpp"
#include "db/pg_sql.hpp"
#include "db/pg_statement.hpp"

namespace mizan::db::detail {
namespace {

struct sql_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

// Data versions that name no snapshot (see data_version): never equal to
// one another nor to a transaction id, which stays below 2^63.
std::atomic<std::uint64_t> unique_versions{0};

class pg_connection final : public connection_backend {
 public:
  pg_connection(const database_config& config, bool at_start)
      : session_(config, at_start), capacity_(config.options.statement_cache_size) {}

  statement& prepare(std::string_view sql) override {
    if (!session_.in_transaction()) session_.ensure_open();
    if (auto it = cache_.find(sql); it != cache_.end()) return *it->second;
    if (cache_.size() >= capacity_) evict();
    std::string translated;
    const int count = translate_placeholders(sql, translated);
    auto compiled = std::make_unique<pg_statement>(
        session_, std::string(sql), std::move(translated), count, fmt::format("m{}", ++named_));
    ++prepared_;
    auto [it, inserted] = cache_.emplace(std::string(sql), std::move(compiled));
    return *it->second;
  }

  void execute_script(std::string_view sql) override {
    if (!session_.in_transaction()) session_.ensure_open();
    session_.run(sql);
  }

  std::int64_t last_insert_rowid() override {
    std::int64_t id = 0;
    try {
      auto r = session_.run("SELECT lastval()");
      const char* text = PQgetvalue(r.get(), 0, 0);
      std::from_chars(text, text + PQgetlength(r.get(), 0, 0), id);
    } catch (const std::runtime_error& e) {
      if (!session_.open()) throw;
      throw std::logic_error(fmt::format(
          "mizan::db: last_insert_rowid on PostgreSQL is lastval(), and {}; use INSERT ... "
          "RETURNING id",
          e.what()));
    }
    return id;
  }

  db::engine engine() const noexcept override { return db::engine::postgresql; }

  std::uint64_t statements_prepared() const noexcept override { return prepared_; }

  void begin(int depth, bool read_only) override {
    if (depth == 0) {
      read_only_ = read_only;
      session_.ensure_open();
      // Sent with the transaction's first statement.
      session_.defer(read_only ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
    } else {
      run_savepoint("SAVEPOINT mizan_{}", depth);
    }
  }

  void commit(int depth) override {
    if (depth > 0) {
      run_savepoint("RELEASE SAVEPOINT mizan_{}", depth);
      return;
    }
    if (session_.deferred()) {
      session_.drop_deferred();  // nothing ran: nothing to commit
      return;
    }
    auto r = session_.run("COMMIT");
    // COMMIT of a transaction spoilt by an error rolls it back, and says so
    // only in its command tag. A read transaction loses nothing by it: the
    // caller caught the error and answers with it.
    if (std::string_view(PQcmdStatus(r.get())) != "COMMIT" && !read_only_) {
      throw std::runtime_error(
          "mizan::db: the transaction was rolled back: a statement in it failed and the error "
          "was caught without a nested transaction");
    }
  }

  void rollback(int depth) noexcept override {
    if (depth == 0 && session_.deferred()) {
      session_.drop_deferred();
      return;
    }
    if (!session_.in_transaction()) return;
    try {
      if (depth == 0) {
        session_.run("ROLLBACK");
      } else {
        run_savepoint("ROLLBACK TO SAVEPOINT mizan_{0}; RELEASE SAVEPOINT mizan_{0}", depth);
      }
    } catch (...) {
      // Called while another exception propagates; that one is the cause.
    }
  }

  bool transaction_active() const noexcept override { return session_.in_transaction(); }

  std::int64_t own_changes() const noexcept override { return session_.changes(); }

  // The transaction's snapshot ("xmin:xmax:in-progress ids"). With nothing in
  // progress it is fully named by xmax (every transaction below it has
  // ended, none above has begun), which each write transaction moves on.
  // With transactions in progress a fresh value is returned: equal values
  // then never occur, so nothing is reused, which is exact if less useful.
  std::uint64_t data_version() override {
    auto r = session_.run("SELECT pg_current_snapshot()");
    const std::string_view text(PQgetvalue(r.get(), 0, 0),
                                static_cast<std::size_t>(PQgetlength(r.get(), 0, 0)));
    const auto first = text.find(':');
    const auto second = text.find(':', first + 1);
    std::uint64_t xmax = 0;
    if (first != std::string_view::npos && second != std::string_view::npos &&
        second + 1 == text.size()) {
      const auto [end, ec] = std::from_chars(text.data() + first + 1, text.data() + second, xmax);
      if (ec == std::errc() && xmax < (std::uint64_t{1} << 63)) return xmax;
    }
    return (std::uint64_t{1} << 63) | unique_versions.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  // Dynamic SQL could grow the cache without bound; statements in use stay.
  // Inside a transaction a failed DEALLOCATE would spoil it: wait until after.
  void evict() {
    if (session_.in_transaction()) return;
    for (auto it = cache_.begin(); it != cache_.end();) {
      if (it->second->busy()) {
        ++it;
        continue;
      }
      if (it->second->prepared_now() && session_.open()) {
        session_.run(fmt::format("DEALLOCATE {}", it->second->name()));
      }
      it = cache_.erase(it);
    }
  }

  template <class... A>
  void run_savepoint(fmt::format_string<A...> pattern, A&&... args) {
    std::array<char, 96> buffer{};
    const auto out =
        fmt::format_to_n(buffer.data(), buffer.size() - 1, pattern, std::forward<A>(args)...);
    session_.run({buffer.data(), out.size});
  }

  pg_session session_;
  std::size_t capacity_;
  std::uint64_t prepared_ = 0;
  std::uint64_t named_ = 0;
  bool read_only_ = false;  // of the open transaction
  std::unordered_map<std::string, std::unique_ptr<pg_statement>, sql_hash, std::equal_to<>> cache_;
};

}  // namespace

std::unique_ptr<connection_backend> open_postgresql(const database_config& config, bool at_start) {
  return std::make_unique<pg_connection>(config, at_start);
}

}  // namespace mizan::db::detail
