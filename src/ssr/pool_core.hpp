// The renderer pool's shared state: its slots (one per renderer kept
// running), the lock guarding them, and the supervisor's loop. Internal to
// renderer_pool.cpp and supervisor.cpp.
//
// Who touches what: a slot's `state`, `process.pid`, `reaped` and the
// request/reply descriptors change under `mutex`. A render thread that
// checked a slot out (state busy) does the request/reply I/O on it without
// the lock. The supervisor alone reads the output pipes and the reply pipes
// of starting slots, and alone closes descriptors, spawns and reaps, so a pid
// is killed only while it is known not to be reaped.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ssr/frame.hpp"
#include "ssr/output_lines.hpp"
#include "ssr/renderer_pool.hpp"
#include "ssr/renderer_process.hpp"

namespace mizan::ssr::detail {

using clock = std::chrono::steady_clock;

inline constexpr std::chrono::milliseconds first_backoff{100};
inline constexpr std::chrono::milliseconds max_backoff{5000};
inline constexpr std::chrono::milliseconds start_timeout{10000};
inline constexpr std::chrono::milliseconds watch_interval{500};

enum class slot_state {
  empty,     // no process; the next one starts at restart_at
  starting,  // spawned, waiting for its ready frame
  idle,      // ready, waiting for a render
  busy,      // checked out by a render thread
  retiring,  // killed or exited; the supervisor closes it once reaped
};

struct slot {
  slot_state state = slot_state::empty;
  renderer_process process;
  bool reaped = false;
  bool retire_on_checkin = false;  // the bundle changed while it rendered
  frame_decoder replies;
  // The supervisor's alone:
  output_lines output;
  bool was_ready = false;
  bool restarting = false;  // retired on purpose (the bundle changed): not a failure
  clock::time_point start_deadline{};
  clock::time_point restart_at{};
  std::chrono::milliseconds backoff = first_backoff;
};

struct bundle_stamp {
  long long mtime_ns = -1;
  long long size = -1;
  long long inode = -1;
  bool operator==(const bundle_stamp&) const = default;
};
bundle_stamp stamp_of(const std::string& path);

struct pool_core {
  explicit pool_core(pool_options o);

  pool_options options;
  spawn_options spawn;
  mutable std::mutex mutex;
  std::condition_variable idle;  // a slot became idle, or the pool stops
  std::vector<slot> slots;
  std::vector<std::string> events;  // lines for the log, written by the supervisor
  std::uint64_t next_id = 0;
  std::uint64_t started = 0;
  bool stopping = false;
  /// A renderer died or could not start before it was ready, and none has
  /// been ready since: while no renderer is ready, render() fails at once
  /// instead of holding its thread until the deadline.
  bool failing = false;
  std::atomic<std::uint64_t> generation{0};
  unique_fd wake_fd;  // eventfd: wakes the supervisor's poll
  std::thread supervisor;

  void wake() noexcept;
  void log(std::string_view line) const;
  /// The supervisor thread's body.
  void supervise();
  /// Kills a slot's renderer (unless already reaped) and hands it to the
  /// supervisor; lock held.
  void retire(slot& s, std::string why);

 private:
  // supervisor.cpp
  void tend(slot& s, clock::time_point now, std::vector<std::string>& lines);
  void check_bundle(clock::time_point now, std::vector<std::string>& lines);
  void start(slot& s, clock::time_point now, std::vector<std::string>& lines);
  bool drain_output(slot& s, pid_t pid, std::vector<std::string>& lines);
  void read_ready(slot& s, pid_t pid, std::vector<std::string>& lines);
  void shut_down();

  bundle_stamp stamp_;
  clock::time_point next_watch_{};
};

}  // namespace mizan::ssr::detail
