// The renderer pool's supervisor thread: the one thread that spawns, reaps,
// restarts and drains the renderers (see pool_core.hpp for who owns what).
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "ssr/exchange.hpp"
#include "ssr/pool_core.hpp"

namespace mizan::ssr::detail {
namespace {

using std::chrono::milliseconds;

int poll_timeout(clock::time_point now, clock::time_point until) {
  const auto ms = std::chrono::ceil<milliseconds>(until - now).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, 100));
}

bool is_ready_frame(const std::string& payload) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(payload, ec);
  const auto* object = ec ? nullptr : value.if_object();
  const auto* ready = object ? object->if_contains("ready") : nullptr;
  return ready && ready->is_bool() && ready->get_bool();
}

}  // namespace

bundle_stamp stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec,
          static_cast<long long>(st.st_size), static_cast<long long>(st.st_ino)};
}

void pool_core::supervise() {
  std::vector<std::string> lines;
  std::vector<pollfd> fds;
  struct watched {
    slot* s;
    pid_t pid;
    bool output;  // else the reply pipe of a starting renderer
  };
  std::vector<watched> owners;
  stamp_ = stamp_of(options.bundle);
  for (;;) {
    fds.clear();
    owners.clear();
    auto now = clock::now();
    auto until = now + milliseconds(100);
    {
      std::lock_guard lock(mutex);
      lines.insert(lines.end(), std::make_move_iterator(events.begin()),
                   std::make_move_iterator(events.end()));
      events.clear();
      if (stopping) break;
      if (options.watch_bundle) check_bundle(now, lines);
      for (auto& s : slots) {
        tend(s, now, lines);
        if (s.state == slot_state::empty) until = std::min(until, s.restart_at);
        if (s.state == slot_state::starting) until = std::min(until, s.start_deadline);
        if (s.state == slot_state::retiring && !s.reaped)
          until = std::min(until, now + milliseconds(10));
        if (s.process.output) {
          fds.push_back({s.process.output.get(), POLLIN, 0});
          owners.push_back({&s, s.process.pid, true});
        }
        if (s.state == slot_state::starting && s.process.replies) {
          fds.push_back({s.process.replies.get(), POLLIN, 0});
          owners.push_back({&s, s.process.pid, false});
        }
      }
    }
    for (const auto& line : lines) log(line);
    lines.clear();
    fds.push_back({wake_fd.get(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), poll_timeout(clock::now(), until)) <= 0) continue;
    if (fds.back().revents != 0) {
      std::uint64_t count;
      [[maybe_unused]] const auto n = ::read(wake_fd.get(), &count, sizeof count);
    }
    for (std::size_t i = 0; i < owners.size(); ++i) {
      if (fds[i].revents == 0) continue;
      if (owners[i].output) {
        if (drain_output(*owners[i].s, owners[i].pid, lines)) {
          std::lock_guard lock(mutex);  // others read `process` under the lock
          owners[i].s->process.output.reset();
        }
      } else {
        read_ready(*owners[i].s, owners[i].pid, lines);
      }
    }
    for (const auto& line : lines) log(line);
    lines.clear();
  }
  for (const auto& line : lines) log(line);
  shut_down();
}

// Reaps, times out, closes and restarts one slot; lock held.
void pool_core::tend(slot& s, clock::time_point now, std::vector<std::string>& lines) {
  const pid_t pid = s.process.pid;
  int status = 0;
  if (s.state != slot_state::empty && !s.reaped && try_reap(pid, status)) {
    s.reaped = true;
    lines.push_back(
        fmt::format("mizan.ssr: renderer {} exited ({})", pid, describe_status(status)));
    if (s.state == slot_state::starting || s.state == slot_state::idle) {
      s.state = slot_state::retiring;
    }
  }
  if (s.state == slot_state::starting && now >= s.start_deadline) {
    retire(s, "was not ready 10 s after its start: killed");
  }
  if (s.state == slot_state::retiring && s.reaped) {
    // Its last output lines, then the descriptors.
    if (s.process.output) drain_output(s, pid, lines);
    s.process = renderer_process{};
    s.reaped = false;
    s.retire_on_checkin = false;
    s.replies = frame_decoder{};
    s.output = output_lines{};
    s.state = slot_state::empty;
    if (s.was_ready) {
      s.backoff = first_backoff;
      s.restart_at = std::max(s.restart_at, now + first_backoff);
    } else if (!s.restarting) {
      failing = true;
      idle.notify_all();
    }
    if (!s.was_ready) {
      s.restart_at = std::max(s.restart_at, now + s.backoff);
      s.backoff = std::min(s.backoff * 2, max_backoff);
    }
    s.was_ready = false;
    s.restarting = false;
  }
  if (s.state == slot_state::empty && now >= s.restart_at) start(s, now, lines);
}

