// Test helpers for the renderer pool: fake SSR bundles written to a temporary
// directory, and a log that the test can read.
#pragma once

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ssr/renderer_pool.hpp"

namespace mizan::ssr::test {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

/// A temporary directory removed with its files at the end of the test.
class bundle_dir {
 public:
  bundle_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mizan-ssr-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~bundle_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  /// Writes `source` to `name` (an .mjs file) and returns its absolute path.
  std::string write(const std::string& name, const std::string& source) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary | std::ios::trunc) << source;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

/// Thread-safe copy of everything the pool logged.
struct captured_log {
  std::mutex mutex;
  std::vector<std::string> lines;

  std::function<void(std::string_view)> sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex);
      lines.emplace_back(line);
    };
  }
  std::size_t count(std::string_view needle) {
    std::lock_guard lock(mutex);
    std::size_t n = 0;
    for (const auto& l : lines) n += l.find(needle) != std::string::npos;
    return n;
  }
};

inline pool_options options_for(const std::string& bundle, captured_log& log,
                                std::size_t processes = 1) {
  pool_options o;
  o.bundle = bundle;
  o.processes = processes;
  o.timeout = 5s;
  o.log = log.sink();
  return o;
}

/// Waits until `n` renderers are ready; false after `limit`.
inline bool wait_ready(const renderer_pool& pool, std::size_t n, clock::duration limit = 10s) {
  const auto until = clock::now() + limit;
  while (pool.ready() < n) {
    if (clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

inline bool process_gone(int pid) {
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

/// A bundle whose render echoes its input into the body.
inline const char* echo_bundle = R"(
export function render(input) {
  return { head: `<title>${input.title ?? ''}</title>`, body: JSON.stringify(input) };
}
)";

}  // namespace mizan::ssr::test
