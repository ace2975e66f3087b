#include "server/app/edge_command.hpp"

#include "edge/edge_rules.hpp"
#include "edge/varnish_vcl.hpp"
#include "edge/worker_bundle.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <utility>

namespace mizan::server {
namespace {

std::pair<std::string, std::string> host_port(const std::string& option, const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    throw std::invalid_argument(fmt::format("mizan edge: {} {}: expected HOST:PORT", option, text));
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {host, text.substr(colon + 1)};
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

edge_cli add_edge_cli(CLI::App& cli) {
  edge_cli e;
  auto* edge = cli.add_subcommand("edge", "Write an edge cache's configuration from the manifest");
  edge->require_subcommand(1);
  e.varnish = edge->add_subcommand("varnish", "Print a VCL for Varnish 7.1 with xkey");
  e.varnish->add_option("--backend", e.given->backend, "The origin, HOST:PORT");
  e.varnish->add_option("--purger", e.given->purgers,
                        "An address allowed to purge (default: loopback); repeatable");
  e.worker = edge->add_subcommand("worker", "Write a Cloudflare Worker and a workerd config");
  e.worker->add_option("--out", e.given->out, "Directory to write worker.js and workerd.capnp")
      ->required();
  e.worker->add_option("--origin", e.given->origin, "The origin, HOST:PORT");
  e.worker->add_option("--listen", e.given->listen, "Where workerd listens, HOST:PORT");
  return e;
}

int run_edge_cli(const edge_cli& e, const boost::json::value& manifest) {
  const edge::edge_rules rules = edge::rules_from_manifest(manifest);
  const auto& v = *e.given;
  if (e.varnish->parsed()) {
    edge::varnish_options o;
    std::tie(o.backend_host, o.backend_port) = host_port("--backend", v.backend);
    if (!v.purgers.empty()) o.purgers = v.purgers;
    std::cout << edge::varnish_vcl(rules, o);
    return 0;
  }
  edge::worker_options o;
  (void)host_port("--origin", v.origin);
  (void)host_port("--listen", v.listen);
  o.origin = v.origin;
  o.listen = v.listen;
  const std::filesystem::path dir(v.out);
  std::filesystem::create_directories(dir);
  write_file(dir / "worker.js", edge::worker_module(rules, o));
  write_file(dir / "workerd.capnp", edge::workerd_config(o));
  std::cout << fmt::format("mizan: wrote {} and {}\n", (dir / "worker.js").string(),
                           (dir / "workerd.capnp").string());
  return 0;
}

}  // namespace mizan::server
