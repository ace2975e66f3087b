// The current time as both engines store it.
#pragma once

#include <string>

namespace mizan::db {

/// The current UTC time as ISO 8601 text with milliseconds
/// ("2026-12-04T09:30:00.123Z"), which sorts as time does. Bind it rather
/// than calling the engine's own clock functions, which differ (SQLite's
/// strftime, PostgreSQL's now()):
///
///     db.exec("insert into todos(title, created_at) values (?, ?)", title, db::utc_now());
std::string utc_now();

}  // namespace mizan::db
