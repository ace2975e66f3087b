// The signed-in user as functions and the wire see it (PROTOCOL.md §3).
#pragma once

#include <boost/describe/class.hpp>

#include <cstdint>
#include <string>

namespace mizan {

struct user {
  std::int64_t id = 0;
  std::string username;
  std::string email;
  bool is_staff = false;
  bool is_superuser = false;
  /// The owner of `email` followed a verification link sent to it.
  bool email_verified = false;
};
BOOST_DESCRIBE_STRUCT(user, (), (id, username, email, is_staff, is_superuser, email_verified))

/// Who may call a function (the `auth` option).
enum class auth_level { none, user, staff, superuser };

}  // namespace mizan
