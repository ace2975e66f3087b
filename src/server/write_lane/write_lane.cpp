#include "server/write_lane/write_lane.hpp"

#include "mizan/error.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <stdexcept>

namespace mizan::server {

namespace {

void log_slow_job(const write_job& job, std::chrono::milliseconds took) {
  std::fputs(fmt::format("mizan: {} ran {} ms in the write lane, holding up every write queued "
                         "behind it; register it .unbatched() if it works outside the database\n",
                         job.describe(), took.count())
                 .c_str(),
             stderr);
}

}  // namespace

write_lane::write_lane(db::database& database, std::size_t max_batch,
                       std::chrono::milliseconds slow, slow_job_handler on_slow)
    : database_(database),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      slow_(slow),
      on_slow_(on_slow ? std::move(on_slow) : slow_job_handler(&log_slow_job)) {
  thread_ = std::thread([this] { work(); });
}

write_lane::~write_lane() {
  join();
}

void write_lane::post(std::unique_ptr<write_job> job) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) throw std::logic_error("write_lane::post after join");
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void write_lane::join() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void write_lane::work() {
  std::vector<std::unique_ptr<write_job>> batch;
  batch.reserve(max_batch_);
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (jobs_.empty() && !closing_) {
        // Idle: a pooled (PostgreSQL) connection goes to whoever needs one.
        lock.unlock();
        database_.release_connection();
        lock.lock();
      }
      wake_.wait(lock, [this] { return closing_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // closing and drained
      while (!jobs_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(jobs_.front()));
        jobs_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

void write_lane::report_slow(const write_job& job, std::chrono::milliseconds took) noexcept {
  try {
    on_slow_(job, took);
  } catch (...) {
    // A report that fails must not roll the batch back.
  }
}

void write_lane::run_batch(std::vector<std::unique_ptr<write_job>>& batch) {
  bool committed = false;
  std::exception_ptr why;
  try {
    auto& conn = database_.connection();
    conn.transaction([&] {
      for (auto& job : batch) {
        const auto started = std::chrono::steady_clock::now();
        run_job(conn, *job);
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        if (took >= slow_) report_slow(*job, took);
        // SQLite may have rolled the whole batch back (SQLITE_FULL, ...):
        // committing what follows would acknowledge writes that are gone.
        if (!conn.transaction_active()) {
          throw error(errc::unavailable, "The database could not save the change.")
              .with_header("Retry-After", "1");
        }
      }
    });
    committed = true;
  } catch (...) {
    why = std::current_exception();
  }
  if (committed) {
    try {
      std::vector<std::string> tags;
      for (const auto& job : batch) job->purge_caches(tags);
      if (!tags.empty() && purge_edge_) purge_edge_(std::move(tags));
    } catch (...) {
      // Committed: the batch is answered anyway; the entries expire.
    }
  }
  for (auto& job : batch) job->finish(committed, why);
  database_.yield_connection();
}

void write_lane::run_job(db::connection& conn, write_job& job) {
  for (int run = 1;; ++run) {
    try {
      conn.transaction([&] { job.run(); });  // a savepoint
      return;
    } catch (const db::conflict_error&) {
      // Only its savepoint was undone, and nothing was answered yet.
      if (run < max_runs) {
        job.retry();
        continue;
      }
      job.failed(std::current_exception());
      return;
    } catch (...) {
      job.failed(std::current_exception());
      return;
    }
  }
}

}  // namespace mizan::server
