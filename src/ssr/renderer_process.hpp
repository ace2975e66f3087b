// One Node.js renderer child: how it is spawned (posix_spawn, never fork, in
// a threaded server), the descriptors it gets, and how it is killed and
// reaped. The pool (renderer_pool.hpp) decides when.
//
// The child sees: stdin = a socket carrying the host script (then EOF),
// fd 3 = the request channel (a socket, written by the server), fd 4 = the
// reply pipe, stdout and stderr = one pipe the server drains into its log.
// Every other descriptor of the server is close-on-exec. When
// /usr/bin/setpriv exists the child runs through
// `setpriv --pdeathsig KILL --`, so it dies with the thread that spawned it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace mizan::ssr::detail {

/// A descriptor closed when the object dies.
class unique_fd {
 public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
  unique_fd& operator=(unique_fd&& other) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept;
  void reset() noexcept;

 private:
  int fd_ = -1;
};

struct spawn_options {
  std::string node = "node";  // PATH lookup when it has no slash
  std::string bundle;
  std::size_t memory_mb = 512;
  std::string_view host_script;  // written to the child's stdin
};

/// A started child: its pid and the server's ends of its channels (all
/// non-blocking and close-on-exec).
struct renderer_process {
  pid_t pid = -1;
  unique_fd requests;  // socket: send() with MSG_NOSIGNAL
  unique_fd replies;   // pipe read end
  unique_fd output;    // pipe read end: the child's stdout and stderr
};

/// Starts a renderer. Call it only from a thread that outlives the child (the
/// death signal follows the spawning thread). Throws std::system_error when
/// posix_spawn or a pipe fails (e.g. no such binary without setpriv; with
/// setpriv a missing node shows as an exit with status 127 instead).
renderer_process spawn_renderer(const spawn_options& options);

/// The command line spawn_renderer runs (for the log and tests).
std::string describe_command(const spawn_options& options);

/// Sends SIGKILL; ignores a process that is already gone.
void kill_renderer(pid_t pid) noexcept;

/// waitpid without blocking: true when `pid` has exited and is now reaped,
/// with its wait status in `status`.
bool try_reap(pid_t pid, int& status) noexcept;

/// Blocks until `pid` is reaped.
void reap(pid_t pid) noexcept;

/// "exit status 3", "killed by signal 9".
std::string describe_status(int status);

}  // namespace mizan::ssr::detail
