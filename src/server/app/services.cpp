#include "server/app/services.hpp"

#include "cache/memory_store.hpp"
#include "server/registry/schema.hpp"

#include <boost/json/serialize.hpp>

namespace mizan::server {
namespace {

auth::jwt_verifier make_verifier(const settings& s) {
  auth::jwt_verifier_config c;
  c.hs256_secret = s.secret_key;
  c.rs256_public_key_pem = s.jwt_public_key_pem;
  c.allowed_algorithms = {"HS256"};
  if (!s.jwt_public_key_pem.empty()) c.allowed_algorithms.push_back("RS256");
  return auth::jwt_verifier(std::move(c));
}

const db::migration mizan_migrations[] = {
    {"mizan_0001_users",
     "CREATE TABLE mizan_users ("
     " id INTEGER PRIMARY KEY AUTOINCREMENT,"
     " username TEXT NOT NULL UNIQUE,"
     " email TEXT NOT NULL DEFAULT '',"
     " password_hash TEXT NOT NULL,"
     " is_staff INTEGER NOT NULL DEFAULT 0,"
     " is_superuser INTEGER NOT NULL DEFAULT 0,"
     " created_at TEXT NOT NULL)"},
    {"mizan_0002_sessions",
     "CREATE TABLE mizan_sessions ("
     " key TEXT PRIMARY KEY,"
     " user_id INTEGER NOT NULL REFERENCES mizan_users(id) ON DELETE CASCADE,"
     " csrf_token TEXT NOT NULL,"
     " expires_at INTEGER NOT NULL);"
     "CREATE INDEX mizan_sessions_expiry ON mizan_sessions(expires_at)"},
    {"mizan_0003_login_failures",
     "CREATE TABLE mizan_login_failures ("
     " username TEXT NOT NULL,"
     " at INTEGER NOT NULL);"
     "CREATE INDEX mizan_login_failures_by_name ON mizan_login_failures(username, at);"
     "CREATE INDEX mizan_login_failures_by_time ON mizan_login_failures(at)"},
};

}  // namespace

std::span<const db::migration> framework_migrations() {
  return mizan_migrations;
}

services::services(settings s, const registry& reg)
    : cfg(std::move(s)),
      allowed_origins(cfg.allowed_origins),
      cat(reg, cfg.api_prefix),
      database(cfg.database_url),
      sessions(cfg.session_store == "memory" ? make_memory_session_store()
                                             : make_sqlite_session_store(database)),
      cache(std::make_unique<cache::memory_store>(cache::memory_store_options{cfg.cache_bytes})),
      jwt(make_verifier(cfg)),
      schema_json(boost::json::serialize(schema_of(cat))) {}

void services::apply(const mutation_effects& effects) {
  for (const auto& e : effects.invalidate) cache->purge(e);
  for (const auto& listener : listeners) listener(effects);
}

}  // namespace mizan::server
