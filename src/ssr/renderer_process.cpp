#include "ssr/renderer_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

extern char** environ;

namespace mizan::ssr::detail {
namespace {

constexpr const char* setpriv_path = "/usr/bin/setpriv";

[[noreturn]] void fail(int error, const char* what) {
  throw std::system_error(error, std::generic_category(), what);
}

// Descriptors 0-4 are the child's targets: keeping the server's ends above
// them means no dup2 in the file actions overwrites a source still to be
// duplicated, and none is a no-op that would leave close-on-exec set.
unique_fd lift(int fd) {
  unique_fd original(fd);
  const int lifted = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  if (lifted < 0) fail(errno, "fcntl(F_DUPFD_CLOEXEC)");
  return unique_fd(lifted);
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) fail(errno, "fcntl(O_NONBLOCK)");
}

struct channel {
  unique_fd parent, child;
};

channel make_pipe(bool parent_reads) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) fail(errno, "pipe2");
  unique_fd read_end = lift(fds[0]), write_end = lift(fds[1]);
  if (parent_reads) return {std::move(read_end), std::move(write_end)};
  return {std::move(write_end), std::move(read_end)};
}

// The server writes requests and the script through sockets: send() with
// MSG_NOSIGNAL reports a dead child as EPIPE instead of raising SIGPIPE.
channel make_socket() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) fail(errno, "socketpair");
  channel c{lift(fds[0]), lift(fds[1])};
  ::shutdown(c.parent.get(), SHUT_RD);
  ::shutdown(c.child.get(), SHUT_WR);
  return c;
}

std::vector<std::string> command(const spawn_options& options, bool with_setpriv) {
  std::vector<std::string> argv;
  if (with_setpriv) argv = {setpriv_path, "--pdeathsig", "KILL", "--"};
  argv.push_back(options.node);
  argv.push_back("--max-old-space-size=" + std::to_string(options.memory_mb));
  argv.push_back("--input-type=module");
  argv.push_back("-");
  argv.push_back(options.bundle);
  return argv;
}

bool have_setpriv() {
  return ::access(setpriv_path, X_OK) == 0;
}

struct file_actions {
  posix_spawn_file_actions_t actions;
  file_actions() { posix_spawn_file_actions_init(&actions); }
  ~file_actions() { posix_spawn_file_actions_destroy(&actions); }
  void dup2(int from, int to) {
    if (const int e = posix_spawn_file_actions_adddup2(&actions, from, to)) fail(e, "adddup2");
  }
};

}  // namespace

unique_fd& unique_fd::operator=(unique_fd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

int unique_fd::release() noexcept {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void unique_fd::reset() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string describe_command(const spawn_options& options) {
  std::string out;
  for (const auto& arg : command(options, have_setpriv())) {
    if (!out.empty()) out += ' ';
    out += arg;
  }
  return out;
}

renderer_process spawn_renderer(const spawn_options& options) {
  channel script = make_socket();
  channel requests = make_socket();
  channel replies = make_pipe(true);
  channel output = make_pipe(true);

  file_actions actions;
  actions.dup2(script.child.get(), 0);
  actions.dup2(output.child.get(), 1);
  actions.dup2(output.child.get(), 2);
  actions.dup2(requests.child.get(), 3);
  actions.dup2(replies.child.get(), 4);

  const bool with_setpriv = have_setpriv();
  const auto args = command(options, with_setpriv);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  const int e =
      with_setpriv ? ::posix_spawn(&pid, argv[0], &actions.actions, nullptr, argv.data(), environ)
                   : ::posix_spawnp(&pid, argv[0], &actions.actions, nullptr, argv.data(), environ);
  if (e != 0) fail(e, "posix_spawn node");

  renderer_process child;
  child.pid = pid;
  // The script fits a socket's buffer many times over: it is sent whole, and
  // a child that died already just loses it.
  std::string_view rest = options.host_script;
  while (!rest.empty()) {
    const auto n = ::send(script.parent.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  script.parent.reset();
  set_nonblocking(requests.parent.get());
  set_nonblocking(replies.parent.get());
  set_nonblocking(output.parent.get());
  child.requests = std::move(requests.parent);
  child.replies = std::move(replies.parent);
  child.output = std::move(output.parent);
  return child;
}

void kill_renderer(pid_t pid) noexcept {
  if (pid > 0) ::kill(pid, SIGKILL);
}

bool try_reap(pid_t pid, int& status) noexcept {
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == ECHILD) {  // reaped elsewhere: nothing left to wait for
      status = 0;
      return true;
    }
    return false;
  }
}

void reap(pid_t pid) noexcept {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

}  // namespace mizan::ssr::detail
