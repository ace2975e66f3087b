// `<app> edge varnish` and `<app> edge worker`: an edge cache's whole
// configuration, written from the manifest (docs/edge.md).
#pragma once

#include <CLI/CLI.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <vector>

namespace mizan::server {

/// The `edge` subcommands and what their options were given.
struct edge_cli {
  CLI::App* varnish = nullptr;
  CLI::App* worker = nullptr;
  struct values {
    std::string backend = "127.0.0.1:8000";
    std::vector<std::string> purgers;
    std::string out;
    std::string origin = "127.0.0.1:8000";
    std::string listen = "127.0.0.1:8787";
  };
  std::shared_ptr<values> given = std::make_shared<values>();

  bool parsed() const { return varnish->parsed() || worker->parsed(); }
};

/// Declares `edge varnish [--backend HOST:PORT] [--purger IP]...` and
/// `edge worker --out DIR [--origin HOST:PORT] [--listen HOST:PORT]` on `cli`.
edge_cli add_edge_cli(CLI::App& cli);

/// Runs the parsed one with `manifest`: prints the VCL, or writes worker.js
/// and workerd.capnp. Returns the exit status; throws std::invalid_argument
/// for a bad option.
int run_edge_cli(const edge_cli& edge, const boost::json::value& manifest);

}  // namespace mizan::server
