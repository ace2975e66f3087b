// Running a Mizan application: `serve`, `schema`, `manifest`, `createuser`, `generate`.
#pragma once

#include "mizan/db.hpp"
#include "mizan/registry.hpp"

#include <string>
#include <vector>

namespace mizan {

struct app_options {
  /// The application's own migrations, applied at start-up after Mizan's.
  std::vector<db::migration> migrations;
  /// Served at `/` when `MIZAN_STATIC_DIR` is unset (empty: no static files).
  std::string static_dir;
};

/// Runs the application binary's command line (PROTOCOL.md §10):
///   serve (default) | schema | manifest | createuser NAME [--email E] [--staff] [--superuser]
///   | generate --out DIR [--framework react|vue|svelte|all]
/// Reads the configuration from the environment; a missing or malformed
/// setting stops it with one line naming the variable. Returns the exit code.
/// Call from `main` after registering every function.
int run(registry& app, int argc, char** argv, const app_options& options = {});

}  // namespace mizan
