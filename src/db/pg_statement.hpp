// A cached PostgreSQL prepared statement behind detail::statement: prepared
// on the server at its first run (again after a reconnect), parameters sent
// as text, the whole result read at once. In development, runs inside an
// observation report their tables (db/pg_table_counters.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/pg_session.hpp"
#include "mizan/db/statement.hpp"

namespace mizan::db::detail {

class pg_statement final : public statement {
 public:
  /// `translated` is `sql` with $n parameters, `count` of them; `name` is
  /// unique on the session.
  pg_statement(pg_session& session, std::string sql, std::string translated, int count,
               std::string name);

  std::string_view sql() const noexcept override { return sql_; }
  int parameter_count() const noexcept override { return count_; }
  void bind_null(int index) override;
  void bind_integer(int index, std::int64_t value) override;
  void bind_real(int index, double value) override;
  void bind_text(int index, std::string_view value) override;
  bool step() override;
  std::int64_t execute() override;
  int column_count() const noexcept override;
  std::string_view column_name(int column) const noexcept override;
  value_kind column_kind(int column) const noexcept override;
  std::int64_t column_integer(int column) const noexcept override;
  double column_real(int column) const noexcept override;
  std::string_view column_text(int column) const noexcept override;
  void reset() noexcept override;

  /// Whether it has been run and not yet reset.
  bool busy() const noexcept { return result_ != nullptr; }
  /// Whether it is prepared on the session's current connection.
  bool prepared_now() const noexcept { return prepared_in_ == session_.generation(); }
  const std::string& name() const noexcept { return name_; }

 private:
  void run();
  void run_observed();
  void run_observed_alone();
  void roll_back_alone() noexcept;
  void run_once_or_again();
  void run_once();
  std::string& slot(int index);

  pg_session& session_;
  std::string sql_;
  std::string translated_;
  int count_;
  std::string name_;
  std::uint64_t prepared_in_ = 0;  // session generation; 0: never
  // Parameter text, kept between runs so that its capacity is reused.
  std::vector<std::string> values_;
  std::vector<const char*> pointers_;  // null: SQL NULL
  pg_session::result result_;
  int rows_ = 0;
  int row_ = -1;
  mutable std::string bytes_;  // a bytea column, decoded
};

}  // namespace mizan::db::detail
