#include "http/log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace mizan::http::detail {
namespace {

using namespace std::chrono_literals;

TEST(AccessLine, HasRemoteMethodTargetStatusBytesAndMilliseconds) {
  std::string out;
  format_access_line(out, "127.0.0.1", "GET", "/a?b=1", 200, 42, 1234567ns);
  format_access_line(out, "", "", "", 400, 0, 0ns);
  EXPECT_EQ(out, "127.0.0.1 GET /a?b=1 200 42 1.234\n- - - 400 0 0.000\n");
}

struct pipe_fds {
  pipe_fds() {
    EXPECT_EQ(::pipe(fd), 0);
    ::fcntl(fd[0], F_SETFL, O_NONBLOCK);
  }
  ~pipe_fds() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
  std::string drain() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }
  int fd[2];
};

TEST(LogFlusher, WritesEverySinkInTheBackground) {
  pipe_fds p;
  log_sink a, b;
  {
    log_flusher flusher({&a, &b}, p.fd[1]);
    a.write([](std::string& s) { s += "one\n"; });
    b.write([](std::string& s) { s += "two\n"; });
    std::string got;
    for (int i = 0; i < 100 && got.size() < 8; ++i) {
      std::this_thread::sleep_for(10ms);
      got += p.drain();
    }
    EXPECT_EQ(got, "one\ntwo\n");
    a.write([](std::string& s) { s += "last\n"; });
  }  // the destructor flushes what is left
  EXPECT_EQ(p.drain(), "last\n");
}

TEST(LogSink, AsksForAnEarlyFlushWhenLargeAndDropsBeyondTheCap) {
  log_sink sink;
  EXPECT_FALSE(sink.write([](std::string& s) { s += "short\n"; }));
  EXPECT_TRUE(sink.write([](std::string& s) { s.append(log_sink::flush_hint, 'x'); }));
  sink.write([](std::string& s) { s.append(log_sink::hard_cap, 'y'); });
  EXPECT_FALSE(sink.write([](std::string& s) { s += "dropped\n"; }));
  std::string out;
  std::size_t dropped = 0;
  sink.take(out, dropped);
  EXPECT_EQ(dropped, 1u);
  EXPECT_EQ(out.size(), 6 + log_sink::flush_hint + log_sink::hard_cap);
  EXPECT_EQ(out.find("dropped"), std::string::npos);
}

}  // namespace
}  // namespace mizan::http::detail
