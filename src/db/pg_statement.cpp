#include "db/pg_statement.hpp"

#include "db/pg_error.hpp"
#include "db/pg_table_counters.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace mizan::db::detail {
namespace {

// Type oids of pg_type.h.
constexpr Oid bool_oid = 16;
constexpr Oid bytea_oid = 17;
constexpr Oid int8_oid = 20;
constexpr Oid int2_oid = 21;
constexpr Oid int4_oid = 23;
constexpr Oid oid_oid = 26;
constexpr Oid float4_oid = 700;
constexpr Oid float8_oid = 701;
constexpr Oid numeric_oid = 1700;

bool integral(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

}  // namespace

pg_statement::pg_statement(pg_session& session, std::string sql, std::string translated, int count,
                           std::string name)
    : session_(session),
      sql_(std::move(sql)),
      translated_(std::move(translated)),
      count_(count),
      name_(std::move(name)),
      values_(static_cast<std::size_t>(count)),
      pointers_(static_cast<std::size_t>(count), nullptr) {}

std::string& pg_statement::slot(int index) {
  if (index < 0 || index >= count_) {
    throw std::logic_error(fmt::format("mizan::db: no parameter {} in \"{}\"", index + 1, sql_));
  }
  auto& value = values_[static_cast<std::size_t>(index)];
  value.clear();
  return value;
}

void pg_statement::bind_null(int index) {
  slot(index);
  pointers_[static_cast<std::size_t>(index)] = nullptr;
}

void pg_statement::bind_integer(int index, std::int64_t value) {
  auto& s = slot(index);
  fmt::format_to(std::back_inserter(s), "{}", value);
  pointers_[static_cast<std::size_t>(index)] = s.c_str();
}

void pg_statement::bind_real(int index, double value) {
  auto& s = slot(index);
  // Shortest text that reads back as the same double.
  fmt::format_to(std::back_inserter(s), "{}", value);
  pointers_[static_cast<std::size_t>(index)] = s.c_str();
}

void pg_statement::bind_text(int index, std::string_view value) {
  if (value.find('\0') != std::string_view::npos) {
    throw std::invalid_argument("mizan::db: PostgreSQL text cannot hold a NUL character");
  }
  auto& s = slot(index);
  s.assign(value);
  pointers_[static_cast<std::size_t>(index)] = s.c_str();
}

void pg_statement::run() {
  if (!session_.observes_tables() || !observing()) {
    run_once_or_again();
  } else if (session_.in_transaction()) {
    run_observed();
  } else {
    run_observed_alone();
  }
}

void pg_statement::run_observed() {
  // Read even when the BEGIN is still deferred (it goes with this query):
  // the counters are the backend's unflushed ones, which may still hold
  // earlier transactions'. Inside a transaction nothing flushes them.
  const auto before = read_table_counters(session_);
  run_once_or_again();
  note_tables(counted_tables(before, read_table_counters(session_)));
}

void pg_statement::run_observed_alone() {
  // The counters vanish with a transaction: the statement gets one of its
  // own, as autocommit would give it, with the counters read inside it.
  for (int attempt = 1;; ++attempt) {
    session_.defer("BEGIN");
    try {
      run_observed();
      session_.run("COMMIT");
      return;
    } catch (const pg_stale_statement&) {
      roll_back_alone();
      if (attempt == 2) throw;  // run_once_or_again() renamed it: once more
    } catch (...) {
      roll_back_alone();
      throw;
    }
  }
}

void pg_statement::roll_back_alone() noexcept {
  session_.drop_deferred();
  if (!session_.in_transaction()) return;
  try {
    session_.run("ROLLBACK");
  } catch (...) {
    // The statement's own error is the one to report.
  }
}

void pg_statement::run_once_or_again() {
  try {
    run_once();
  } catch (const pg_stale_statement&) {
    // The old plan stays on the server under its name until the connection
    // ends; a new name prepares the statement afresh.
    name_ += '_';
    prepared_in_ = 0;
    // Inside a transaction the failure has spoilt it: the caller must see it.
    if (session_.in_transaction()) throw;
    run_once();
  }
}

void pg_statement::run_once() {
  const bool fresh = !prepared_now();
  bool prepared = false;
  try {
    result_ = session_.run_prepared(name_, fresh ? translated_.c_str() : nullptr, prepared, count_,
                                    pointers_.data(), sql_);
  } catch (...) {
    if (prepared) prepared_in_ = session_.generation();
    throw;
  }
  if (fresh) prepared_in_ = session_.generation();
  rows_ = result_ ? PQntuples(result_.get()) : 0;
  row_ = -1;
}

bool pg_statement::step() {
  if (!result_) run();
  if (row_ < rows_) ++row_;
  return row_ < rows_;
}

std::int64_t pg_statement::execute() {
  run();
  return rows_changed(result_.get());
}

int pg_statement::column_count() const noexcept {
  return result_ ? PQnfields(result_.get()) : 0;
}

std::string_view pg_statement::column_name(int column) const noexcept {
  const char* name = result_ ? PQfname(result_.get(), column) : nullptr;
  return name != nullptr ? std::string_view(name) : std::string_view();
}

value_kind pg_statement::column_kind(int column) const noexcept {
  if (!result_ || row_ < 0 || row_ >= rows_ || PQgetisnull(result_.get(), row_, column) != 0) {
    return value_kind::null;
  }
  switch (PQftype(result_.get(), column)) {
    case bool_oid:
    case int2_oid:
    case int4_oid:
    case int8_oid:
    case oid_oid:
      return value_kind::integer;
    case float4_oid:
    case float8_oid:
      return value_kind::real;
    case numeric_oid:
      // sum() and avg() of integers are numeric: whole ones read as integers.
      return integral(column_text(column)) ? value_kind::integer : value_kind::real;
    case bytea_oid:
      return value_kind::blob;
    default:
      return value_kind::text;
  }
}

std::int64_t pg_statement::column_integer(int column) const noexcept {
  const char* text = PQgetvalue(result_.get(), row_, column);
  if (PQftype(result_.get(), column) == bool_oid) return text[0] == 't' ? 1 : 0;
  std::int64_t n = 0;
  std::from_chars(text, text + PQgetlength(result_.get(), row_, column), n);
  return n;
}

double pg_statement::column_real(int column) const noexcept {
  if (PQftype(result_.get(), column) == bool_oid) return column_integer(column);
  const char* text = PQgetvalue(result_.get(), row_, column);
  double d = 0;
  std::from_chars(text, text + PQgetlength(result_.get(), row_, column), d);
  return d;
}

std::string_view pg_statement::column_text(int column) const noexcept {
  const char* text = PQgetvalue(result_.get(), row_, column);
  const std::size_t size = static_cast<std::size_t>(PQgetlength(result_.get(), row_, column));
  if (PQftype(result_.get(), column) != bytea_oid || size < 2 || text[0] != '\\' ||
      text[1] != 'x') {
    return {text, size};
  }
  // bytea in text form is hex: \x0a0b...
  bytes_.clear();
  for (std::size_t i = 2; i + 1 < size; i += 2) {
    bytes_.push_back(static_cast<char>(hex_digit(text[i]) * 16 + hex_digit(text[i + 1])));
  }
  return bytes_;
}

void pg_statement::reset() noexcept {
  result_.reset();
  rows_ = 0;
  row_ = -1;
  for (auto& p : pointers_) p = nullptr;
}

}  // namespace mizan::db::detail
