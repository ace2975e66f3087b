// The account functions of PROTOCOL.md §9, built only on the public
// registration API: ordinary Mizan functions an application opts into.
#pragma once

#include "mizan/registry.hpp"

namespace mizan::accounts {

/// Registers auth_signup, auth_login, auth_logout, auth_token, auth_refresh,
/// auth_password_change, auth_password_reset_request, auth_password_reset,
/// auth_email_verify_request and auth_email_verify (docs/accounts.md).
/// Signing in or out makes every private context stale, so the browser
/// refetches what it shows for the new user.
void register_functions(registry& app);

}  // namespace mizan::accounts
