// Development mode's missed-invalidation check (docs/guide.md, "Catching a
// missed invalidation"): from the tables that contexts' functions read and
// mutations write (db/table_observer.hpp), it names every mutation that
// writes a table a context reads without declaring `affects` or
// `unaffected` on that context.
#pragma once

#include "db/table_observer.hpp"
#include "server/registry/catalog.hpp"

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::server {

/// The warning for `mutation` writing `table`, which `context` reads.
std::string missed_invalidation_warning(std::string_view mutation, std::string_view table,
                                        std::string_view context);

/// Whether `f` declares what it does to `ctx`: `affects` (whole or scoped),
/// `unaffected`, or `affects_private_contexts` for a private context.
bool declares_effect_on(const function_def& f, const context_def& ctx);

/// What the process has learnt so far: context → tables its functions were
/// seen reading, mutation → tables it was seen writing. A context never read
/// before a mutation cannot be checked at that mutation; once it is read,
/// the mutations seen earlier are checked against it (in the log only).
/// Each distinct warning is logged once, to stderr.
///
/// Thread-safety: every member may be called from any thread.
class missed_invalidation_check {
 public:
  /// Learns what the functions of `ctx` read (`seen.read`). Logs the warnings
  /// about mutations seen earlier that this reveals.
  void context_read(const context_def& ctx, const db::detail::table_access& seen);

  /// Learns what `f` wrote (`seen.written`) and returns one warning per table
  /// and context it leaves undeclared (the mutation's response carries them),
  /// logging the new ones. `cat` holds the contexts.
  std::vector<std::string> mutation_wrote(const catalog& cat, const function_def& f,
                                          const db::detail::table_access& seen);

 private:
  using tables = std::set<std::string, std::less<>>;
  void log_once(const std::string& warning);

  std::mutex mutex_;
  std::map<const context_def*, tables> read_by_;
  std::map<const function_def*, tables> written_by_;
  std::set<std::string, std::less<>> logged_;
};

}  // namespace mizan::server
