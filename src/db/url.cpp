// Parsing of database URLs: sqlite:///path, sqlite::memory:, with options in
// the query string.
#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "db/backend.hpp"

namespace mizan::db::detail {
namespace {

constexpr std::string_view expected = "expected sqlite:///path or sqlite::memory:";
constexpr std::string_view file_prefix = "sqlite:///";

[[noreturn]] void bad_option(std::string_view option, std::string_view why) {
  throw std::invalid_argument(fmt::format("mizan::db: database URL option \"{}\" {}", option, why));
}

void apply_option(std::string_view option, database_options& options) {
  const auto eq = option.find('=');
  if (eq == std::string_view::npos) bad_option(option, "needs a value (name=value)");
  const std::string_view name = option.substr(0, eq);
  const std::string_view value = option.substr(eq + 1);
  if (name == "synchronous") {
    if (value == "normal" || value == "NORMAL") {
      options.synchronous = durability::normal;
    } else if (value == "full" || value == "FULL") {
      options.synchronous = durability::full;
    } else {
      bad_option(option, "must be normal or full");
    }
  } else if (name == "busy_timeout") {
    // Milliseconds, at most an hour: beyond that a request would hang.
    long long ms = -1;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec != std::errc() || end != value.data() + value.size() || ms < 0 || ms > 3'600'000) {
      bad_option(option, "must be a number of milliseconds from 0 to 3600000");
    }
    options.busy_timeout = std::chrono::milliseconds(ms);
  } else {
    bad_option(option, "is unknown (known: synchronous, busy_timeout)");
  }
}

}  // namespace

database_config parse_database_url(std::string_view url, const database_options& defaults) {
  database_config config;
  config.options = defaults;
  const auto question = url.find('?');
  const std::string_view base = url.substr(0, question);
  if (base == "sqlite::memory:") {
    config.kind = database_config::engine::sqlite_memory;
  } else if (base.starts_with(file_prefix)) {
    const std::string_view path = base.substr(file_prefix.size());
    if (path.empty()) {
      throw std::invalid_argument(
          fmt::format("mizan::db: database URL \"{}\" has no path ({})", url, expected));
    }
    // Resolved now: connections open later, on other threads, and must not
    // depend on the working directory at that moment.
    config.path =
        std::filesystem::absolute(std::filesystem::path(path)).lexically_normal().string();
  } else {
    // Only the scheme is echoed: other URLs may carry a password.
    const auto colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      throw std::invalid_argument(fmt::format("mizan::db: malformed database URL ({})", expected));
    }
    const std::string_view scheme = url.substr(0, colon);
    if (scheme == "sqlite") {
      throw std::invalid_argument(
          fmt::format("mizan::db: malformed database URL \"{}\" ({})", url, expected));
    }
    throw std::invalid_argument(
        fmt::format("mizan::db: unsupported database URL scheme \"{}\" ({})", scheme, expected));
  }
  if (question != std::string_view::npos) {
    std::string_view query = url.substr(question + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      apply_option(query.substr(0, amp), config.options);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
  }
  return config;
}

}  // namespace mizan::db::detail
