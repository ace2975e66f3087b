#include "server/app/settings.hpp"

#include "core/crypto.hpp"
#include "edge/purge_target.hpp"
#include "mail/message.hpp"
#include "mail/smtp_url.hpp"
#include "redis/config.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <sys/stat.h>

namespace mizan::server {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void bad(const std::string& name, const std::string& why) {
  throw config_error(fmt::format("{}: {}", name, why));
}

template <class T>
T parse_number(const std::string& name, const std::string& text, T min, T max) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    bad(name, fmt::format("'{}' is not a number from {} to {}", text, min, max));
  }
  return value;
}

bool parse_flag(const std::string& name, const std::string& text) {
  if (text == "1" || text == "true") return true;
  if (text == "0" || text == "false") return false;
  bad(name, fmt::format("'{}' must be 1 or 0", text));
}

std::string secret_from(const env_lookup& env, const std::string& name, const fs::path& dir,
                        const std::string& file) {
  if (auto v = env(name)) {
    if (v->size() < 32) bad(name, "must be at least 32 characters");
    return *v;
  }
  const fs::path path = dir / file;
  if (fs::exists(path)) {
    std::ifstream in(path);
    std::string secret;
    std::getline(in, secret);
    if (secret.size() < 32)
      bad(name, fmt::format("the generated secret in {} is damaged", path.string()));
    return secret;
  }
  const std::string secret = crypto::random_token(32);
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << secret << '\n';
    if (!out) bad(name, fmt::format("cannot write {}", path.string()));
  }
  ::chmod(tmp.c_str(), 0600);
  fs::rename(tmp, path);
  return secret;
}

std::vector<std::string> split_origins(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(' ');
    const auto e = item.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

void read_mail_settings(const env_lookup& env, settings& s) {
  if (auto v = env("MIZAN_SMTP_URL"); v && !v->empty()) {
    try {
      (void)mail::parse_smtp_url(*v);  // its messages never echo the password
    } catch (const std::invalid_argument& e) {
      bad("MIZAN_SMTP_URL", e.what());
    }
    s.smtp_url = *v;
  }
  if (auto v = env("MIZAN_MAIL_FROM")) {
    try {
      mail::check_address(*v);
    } catch (const std::invalid_argument& e) {
      bad("MIZAN_MAIL_FROM", fmt::format("'{}': {}", *v, e.what()));
    }
    s.mail_from = *v;
  }
  if (auto v = env("MIZAN_PUBLIC_URL")) {
    std::string url = *v;
    while (url.ends_with('/')) url.pop_back();
    const bool scheme = url.starts_with("http://") || url.starts_with("https://");
    if (!scheme || url.find_first_of(" \t\r\n?#") != std::string::npos ||
        url.size() <= url.find("//") + 2) {
      bad("MIZAN_PUBLIC_URL", fmt::format("'{}' is not a URL like https://example.com", *v));
    }
    s.public_url = url;
  }
  constexpr std::int64_t year = 365 * 24 * 3600;
  if (auto v = env("MIZAN_PASSWORD_RESET_TTL"))
    s.password_reset_seconds = parse_number<std::int64_t>("MIZAN_PASSWORD_RESET_TTL", *v, 1, year);
  if (auto v = env("MIZAN_EMAIL_VERIFY_TTL"))
    s.email_verify_seconds = parse_number<std::int64_t>("MIZAN_EMAIL_VERIFY_TTL", *v, 1, year);
}

}  // namespace

std::vector<std::string> default_origins(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  const std::string p = std::to_string(port);
  std::vector<std::string> out{
      fmt::format("http://{}{}{}:{}", v6 ? "[" : "", host, v6 ? "]" : "", p)};
  if (host == "127.0.0.1" || host == "localhost" || host == "0.0.0.0" || host == "::1" ||
      host == "::") {
    out.push_back("http://127.0.0.1:" + p);
    out.push_back("http://localhost:" + p);
  }
  return out;
}

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

