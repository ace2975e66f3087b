// The notes: each user's own, and public counts.
#pragma once

#include <mizan/db.hpp>
#include <mizan/registry.hpp>

#include <vector>

namespace notes {

/// Registers the notes' functions, after mizan::accounts::register_functions
/// (it adds to what auth_signup affects).
void register_functions(mizan::registry& app);

/// The notes table.
const std::vector<mizan::db::migration>& migrations();

}  // namespace notes
