// The Varnish half of Mizan's edge support: a VCL that caches exactly what
// the edge manifest names, keyed the way the origin tags it, and purged by
// the origin's `PURGE` + `xkey-purge` after every committed mutation
// (docs/edge.md).
#pragma once

#include "edge/edge_rules.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mizan::edge {

/// Where Varnish finds the origin, and who may purge it.
struct varnish_options {
  std::string backend_host = "127.0.0.1";
  std::string backend_port = "8000";
  /// ACL entries allowed to PURGE: IPv4 or IPv6 addresses, optionally
  /// `/bits` (a CIDR). Host names are refused: VCL would resolve them once,
  /// at compile time.
  std::vector<std::string> purgers = {"127.0.0.1", "::1"};
};

/// A complete VCL 4.1 for Varnish 7.1 with varnish-modules (xkey, var) and
/// the bundled vmods std and blob.
///
/// Caches GETs and HEADs of the cacheable contexts of `rules` only, each
/// under its context, revision, canonical query and (private contexts) the
/// MWT cookie; passes everything else to the origin, and pipes WebSocket
/// upgrades.
///
/// Throws std::invalid_argument when a string cannot be spliced into VCL
/// safely (a `"}` or a control character) or an option is malformed.
/// Thread-safe (pure).
///
/// Example: `std::cout << varnish_vcl(rules_from_manifest(m), {});`
std::string varnish_vcl(const edge_rules& rules, const varnish_options& options);

namespace detail {

/// `s` as a VCL long string `{"..."}`, which has no escapes: refuses `"}`
/// and control characters.
std::string vcl_string(std::string_view s);

/// One `acl` line for an address or CIDR, e.g. `"10.0.0.0"/8;`.
std::string vcl_acl_entry(std::string_view entry);

/// `s` with every character a regular expression could read as syntax
/// escaped, for a cookie name spliced into a pattern.
std::string regex_literal(std::string_view s);

/// The pieces of the VCL that depend on the rules (varnish_vcl_parts.cpp).
std::string vcl_recv_contexts(const edge_rules& rules);
std::string vcl_hash_contexts(const edge_rules& rules);
std::string vcl_ttl_contexts(const edge_rules& rules);
std::string vcl_mwt_sub(const edge_rules& rules);

}  // namespace detail
}  // namespace mizan::edge
