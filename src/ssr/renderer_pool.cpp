#include "ssr/renderer_pool.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "ssr/exchange.hpp"
#include "ssr/host_script.hpp"
#include "ssr/pool_core.hpp"

namespace mizan::ssr {

namespace detail {

pool_core::pool_core(pool_options o) : options(std::move(o)), slots(options.processes) {
  spawn.node = options.node;
  spawn.bundle = options.bundle;
  spawn.memory_mb = options.memory_mb;
  spawn.host_script = host_script;
}

void pool_core::wake() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wake_fd.get(), &one, sizeof one);
}

void pool_core::log(std::string_view line) const {
  if (options.log) {
    options.log(line);
  } else {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  }
}

void pool_core::retire(slot& s, std::string why) {
  if (!s.reaped) kill_renderer(s.process.pid);
  s.state = slot_state::retiring;
  events.push_back(fmt::format("mizan.ssr: renderer {} {}", s.process.pid, why));
  wake();
}

}  // namespace detail

std::string_view to_string(render_failure failure) noexcept {
  switch (failure) {
    case render_failure::none:
      return "none";
    case render_failure::unavailable:
      return "unavailable";
    case render_failure::timeout:
      return "timeout";
    case render_failure::crashed:
      return "crashed";
    case render_failure::bad_reply:
      return "bad_reply";
    case render_failure::render_error:
      return "render_error";
  }
  return "unknown";
}

renderer_pool::renderer_pool(pool_options options) {
  if (options.bundle.empty()) throw std::invalid_argument("ssr: pool_options.bundle is empty");
  if (options.processes == 0) throw std::invalid_argument("ssr: pool_options.processes is 0");
  core_ = std::make_unique<detail::pool_core>(std::move(options));
  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  core_->wake_fd = detail::unique_fd(fd);
  core_->supervisor = std::thread([core = core_.get()] { core->supervise(); });
}

renderer_pool::~renderer_pool() {
  {
    std::lock_guard lock(core_->mutex);
    core_->stopping = true;
  }
  core_->idle.notify_all();
  core_->wake();
  core_->supervisor.join();
}

render_result renderer_pool::render(std::string_view input_json,
                                    std::chrono::steady_clock::time_point deadline) {
  using detail::slot_state;
  deadline = std::min(deadline, detail::clock::now() + core_->options.timeout);
  auto& core = *core_;
  std::unique_lock lock(core.mutex);
  detail::slot* s = nullptr;
  // Waits for an idle renderer while one is ready (busy) or while they are
  // starting for the first time; not while they keep dying at start-up, so
  // that a broken bundle costs pages their markup, not their latency.
  const auto find_idle = [&] {
    if (core.stopping) return true;
    bool any_ready = false;
    for (auto& candidate : core.slots) {
      if (candidate.state == slot_state::idle) {
        s = &candidate;
        return true;
      }
      any_ready = any_ready || candidate.state == slot_state::busy;
    }
    return core.failing && !any_ready;
  };
  if (!core.idle.wait_until(lock, deadline, find_idle) || !s) {
    std::size_t starting = 0;
    for (const auto& c : core.slots) starting += c.state == slot_state::starting;
    return {std::nullopt, render_failure::unavailable,
            core.failing
                ? fmt::format("no renderer ready: they fail at start-up ({} of {} starting)",
                              starting, core.slots.size())
                : fmt::format("no renderer free in time ({} of {} starting)", starting,
                              core.slots.size())};
  }
  s->state = slot_state::busy;
  const auto id = ++core.next_id;
  const pid_t pid = s->process.pid;
  const int request_fd = s->process.requests.get();
  const int reply_fd = s->process.replies.get();
  lock.unlock();

  auto result = detail::exchange(request_fd, reply_fd, s->replies, id, input_json, deadline);
  const std::size_t limit = core.options.memory_mb << 20;
  const std::size_t resident = result.page ? resident_bytes(pid) : 0;

  lock.lock();
  switch (result.failure) {
    case render_failure::timeout:
    case render_failure::crashed:
    case render_failure::bad_reply:
      core.retire(*s, fmt::format("{}: {}", to_string(result.failure), result.detail));
      return result;
    default:
      break;
  }
  if (s->retire_on_checkin) {
    core.retire(*s, "ran the previous bundle: restarting");
  } else if (resident > limit) {
    core.retire(*s, fmt::format("uses {} MiB, above the limit of {} MiB: recycling", resident >> 20,
                                core.options.memory_mb));
  } else {
    s->state = slot_state::idle;
    lock.unlock();
    core.idle.notify_one();
  }
  return result;
}

std::uint64_t renderer_pool::bundle_generation() const noexcept {
  return core_->generation.load();
}

std::vector<int> renderer_pool::pids() const {
  std::lock_guard lock(core_->mutex);
  std::vector<int> out;
  for (const auto& s : core_->slots) {
    if (s.state != detail::slot_state::empty && !s.reaped) out.push_back(s.process.pid);
  }
  return out;
}

std::size_t renderer_pool::ready() const {
  std::lock_guard lock(core_->mutex);
  std::size_t n = 0;
  for (const auto& s : core_->slots) {
    n += s.state == detail::slot_state::idle || s.state == detail::slot_state::busy;
  }
  return n;
}

std::uint64_t renderer_pool::starts() const {
  std::lock_guard lock(core_->mutex);
  return core_->started;
}

}  // namespace mizan::ssr
