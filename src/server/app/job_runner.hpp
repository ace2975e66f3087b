// Where the protocol's work runs, for every transport: blocking work on the
// worker pool, mutations in the write lane (or on the pool when unbatched),
// with what they made stale applied once their writes are committed. The
// answer goes to a sink: an HTTP responder, or a WebSocket.
//
// A sink is a movable value with `void send(http::response&&)`,
// `bool valid() const` and `std::string describe() const` (for the log).
#pragma once

#include "http/server.hpp"
#include "mizan/db/errors.hpp"
#include "server/app/services.hpp"
#include "server/edge/edge_tagging.hpp"
#include "server/endpoints/responses.hpp"
#include "server/write_lane/write_lane.hpp"

#include <exception>
#include <memory>
#include <string>

namespace mizan::server {

/// The answer to an exception thrown while serving `what`.
http::response answer_for(std::exception_ptr thrown, std::string_view what, bool debug);

namespace jobs {

/// A mutation (a call or a view route) in the write lane.
template <class Sink, class Endpoint>
class mutation_job final : public write_job {
 public:
  mutation_job(services& svc, Sink sink, Endpoint endpoint)
      : svc_(svc), sink_(std::move(sink)), endpoint_(std::move(endpoint)) {}

  void run() override {
    answer_ = endpoint_(effects_);
    succeeded_ = true;
  }
  void failed(std::exception_ptr error) noexcept override {
    answer_ = answer_for(std::move(error), sink_.describe(), svc_.cfg.debug);
    failed_ = true;
  }
  void retry() noexcept override {
    effects_ = mutation_effects{};
    succeeded_ = false;
    caches_purged_ = false;
  }
  void purge_caches(std::vector<std::string>& edge_tags) override {
    if (!succeeded_) return;
    svc_.purge_origin_cache(effects_);
    caches_purged_ = true;
    if (svc_.edge) {
      auto mine = edge_purge_tags(svc_.cat, effects_);
      edge_tags.insert(edge_tags.end(), std::make_move_iterator(mine.begin()),
                       std::make_move_iterator(mine.end()));
    }
  }
  void finish(bool committed, std::exception_ptr why) noexcept override {
    if (succeeded_ && committed) {
      try {
        svc_.apply(effects_, caches_purged_);
      } catch (const std::exception& e) {
        // The write is committed: answer it. A stale cache entry expires.
        log_failure("invalidation after commit", e.what());
      }
    } else if (!failed_) {
      // Its writes are lost, or it never ran (the batch could not begin):
      // the batch's error is its answer.
      answer_ = answer_for(std::move(why), sink_.describe(), svc_.cfg.debug);
    }
    if (sink_.valid()) sink_.send(std::move(answer_));
  }
  std::string describe() const override { return sink_.describe(); }

 private:
  services& svc_;
  Sink sink_;
  Endpoint endpoint_;
  mutation_effects effects_;
  http::response answer_;
  bool succeeded_ = false;
  bool failed_ = false;         // its own error is its answer
  bool caches_purged_ = false;  // by the lane, for the whole batch
};

}  // namespace jobs

class job_runner {
 public:
  job_runner(services& svc, http::blocking_pool& pool, write_lane& lane)
      : svc_(svc), pool_(pool), lane_(lane) {}

  services& svc() const noexcept { return svc_; }

  /// Runs `fn()` on the pool (it must not throw).
  template <class Fn>
  void post(Fn fn) {
    pool_.post([this, fn = std::move(fn)]() mutable {
      fn();
      svc_.database.yield_connection();
    });
  }

  /// Runs `work(sink)` on the pool; an exception is answered through the sink.
  template <class Sink, class Work>
  void offload(Sink sink, Work work) {
    pool_.post([this, sink = std::move(sink), work = std::move(work)]() mutable {
      try {
        work(sink);
      } catch (...) {
        if (sink.valid()) {
          sink.send(answer_for(std::current_exception(), sink.describe(), svc_.cfg.debug));
        }
      }
      // A PostgreSQL connection goes to a thread waiting for one.
      svc_.database.yield_connection();
    });
  }

  /// Runs `endpoint(effects)`, a mutation: when `batched`, in the write lane
  /// (or, with MIZAN_WRITE_BATCH=0, in a transaction of its own on the
  /// pool), else on the pool with each statement committing alone; what it
  /// made stale is applied once its writes are committed, then its answer
  /// goes to the sink.
  template <class Sink, class Endpoint>
  void mutate(Sink sink, bool batched, Endpoint endpoint) {
    if (batched && svc_.cfg.write_batch > 0) {
      lane_.post(std::make_unique<jobs::mutation_job<Sink, Endpoint>>(svc_, std::move(sink),
                                                                      std::move(endpoint)));
      return;
    }
    offload(std::move(sink), [this, batched, endpoint = std::move(endpoint)](Sink& s) mutable {
      mutation_effects effects;
      auto answer = batched ? in_transaction(endpoint, effects) : endpoint(effects);
      svc_.apply(effects);
      s.send(std::move(answer));
    });
  }

 private:
  // Runs the endpoint in a transaction, again (at most write_lane::max_runs
  // times) if the engine aborts it for a conflict.
  template <class Endpoint>
  http::response in_transaction(Endpoint& endpoint, mutation_effects& effects) {
    auto& conn = svc_.database.connection();
    for (int run = 1;; ++run) {
      try {
        return conn.transaction([&] {
          effects = mutation_effects{};
          return endpoint(effects);
        });
      } catch (const db::conflict_error&) {
        if (run >= write_lane::max_runs) throw;
      }
    }
  }

  services& svc_;
  http::blocking_pool& pool_;
  write_lane& lane_;
};

}  // namespace mizan::server
