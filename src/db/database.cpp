// One connection per thread and database, opened lazily. SQLite: closed by
// whichever ends first, the thread or the database. PostgreSQL: taken from a
// bounded pool, kept by the thread until it ends or another thread waits.
#include "mizan/db/database.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "db/backend.hpp"

namespace mizan::db {
namespace detail {

// Shared by the database and, through weak pointers, by the threads that
// hold one of its connections, so that a thread ending after the database
// finds it gone instead of dangling.
struct database_state {
  database_config config;
  // Never reused, unlike the state's address.
  std::uint64_t id = 0;
  std::unique_ptr<connection> anchor;

  std::mutex mutex;
  std::vector<std::unique_ptr<connection>> open;  // guarded by mutex
  // PostgreSQL's pool, guarded by mutex: connections no thread holds, and
  // connections being opened (they count toward the pool's size).
  std::vector<connection*> idle;
  std::size_t opening = 0;
  std::condition_variable freed;
  std::atomic<int> waiting{0};  // threads waiting for a connection

  std::unique_ptr<connection> make_connection(bool at_start = false) {
    return std::unique_ptr<connection>(new connection(open_backend(config, at_start)));
  }

  connection* add(std::unique_ptr<connection> c) {
    std::lock_guard lock(mutex);
    open.push_back(std::move(c));
    return open.back().get();
  }

  bool room() const { return open.size() + opening < config.options.pool_size; }

  // An idle connection, a new one if the pool has room, or one freed within
  // the pool timeout; else errc::unavailable.
  connection* lease() {
    std::unique_lock lock(mutex);
    const auto deadline = std::chrono::steady_clock::now() + config.options.pool_timeout;
    for (;;) {
      if (!idle.empty()) {
        connection* c = idle.back();
        idle.pop_back();
        return c;
      }
      if (room()) {
        ++opening;
        lock.unlock();
        std::unique_ptr<connection> made;
        try {
          made = make_connection();
        } catch (...) {
          lock.lock();
          --opening;
          freed.notify_one();
          throw;
        }
        lock.lock();
        --opening;
        open.push_back(std::move(made));
        return open.back().get();
      }
      waiting.fetch_add(1);
      const bool got = freed.wait_until(lock, deadline, [this] { return !idle.empty() || room(); });
      waiting.fetch_sub(1);
      if (!got) {
        lock.unlock();
        throw_unavailable("The database has no free connection.");
      }
    }
  }

  void give_back(connection* c) noexcept {
    {
      std::lock_guard lock(mutex);
      if (std::none_of(open.begin(), open.end(), [c](const auto& p) { return p.get() == c; })) {
        return;  // the database closed it
      }
      idle.push_back(c);
    }
    freed.notify_one();
  }

  // A thread ended: close its connection unless the database already did;
  // a pooled one goes back to the pool.
  void release(connection* c) noexcept {
    if (config.postgresql()) {
      give_back(c);
      return;
    }
    std::unique_ptr<connection> closing;
    {
      std::lock_guard lock(mutex);
      auto it = std::find_if(open.begin(), open.end(), [c](const auto& p) { return p.get() == c; });
      if (it == open.end()) return;
      closing = std::move(*it);
      open.erase(it);
    }
  }

  void close_all() noexcept {
    std::vector<std::unique_ptr<connection>> closing;
    {
      std::lock_guard lock(mutex);
      closing.swap(open);
      idle.clear();
    }
    closing.clear();
    anchor.reset();
  }
};

namespace {

std::atomic<std::uint64_t> next_database_id{1};

struct thread_entry {
  std::uint64_t id;
  std::weak_ptr<database_state> state;
  connection* conn;
};

// This thread's connections; destroyed when the thread ends.
struct thread_connections {
  std::vector<thread_entry> entries;

  thread_connections() = default;
  thread_connections(const thread_connections&) = delete;
  thread_connections& operator=(const thread_connections&) = delete;
  ~thread_connections() {
    for (auto& e : entries) {
      if (auto state = e.state.lock()) state->release(e.conn);
    }
  }
};

thread_local thread_connections this_thread_connections;

}  // namespace
}  // namespace detail

database::database(std::string_view url, database_options options)
    : state_(std::make_shared<detail::database_state>()) {
  state_->config = detail::parse_database_url(url, options);
  state_->id = detail::next_database_id.fetch_add(1);
  if (state_->config.kind == detail::database_config::engine::sqlite_memory) {
    // Private to this object: the process id keeps names apart across fork.
    state_->config.path = fmt::format("/mizan-memory-{}-{}", ::getpid(), state_->id);
  }
  if (state_->config.postgresql()) {
    state_->idle.push_back(state_->add(state_->make_connection(true)));
  } else {
    state_->anchor = state_->make_connection(true);
  }
}

database::~database() {
  close();
}

database::database(database&& other) noexcept : state_(std::move(other.state_)) {}

database& database::operator=(database&& other) noexcept {
  if (this != &other) {
    close();
    state_ = std::move(other.state_);
  }
  return *this;
}

void database::close() noexcept {
  if (state_) state_->close_all();
  state_.reset();
}

db::connection& database::connection() {
  if (!state_) throw std::logic_error("mizan::db: use of a moved-from database");
  auto& entries = detail::this_thread_connections.entries;
  for (const auto& e : entries) {
    if (e.id == state_->id) return *e.conn;
  }
  // Forget the connections of databases destroyed since.
  std::erase_if(entries, [](const auto& e) { return e.state.expired(); });
  entries.reserve(entries.size() + 1);
  db::connection* c =
      state_->config.postgresql() ? state_->lease() : state_->add(state_->make_connection());
  entries.push_back({state_->id, state_, c});
  return *c;
}

db::engine database::engine() const noexcept {
  return state_ && state_->config.postgresql() ? db::engine::postgresql : db::engine::sqlite;
}

void database::yield_connection() noexcept {
  if (!state_ || !state_->config.postgresql()) return;
  if (state_->waiting.load(std::memory_order_relaxed) == 0) return;
  release_connection();
}

void database::release_connection() noexcept {
  if (!state_ || !state_->config.postgresql()) return;
  auto& entries = detail::this_thread_connections.entries;
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->id != state_->id) continue;
    if (it->conn->in_transaction()) return;
    state_->give_back(it->conn);
    entries.erase(it);
    return;
  }
}

std::size_t database::open_connections() const {
  if (!state_) return 0;
  std::lock_guard lock(state_->mutex);
  return state_->open.size();
}

}  // namespace mizan::db
