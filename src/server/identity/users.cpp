#include "mizan/users.hpp"

#include "auth/password.hpp"
#include "mizan/db.hpp"
#include "mizan/error.hpp"
#include "server/registry/rules_check.hpp"

#include <fmt/chrono.h>

#include <atomic>
#include <ctime>
#include <regex>

namespace mizan::users {
namespace {

std::atomic<bool> fast_hashing{false};

auth::password_cost cost() {
  return fast_hashing ? auth::password_cost::fast_for_tests() : auth::password_cost::interactive();
}

struct user_row {
  std::int64_t id;
  std::string username;
  std::string email;
  bool is_staff;
  bool is_superuser;
  bool email_verified;
};
BOOST_DESCRIBE_STRUCT(user_row, (), (id, username, email, is_staff, is_superuser, email_verified))

user to_user(const user_row& r) {
  return {r.id, r.username, r.email, r.is_staff, r.is_superuser, r.email_verified};
}

void check_password_strength(std::string_view password, std::string_view field,
                             field_errors& errors) {
  const auto length = server::code_point_length(password);
  if (length < 8) {
    errors[std::string(field)].push_back(
        "This password is too short. It must contain at least 8 characters.");
  } else if (length > 256) {
    errors[std::string(field)].push_back("This password is too long.");
  }
  if (!password.empty() && password.find_first_not_of("0123456789") == std::string_view::npos) {
    errors[std::string(field)].push_back("This password is entirely numeric.");
  }
}

std::string now_iso8601() {
  return fmt::format("{:%FT%TZ}", fmt::gmtime(std::time(nullptr)));
}

}  // namespace

void use_fast_hashing_for_tests() {
  fast_hashing = true;
}

user create(db::connection& db, const new_user& u) {
  static const std::regex username_re(R"([A-Za-z0-9_.@+-]{1,150})");
  static const std::regex email_re(R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)");
  field_errors errors;
  if (!std::regex_match(u.username, username_re)) {
    errors["username"].push_back(
        "Enter a valid username: up to 150 letters, digits and @/./+/-/_ characters.");
  }
  if (!u.email.empty() && !std::regex_match(u.email, email_re)) {
    errors["email"].push_back("Enter a valid email address.");
  }
  check_password_strength(u.password, "password", errors);
  if (errors.empty() &&
      db.query_optional<std::int64_t>("SELECT id FROM mizan_users WHERE lower(username) = lower(?)",
                                      u.username)) {
    errors["username"].push_back("A user with that username already exists.");
  }
  if (!errors.empty()) throw error(errc::validation, "Invalid input.", std::move(errors));

  const std::string hash = auth::password_hash(u.password, cost());
  std::int64_t id = 0;
  try {
    // Nested, so that on PostgreSQL the failed insert spoils no enclosing
    // transaction.
    id = db.transaction([&] {
      return db.scalar<std::int64_t>(
          "INSERT INTO mizan_users (username, email, password_hash, is_staff, is_superuser, "
          "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
          u.username, u.email, hash, u.is_staff, u.is_superuser, now_iso8601());
    });
  } catch (const db::constraint_error&) {
    // Two sign-ups raced for one name: the UNIQUE index decided.
    throw error(errc::validation, "Invalid input.",
                field_errors{{"username", {"A user with that username already exists."}}});
  }
  return user{id, u.username, u.email, u.is_staff, u.is_superuser};
}

std::optional<user> find(db::connection& db, std::int64_t id) {
  auto row = db.query_optional<user_row>(
      "SELECT id, username, email, is_staff, is_superuser, email_verified FROM mizan_users "
      "WHERE id = ?",
      id);
  if (!row) return std::nullopt;
  return to_user(*row);
}

std::optional<user> authenticate(db::connection& db, std::string_view username,
                                 std::string_view password) {
  auto row = db.query_optional<std::string>(
      "SELECT password_hash FROM mizan_users WHERE lower(username) = lower(?)", username);
  if (!row) {
    // Spend the same work as a real check so timing does not reveal names.
    static const std::string dummy = auth::password_hash("mizan-timing-equaliser", cost());
    auth::password_verify(dummy, password);
    return std::nullopt;
  }
  if (!auth::password_verify(*row, password)) return std::nullopt;
  auto id = db.scalar<std::int64_t>("SELECT id FROM mizan_users WHERE lower(username) = lower(?)",
                                    username);
  return find(db, id);
}

bool check_password(db::connection& db, std::int64_t id, std::string_view password) {
  auto hash =
      db.query_optional<std::string>("SELECT password_hash FROM mizan_users WHERE id = ?", id);
  return hash && auth::password_verify(*hash, password);
}

void set_password(db::connection& db, std::int64_t id, std::string_view password,
                  std::string_view field) {
  field_errors errors;
  check_password_strength(password, field, errors);
  if (!errors.empty()) throw error(errc::validation, "Invalid input.", std::move(errors));
  db.exec("UPDATE mizan_users SET password_hash = ? WHERE id = ?",
          auth::password_hash(password, cost()), id);
  // A reset link mailed before this change must not undo it.
  db.exec("DELETE FROM mizan_account_tokens WHERE user_id = ? AND purpose = 'reset'", id);
}

}  // namespace mizan::users
