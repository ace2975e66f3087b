// One database connection, used by one thread: typed queries, statements and
// transactions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "mizan/db/codec.hpp"
#include "mizan/db/errors.hpp"

namespace mizan::db {

namespace detail {
class connection_backend;
struct database_state;
}  // namespace detail

/// The database engine behind a connection.
enum class engine { sqlite, postgresql };

/// Names the committed database state a transaction reads (see
/// connection::snapshot). Equal values mean equal data.
struct snapshot_version {
  std::uint64_t connection = 0;  ///< never reused, so two connections never match
  std::uint64_t data = 0;        ///< the engine's change counter for the file
  std::int64_t own_changes = 0;  ///< rows this connection has ever changed
  bool operator==(const snapshot_version&) const = default;
};

/// A connection to the database, owned by `database` and used by one thread.
///
/// Get it with `database::connection()`, which returns the calling thread's
/// own connection; never hand it to another thread (nor keep it across a
/// `co_await` that may resume elsewhere).
///
/// Parameters are positional (`?`) and may be `bool`, any integer type,
/// `double`, `std::string`, `std::string_view`, string literals,
/// `std::optional<T>` (empty is NULL) or `nullptr` (NULL). Results are read
/// into a struct described with BOOST_DESCRIBE_STRUCT, column to member of the
/// same name, or into one of `bool`, an integer type, `double`, `std::string`
/// or `std::optional<T>` when the result has a single column.
///
/// Errors: a database failure is std::runtime_error with the engine's
/// message; a violated constraint is db::constraint_error; a database still
/// locked after the busy timeout, a lost PostgreSQL connection, a statement
/// past its timeout, a full pool, a deadlock or serialization failure are
/// mizan::error(errc::unavailable) (503 with Retry-After). Programming errors (a column without a
/// member or a member without a column, a value of the wrong type, an integer that does not fit,
/// the wrong number of parameters) throw std::logic_error naming the SQL, the struct and the
/// column.
///
/// Statements are prepared once per connection and SQL text and reused, so
/// pass constant SQL and bind every value: never format values into SQL.
///
///     struct todo { std::int64_t id; std::string title; bool done; };
///     BOOST_DESCRIBE_STRUCT(todo, (), (id, title, done))
///
///     auto& c = db.connection();
///     c.exec("insert into todos(title, done) values (?, ?)", title, false);
///     auto todos = c.query<todo>("select id, title, done from todos where done = ?", false);
///     auto n = c.scalar<std::int64_t>("select count(*) from todos");
class connection {
 public:
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Runs one statement; returns the number of rows it inserted, updated or
  /// deleted (0 for other statements). Result rows, if any, are discarded.
  template <class... A>
  std::int64_t exec(std::string_view sql, const A&... args) {
    detail::statement_use use(prepare(sql));
    use.bind(args...);
    return use.get().execute();
  }

  /// Runs one query and returns all its rows as T (see the class comment).
  template <class T, class... A>
  std::vector<T> query(std::string_view sql, const A&... args) {
    detail::statement_use use(prepare(sql));
    use.bind(args...);
    bool more = use.get().step();
    const detail::row_reader<T> reader(use.get());
    std::vector<T> rows;
    // Lists are usually a page of rows: skip the first few doublings.
    if (more) rows.reserve(16);
    for (; more; more = use.get().step()) rows.push_back(reader.read());
    return rows;
  }

  /// The single row of a query. Throws mizan::error(errc::not_found,
  /// "Not found.") when there is none, std::logic_error when there are more
  /// (a query meant to find one row that finds several is a bug).
  template <class T, class... A>
  T query_one(std::string_view sql, const A&... args) {
    std::optional<T> row = query_optional<T>(sql, args...);
    if (!row) detail::throw_not_found();
    return std::move(*row);
  }

  /// The single row of a query, or nullopt when there is none; more than one
  /// row throws std::logic_error.
  template <class T, class... A>
  std::optional<T> query_optional(std::string_view sql, const A&... args) {
    detail::statement_use use(prepare(sql));
    use.bind(args...);
    const bool found = use.get().step();
    const detail::row_reader<T> reader(use.get());
    if (!found) return std::nullopt;
    std::optional<T> row(reader.read());
    if (use.get().step()) detail::throw_more_than_one_row(use.get(), typeid(T));
    return row;
  }

  /// The single value of a one-row, one-column query, such as `count(*)`.
  /// Errors as query_one; use `std::optional<T>` for a value that may be NULL.
  template <class T, class... A>
  T scalar(std::string_view sql, const A&... args) {
    static_assert(!detail::is_row_struct<T>, "mizan::db: scalar reads one column; use query_one");
    return query_one<T>(sql, args...);
  }

