#include "mail/mailer.hpp"

#include "core/captured_log.hpp"

#include "mail/fake_smtp_server.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <stdexcept>
#include <vector>

namespace {

using namespace mizan::mail;
using namespace std::chrono_literals;

using log_lines = mizan::test::captured_log;

message to(std::string address) {
  return {"", std::move(address), "Hello", "Body"};
}

mailer_options options_for(unsigned short port, log_lines& log) {
  mailer_options o;
  o.server = parse_smtp_url("smtp://127.0.0.1:" + std::to_string(port));
  o.from = "mizan@example.com";
  o.timeout = 500ms;
  o.first_backoff = 20ms;
  o.max_backoff = 100ms;
  o.log = log.sink();
  return o;
}

TEST(Mailer, SendsQueuedMessagesInOrder) {
  test::fake_smtp_server server;
  server.start();
  log_lines log;
  mailer m(options_for(server.port(), log));
  EXPECT_TRUE(m.send(to("a@example.org")));
  EXPECT_TRUE(m.send(to("b@example.org")));
  ASSERT_TRUE(server.wait_for(2, 5s));
  EXPECT_EQ(server.messages()[0].rcpt_to, "<a@example.org>");
  EXPECT_EQ(server.messages()[1].rcpt_to, "<b@example.org>");
  EXPECT_NE(server.messages()[0].data.find("From: mizan@example.com"), std::string::npos);
}

TEST(Mailer, RetriesAfter4xxRepliesAndLogsTheOutageOnce) {
  test::fake_smtp_server server;
  server.failing_connections = 3;
  server.start();
  log_lines log;
  mailer m(options_for(server.port(), log));
  m.send(to("a@example.org"));
  ASSERT_TRUE(server.wait_for(1, 5s));
  EXPECT_EQ(server.connections(), 4);
  EXPECT_EQ(log.count("cannot send"), 1u);
  // The recovery line comes after the 250, on the mailer's thread.
  for (int i = 0; i < 100 && log.count("sending again") == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(log.count("sending again after 3 failed attempts"), 1u);
}

TEST(Mailer, GivesUpOn5xxAndGoesOnWithTheNext) {
  test::fake_smtp_server server;
  server.failing_connections = 1;
  server.rcpt_reply = "550 no such user";
  server.start();
  log_lines log;
  mailer m(options_for(server.port(), log));
  m.send(to("nobody@example.org"));
  m.send(to("b@example.org"));
  ASSERT_TRUE(server.wait_for(1, 5s));
  EXPECT_EQ(server.messages()[0].rcpt_to, "<b@example.org>");
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(m.statistics().given_up, 1u);
  EXPECT_EQ(log.count("refused, given up"), 1u);
}

TEST(Mailer, RetriesARefusedConnectionUntilTheServerIsBack) {
  log_lines log;
  unsigned short port = 0;
  {
    test::fake_smtp_server gone;
    port = gone.port();
  }
  mailer m(options_for(port, log));
  m.send(to("a@example.org"));
  for (int i = 0; i < 200 && m.statistics().attempts_failed < 2; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_GE(m.statistics().attempts_failed, 2u);
  EXPECT_EQ(log.count("cannot send"), 1u) << "once per outage, not per attempt";
  EXPECT_EQ(m.statistics().queued, 1u);
  test::fake_smtp_server back(port);
  back.start();
  ASSERT_TRUE(back.wait_for(1, 5s));
  EXPECT_EQ(back.messages()[0].rcpt_to, "<a@example.org>");
}

TEST(Mailer, ABoundedQueueRefusesBeyondIt) {
  log_lines log;
  test::fake_smtp_server server;
  server.silent = true;
  server.start();
  auto o = options_for(server.port(), log);
  o.max_queue = 2;
  o.timeout = 5s;
  mailer m(std::move(o));
  EXPECT_TRUE(m.send(to("a@example.org")));
  EXPECT_TRUE(m.send(to("b@example.org")));
  EXPECT_FALSE(m.send(to("c@example.org")));
  EXPECT_EQ(m.statistics().refused, 1u);
  EXPECT_EQ(log.count("dropped"), 1u);
}

TEST(Mailer, MalformedAddressesAreRefusedBeforeQueueing) {
  log_lines log;
  mailer m(options_for(1, log));
  EXPECT_THROW(m.send(to("a@example.org\r\nBcc: b@example.org")), std::invalid_argument);
  EXPECT_EQ(m.statistics().queued, 0u);
}

TEST(Mailer, WithoutAServerMessagesGoToTheLog) {
  log_lines log;
  mailer_options o;
  o.log = log.sink();
  mailer m(std::move(o));
  EXPECT_TRUE(m.send({"", "a@example.org", "Reset", "the link: http://x/reset?token=abc"}));
  EXPECT_EQ(log.count("http://x/reset?token=abc"), 1u);
  EXPECT_EQ(log.count("From: mizan@localhost"), 1u);
}

TEST(Mailer, StopsAtOnceWhileAServerIsFrozen) {
  log_lines log;
  test::fake_smtp_server server;
  server.silent = true;
  server.start();
  auto o = options_for(server.port(), log);
  o.timeout = 60s;
  const auto start = std::chrono::steady_clock::now();
  {
    mailer m(std::move(o));
    m.send(to("a@example.org"));
    while (server.connections() == 0) std::this_thread::sleep_for(5ms);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(log.count("1 messages unsent"), 1u);
}

}  // namespace
