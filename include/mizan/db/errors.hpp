// Errors of the data layer that callers are expected to catch.
#pragma once

#include <stdexcept>
#include <string>

#include "mizan/error.hpp"

namespace mizan::db {

/// Which kind of constraint a write violated.
enum class constraint { unique, primary_key, foreign_key, not_null, check, other };

/// A write violated a constraint (UNIQUE, PRIMARY KEY, FOREIGN KEY, NOT NULL,
/// CHECK). Catch it to answer 422 for a duplicate instead of 500:
///
///     try { c.exec("insert into users(name) values (?)", name); }
///     catch (const db::constraint_error& e) {
///       if (e.kind() != db::constraint::unique) throw;
///       raise_validation({{"name", {"Already taken."}}});
///     }
///
/// Other database failures are std::runtime_error; a busy or unreachable
/// database is mizan::error(errc::unavailable).
class constraint_error : public std::runtime_error {
 public:
  constraint_error(constraint kind, const std::string& message);
  /// The violated constraint.
  constraint kind() const noexcept { return kind_; }

 private:
  constraint kind_;
};

/// The engine aborted the transaction to resolve a conflict with another
/// one (PostgreSQL's deadlock_detected or serialization_failure): nothing of
/// it was kept, and running it again may well succeed. The write lane runs a
/// mutation that fails so again, a few times, before answering; uncaught it
/// is a 503 `unavailable`.
class conflict_error : public mizan::error {
 public:
  explicit conflict_error(const std::string& message);
};

}  // namespace mizan::db
