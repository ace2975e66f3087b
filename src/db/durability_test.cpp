// An acknowledged commit survives the process being killed: a child process
// reports each committed id, is killed with SIGKILL mid-stream, and every
// reported id must be in the database afterwards.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "db/test_support.hpp"
#include "mizan/db.hpp"

extern char** environ;

namespace {

using db_test::engine;
using mizan::db::database;

constexpr const char* child_variable = "MIZAN_DB_DURABILITY_CHILD";
constexpr std::string_view report_prefix = "committed ";

void report(std::int64_t id) {
  const std::string line = std::string(report_prefix) + std::to_string(id) + "\n";
  // Straight to the descriptor: nothing may sit in a buffer when killed.
  ASSERT_EQ(::write(STDOUT_FILENO, line.data(), line.size()), static_cast<ssize_t>(line.size()));
}

// Not a test of its own: the body of the child process, skipped unless
// started by Durability.KilledWriterLosesNoAcknowledgedCommit.
// The ids come from INSERT ... RETURNING, the same on both engines.
TEST(DurabilityChild, InsertsUntilKilled) {
  const char* url = std::getenv(child_variable);
  if (url == nullptr) GTEST_SKIP() << "runs only as the durability test's child";
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  database db(url);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (int i = 0; std::chrono::steady_clock::now() < give_up; ++i) {
    if (i % 5 == 0) {
      std::vector<std::int64_t> ids;
      db.transaction([&] {
        for (int k = 0; k < 3; ++k) {
          ids.push_back(db.scalar<std::int64_t>("insert into t(payload) values (?) returning id",
                                                std::string(100, 'a' + k)));
        }
      });
      for (auto id : ids) report(id);
    } else {
      report(db.scalar<std::int64_t>("insert into t(payload) values (?) returning id",
                                     std::string(100, 'z')));
    }
  }
}

class Durability : public ::testing::TestWithParam<engine> {};

TEST_P(Durability, KilledWriterLosesNoAcknowledgedCommit) {
  db_test::fresh_database fresh(GetParam());
  {
    database(fresh.url())
        .exec("create table t(id " + std::string(db_test::auto_id(GetParam())) +
              ", payload text not null)");
  }

  int out[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::string self = "/proc/self/exe";
  std::string filter = "--gtest_filter=DurabilityChild.InsertsUntilKilled";
  std::vector<char*> argv = {self.data(), filter.data(), nullptr};
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  env_strings.push_back(std::string(child_variable) + "=" + fresh.url());
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t child = -1;
  const int spawned =
      ::posix_spawn(&child, self.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ASSERT_EQ(spawned, 0);

  std::vector<std::int64_t> reported;
  std::string pending;
  auto take_lines = [&] {
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
      const std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (line.starts_with(report_prefix)) {
        reported.push_back(std::stoll(line.substr(report_prefix.size())));
      }
    }
  };
  char buffer[4096];
  bool killed = false;
  for (;;) {
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    pending.append(buffer, static_cast<std::size_t>(n));
    take_lines();
    // Kill in the middle of a stream of commits, not after a pause.
    if (!killed && reported.size() >= 500) {
      ::kill(child, SIGKILL);
      killed = true;
    }
  }
  ::close(out[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(killed) << "the child stopped on its own after " << reported.size() << " commits";
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  database db(fresh.url());
  if (GetParam() == engine::sqlite) {
    EXPECT_EQ(db.scalar<std::string>("pragma integrity_check"), "ok");
  }
  std::size_t missing = 0;
  for (auto id : reported) {
    if (!db.query_optional<std::int64_t>("select id from t where id = ?", id)) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << reported.size() << " reported commits";
  EXPECT_GE(db.scalar<std::int64_t>("select count(*) from t"),
            static_cast<std::int64_t>(reported.size()));
}

INSTANTIATE_TEST_SUITE_P(Engines, Durability, db_test::engines(), db_test::engine_name);

}  // namespace
