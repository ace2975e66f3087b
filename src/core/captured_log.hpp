// Test support: a log sink that keeps every line it is given, from any
// thread, for the components that report through a
// `std::function<void(std::string_view)>` (the edge purger, the mailer;
// src/ssr keeps its own copy, as that module depends on no other).
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::test {

struct captured_log {
  std::mutex mutex;
  std::vector<std::string> lines;

  /// The sink to hand to the component; `this` must outlive it.
  std::function<void(std::string_view)> sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex);
      lines.emplace_back(line);
    };
  }
  /// How many lines contain `needle`.
  std::size_t count(std::string_view needle) {
    std::lock_guard lock(mutex);
    std::size_t n = 0;
    for (const auto& l : lines) n += l.find(needle) != std::string::npos;
    return n;
  }
};

}  // namespace mizan::test