settings load_settings(const env_lookup& env, const std::string& default_static_dir) {
  settings s;
  const std::string bind = env("MIZAN_BIND").value_or("127.0.0.1:8000");
  const auto colon = bind.rfind(':');
  if (colon == std::string::npos || colon == 0)
    bad("MIZAN_BIND", fmt::format("'{}' is not host:port", bind));
  s.host = bind.substr(0, colon);
  if (s.host.size() > 2 && s.host.front() == '[' && s.host.back() == ']')
    s.host = s.host.substr(1, s.host.size() - 2);
  s.port = parse_number<std::uint16_t>("MIZAN_BIND", bind.substr(colon + 1), 0, 65535);

  s.data_dir = env("MIZAN_DATA_DIR").value_or("./data");
  std::error_code ec;
  fs::create_directories(s.data_dir, ec);
  if (ec) bad("MIZAN_DATA_DIR", fmt::format("cannot create '{}': {}", s.data_dir, ec.message()));

  s.secret_key = secret_from(env, "MIZAN_SECRET_KEY", s.data_dir, "secret_key");
  s.cache_secret = secret_from(env, "MIZAN_CACHE_SECRET", s.data_dir, "cache_secret");
  s.mwt_secret = secret_from(env, "MIZAN_MWT_SECRET", s.data_dir, "mwt_secret");
  if (s.secret_key == s.cache_secret || s.secret_key == s.mwt_secret ||
      s.cache_secret == s.mwt_secret) {
    bad("MIZAN_SECRET_KEY", "the secret key, cache secret and MWT secret must all differ");
  }

  s.database_url =
      env("MIZAN_DATABASE_URL")
          .value_or("sqlite:///" + (fs::absolute(s.data_dir) / "mizan.sqlite3").string());
  if (!s.database_url.starts_with("sqlite:") && !s.database_url.starts_with("postgresql://") &&
      !s.database_url.starts_with("postgres://")) {
    bad("MIZAN_DATABASE_URL", "must be sqlite:///path or postgresql://user:password@host/dbname");
  }
  if (auto url = env("MIZAN_REDIS_URL")) {
    try {
      (void)redis::parse_url(*url);  // its messages never echo the password
    } catch (const std::invalid_argument& e) {
      bad("MIZAN_REDIS_URL", e.what());
    }
    s.redis_url = *url;
  }
  if (auto v = env("MIZAN_EDGE_PURGE")) {
    try {
      s.edge_purge = edge::parse_purge_targets(*v);
    } catch (const std::invalid_argument& e) {
      bad("MIZAN_EDGE_PURGE", e.what());
    }
  }
  s.edge_purge_token = env("MIZAN_EDGE_PURGE_TOKEN").value_or("");
  for (const auto& target : s.edge_purge) {
    if (target.kind != edge::purge_kind::varnish && s.edge_purge_token.empty()) {
      bad("MIZAN_EDGE_PURGE_TOKEN", "is required to purge " + target.url);
    }
  }
  if (auto v = env("MIZAN_EDGE_PURGE_WAIT_MS")) {
    s.edge_purge_wait = std::chrono::milliseconds(
        parse_number<std::size_t>("MIZAN_EDGE_PURGE_WAIT_MS", *v, 0, 60000));
  }
  if (auto v = env("MIZAN_DRAIN_MS"))
    s.drain_ms = parse_number<std::size_t>("MIZAN_DRAIN_MS", *v, 0, 600000);

  const auto cores = std::max(1u, std::thread::hardware_concurrency());
  s.threads = env("MIZAN_THREADS")
                  ? parse_number<std::size_t>("MIZAN_THREADS", *env("MIZAN_THREADS"), 1, 256)
                  : cores;
  // SQLite work is CPU-bound: more workers than cores only add context
  // switches (measured: 4 workers halve ctx/todos on 2 cores; bench/README.md).
  // PostgreSQL work mostly waits for the server's answers, so more workers
  // keep the cores busy (bench/README.md, "PostgreSQL").
  const bool postgresql = !s.database_url.starts_with("sqlite:");
  s.workers = env("MIZAN_WORKERS")
                  ? parse_number<std::size_t>("MIZAN_WORKERS", *env("MIZAN_WORKERS"), 1, 1024)
                  : std::max<std::size_t>(postgresql ? 8 : 2, postgresql ? 4 * cores : cores);
  // The network threads are the one stage that cannot spread over more
  // threads; when the cores are all busy, CFS should run them before the
  // workers (bench/README.md: +15-20 % on ctx/todos with one network thread).
  if (auto v = env("MIZAN_WORKER_NICE")) {
    s.worker_nice = parse_number<int>("MIZAN_WORKER_NICE", *v, 0, 19);
  }
  if (auto v = env("MIZAN_DEBUG")) s.debug = parse_flag("MIZAN_DEBUG", *v);
  if (auto v = env("MIZAN_ACCESS_LOG")) s.access_log = parse_flag("MIZAN_ACCESS_LOG", *v);
  if (auto v = env("MIZAN_SECURE_COOKIES"))
    s.secure_cookies = parse_flag("MIZAN_SECURE_COOKIES", *v);
  if (auto v = env("MIZAN_CACHE_BYTES"))
    s.cache_bytes = parse_number<std::size_t>("MIZAN_CACHE_BYTES", *v, 0, std::size_t{1} << 40);
  if (auto v = env("MIZAN_WS_MAX_CONNECTIONS"))
    s.ws_max_connections = parse_number<std::size_t>("MIZAN_WS_MAX_CONNECTIONS", *v, 1, 1000000);
  // Group commit pays on SQLite, not on PostgreSQL (bench/README.md).
  s.write_batch =
      env("MIZAN_WRITE_BATCH")
          ? parse_number<std::size_t>("MIZAN_WRITE_BATCH", *env("MIZAN_WRITE_BATCH"), 0, 1024)
      : postgresql ? 0
                   : 64;
  if (auto v = env("MIZAN_WS_PING_MS"))
    s.ws_ping_ms = parse_number<std::size_t>("MIZAN_WS_PING_MS", *v, 100, 3600000);
  if (auto v = env("MIZAN_WS_RATE"))
    s.ws_ops_per_second = parse_number<std::size_t>("MIZAN_WS_RATE", *v, 1, 100000000);
  if (auto v = env("MIZAN_WS_MAX_MESSAGE"))
    s.ws_max_message = parse_number<std::size_t>("MIZAN_WS_MAX_MESSAGE", *v, 1024, 64u << 20);
  if (auto v = env("MIZAN_BODY_MEMORY"))
    s.body_memory = parse_number<std::size_t>("MIZAN_BODY_MEMORY", *v, 1, std::size_t{1} << 40);
  if (auto v = env("MIZAN_BODY_MIN_RATE"))
    s.body_min_rate = parse_number<std::size_t>("MIZAN_BODY_MIN_RATE", *v, 0, std::size_t{1} << 30);
  if (auto v = env("MIZAN_SESSION_STORE")) {
    // "sqlite" is the older name of "database", kept for existing settings.
    if (*v != "database" && *v != "sqlite" && *v != "memory") {
      bad("MIZAN_SESSION_STORE", "must be database or memory");
    }
    s.session_store = *v == "memory" ? "memory" : "database";
  }
  if (auto v = env("MIZAN_PREFIX")) {
    if (v->empty() || v->front() != '/' || v->back() == '/')
      bad("MIZAN_PREFIX", "must start with '/' and not end with '/'");
    s.api_prefix = *v;
  }

  if (auto v = env("MIZAN_ALLOWED_ORIGINS")) {
    s.allowed_origins = split_origins(*v);
    for (const auto& o : s.allowed_origins) {
      if (!o.starts_with("http://") && !o.starts_with("https://")) {
        bad("MIZAN_ALLOWED_ORIGINS", fmt::format("'{}' is not an origin like http://host:port", o));
      }
    }
  } else {
    s.allowed_origins = default_origins(s.host, s.port);
    s.origins_follow_port = true;
  }

  s.static_dir = env("MIZAN_STATIC_DIR").value_or(default_static_dir);
  if (!s.static_dir.empty() && !fs::is_directory(s.static_dir)) {
    bad("MIZAN_STATIC_DIR", fmt::format("'{}' is not a directory", s.static_dir));
  }

  if (auto path = env("MIZAN_SSR_BUNDLE")) {
    std::error_code ec;
    if (!fs::is_regular_file(*path, ec)) {
      bad("MIZAN_SSR_BUNDLE",
          fmt::format("'{}' is not a file (build the front end's server entry)", *path));
    }
    s.ssr_bundle = fs::absolute(*path).string();
  }
  s.ssr_processes =
      env("MIZAN_SSR_PROCESSES")
          ? parse_number<std::size_t>("MIZAN_SSR_PROCESSES", *env("MIZAN_SSR_PROCESSES"), 1, 256)
          : cores;
  if (auto v = env("MIZAN_SSR_TIMEOUT_MS")) {
    s.ssr_timeout = std::chrono::milliseconds(
        parse_number<std::size_t>("MIZAN_SSR_TIMEOUT_MS", *v, 10, 600000));
  }
  if (auto v = env("MIZAN_SSR_MEMORY_MB"))
    s.ssr_memory_mb = parse_number<std::size_t>("MIZAN_SSR_MEMORY_MB", *v, 32, 1u << 20);
  if (auto v = env("MIZAN_NODE")) {
    if (v->empty()) bad("MIZAN_NODE", "is empty");
    s.node_binary = *v;
  }

  read_mail_settings(env, s);

  if (auto path = env("MIZAN_JWT_PUBLIC_KEY_FILE")) {
    std::ifstream in(*path);
    if (!in) bad("MIZAN_JWT_PUBLIC_KEY_FILE", fmt::format("cannot read '{}'", *path));
    std::stringstream text;
    text << in.rdbuf();
    s.jwt_public_key_pem = text.str();
  }
  return s;
}

}  // namespace mizan::server