  /// Runs several `;`-separated statements without parameters, such as a
  /// migration or a schema.
  void execute_script(std::string_view sql);

  /// Id of the last row this connection inserted: SQLite's rowid, or on
  /// PostgreSQL `lastval()` (the value the session last took from any
  /// sequence; throws when it has taken none). `INSERT ... RETURNING id`,
  /// read with scalar(), works the same on both engines: prefer it.
  std::int64_t last_insert_rowid();

  /// Which engine this connection talks to, for the rare SQL that differs.
  db::engine engine() const noexcept;

  /// Runs `f` (with no argument, or with this connection) in a transaction:
  /// on SQLite BEGIN IMMEDIATE ... COMMIT, so the write lock is taken up
  /// front and the transaction cannot fail half-way for a lock another
  /// writer holds; on PostgreSQL BEGIN (READ COMMITTED) ... COMMIT. If `f`
  /// throws, everything it did is rolled back and the exception rethrown.
  /// Nested calls become savepoints: an inner failure caught by the outer `f`
  /// undoes only the inner work. (On PostgreSQL a failed statement spoils
  /// the transaction until it is rolled back: to catch an error and go on,
  /// run the statement in a nested transaction, which works on both.)
  /// Returns what `f` returns.
  ///
  ///     auto id = c.transaction([&] {
  ///       return c.scalar<std::int64_t>(
  ///           "insert into todos(title) values (?) returning id", title);
  ///     });
  template <class F>
  decltype(auto) transaction(F&& f) {
    return run_in_transaction(f, false);
  }

  /// Runs `f` in a read transaction: every query in it sees one consistent
  /// snapshot. SQLite: BEGIN DEFERRED ... COMMIT, which also takes the
  /// shared lock once instead of once per statement; a write inside may fail
  /// with `unavailable` if another connection wrote since the snapshot.
  /// PostgreSQL: BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY, where a
  /// write fails.
  /// Nested inside transaction(), it is a savepoint like any other.
  template <class F>
  decltype(auto) read_transaction(F&& f) {
    return run_in_transaction(f, true);
  }

  /// Whether a transaction() is running on this connection.
  bool in_transaction() const noexcept { return depth_ > 0; }
  /// Whether the engine still has that transaction open. SQLite rolls the
  /// whole transaction back by itself on some errors (SQLITE_FULL,
  /// SQLITE_IOERR, ...), even inside a savepoint whose error was caught; then
  /// this is false while in_transaction() is still true, and nothing written
  /// since BEGIN will be committed.
  bool transaction_active() const noexcept;

  /// The version of the committed data this transaction reads: it changes
  /// whenever any connection, this one or another in any process, commits a
  /// change, so a value computed from the data under one version is still
  /// exact under an equal one. Null outside a transaction, and once the
  /// transaction has changed rows itself (its reads then include uncommitted
  /// work that may yet be rolled back). Starts the transaction's read if no
  /// statement has yet.
  std::optional<snapshot_version> snapshot();

  /// How many statements this connection has prepared (cache misses).
  std::uint64_t statements_prepared() const noexcept;

 private:
  friend struct detail::database_state;

  explicit connection(std::unique_ptr<detail::connection_backend> backend);
  detail::statement& prepare(std::string_view sql);

  template <class F>
  using transaction_result = typename std::conditional_t<std::is_invocable_v<F&, connection&>,
                                                         std::invoke_result<F&, connection&>,
                                                         std::invoke_result<F&>>::type;

  template <class F>
  decltype(auto) run_in_transaction(F& f, bool read_only) {
    transaction_guard guard(*this, read_only);
    if constexpr (std::is_void_v<transaction_result<F>>) {
      invoke_body(f);
      guard.commit();
    } else {
      transaction_result<F> result = invoke_body(f);
      guard.commit();
      return result;
    }
  }

  template <class F>
  decltype(auto) invoke_body(F& f) {
    if constexpr (std::is_invocable_v<F&, connection&>) {
      return std::invoke(f, *this);
    } else {
      return std::invoke(f);
    }
  }

  // Begins a transaction (or a savepoint when nested) and rolls it back on
  // destruction unless committed.
  class transaction_guard {
   public:
    transaction_guard(connection& c, bool read_only);
    ~transaction_guard();
    transaction_guard(const transaction_guard&) = delete;
    transaction_guard& operator=(const transaction_guard&) = delete;
    void commit();

   private:
    connection& c_;
    bool open_ = true;
  };

  std::unique_ptr<detail::connection_backend> backend_;
  int depth_ = 0;
  std::uint64_t serial_;
  std::int64_t changes_at_begin_ = 0;  // backend own_changes() when depth_ became 1
};

}  // namespace mizan::db
