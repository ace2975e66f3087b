// The application's HTTP entry point: routes each request to an endpoint on
// a worker thread, except cached public contexts, answered on the spot, and
// hands WebSocket upgrades to the real-time layer.
#pragma once

#include "http/server.hpp"
#include "server/app/job_runner.hpp"
#include "server/app/services.hpp"
#include "server/pages/page_catalog.hpp"

#include <atomic>

namespace mizan::server {

class realtime;

class app_handler final : public http::handler {
 public:
  /// `rt`, when given, serves `{prefix}/ws/`; it must outlive the handler.
  app_handler(services& svc, job_runner& runner, realtime* rt = nullptr);
  void handle(const http::request& req, http::responder res) override;
  http::upgrade_verdict check_upgrade(const http::request& req) override;
  void upgrade(http::request&& req, http::upgraded connection) override;
  void stopping() override;
  /// From now on `{prefix}/health/` answers 503.
  void draining() override { draining_.store(true); }
  /// The schema hash sent with every answer as X-Mizan-Schema (the HTTP
  /// server's response_headers); generated code holds it as `schemaHash`.
  const std::string& schema_hash() const noexcept { return svc_.schema_hash; }

 private:
  void handle_page(const http::request& req, http::responder res, page_match& page);

  services& svc_;
  job_runner& runner_;
  realtime* realtime_;
  std::atomic<bool> draining_{false};
};

}  // namespace mizan::server
