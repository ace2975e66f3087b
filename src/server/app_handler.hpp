// The application's HTTP entry point: routes each request to an endpoint on
// a worker thread, except cached public contexts, answered on the spot.
#pragma once

#include "http/server.hpp"
#include "server/services.hpp"

namespace mizan::server {

class app_handler final : public http::handler {
 public:
  app_handler(services& svc, http::blocking_pool& pool) : svc_(svc), pool_(pool) {}
  void handle(const http::request& req, http::responder res) override;

 private:
  template <class Work>
  void offload(const http::request& req, http::responder res, Work work);

  services& svc_;
  http::blocking_pool& pool_;
};

}  // namespace mizan::server
