// Server-side rendering: a supervised pool of persistent Node.js renderer
// processes. Each renderer runs src/ssr/renderer_host.mjs (embedded in the
// library), which imports the front end's SSR bundle, an ESM module exporting
// render(input) => {head, body} (or a Promise of it), and answers requests one
// at a time. docs/ssr-pool.md has the whole picture.
//
// The wire: the child's fd 3 carries requests (server -> renderer), its fd 4
// replies (renderer -> server); stdin is the host script, stdout and stderr
// are one pipe drained line by line into `log` ("mizan.ssr[<pid>]: ...", each
// line capped at 4 KiB), so a stray console.log corrupts nothing. A frame in
// either direction is a 4-byte big-endian length and that many bytes of UTF-8
// JSON, at most 64 MiB (a longer reply is bad_reply):
//   request  {"id":<n>,"input":<input_json>}
//   replies  {"ready":true} once, after the bundle imported and has `render`;
//            then {"id":<n>,"head":"...","body":"..."} or {"id":<n>,"error":"..."}.
//
// Supervision (one thread owned by the pool, the only one that spawns):
// drains every child's output, reaps exited children, restarts dead ones
// with a backoff (100 ms doubling to 5 s while they die before ready),
// kills a renderer not ready 10 s after its start, kills one whose render
// timed out or whose reply was malformed, recycles one whose resident memory
// exceeds memory_mb after a render, and with watch_bundle restarts all of them
// when the bundle file changes. Children die with the server: through
// `setpriv --pdeathsig KILL` when /usr/bin/setpriv exists, and the host exits
// when its request channel reaches EOF.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::ssr {

struct pool_options {
  /// The Node.js binary (PATH lookup when it has no slash).
  std::string node = "node";
  /// Absolute path of the SSR entry module (e.g. .../dist-server/entry-server.js).
  std::string bundle;
  /// Renderers kept running; each serves one render at a time.
  std::size_t processes = 1;
  /// Deadline of one render (the caller may pass an earlier one).
  std::chrono::milliseconds timeout{2000};
  /// Resident memory limit per renderer in MiB, also V8's old-space limit.
  std::size_t memory_mb = 512;
  /// Development: restart the renderers when the bundle file changes.
  bool watch_bundle = false;
  /// One line per call: renderer stdout/stderr lines and supervision events
  /// (empty: stderr). Called from the supervisor thread only.
  std::function<void(std::string_view)> log;
};

struct rendered {
  std::string head;
  std::string body;
};

enum class render_failure { none, unavailable, timeout, crashed, bad_reply, render_error };

/// "none", "unavailable", "timeout", "crashed", "bad_reply", "render_error".
std::string_view to_string(render_failure failure) noexcept;

struct render_result {
  std::optional<rendered> page;  // set on success
  render_failure failure = render_failure::none;
  std::string detail;  // why, for the log
};

namespace detail {
struct pool_core;
}

/// A fixed number of renderer processes and the thread that supervises them.
///
/// Thread-safety: render(), bundle_generation(), pids() and ready() may be
/// called from any number of threads at once. `log` is called only from the
/// supervisor thread, one call at a time, never with a lock of the pool held.
/// The destructor must not run while a render() call is in progress.
///
///   mizan::ssr::renderer_pool pool({.bundle = root + "/dist-server/entry-server.js",
///                                   .processes = 4});
///   auto r = pool.render(R"({"url":"/"})", std::chrono::steady_clock::now() + 500ms);
///   if (r.page) send(r.page->head, r.page->body); else log(r.detail);
class renderer_pool {
 public:
  /// Starts the supervisor, which starts the processes; does not wait for
  /// them (a Node start takes ~50-150 ms). Throws std::invalid_argument when
  /// `bundle` is empty or `processes` is 0, std::system_error when the
  /// thread or its wake-up descriptor cannot be created.
  explicit renderer_pool(pool_options options);
  /// Kills (SIGKILL) and reaps every renderer, joins the supervisor.
  ~renderer_pool();
  renderer_pool(const renderer_pool&) = delete;
  renderer_pool& operator=(const renderer_pool&) = delete;

  /// Renders `input_json` (a complete JSON object, passed through unparsed) on
  /// an idle renderer. Blocks the calling thread (a worker thread, never a
  /// network thread) until the reply or the earlier of `deadline` and
  /// now + options.timeout; when every renderer is busy it waits for one until
  /// then. Never throws for renderer trouble: `failure` says what went wrong
  ///   unavailable   no renderer became ready in time;
  ///   timeout       the renderer did not answer in time: killed, being replaced;
  ///   crashed       the renderer died while rendering: being replaced;
  ///   bad_reply     a malformed or oversize reply: killed, being replaced;
  ///   render_error  the module's render threw (`detail` has its message);
  ///                 the renderer stays.
  /// Costs one round trip over local pipes plus the render itself, and a read
  /// of /proc/<pid>/statm.
  render_result render(std::string_view input_json, std::chrono::steady_clock::time_point deadline);

  /// Bumped each time the renderers are restarted because the bundle changed
  /// (watch_bundle), so cached pages of an older bundle are not served.
  std::uint64_t bundle_generation() const noexcept;
  /// Process ids of the running renderers (ready or starting).
  std::vector<int> pids() const;
  /// How many renderers are started and ready (idle or rendering).
  std::size_t ready() const;
  /// How many renderers the pool has started since it was created.
  std::uint64_t starts() const;

 private:
  std::unique_ptr<detail::pool_core> core_;
};

/// Resident set size of `pid` in bytes from /proc/<pid>/statm (0 when unknown).
std::size_t resident_bytes(int pid);

}  // namespace mizan::ssr
