#include "db/table_observer.hpp"

namespace mizan::db::detail {
namespace {
// The dispatch layer opens one around a function on the thread that runs it,
// and statements run on that same thread: nothing is shared between threads.
thread_local table_observation* current = nullptr;
}  // namespace

bool internal_table(std::string_view name) noexcept {
  return name.starts_with("mizan_") || name.starts_with("sqlite_");
}

table_observation::table_observation() noexcept : outer_(current) {
  current = this;
}

table_observation::~table_observation() {
  current = outer_;
}

bool observing() noexcept {
  return current != nullptr;
}

void note_tables(const statement_tables& tables) {
  if (current == nullptr) return;
  current->seen_.read.insert(tables.read.begin(), tables.read.end());
  current->seen_.written.insert(tables.written.begin(), tables.written.end());
}

}  // namespace mizan::db::detail
