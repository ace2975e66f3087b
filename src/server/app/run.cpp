// mizan::run: the application binary's command line (PROTOCOL.md §10).
#include "edge/purger.hpp"
#include "gen/generate.hpp"
#include "mizan/app.hpp"
#include "mizan/users.hpp"
#include "server/app/app_handler.hpp"
#include "server/app/edge_command.hpp"
#include "server/app/services.hpp"
#include "server/cluster/fanout.hpp"
#include "server/edge/edge_tagging.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/identity.hpp"
#include "server/realtime/realtime.hpp"
#include "server/registry/schema.hpp"
#include "ssr/renderer_pool.hpp"

#include "http/log.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>

namespace mizan {
namespace {

std::string prefix_from_env() {
  return server::process_env("MIZAN_PREFIX").value_or("/api/mizan");
}

void migrate_all(db::database& database, const app_options& options) {
  // One ordered list: Mizan's tables first, then the application's.
  std::vector<db::migration> all(server::framework_migrations().begin(),
                                 server::framework_migrations().end());
  all.insert(all.end(), options.migrations.begin(), options.migrations.end());
  db::migrate(database, all);
}

/// The Node.js renderers of MIZAN_SSR_BUNDLE, started now so that they are
/// ready by the first page request; none without it.
std::shared_ptr<ssr::renderer_pool> start_renderers(const server::settings& cfg) {
  if (cfg.ssr_bundle.empty()) return nullptr;
  ssr::pool_options o;
  o.node = cfg.node_binary;
  o.bundle = cfg.ssr_bundle;
  o.processes = cfg.ssr_processes;
  o.timeout = cfg.ssr_timeout;
  o.memory_mb = cfg.ssr_memory_mb;
  o.watch_bundle = cfg.debug;  // a rebuilt bundle is picked up without a restart
  o.log = [](std::string_view line) { http::detail::log_line(line); };
  return std::make_shared<ssr::renderer_pool>(std::move(o));
}

/// The edge purge client of MIZAN_EDGE_PURGE; none without it. When an edge
/// that missed purges answers again, it may hold anything stale (its owed
/// purges may even have been dropped): every entry of every context goes,
/// and every socket refetches what it may have read from it meanwhile.
std::shared_ptr<edge::purger> start_edge_purger(server::services& svc) {
  if (svc.cfg.edge_purge.empty()) return nullptr;
  edge::purger_options o;
  o.targets = svc.cfg.edge_purge;
  o.token = svc.cfg.edge_purge_token;
  o.log = [](std::string_view line) { http::detail::log_line(line); };
  // Called on the purger's own thread, which lives no longer than it.
  auto self = std::make_shared<std::atomic<edge::purger*>>(nullptr);
  o.recovered = [&svc, self] {
    if (auto* purger = self->load()) {
      if (auto all = server::edge_whole_purge_tags(svc.cat); !all.empty()) {
        purger->purge(std::move(all), std::chrono::milliseconds(0));
      }
    }
    svc.missed();
  };
  auto purger = std::make_shared<edge::purger>(std::move(o));
  self->store(purger.get());
  return purger;
}

// Keeps svc.edge only while the listeners its recovery calls are alive.
struct edge_scope {
  server::services& svc;
  ~edge_scope() { svc.edge.reset(); }
};

int serve(registry& app, const app_options& options) {
  server::services svc(server::load_settings(server::process_env, options.static_dir), app);
  migrate_all(svc.database, options);
  svc.database.connection().exec("DELETE FROM mizan_sessions WHERE expires_at <= ?",
                                 server::unix_now());
  // This thread now serves no requests: its connection goes back to the pool.
  svc.database.release_connection();

  // A worker going to sleep gives its PostgreSQL connection back to the pool.
  http::blocking_pool pool(svc.cfg.workers, http::blocking_pool::default_spin, svc.cfg.worker_nice,
                           [&svc] { svc.database.release_connection(); });
  server::write_lane lane(svc.database, std::max<std::size_t>(1, svc.cfg.write_batch));
  server::job_runner runner(svc, pool, lane);
  ws::limits socket_limits;
  socket_limits.max_connections = svc.cfg.ws_max_connections;
  socket_limits.max_message_bytes = svc.cfg.ws_max_message;
  socket_limits.ping_after = std::chrono::milliseconds(svc.cfg.ws_ping_ms);
  socket_limits.ops_per_second = static_cast<double>(svc.cfg.ws_ops_per_second);
  socket_limits.op_burst = 2 * socket_limits.ops_per_second;
  server::realtime sockets(svc, runner, socket_limits);
  // With Redis, committed effects go to and come from the other instances.
  std::optional<server::fanout> cluster;
  if (svc.redis) cluster.emplace(svc);
  svc.renderers = start_renderers(svc.cfg);
  svc.edge = start_edge_purger(svc);
  const edge_scope edge_lifetime{svc};
  if (svc.edge) {
    lane.on_committed([&svc](std::vector<std::string> tags) {
      std::sort(tags.begin(), tags.end());
      tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
      svc.edge->purge(std::move(tags), svc.cfg.edge_purge_wait);
    });
  }
  server::app_handler handler(svc, runner, &sockets);
  http::server_config config;
  config.host = svc.cfg.host;
  config.port = svc.cfg.port;
  config.threads = svc.cfg.threads;
  config.access_log = svc.cfg.access_log;
  config.max_body_memory = svc.cfg.body_memory;
  config.body_min_rate = svc.cfg.body_min_rate;
  config.drain = std::chrono::milliseconds(svc.cfg.drain_ms);
  config.response_headers = {{"X-Mizan-Schema", handler.schema_hash()}};
  std::optional<http::server> bound;
  try {
    bound.emplace(config, handler);
  } catch (const std::runtime_error& e) {
    throw server::config_error(fmt::format("MIZAN_BIND: {}", e.what()));
  }
  http::server& srv = *bound;
  if (svc.cfg.origins_follow_port)
    svc.allowed_origins = server::default_origins(svc.cfg.host, srv.port());
  // Once serving for sure (a start-up error stays one line), so that nobody
  // waits for a mail that is never sent.
  if (svc.cfg.smtp_url.empty()) {
    http::detail::log_line(
        "mail: MIZAN_SMTP_URL is not set: mail is written to this log, not sent");
  }
  const bool v6 = svc.cfg.host.find(':') != std::string::npos;
  std::cout << fmt::format("Mizan serving http://{}{}{}:{}/", v6 ? "[" : "", svc.cfg.host,
                           v6 ? "]" : "", srv.port())
            << std::endl;
  srv.run();
  pool.join();
  lane.join();
  std::cout << "Mizan stopped" << std::endl;
  return 0;
}

int create_user(const app_options& options, const users::new_user& spec_in) {
  auto cfg = server::load_settings(server::process_env, "");
  db::database database(cfg.database_url);
  migrate_all(database, options);
  users::new_user spec = spec_in;
  if (!std::getline(std::cin, spec.password)) {
    std::cerr << "mizan: createuser reads the password from standard input\n";
    return 2;
  }
  if (!spec.password.empty() && spec.password.back() == '\r') spec.password.pop_back();
  try {
    const auto u = users::create(database.connection(), spec);
    std::cout << fmt::format("created user {} (id {})\n", u.username, u.id);
    return 0;
  } catch (const error& e) {
    std::cerr << "mizan: " << e.what();
    for (const auto& [field, messages] : e.fields()) {
      for (const auto& m : messages) std::cerr << fmt::format("\n  {}: {}", field, m);
    }
    std::cerr << '\n';
    return 1;
  }
}

}  // namespace

int run(registry& app, int argc, char** argv, const app_options& options) {
  CLI::App cli{"A Mizan application"};
  cli.require_subcommand(0, 1);
  auto* serve_cmd = cli.add_subcommand("serve", "Serve HTTP (the default)");
  auto* schema_cmd = cli.add_subcommand("schema", "Print the schema as JSON");
  auto* manifest_cmd = cli.add_subcommand("manifest", "Print the edge manifest as JSON");
  auto* createuser_cmd = cli.add_subcommand("createuser", "Create a user; password from stdin");
  auto* generate_cmd = cli.add_subcommand("generate", "Write the TypeScript client");
  const server::edge_cli edge_cmds = server::add_edge_cli(cli);
  std::string generate_out, generate_framework = "all";
  generate_cmd->add_option("--out", generate_out, "Output directory")->required();
  generate_cmd->add_option("--framework", generate_framework, "react, vue, svelte or all")
      ->check(CLI::IsMember({"react", "vue", "svelte", "all"}));
  users::new_user spec;
  createuser_cmd->add_option("name", spec.username, "Username")->required();
  createuser_cmd->add_option("--email", spec.email, "Email address");
  createuser_cmd->add_flag("--staff", spec.is_staff, "Staff member");
  createuser_cmd->add_flag("--superuser", spec.is_superuser, "Superuser");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  try {
    if (server::process_env("MIZAN_PASSWORD_HASHING").value_or("") == "fast") {
      users::use_fast_hashing_for_tests();
    }
    if (schema_cmd->parsed() || manifest_cmd->parsed()) {
      const server::catalog cat(app, prefix_from_env());
      std::cout << server::pretty_json(schema_cmd->parsed() ? server::schema_of(cat)
                                                            : server::manifest_of(cat));
      return 0;
    }
    if (edge_cmds.parsed()) {
      const server::catalog cat(app, prefix_from_env());
      return server::run_edge_cli(edge_cmds, server::manifest_of(cat));
    }
    if (createuser_cmd->parsed()) {
      spec.is_staff = spec.is_staff || spec.is_superuser;  // as Django's createsuperuser
      return create_user(options, spec);
    }
    if (generate_cmd->parsed()) {
      const server::catalog cat(app, prefix_from_env());
      const auto files =
          gen::generate(server::schema_of(cat), gen::parse_framework(generate_framework));
      const auto written = gen::write_files(generate_out, files);
      std::cout << fmt::format("mizan: {} files in {}, {} changed\n", files.size(), generate_out,
                               written.size());
      return 0;
    }
    (void)serve_cmd;
    return serve(app, options);
  } catch (const server::config_error& e) {
    std::cerr << "mizan: configuration: " << e.what() << '\n';
  } catch (const std::invalid_argument& e) {
    std::cerr << e.what() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "mizan: " << e.what() << '\n';
  }
  return 2;
}

}  // namespace mizan
