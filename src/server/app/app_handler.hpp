// The application's HTTP entry point: routes each request to an endpoint on
// a worker thread, except cached public contexts, answered on the spot.
#pragma once

#include "http/server.hpp"
#include "server/app/services.hpp"
#include "server/write_lane/write_lane.hpp"

namespace mizan::server {

class app_handler final : public http::handler {
 public:
  app_handler(services& svc, http::blocking_pool& pool, write_lane& lane)
      : svc_(svc), pool_(pool), lane_(lane) {}
  void handle(const http::request& req, http::responder res) override;

 private:
  template <class Work>
  void offload(const http::request& req, http::responder res, Work work);
  /// Runs a call or view route: in the write lane when `batched`, else on
  /// the pool; what it made stale is purged once its writes are committed.
  template <class Endpoint>
  void mutate(const http::request& req, http::responder res, bool batched, Endpoint endpoint);

  services& svc_;
  http::blocking_pool& pool_;
  write_lane& lane_;
};

}  // namespace mizan::server
