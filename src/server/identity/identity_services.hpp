// What the identity, CSRF and session logic, and a function's `mizan::call`,
// use of the running application: five parts that `services` owns, and
// nothing else (no catalog, cache or listeners).
#pragma once

#include "auth/jwt.hpp"
#include "mizan/db.hpp"
#include "server/app/settings.hpp"
#include "server/sessions/session_store.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mizan::server {

struct identity_services {
  const settings& cfg;  ///< secrets, cookie flags, session and token lifetimes
  const std::vector<std::string>& allowed_origins;
  const auth::jwt_verifier& jwt;
  const std::unique_ptr<session_store>& sessions;
  db::database& database;
};

}  // namespace mizan::server
