// What a `mizan::call` points at: the caller, the services, and the session
// changes a function asks for (applied by the transport after success).
#pragma once

#include "mizan/call.hpp"
#include "mizan/user.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::server {
struct identity_services;
struct caller;
}  // namespace mizan::server

namespace mizan::detail {

enum class session_change { none, sign_in, sign_out };

struct call_state {
  const server::identity_services* services = nullptr;
  const server::caller* caller = nullptr;  // null outside a transport (tests, CLI)
  std::optional<mizan::user> user;
  bool bearer = false;
  session_change change = session_change::none;
  std::optional<mizan::user> signed_in;  // with change == sign_in
  bool end_other_sessions = false;
  std::vector<std::int64_t> affected_users;  ///< call::affects_user
  /// call::publish: channel and message (JSON text), sent after the commit.
  std::vector<std::pair<std::string, std::string>> published;
  /// call::send_mail: queued after the commit.
  std::vector<mizan::mail_message> mails;
};

}  // namespace mizan::detail
