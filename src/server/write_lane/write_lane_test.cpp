// The write lane: group commit, per-job rollback, answers after the commit.
#include "server/write_lane/write_lane.hpp"

#include "db/test_support.hpp"
#include "mizan/db/errors.hpp"
#include "mizan/error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

struct text_row {
  std::string x;
};
BOOST_DESCRIBE_STRUCT(text_row, (), (x))

using mizan::server::write_job;
using mizan::server::write_lane;

/// What the jobs saw, in the order they saw it.
struct journal {
  std::mutex mutex;
  std::vector<std::string> events;
  void add(std::string e) {
    std::lock_guard lock(mutex);
    events.push_back(std::move(e));
  }
};

class scripted_job final : public write_job {
 public:
  scripted_job(std::string name, journal& log, std::function<void()> body)
      : name_(std::move(name)), log_(log), body_(std::move(body)) {}
  void run() override {
    log_.add("run " + name_);
    body_();
  }
  void failed(std::exception_ptr error) noexcept override {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log_.add("failed " + name_ + ": " + e.what());
    }
  }
  void retry() noexcept override { log_.add("retry " + name_); }
  void purge_caches(std::vector<std::string>& edge_tags) override {
    edge_tags.push_back("tag-" + name_);
  }
  std::string describe() const override { return name_; }
  void finish(bool committed, std::exception_ptr why) noexcept override {
    std::string reason;
    if (why) {
      try {
        std::rethrow_exception(why);
      } catch (const std::exception& e) {
        reason = std::string(" (") + e.what() + ")";
      }
    }
    log_.add((committed ? "committed " : "lost ") + name_ + reason);
  }

 private:
  std::string name_;
  journal& log_;
  std::function<void()> body_;
};

class WriteLane : public ::testing::Test {
 protected:
  WriteLane() { db.exec("create table t(x text)"); }

  std::vector<std::string> rows() {
    std::vector<std::string> out;
    for (auto& r : db.query<text_row>("select x from t order by x")) out.push_back(std::move(r.x));
    return out;
  }
  std::function<void()> insert(std::string x) {
    return [this, x] { db.exec("insert into t values (?)", x); };
  }

  /// Runs `jobs` (name, body) as one batch: a job of the test's own holds
  /// the lane until all of them are queued. Returns once the lane is done.
  void run_as_one_batch(std::vector<std::pair<std::string, std::function<void()>>> jobs) {
    std::promise<void> started, release;
    write_lane lane(db);
    if (purge_edge) lane.on_committed(purge_edge);
    lane.post(std::make_unique<scripted_job>("gate", log, [&] {
      started.set_value();
      release.get_future().wait();
    }));
    started.get_future().wait();
    for (auto& [name, body] : jobs) {
      lane.post(std::make_unique<scripted_job>(name, log, std::move(body)));
    }
    release.set_value();
    lane.join();
  }

  db_test::temp_dir dir;
  mizan::db::database db{dir.url()};
  journal log;
  std::function<void(std::vector<std::string>)> purge_edge;
};

// One edge purge per committed batch, with every job's tags, before any
// job is answered; none for a batch that was lost.
TEST_F(WriteLane, ACommittedBatchPurgesTheEdgeOnceBeforeItsAnswers) {
  purge_edge = [this](std::vector<std::string> tags) {
    std::string line = "purge";
    for (const auto& t : tags) line += " " + t;
    log.add(line);
  };
  run_as_one_batch({{"a", insert("a")}, {"b", insert("b")}});
  EXPECT_EQ(log.events,
            (std::vector<std::string>{"run gate", "purge tag-gate", "committed gate", "run a",
                                      "run b", "purge tag-a tag-b", "committed a", "committed b"}));
  log.events.clear();
  run_as_one_batch({{"c", [&] { db.exec("rollback"); }}});
  EXPECT_EQ(std::count_if(log.events.begin(), log.events.end(),
                          [](const std::string& e) { return e.rfind("purge", 0) == 0; }),
            1);  // the gate's batch only
}

