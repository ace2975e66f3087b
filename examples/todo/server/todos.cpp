#include "todos.hpp"

#include <mizan/call.hpp>
#include <mizan/channel.hpp>

#include <fmt/format.h>

namespace todo_app {
namespace {

inline constexpr mizan::context todos{"todos"};
inline constexpr mizan::context todo{"todo"};
inline constexpr mizan::context stats{"stats"};
inline constexpr mizan::context leaderboard_ctx{"leaderboard"};
inline constexpr mizan::context admin{"admin"};

struct Todo {
  std::int64_t id;
  std::string title;
  bool done;
  std::string created_at;
};
BOOST_DESCRIBE_STRUCT(Todo, (), (id, title, done, created_at))

struct TodoStats {
  std::int64_t total;
  std::int64_t done;
};
BOOST_DESCRIBE_STRUCT(TodoStats, (), (total, done))

struct PublicStats {
  std::int64_t users;
  std::int64_t todos;
};
BOOST_DESCRIBE_STRUCT(PublicStats, (), (users, todos))

struct LeaderboardRow {
  std::string username;
  std::int64_t done;
};
BOOST_DESCRIBE_STRUCT(LeaderboardRow, (), (username, done))

struct AdminOverview {
  std::int64_t users;
  std::int64_t staff;
  std::int64_t todos;
  std::int64_t done;
};
BOOST_DESCRIBE_STRUCT(AdminOverview, (), (users, staff, todos, done))

// What the public `activity` channel tells every subscriber: who did what,
// never a todo's title (that is private).
struct Activity {
  std::string username;
  std::string action;  ///< "added", "finished", "reopened", "deleted"
};
BOOST_DESCRIBE_STRUCT(Activity, (), (username, action))
inline constexpr mizan::channel<Activity> activity{"activity"};

void announce(mizan::call& c, std::string action) {
  c.publish(activity, Activity{c.require_user().username, std::move(action)});
}

struct Deleted {
  std::int64_t deleted;
};
BOOST_DESCRIBE_STRUCT(Deleted, (), (deleted))

struct IdArgs {
  std::int64_t id;
};
BOOST_DESCRIBE_STRUCT(IdArgs, (), (id))

struct AddTodoArgs {
  std::string title;
};
BOOST_DESCRIBE_STRUCT(AddTodoArgs, (), (title))

struct LeaderboardArgs {
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> min_done;
};
BOOST_DESCRIBE_STRUCT(LeaderboardArgs, (), (limit, min_done))

std::vector<Todo> list_todos(mizan::call& c) {
  return c.db().query<Todo>(
      "SELECT id, title, done, created_at FROM todos WHERE user_id = ? ORDER BY id",
      c.require_user().id);
}

TodoStats todo_stats(mizan::call& c) {
  return c.db().query_one<TodoStats>(
      "SELECT count(*) AS total, coalesce(sum(done), 0) AS done FROM todos WHERE user_id = ?",
      c.require_user().id);
}

Todo get_todo(mizan::call& c, const IdArgs& a) {
  // Another user's todo is "not found", never "forbidden": ids reveal nothing.
  return c.db().query_one<Todo>(
      "SELECT id, title, done, created_at FROM todos WHERE id = ? AND user_id = ?", a.id,
      c.require_user().id);
}

Todo add_todo(mizan::call& c, const AddTodoArgs& a) {
  auto todo = c.db().query_one<Todo>(
      "INSERT INTO todos (user_id, title, done, created_at) VALUES (?, ?, 0, ?) "
      "RETURNING id, title, done, created_at",
      c.require_user().id, a.title, mizan::db::utc_now());
  announce(c, "added");
  return todo;
}

Todo toggle_todo(mizan::call& c, const IdArgs& a) {
  auto& db = c.db();
  const auto changed = db.exec("UPDATE todos SET done = 1 - done WHERE id = ? AND user_id = ?",
                               a.id, c.require_user().id);
  if (changed == 0) mizan::raise_not_found("Todo not found.");
  auto t = get_todo(c, a);
  announce(c, t.done ? "finished" : "reopened");
  return t;
}

Deleted delete_todo(mizan::call& c, const IdArgs& a) {
  const auto changed =
      c.db().exec("DELETE FROM todos WHERE id = ? AND user_id = ?", a.id, c.require_user().id);
  if (changed == 0) mizan::raise_not_found("Todo not found.");
  announce(c, "deleted");
  return {a.id};
}

PublicStats public_stats(mizan::call& c) {
  return c.db().query_one<PublicStats>(
      "SELECT (SELECT count(*) FROM mizan_users) AS users, (SELECT count(*) FROM todos) AS todos");
}

std::vector<LeaderboardRow> leaderboard(mizan::call& c, const LeaderboardArgs& a) {
  return c.db().query<LeaderboardRow>(
      "SELECT u.username AS username, count(t.id) AS done FROM mizan_users u "
      "LEFT JOIN todos t ON t.user_id = u.id AND t.done = 1 GROUP BY u.id "
      "HAVING count(t.id) >= ? ORDER BY done DESC, u.username LIMIT ?",
      a.min_done.value_or(0), a.limit.value_or(10));
}

AdminOverview admin_overview(mizan::call& c) {
  return c.db().query_one<AdminOverview>(
      "SELECT (SELECT count(*) FROM mizan_users) AS users,"
      " (SELECT count(*) FROM mizan_users WHERE is_staff = 1) AS staff,"
      " (SELECT count(*) FROM todos) AS todos,"
      " (SELECT count(*) FROM todos WHERE done = 1) AS done");
}

std::string csv_field(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  if (!s.empty() && std::string_view("=+-@").find(s.front()) != std::string_view::npos) {
    out.insert(1, "'");
  }
  return out + "\"";
}

mizan::http_response export_csv(mizan::call& c) {
  std::string csv = "id,title,done,created_at\r\n";
  for (const auto& t : list_todos(c)) {
    csv += fmt::format("{},{},{},{}\r\n", t.id, csv_field(t.title), t.done ? "true" : "false",
                       t.created_at);
  }
  return mizan::http_response::attachment(std::move(csv), "text/csv; charset=utf-8", "todos.csv");
}

mizan::http_response clear_done(mizan::call& c) {
  c.db().exec("DELETE FROM todos WHERE user_id = ? AND done = 1", c.require_user().id);
  return mizan::http_response::redirect("/");
}

}  // namespace

void register_functions(mizan::registry& app) {
  using mizan::auth_level;
  using namespace std::chrono_literals;
  auto by_id = [](const IdArgs& a, const auto&) { return mizan::scope{{"id", a.id}}; };

  app.add("list_todos", &list_todos).context(todos).auth(auth_level::user).private_();
  app.add("todo_stats", &todo_stats).context(todos).auth(auth_level::user).private_();
  // Cached per user: the app's cached private context. A scoped purge
  // (toggle_todo, delete_todo) drops one todo's entries, clear_done all.
  app.add("get_todo", &get_todo).context(todo).auth(auth_level::user).private_().cache(60s);
  // Public stats, the leaderboard and the admin overview count todos:
  // mutations purge them too. Each mutation declares every context reading
  // `todos`, as affected or not (debug mode checks it: docs/guide.md).
  app.add("add_todo", &add_todo)
      .affects(todos)
      .affects(stats)
      .affects(admin)
      // A new todo is not done: no existing `todo?id=` entry changes, and
      // the leaderboard counts done todos only.
      .unaffected(todo)
      .unaffected(leaderboard_ctx)
      .auth(auth_level::user)
      .validate("title", {.required = true, .max_length = 200});
  app.add("toggle_todo", &toggle_todo)
      .affects(todos)
      .affects(todo, by_id)
      .affects(leaderboard_ctx)
      .affects(admin)
      .unaffected(stats)  // counts todos, done or not
      .auth(auth_level::user)
      .websocket();
  app.add("delete_todo", &delete_todo)
      .affects(todos)
      .affects(todo, by_id)
      .affects(stats)
      .affects(leaderboard_ctx)
      .affects(admin)
      .auth(auth_level::user);
  app.add("public_stats", &public_stats).context(stats).cache(5s);
  // Live activity for every open page, signed in or not (sent once committed).
  app.channel(activity);
  app.add("leaderboard", &leaderboard)
      .context(leaderboard_ctx)
      .cache(5s)
      .validate("limit", {.min = 1, .max = 100})
      .validate("min_done", {.min = 0});
  app.add("admin_overview", &admin_overview).context(admin).auth(auth_level::staff);
  // A sign-up adds a user, whom the public counts and the leaderboard (which
  // lists users with nothing done) show. The accounts functions know nothing
  // of this application's contexts, so it declares that here.
  app.function("auth_signup").affects(stats).affects(leaderboard_ctx);
  app.add("export_csv", &export_csv)
      .route("/todos/export.csv")
      .methods({"GET"})
      .auth(auth_level::user);
  app.add("clear_done", &clear_done)
      .route("/todos/clear-done/")
      .methods({"POST"})
      .affects(todos)
      .affects(todo)
      .affects(stats)
      .affects(leaderboard_ctx)
      .affects(admin)
      .auth(auth_level::user);

  // Server-rendered pages (MIZAN_SSR_BUNDLE): their data is inlined, so the
  // front end shows it without asking. The todo page's document depends on
  // who asks (todos is private); the leaderboard's is public and cached,
  // and `?limit=` picks the number of rows.
  app.page("todo_page", "/")
      .context(todos)
      .context(leaderboard_ctx, {{"limit", 10}})
      .context(stats);
  app.page("leaderboard_page", "/leaderboard/")
      .context(leaderboard_ctx, {{"limit", 10}})
      .context(stats);
}

const std::vector<mizan::db::migration>& migrations() {
  static const std::vector<mizan::db::migration> list = {
      {"todo_0001_todos",
       "CREATE TABLE todos ("
       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
       " user_id INTEGER NOT NULL REFERENCES mizan_users(id) ON DELETE CASCADE,"
       " title TEXT NOT NULL,"
       " done INTEGER NOT NULL DEFAULT 0,"
       " created_at TEXT NOT NULL);"
       "CREATE INDEX todos_user ON todos(user_id, id)",
       // PostgreSQL: the same table with its own auto-increment key.
       "CREATE TABLE todos ("
       " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
       " user_id BIGINT NOT NULL REFERENCES mizan_users(id) ON DELETE CASCADE,"
       " title TEXT NOT NULL,"
       " done INTEGER NOT NULL DEFAULT 0,"
       " created_at TEXT NOT NULL);"
       "CREATE INDEX todos_user ON todos(user_id, id)"},
      // Covers todo_stats and the leaderboard's join without reading a row.
      {"todo_0002_todos_user_done", "CREATE INDEX todos_user_done ON todos(user_id, done)"},
  };
  return list;
}

}  // namespace todo_app
