// The configuration of a running application, read from the environment
// (PROTOCOL.md §10). Invalid settings stop start-up with a `config_error`.
#pragma once

#include "edge/purge_target.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mizan::server {

/// One line naming the variable and what is wrong with it.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct settings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  std::string secret_key;    // sessions, CSRF, JWT (HS256)
  std::string cache_secret;  // cache keys
  std::string mwt_secret;    // MWT
  std::string database_url;
  /// Shared cache and fan-out between instances (MIZAN_REDIS_URL); "": none.
  std::string redis_url;
  /// After SIGTERM, how long the health endpoint says 503 while requests are
  /// still served, so a load balancer stops sending any before the server
  /// stops (MIZAN_DRAIN_MS).
  std::size_t drain_ms = 0;
  /// The edge caches purged after each mutation (MIZAN_EDGE_PURGE), the
  /// token their purge API takes, and how long a mutation waits for them
  /// before it is answered (docs/edge.md). No target: responses carry no
  /// cache tags, so no edge keeps them.
  std::vector<edge::purge_target> edge_purge;
  std::string edge_purge_token;
  std::chrono::milliseconds edge_purge_wait{1000};
  std::string data_dir = "./data";
  std::size_t threads = 1;
  std::size_t workers = 2;  ///< worker pool threads (handlers that block)
  int worker_nice = 3;      ///< niceness the workers add (0: none)
  bool debug = false;
  std::vector<std::string> allowed_origins;
  bool origins_follow_port = false;  // defaults: recomputed once the port is bound
  std::string api_prefix = "/api/mizan";
  std::string static_dir;
  /// Server-side rendering (MIZAN_SSR_*): the front end's server entry
  /// (absolute; "": pages are sent without markup), how many Node.js
  /// renderers run it, one render's deadline, and each renderer's memory.
  std::string ssr_bundle;
  std::size_t ssr_processes = 1;
  std::chrono::milliseconds ssr_timeout{2000};
  std::size_t ssr_memory_mb = 512;
  std::string node_binary = "node";  ///< MIZAN_NODE
  bool secure_cookies = false;
  bool access_log = true;
  std::string session_store = "database";  // or "memory"
  std::size_t cache_bytes = 64u << 20;
  std::size_t body_memory = 64u << 20;     ///< request bodies in flight, process-wide
  std::size_t body_min_rate = 500;         ///< bytes per second (0: no minimum)
  std::size_t ws_max_connections = 10000;  ///< WebSockets open at once
  std::size_t ws_max_message = 64 * 1024;  ///< largest WebSocket message, bytes
  std::size_t ws_ops_per_second = 50;      ///< per socket, sustained; twice as many at once
  /// Mutations committed together at most by the write lane; 0: no lane,
  /// each mutation commits its own transaction on a worker (PostgreSQL's
  /// default, where concurrent commits share their WAL flush anyway).
  std::size_t write_batch = 64;
  std::size_t ws_ping_ms = 15000;  ///< silence before a ping; twice it closes the socket
  std::string jwt_public_key_pem;  // RS256, from MIZAN_JWT_PUBLIC_KEY_FILE
  std::int64_t session_seconds = 14 * 24 * 3600;
  std::int64_t access_token_seconds = 300;
  std::int64_t refresh_token_seconds = 24 * 3600;
  /// Mail (docs/accounts.md): the SMTP server (MIZAN_SMTP_URL, checked; "":
  /// mail is written to the log), the From address, the base of the links
  /// mails carry ("": the bind address), and the tokens' lifetimes.
  std::string smtp_url;
  std::string mail_from = "mizan@localhost";
  std::string public_url;
  std::int64_t password_reset_seconds = 3600;
  std::int64_t email_verify_seconds = 48 * 3600;
};

using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

/// Reads every setting; creates the data directory and, when a secret is not
/// given, generates it once there (0600) so restarts keep sessions valid.
settings load_settings(const env_lookup& env, const std::string& default_static_dir);

/// The origins allowed when MIZAN_ALLOWED_ORIGINS is unset: the bind address,
/// and both loopback spellings when it is a loopback or wildcard address.
std::vector<std::string> default_origins(const std::string& host, std::uint16_t port);

/// The process environment.
std::optional<std::string> process_env(const std::string& name);

}  // namespace mizan::server
