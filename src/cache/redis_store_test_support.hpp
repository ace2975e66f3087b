// Helpers shared by redis_store's tests: redis_store_test.cpp (the ctest
// run's redis-server) and redis_store_faults_test.cpp (servers of their own).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/redis_store.hpp"

namespace mizan::cache::test {

inline cached_response response(std::string body, std::string etag = "\"e\"",
                                std::string type = "application/json") {
  return {std::make_shared<const std::string>(std::move(body)), std::move(etag), std::move(type)};
}

inline entry_meta meta(std::string context,
                       std::vector<std::pair<std::string, std::string>> params = {},
                       std::string scope = "public") {
  return {std::move(context), std::move(params), std::move(scope)};
}

/// The body stored under `key`, or "<miss>".
inline std::string body_of(store& s, std::string_view key) {
  const auto hit = s.get(key);
  return hit && hit->body ? *hit->body : "<miss>";
}

inline double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace mizan::cache::test
