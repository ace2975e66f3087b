#include "server/dispatch/missed_invalidation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace mizan::server {

std::string missed_invalidation_warning(std::string_view mutation, std::string_view table,
                                        std::string_view context) {
  return fmt::format(
      "{} writes table {}, read by context {}, but does not declare affects({}) (or "
      "unaffected({}))",
      mutation, table, context, context, context);
}

bool declares_effect_on(const function_def& f, const context_def& ctx) {
  if (f.affects_private_contexts && ctx.is_private) return true;
  const auto named = [&](const auto& a) { return a.context == ctx.name; };
  return std::any_of(f.affects.begin(), f.affects.end(), named) ||
         std::find(f.unaffected.begin(), f.unaffected.end(), ctx.name) != f.unaffected.end();
}

void missed_invalidation_check::context_read(const context_def& ctx,
                                             const db::detail::table_access& seen) {
  const std::lock_guard lock(mutex_);
  auto& known = read_by_[&ctx];
  for (const auto& table : seen.read) {
    if (!known.insert(table).second) continue;
    // A table this context was not known to read: the mutations seen before
    // could not be checked against it then.
    for (const auto& [f, written] : written_by_) {
      if (written.contains(table) && !declares_effect_on(*f, ctx)) {
        log_once(missed_invalidation_warning(f->name, table, ctx.name));
      }
    }
  }
}

std::vector<std::string> missed_invalidation_check::mutation_wrote(
    const catalog& cat, const function_def& f, const db::detail::table_access& seen) {
  std::vector<std::string> warnings;
  if (seen.written.empty()) return warnings;
  const std::lock_guard lock(mutex_);
  written_by_[&f].insert(seen.written.begin(), seen.written.end());
  for (const auto& table : seen.written) {
    // In the catalog's order (by name), so the headers come out the same
    // every time.
    for (const auto& [name, ctx] : cat.contexts()) {
      const auto known = read_by_.find(&ctx);
      if (known == read_by_.end() || !known->second.contains(table)) continue;
      if (!declares_effect_on(f, ctx)) {
        warnings.push_back(missed_invalidation_warning(f.name, table, name));
      }
    }
  }
  for (const auto& w : warnings) log_once(w);
  return warnings;
}

void missed_invalidation_check::log_once(const std::string& warning) {
  // Once per process: a warning repeated at every call would bury the log.
  if (logged_.insert(warning).second) {
    std::fputs(fmt::format("mizan: warning: {}\n", warning).c_str(), stderr);
  }
}

}  // namespace mizan::server
