// Accounts storage: creating users, checking passwords (Argon2id). The
// account functions (src/accounts) and `createuser` are built on this.
#pragma once

#include "mizan/user.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mizan::db {
class connection;
}

namespace mizan::users {

struct new_user {
  std::string username;
  std::string email;
  std::string password;
  bool is_staff = false;
  bool is_superuser = false;
};

/// Creates a user. Throws `validation` (422) with field messages for a bad or
/// taken username, a bad email or a weak password. Thread-safe.
user create(db::connection& db, const new_user& u);
std::optional<user> find(db::connection& db, std::int64_t id);
/// The user when `password` is theirs, else nullopt. Takes about as long for
/// an unknown username as for a wrong password.
std::optional<user> authenticate(db::connection& db, std::string_view username,
                                 std::string_view password);
bool check_password(db::connection& db, std::int64_t id, std::string_view password);
/// Throws `validation` for a weak password (field `field`).
void set_password(db::connection& db, std::int64_t id, std::string_view password,
                  std::string_view field = "password");

/// Cheaper hashing for test suites only (MIZAN_PASSWORD_HASHING=fast).
void use_fast_hashing_for_tests();

}  // namespace mizan::users