void pool_core::start(slot& s, clock::time_point now, std::vector<std::string>& lines) {
  try {
    s.process = spawn_renderer(spawn);
  } catch (const std::exception& e) {
    lines.push_back(
        fmt::format("mizan.ssr: cannot start `{}`: {}", describe_command(spawn), e.what()));
    s.restart_at = now + s.backoff;
    s.backoff = std::min(s.backoff * 2, max_backoff);
    failing = true;
    idle.notify_all();
    return;
  }
  ++started;
  s.state = slot_state::starting;
  s.start_deadline = now + start_timeout;
  lines.push_back(fmt::format("mizan.ssr: started renderer {}", s.process.pid));
}

void pool_core::check_bundle(clock::time_point now, std::vector<std::string>& lines) {
  if (now < next_watch_) return;
  next_watch_ = now + watch_interval;
  const auto stamp = stamp_of(options.bundle);
  if (stamp == stamp_ || stamp.mtime_ns < 0) return;
  stamp_ = stamp;
  const auto generation_now = ++generation;
  lines.push_back(fmt::format("mizan.ssr: {} changed: restarting the renderers (generation {})",
                              options.bundle, generation_now));
  for (auto& s : slots) {
    s.backoff = first_backoff;
    s.was_ready = false;
    s.restarting = s.state != slot_state::empty;
    s.restart_at = now;
    if (s.state == slot_state::busy) {
      s.retire_on_checkin = true;
    } else if (s.state == slot_state::starting || s.state == slot_state::idle) {
      retire(s, "ran the previous bundle: restarting");
    }
  }
}

// Supervisor only: reads what the renderer printed; true at end of stream.
bool pool_core::drain_output(slot& s, pid_t pid, std::vector<std::string>& lines) {
  const std::string prefix = fmt::format("mizan.ssr[{}]: ", pid);
  const std::function<void(std::string_view)> emit = [&](std::string_view line) {
    lines.push_back(prefix + std::string(line));
  };
  char buffer[65536];
  for (int round = 0; round < 16; ++round) {  // at most 1 MiB per turn: fair to the others
    const auto n = ::read(s.process.output.get(), buffer, sizeof buffer);
    if (n > 0) {
      s.output.feed(std::string_view(buffer, static_cast<std::size_t>(n)), emit);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    s.output.finish(emit);
    return true;
  }
  return false;
}

// Supervisor only: the reply pipe of a starting renderer, until its ready frame.
void pool_core::read_ready(slot& s, pid_t pid, std::vector<std::string>& lines) {
  const long n = read_some(s.process.replies.get(), s.replies);
  if (n == -1) return;
  std::string payload;
  const auto status = s.replies.next(payload);
  std::lock_guard lock(mutex);
  if (s.state != slot_state::starting || s.process.pid != pid) return;
  if (status == frame_decoder::status::frame && is_ready_frame(payload)) {
    s.state = slot_state::idle;
    s.was_ready = true;
    s.backoff = first_backoff;
    failing = false;
    lines.push_back(fmt::format("mizan.ssr: renderer {} ready", pid));
    idle.notify_all();
  } else if (status == frame_decoder::status::frame || status == frame_decoder::status::oversize) {
    retire(s, "sent a bad ready frame: killed");
  } else if (n <= 0) {
    retire(s, "closed its reply pipe before it was ready");
  }
}

void pool_core::shut_down() {
  std::lock_guard lock(mutex);
  for (auto& s : slots) {
    if (s.state != slot_state::empty && !s.reaped) kill_renderer(s.process.pid);
  }
  for (auto& s : slots) {
    if (s.state != slot_state::empty && !s.reaped) reap(s.process.pid);
    s.process = renderer_process{};
    s.state = slot_state::empty;
  }
}

}  // namespace mizan::ssr::detail
