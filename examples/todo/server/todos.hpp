// The reference application's server functions (PROTOCOL.md §9).
#pragma once

#include <mizan/db.hpp>
#include <mizan/registry.hpp>

#include <vector>

namespace todo_app {

/// Registers every function of the reference application, after
/// mizan::accounts::register_functions: it adds to what auth_signup affects.
void register_functions(mizan::registry& app);

/// The application's tables.
const std::vector<mizan::db::migration>& migrations();

}  // namespace todo_app
