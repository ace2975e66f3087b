// The Mizan reference application: todos per user, public stats, a
// leaderboard, an admin overview, a CSV export and a form-driven view.
#include "todos.hpp"

#include <mizan/accounts.hpp>
#include <mizan/app.hpp>

int main(int argc, char** argv) {
  mizan::registry app;
  mizan::accounts::register_functions(app);
  todo_app::register_functions(app);
  return mizan::run(app, argc, argv,
                    {.migrations = todo_app::migrations(), .static_dir = MIZAN_TODO_STATIC_DIR});
}
