// Everything a running application shares across threads: settings, the
// checked registry, the database, sessions, the origin cache, token checks.
#pragma once

#include "auth/jwt.hpp"
#include "cache/single_flight.hpp"
#include "cache/store.hpp"
#include "mizan/db.hpp"
#include "params/invalidation.hpp"
#include "redis/endpoint.hpp"
#include "server/app/settings.hpp"
#include "server/dispatch/missed_invalidation.hpp"
#include "server/identity/identity_services.hpp"
#include "server/pages/page_catalog.hpp"
#include "server/pages/page_document.hpp"
#include "server/registry/catalog.hpp"
#include "server/sessions/session_store.hpp"

#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace mizan::ssr {
class renderer_pool;
}
namespace mizan::edge {
class purger;
}
namespace mizan::mail {
class mailer;
}

namespace mizan::server {

/// The response of a context, as the origin cache and waiting requests share it.
struct prepared_context {
  int status = 200;
  std::shared_ptr<const std::string> body;
  std::string etag;  // with quotes
  bool from_cache = false;
  /// An error's own headers (Retry-After of a 503 or 429).
  std::vector<std::pair<std::string, std::string>> error_headers;
};

/// What a successful mutation made stale, applied once its writes are
/// committed (see write_lane).
struct mutation_effects {
  std::vector<params::invalidation_entry> invalidate;
  std::optional<std::int64_t> user_id;  ///< the caller's, for private contexts
  /// Other users whose private contexts the function changed (call::affects_user).
  std::vector<std::int64_t> other_users;
  /// The session the call ended (signed out, or rotated at sign-in), as its
  /// session_tag; "" for none.
  std::string ended_session;
  /// A user every session of whom ended (a password change).
  std::optional<std::int64_t> ended_sessions_of;
  /// The user the call signed in, if it did.
  std::optional<std::int64_t> signed_in;
  /// Channel messages the call published: channel and JSON text.
  std::vector<std::pair<std::string, std::string>> published;
  /// The socket whose call this was (ws::socket_handle::serial; 0: none): its
  /// `result` carries the entries, so pushing them to it too is redundant.
  std::uint64_t from_socket = 0;
  /// Mail the call queued (call::send_mail): sent by this instance only.
  std::vector<mizan::mail_message> mails;
};

/// Receives every committed mutation's effects, after the origin cache was
/// purged (the WebSocket push hooks in here).
using invalidation_listener = std::function<void(const mutation_effects&)>;

class services {
 public:
  services(settings s, const registry& reg);
  ~services();

  const settings cfg;
  /// cfg.allowed_origins, with the bound port once known (MIZAN_BIND=...:0).
  /// Set before serving; read-only after.
  std::vector<std::string> allowed_origins;
  const catalog cat;
  /// The registered pages (include/mizan/page.hpp).
  const page_catalog pages;
  db::database database;
  std::unique_ptr<session_store> sessions;
  /// The Redis server of MIZAN_REDIS_URL, or null.
  std::unique_ptr<redis::endpoint> redis;
  /// In memory, or on `redis` when there is one.
  std::unique_ptr<cache::store> cache;
  cache::single_flight<prepared_context> flights;
  auth::jwt_verifier jwt;
  /// The document pages are rendered into: index.html of the static directory.
  page_template_source page_html;
  /// The server-side renderers (MIZAN_SSR_BUNDLE); null: pages carry their
  /// data and no markup. Set before serving.
  std::shared_ptr<ssr::renderer_pool> renderers;
  /// Purges the edge caches (MIZAN_EDGE_PURGE); null: none. Set before
  /// serving.
  std::shared_ptr<edge::purger> edge;
  // Set up before serving; read-only after:
  /// This process's listeners (the WebSocket push).
  std::vector<invalidation_listener> listeners;
  /// Tells the other instances (fanout), after the listeners; may be empty.
  invalidation_listener broadcast;
  /// Called when this process may have missed another instance's effects (a
  /// lost connection to Redis): whatever may be stale must be refetched.
  std::vector<std::function<void()>> missed_listeners;
  const std::string schema_json;  // served at {prefix}/schema/ in debug mode
  /// gen::schema_hash of the schema: sent with every HTTP answer, and what
  /// calls are checked against (dispatch/schema_skew.hpp).
  const std::string schema_hash;
  /// Debug mode: the missed-invalidation check, which the
  /// endpoints feed with what each context and mutation touched. Null
  /// otherwise, and then the endpoints observe nothing.
  const std::unique_ptr<missed_invalidation_check> invalidation_check;
  /// Sends call::send_mail's messages: to MIZAN_SMTP_URL, or to the log.
  const std::unique_ptr<mail::mailer> mailer;
  /// The parts that identity, CSRF, sessions and `mizan::call` use.
  const identity_services identity_view{cfg, allowed_origins, jwt, sessions, database};

  /// Purges the origin cache for the effects' entries, then the edge caches
  /// (waiting up to MIZAN_EDGE_PURGE_WAIT_MS for them), tells every
  /// listener, then the other instances.
  /// `caches_purged`: the write lane purged the origin cache and the edge
  /// for its whole batch already.
  void apply(const mutation_effects& effects, bool caches_purged = false);
  /// Purges the origin cache for the effects' entries.
  void purge_origin_cache(const mutation_effects& effects);
  /// What another instance committed: the shared cache is purged already, so
  /// only the listeners hear of it.
  void apply_remote(const mutation_effects& effects);
  /// Runs the missed listeners.
  void missed();
  /// `apply` of the entries alone.
  void invalidate(std::vector<params::invalidation_entry> entries,
                  std::optional<std::int64_t> user_id) {
    mutation_effects effects;
    effects.invalidate = std::move(entries);
    effects.user_id = user_id;
    apply(effects);
  }
};

/// Mizan's own tables (users, sessions), applied before the application's.
std::span<const db::migration> framework_migrations();

}  // namespace mizan::server
