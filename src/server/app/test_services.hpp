// Test support: the settings of a services object that needs no file, no
// environment and no network (in-memory SQLite, in-memory sessions).
#pragma once

#include "server/app/settings.hpp"

#include <string>

namespace mizan::server::test {

inline settings in_memory_settings() {
  settings s;
  s.secret_key = std::string(40, 's');
  s.cache_secret = std::string(40, 'c');
  s.mwt_secret = std::string(40, 'm');
  s.database_url = "sqlite::memory:";
  s.session_store = "memory";
  s.allowed_origins = {"http://app.example"};
  return s;
}

}  // namespace mizan::server::test
