// Password reset and email verification (docs/accounts.md): the functions
// that mail a link, and those that take its token back.
#pragma once

#include "mizan/call.hpp"

#include <optional>
#include <string>

namespace mizan::accounts {

struct user_result {
  std::optional<mizan::user> user;
};
BOOST_DESCRIBE_STRUCT(user_result, (), (user))

struct reset_request_args {
  std::string email;
};
BOOST_DESCRIBE_STRUCT(reset_request_args, (), (email))

struct sent_result {
  bool sent = true;
};
BOOST_DESCRIBE_STRUCT(sent_result, (), (sent))

struct reset_args {
  std::string token;
  std::string password;
};
BOOST_DESCRIBE_STRUCT(reset_args, (), (token, password))

struct verify_args {
  std::string token;
};
BOOST_DESCRIBE_STRUCT(verify_args, (), (token))

sent_result password_reset_request(call& c, const reset_request_args& a);
user_result password_reset(call& c, const reset_args& a);
user_result email_verify_request(call& c);
user_result email_verify(call& c, const verify_args& a);
/// Mails `u` a verification link (auth_signup with an email).
void send_verification(call& c, const mizan::user& u);

}  // namespace mizan::accounts
