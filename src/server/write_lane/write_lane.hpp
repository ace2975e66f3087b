// The database's write lane: mutations run one after another on one thread,
// many to a transaction (group commit).
#pragma once

#include "mizan/db.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mizan::server {

/// One mutation waiting in the lane.
class write_job {
 public:
  virtual ~write_job() = default;
  /// Runs inside the batch's transaction, in a savepoint of its own: if it
  /// throws, its writes alone are rolled back and `failed` receives the error.
  virtual void run() = 0;
  virtual void failed(std::exception_ptr error) noexcept = 0;
  /// Before `run` is called again, after the engine aborted its savepoint
  /// to resolve a conflict (db::conflict_error): forget what the first run
  /// produced.
  virtual void retry() noexcept = 0;
  /// After the batch: `committed` says whether the batch's writes are durable
  /// (if not, `why` holds the error that lost them). Answers go out here, so
  /// no client hears of a write before it is committed.
  virtual void finish(bool committed, std::exception_ptr why) noexcept = 0;
  /// Called on every job of a committed batch before any `finish`: purges
  /// the origin cache of what the job made stale and adds the edge cache
  /// tags to purge, so that the batch purges the edge once, after the origin
  /// cache (an edge refilled before would copy the old value back).
  virtual void purge_caches(std::vector<std::string>& edge_tags) { (void)edge_tags; }
  /// What the job is, for the log ("POST /api/mizan/call/add_todo/").
  virtual std::string describe() const { return "a mutation"; }
};

/// SQLite lets one connection write at a time. Mutations that each take the
/// write lock in turn from several threads pay for it twice: the threads
/// queue and wake one another, and every connection drops its page cache
/// whenever another one has written. The lane instead runs them on one
/// thread and one connection, and commits all that queued up meanwhile in one
/// transaction, so each commit's WAL write and lock round trip is shared.
class write_lane {
 public:
  /// Told of each job that ran longer than `slow` (it held up the lane).
  using slow_job_handler = std::function<void(const write_job&, std::chrono::milliseconds took)>;

  /// The default handler logs a line that suggests `.unbatched()`.
  /// How many times a job runs when the engine keeps aborting it for a
  /// conflict (a deadlock or serialization failure, on PostgreSQL).
  static constexpr int max_runs = 3;

  explicit write_lane(db::database& database, std::size_t max_batch = 64,
                      std::chrono::milliseconds slow = std::chrono::milliseconds(100),
                      slow_job_handler on_slow = {});
  ~write_lane();
  write_lane(const write_lane&) = delete;
  write_lane& operator=(const write_lane&) = delete;

  /// Purges the edge for a committed batch (the tags its jobs gathered),
  /// before their answers go. Set before the first post.
  void on_committed(std::function<void(std::vector<std::string> edge_tags)> purge) {
    purge_edge_ = std::move(purge);
  }

  /// Queues a job. Throws std::logic_error once `join` has begun.
  void post(std::unique_ptr<write_job> job);
  /// Runs every job already queued, then stops the thread. Idempotent.
  void join();

 private:
  void work();
  void run_batch(std::vector<std::unique_ptr<write_job>>& batch);
  void run_job(db::connection& conn, write_job& job);
  void report_slow(const write_job& job, std::chrono::milliseconds took) noexcept;

  db::database& database_;
  const std::size_t max_batch_;
  const std::chrono::milliseconds slow_;
  const slow_job_handler on_slow_;
  std::function<void(std::vector<std::string>)> purge_edge_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<write_job>> jobs_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace mizan::server
