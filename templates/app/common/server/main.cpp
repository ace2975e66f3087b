// {{name}}: the accounts functions (sign up, in and out) and the notes.
#include "notes.hpp"

#include <mizan/accounts.hpp>
#include <mizan/app.hpp>

int main(int argc, char** argv) {
  mizan::registry app;
  mizan::accounts::register_functions(app);
  notes::register_functions(app);
  // MIZAN_STATIC_DIR serves the built front end (web/dist) at `/`.
  return mizan::run(app, argc, argv, {.migrations = notes::migrations()});
}
