// Where the origin sends its edge purges: the MIZAN_EDGE_PURGE setting, read
// once at start-up. A bad entry stops the server there rather than leaving
// every cached page stale at run time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mizan::edge {

/// The purge protocol an edge speaks.
enum class purge_kind {
  varnish,     ///< `PURGE` with an `xkey-purge` header (the xkey vmod)
  cloudflare,  ///< Cloudflare's purge_cache API, by tag
  fastly,      ///< Fastly's purge API, by surrogate key
};

/// One edge to purge.
struct purge_target {
  purge_kind kind = purge_kind::varnish;
  std::string url;     ///< as configured
  bool tls = false;    ///< https
  std::string host;    ///< without the brackets of an IPv6 literal
  std::string port;    ///< "80" or "443" when the URL names none
  std::string target;  ///< path and query, e.g. "/" or "/client/v4/zones/Z/purge_cache"
};

/// The name of `kind` as MIZAN_EDGE_PURGE spells it ("varnish", ...).
std::string_view to_string(purge_kind kind);

/// Parses MIZAN_EDGE_PURGE: comma-separated `kind=url` entries, kind one of
/// varnish, cloudflare, fastly, url `http://` or `https://` host, optional
/// port (default 80 or 443) and path (default "/"), e.g.
/// "varnish=http://127.0.0.1:6081/,
/// cloudflare=https://api.cloudflare.com/client/v4/zones/Z/purge_cache".
///
/// Params: `text`, the setting; spaces around entries and empty entries
/// (a trailing comma) are ignored.
/// Returns: the targets in order; none for an empty or blank `text`.
/// Errors: throws std::invalid_argument naming the bad entry (unknown kind,
/// other scheme, no host, bad port, user info, fragment or a space or control
/// character in the URL).
/// Thread-safe.
std::vector<purge_target> parse_purge_targets(std::string_view text);

}  // namespace mizan::edge
