// What an edge cache may keep, read from the edge manifest (PROTOCOL.md §8):
// the one policy the Varnish and Worker generators both write out.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mizan::edge {

/// One declared param of a context, as the manifest names it.
struct param_rule {
  std::string name;
  std::string type;  ///< `int`, `float`, `bool` or `str`
};

/// How an edge treats GETs of one context.
struct context_rule {
  std::string name;
  std::string path;      ///< `{prefix}/ctx/{name}/`
  std::int64_t ttl = 0;  ///< seconds; 0 when not cacheable
  bool is_private = false;
  std::int64_t rev = 0;
  /// Kept at the edge: a `cache` time to live, and no guard an edge cannot
  /// check (public contexts: `auth` none; private ones: none or user, keyed
  /// by the MWT's user).
  bool cacheable = false;
  std::vector<param_rule> params;  ///< sorted by name (canonical order)
  /// A regular expression (PCRE and ECMAScript alike) that `&` followed by
  /// the raw query string (or "" when the query is empty) matches only when
  /// the query is already canonical (PROTOCOL.md §2) and names declared
  /// params only. The edge caches only such queries and
  /// passes the rest to the origin, so no spelling or junk param can
  /// multiply entries.
  std::string canonical_query;
};

/// Everything an edge generator needs.
struct edge_rules {
  std::string prefix;
  std::vector<context_rule> contexts;  ///< sorted by name
  std::string mwt_cookie = "mizan_mwt";
};

/// Reads the manifest JSON (`<app> manifest`). Throws std::invalid_argument
/// naming what is missing or malformed.
edge_rules rules_from_manifest(const boost::json::value& manifest);

/// The regular expression of one value of `type` in canonical form: its
/// encodeURIComponent spelling, and no other.
std::string canonical_value_pattern(const std::string& type);

}  // namespace mizan::edge
