// Parsing of database URLs: sqlite:///path, sqlite::memory:,
// postgresql://..., with Mizan's options in the query string.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>

#include "db/backend.hpp"

namespace mizan::db::detail {
namespace {

constexpr std::string_view expected =
    "expected sqlite:///path, sqlite::memory: or postgresql://user:password@host:port/dbname";
constexpr std::string_view file_prefix = "sqlite:///";

[[noreturn]] void bad_option(std::string_view option, std::string_view why) {
  throw std::invalid_argument(fmt::format("mizan::db: database URL option \"{}\" {}", option, why));
}

// A whole number from `low` to `high`, or the option is refused.
long long number_option(std::string_view option, std::string_view value, long long low,
                        long long high, std::string_view unit) {
  long long n = -1;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < low || n > high) {
    bad_option(option, fmt::format("must be a number of {} from {} to {}", unit, low, high));
  }
  return n;
}

constexpr std::string_view sqlite_only[] = {"busy_timeout"};
constexpr std::string_view postgresql_only[] = {"pool_size", "pool_timeout", "statement_timeout",
                                                "connect_timeout"};

bool is_one_of(std::string_view name, std::span<const std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Applies one of Mizan's options; false if `option` is not one (on
// PostgreSQL it then goes to libpq).
bool apply_option(std::string_view option, database_options& options, bool postgresql) {
  const auto eq = option.find('=');
  const std::string_view name = option.substr(0, eq);
  const bool ours =
      name == "synchronous" || is_one_of(name, sqlite_only) || is_one_of(name, postgresql_only);
  if (!ours) {
    if (postgresql) return false;
    bad_option(option, "is unknown (known: synchronous, busy_timeout)");
  }
  if (eq == std::string_view::npos) bad_option(option, "needs a value (name=value)");
  const std::string_view value = option.substr(eq + 1);
  if (postgresql && is_one_of(name, sqlite_only)) bad_option(option, "applies to SQLite only");
  if (!postgresql && is_one_of(name, postgresql_only)) {
    bad_option(option, "applies to PostgreSQL only");
  }
  if (name == "pool_size") {
    options.pool_size =
        static_cast<std::size_t>(number_option(option, value, 1, 1000, "connections"));
  } else if (name == "pool_timeout") {
    options.pool_timeout =
        std::chrono::milliseconds(number_option(option, value, 0, 3'600'000, "milliseconds"));
  } else if (name == "statement_timeout") {
    options.statement_timeout =
        std::chrono::milliseconds(number_option(option, value, 0, 86'400'000, "milliseconds"));
  } else if (name == "connect_timeout") {
    // Seconds, as libpq counts them.
    options.connect_timeout =
        std::chrono::seconds(number_option(option, value, 1, 3600, "seconds"));
  } else if (name == "synchronous") {
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
  }
  return true;
}

// libpq checks the rest of the URL; its message may quote a piece of it, so
// the password, if any, is blanked out.
void check_with_libpq(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(uri.c_str(), &error);
  if (parsed != nullptr) {
    PQconninfoFree(parsed);
    return;
  }
  std::string message = error != nullptr ? error : "out of memory";
  PQfreemem(error);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  const auto at = uri.find('@');
  const auto colon = uri.find(':', uri.find("//") + 2);
  if (at != std::string::npos && colon < at) {
    const std::string password = uri.substr(colon + 1, at - colon - 1);
    for (auto p = password.empty() ? std::string::npos : message.find(password);
         p != std::string::npos; p = message.find(password)) {
      message.replace(p, password.size(), "***");
    }
  }
  throw std::invalid_argument(fmt::format("mizan::db: malformed PostgreSQL URL: {}", message));
}

}  // namespace

database_config parse_database_url(std::string_view url, const database_options& defaults) {
  database_config config;
  config.options = defaults;
  const auto question = url.find('?');
  const std::string_view base = url.substr(0, question);
  if (base.starts_with("postgresql://") || base.starts_with("postgres://")) {
    config.kind = database_config::engine::postgresql;
  } else if (base == "sqlite::memory:") {
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
  std::string libpq_query;
  if (question != std::string_view::npos) {
    std::string_view query = url.substr(question + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view option = query.substr(0, amp);
      if (!apply_option(option, config.options, config.postgresql())) {
        libpq_query += libpq_query.empty() ? '?' : '&';
        libpq_query += option;
      }
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
  }
  if (config.postgresql()) {
    config.path = std::string(base) + libpq_query;
    check_with_libpq(config.path);
  }
  return config;
}

}  // namespace mizan::db::detail