// Jobs queued together form one batch: all of them run before any is answered.
TEST_F(WriteLane, JobsQueuedTogetherCommitTogetherAndAreAnsweredAfter) {
  run_as_one_batch({{"a", insert("a")}, {"b", insert("b")}, {"c", insert("c")}});
  EXPECT_EQ(log.events,
            (std::vector<std::string>{"run gate", "committed gate", "run a", "run b", "run c",
                                      "committed a", "committed b", "committed c"}));
  EXPECT_EQ(rows(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(WriteLane, AFailingJobIsRolledBackAloneAndTheOthersCommit) {
  run_as_one_batch({{"a", insert("a")},
                    {"b",
                     [&] {
                       db.exec("insert into t values ('b')");
                       throw mizan::error(mizan::errc::not_found, "nope");
                     }},
                    {"c", insert("c")}});
  EXPECT_EQ(rows(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(log.events, (std::vector<std::string>{"run gate", "committed gate", "run a", "run b",
                                                  "failed b: nope", "run c", "committed a",
                                                  "committed b", "committed c"}));
}

// If the engine ends the batch's transaction (as SQLite does on SQLITE_FULL),
// nothing in the batch is committed and no job is told it was.
TEST_F(WriteLane, ABatchTheEngineRolledBackIsLostForEveryJob) {
  run_as_one_batch({{"a", insert("a")}, {"b", [&] { db.exec("rollback"); }}, {"c", insert("c")}});
  EXPECT_TRUE(rows().empty());
  const std::string lost = " (The database could not save the change.)";
  ASSERT_EQ(log.events.size(), 8u);
  EXPECT_EQ(log.events[4].rfind("failed b: ", 0), 0u) << log.events[4];  // RELEASE failed
  const std::vector<std::string> tail(log.events.end() - 3, log.events.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"lost a" + lost, "lost b" + lost, "lost c" + lost}))
      << "the batch stops at the job that lost it: c never runs";
}

TEST_F(WriteLane, JoinRunsWhatIsQueuedThenRefusesMore) {
  write_lane lane(db);
  for (int i = 0; i < 100; ++i) {
    lane.post(std::make_unique<scripted_job>(std::to_string(i), log, insert(std::to_string(i))));
  }
  lane.join();
  EXPECT_EQ(rows().size(), 100u);
  EXPECT_THROW(lane.post(std::make_unique<scripted_job>("late", log, [] {})), std::logic_error);
}

TEST_F(WriteLane, AJobThatHoldsTheLaneLongIsReported) {
  std::vector<std::string> reported;
  std::mutex m;
  {
    write_lane lane(db, 64, std::chrono::milliseconds(150),
                    [&](const write_job& job, std::chrono::milliseconds took) {
                      std::lock_guard lock(m);
                      reported.push_back(job.describe());
                      EXPECT_GE(took.count(), 150);
                    });
    lane.post(std::make_unique<scripted_job>("quick", log, insert("q")));
    lane.post(std::make_unique<scripted_job>(
        "slow", log, [] { std::this_thread::sleep_for(std::chrono::milliseconds(300)); }));
    lane.join();
  }
  EXPECT_EQ(reported, std::vector<std::string>{"slow"});
}

// PostgreSQL aborts one side of a deadlock or serialization failure: the
// job's savepoint is undone and it runs again, as nothing was answered yet.
TEST_F(WriteLane, AJobAbortedForAConflictRunsAgain) {
  int runs = 0;
  run_as_one_batch({{"a", insert("a")},
                    {"b",
                     [&] {
                       db.exec("insert into t values (?)", "b" + std::to_string(++runs));
                       if (runs == 1) throw mizan::db::conflict_error("deadlock");
                     }},
                    {"c", insert("c")}});
  EXPECT_EQ(rows(), (std::vector<std::string>{"a", "b2", "c"}));
  EXPECT_EQ(log.events, (std::vector<std::string>{"run gate", "committed gate", "run a", "run b",
                                                  "retry b", "run b", "run c", "committed a",
                                                  "committed b", "committed c"}));
}

TEST_F(WriteLane, AJobThatKeepsConflictingFailsAfterThreeRuns) {
  run_as_one_batch({{"b",
                     [&] {
                       db.exec("insert into t values ('b')");
                       throw mizan::db::conflict_error("deadlock");
                     }},
                    {"c", insert("c")}});
  EXPECT_EQ(rows(), (std::vector<std::string>{"c"}));
  EXPECT_EQ(std::count(log.events.begin(), log.events.end(), "run b"), write_lane::max_runs);
  EXPECT_NE(std::find(log.events.begin(), log.events.end(), "failed b: deadlock"),
            log.events.end());
}

}  // namespace
