// Redis servers for the tests: the ctest run's shared one (the `redis`
// fixture) and private ones a fault test may freeze, kill and restart
// without disturbing the tests that run beside it.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "redis/config.hpp"
#include "redis/connection.hpp"

namespace mizan::redis::test {

inline constexpr const char* dir_variable = "MIZAN_TEST_REDIS_DIR";

/// The shared server's directory. Throws, saying what to do, when there is
/// none: a test that needs Redis fails without one, it is never skipped.
inline std::string shared_dir() {
  const char* value = std::getenv(dir_variable);
  std::string dir = value == nullptr ? "" : value;
  if (dir.empty()) {
    throw std::runtime_error(
        std::string(dir_variable) +
        " is not set, so this test has no redis-server: run it through ctest (its "
        "redis_server_start fixture starts one), or start one with "
        "`scripts/redis-test-fixture.sh start DIR` and set " +
        dir_variable + "=DIR");
  }
  constexpr std::string_view token = "{ctest}";
  if (const auto at = dir.find(token); at != std::string::npos) {
    dir.replace(at, token.size(), std::to_string(::getppid()));
  }
  if (!std::filesystem::exists(dir + "/port")) {
    throw std::runtime_error("no redis-server in " + dir +
                             " (the redis fixture did not start or has stopped)");
  }
  return dir;
}

/// The shared server over TCP.
inline config shared_tcp() {
  const std::string dir = shared_dir();
  std::ifstream in(dir + "/port");
  int port = 0;
  in >> port;
  config c;
  c.host = "127.0.0.1";
  c.port = port;
  return c;
}

inline std::string shared_socket() {
  return shared_dir() + "/redis.sock";
}

inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

/// A redis-server of the test's own, on a free port, in a temporary
/// directory, killed in the destructor.
class private_server {
 public:
  explicit private_server(std::vector<std::string> extra = {})
      : extra_(std::move(extra)), port_(free_port()) {
    dir_ = std::filesystem::temp_directory_path() /
           ("mizan-redis-test-" + std::to_string(::getpid()) + "-" + std::to_string(port_));
    std::filesystem::create_directories(dir_);
    start();
  }
  private_server(const private_server&) = delete;
  private_server& operator=(const private_server&) = delete;
  ~private_server() {
    kill();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  int port() const { return port_; }
  config tcp() const {
    config c;
    c.host = "127.0.0.1";
    c.port = port_;
    return c;
  }

  void freeze() { ::kill(pid_, SIGSTOP); }
  void thaw() { ::kill(pid_, SIGCONT); }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  /// Starts it again on the same port; waits until it answers.
  void start() {
    std::vector<std::string> args{"redis-server",
                                  "--port",
                                  std::to_string(port_),
                                  "--bind",
                                  "127.0.0.1",
                                  "--save",
                                  "",
                                  "--appendonly",
                                  "no",
                                  "--dir",
                                  dir_.string(),
                                  "--logfile",
                                  (dir_ / "redis.log").string()};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::execvp("redis-server", argv.data());
      ::_exit(127);
    }
    // Ready once the port accepts a connection (AUTH may be required).
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<std::uint16_t>(port_));
      const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(fd);
      if (up) return;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error(
            "redis-server exited at start (is it installed? "
            "scripts/bootstrap.sh --test)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("redis-server did not listen within 10 s");
  }

 private:
  std::vector<std::string> extra_;
  int port_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

}  // namespace mizan::redis::test
