#include "mizan/db/time.hpp"

#include <fmt/chrono.h>

#include <chrono>

namespace mizan::db {

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - seconds).count();
  return fmt::format("{:%FT%H:%M:%S}.{:03}Z", seconds, ms);
}

}  // namespace mizan::db
